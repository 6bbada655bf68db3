#pragma once

#include "losslens/io/DataLimits.h"
#include "losslens/io/FileStamp.h"
#include "losslens/loss/SampleSummary.h"
#include "losslens/set/SetSummary.h"
#include "session/JobRunner.h"

#include <QObject>
#include <QString>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace losslens {

class DatasetSession;
class ViewState;

// Every run of the open set scored, so the sample table, the plots and the Compare dock can
// put the runs side by side (spec section 5): the open run's numbers are the session's own
// scan; the others are scored here, in the background, once the session's scan is done (it
// keeps the cores for the run in view until then). Scores are kept per run and stem with the
// size and modification time of the label and prediction files they came from, so switching
// runs or reopening rescoring only files that changed (a training job's new checkpoint).
// The runs are compared on the view state's heatmap variant, and the open run against the
// state's "vs" run (else the first other run).
class RunScores : public QObject {
    Q_OBJECT
public:
    RunScores(DatasetSession* session, ViewState* state, QObject* parent = nullptr);
    ~RunScores() override;

    [[nodiscard]] std::size_t variant() const { return m_variant; }
    // The run the open one is compared with: the vs run if it is another run of the set,
    // else the first other run; empty for a set of one prediction set.
    [[nodiscard]] std::string otherRun() const;
    // The open run, or empty.
    [[nodiscard]] std::string openRun() const;
    [[nodiscard]] const std::vector<std::string>& runs() const;
    // The session's entries (the rows of every run's figures).
    [[nodiscard]] std::size_t entryCount() const;

    // The stem of the session's entry `entry` scored in `run`: null while pending, when the
    // run lacks the stem or it failed (problem() says which).
    [[nodiscard]] const SampleSummary* summary(const std::string& run, std::size_t entry) const;
    [[nodiscard]] QString problem(const std::string& run, std::size_t entry) const;
    // The chosen variant's mean in `run`, and the open run's minus the other run's.
    [[nodiscard]] std::optional<double> mean(const std::string& run, std::size_t entry) const;
    [[nodiscard]] std::optional<double> change(std::size_t entry) const;
    // The run's set totals over its scored stems (set means as losslens-cli stats --run).
    [[nodiscard]] SetSummary setSummary(const std::string& run) const;
    // Other runs being scored in the background, and how many of their stems are left.
    [[nodiscard]] bool scoring() const { return m_job != nullptr; }
    [[nodiscard]] std::size_t pending() const { return m_pending; }

    // A file's size and modification time (ns): what tells a score is stale.
    using Stamp = FileStamp;

signals:
    // New scores arrived, or what is compared changed (variant, vs run, the run list).
    void scoresChanged();

private:
    struct Score {
        Stamp label;
        Stamp prediction;
        bool ok = false;
        SampleSummary summary; // per-class figures dropped
        std::string problem;
    };
    struct Job;
    using RunCache = std::unordered_map<std::string, Score>;
    // The open run's stems with their files, for the worker to stamp.
    struct Imported {
        std::string stem, label, prediction;
        Score score;
    };
    using StemStamps = std::unordered_map<std::string, std::pair<Stamp, Stamp>>;

    void start();
    [[nodiscard]] std::vector<Imported> importOpenRun() const;
    static void scoreRun(const std::string& root, const DataLimits& limits, const std::string& run,
                         const StemStamps& known, int jobs, Job& job);
    void cancel();
    void drain();

    DatasetSession* m_session;
    ViewState* m_state;
    std::size_t m_variant = 0; // the state's heatmap variant, to tell when it changes
    QString m_path;
    Stamp m_config; // dataset.json's: a change there (label_sets) makes every score stale
    std::map<std::string, RunCache> m_cache;
    std::shared_ptr<Job> m_job;
    std::size_t m_pending = 0;
    JobRunner m_runner{std::chrono::milliseconds(200)};
};

} // namespace losslens
