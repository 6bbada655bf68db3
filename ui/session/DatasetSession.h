#pragma once

#include "losslens/io/ClassInfo.h"
#include "losslens/io/Dataset.h"
#include "losslens/set/LossHistogram.h"
#include "losslens/set/SetAccumulator.h"
#include "losslens/set/SetReport.h"
#include "losslens/set/SetSummary.h"
#include "session/CandidateStore.h"
#include "session/SampleCache.h"
#include "session/SampleData.h"
#include "session/SetScan.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace losslens {

// The open data set and all work on it, off the GUI thread: opening (listing the folder),
// the background scan (SetScan) that scores every sample for the table, plots and the shared
// heatmap range, and on-demand loading of the sample being viewed into a bounded cache. The
// totals are core's SetAccumulator: this class adds the threading and the conversion to Qt.
class DatasetSession : public QObject {
    Q_OBJECT
public:
    struct Row {
        enum class State { Pending, Ok, Error };
        State state = State::Pending;
        SampleSummary summary; // per-class sums dropped to keep rows small
        QString errorFile;
        QString errorMessage;
        QStringList warnings;
    };

    explicit DatasetSession(QObject* parent = nullptr);
    ~DatasetSession() override;

    // Starts opening a folder; emits opened() when listed (or failed), then scans. `run`
    // picks one of a set's runs (spec section 5); empty or gone: the first.
    void open(const QString& path, const QString& run = {});
    // The same folder on another run / again (its files changed): the stem in view is kept
    // (reselectStem) for the window to select again.
    void setRun(const QString& run);
    void reload();
    // New or removed run folders, seen while the set is open (SetWatcher): the list only;
    // the run in view stays.
    void updateRuns(std::vector<std::string> runs);
    [[nodiscard]] const std::optional<std::string>& reselectStem() const { return m_reselect; }
    // Per-sample caps for the next open (losslens --max-pixels / --max-classes).
    void setLimits(const DataLimits& limits) { m_limits = limits; }
    // The review database to use instead of each set's own (losslens --review-db PATH);
    // empty: the one chosen for the open set in the window (chooseReviewDatabase), else its
    // default place (spec section 7). Read when a set opens and when a scan starts.
    void setReviewDatabase(const QString& path) { m_reviewDatabase = path; }
    // The open set's: --review-db's, else the window's choice for it, else empty (the default).
    [[nodiscard]] QString reviewDatabase() const;
    // losslens --review-db chose the database for every set.
    [[nodiscard]] bool reviewDatabaseFixed() const { return !m_reviewDatabase.isEmpty(); }
    // Whether the scan takes unchanged samples from the score index kept in that database
    // and keeps what it scores there (losslens --no-index: false). Read when a scan starts.
    void setScoreIndexUsed(bool used) { m_scoreIndexUsed = used; }
    // Samples of the last scan taken from the score index, and why the index was off or
    // stopped keeping ("" when it worked); both final once scanCompleted() was emitted.
    [[nodiscard]] std::size_t recalledSamples() const;
    [[nodiscard]] QString scoreIndexProblem() const;
    // What the last scan did, for the status bar: "Scored 10000 samples (9990 unchanged,
    // from the kept scores)".
    [[nodiscard]] QString scanReport() const;
    [[nodiscard]] const DataLimits& limits() const { return m_limits; }
    // A viewed sample keeps its loss maps while they take at most this many bytes, else
    // scores the pixels it draws (SampleData); for the next load.
    void setKeptMapBytes(std::size_t bytes) { m_keptMapBytes = bytes; }
    [[nodiscard]] bool isOpen() const { return m_dataset != nullptr; }
    // Open, with stems listed, but not one with a prediction yet: a training job's folder
    // before its first predictions. The window waits (the set watcher reopens the set when
    // predictions or run folders appear) instead of reporting an error.
    [[nodiscard]] bool waitingForPredictions() const {
        return m_dataset != nullptr && m_dataset->completeCount() == 0 &&
               !m_dataset->entries().empty();
    }
    [[nodiscard]] QString path() const { return m_path; }
    [[nodiscard]] const Dataset* dataset() const { return m_dataset.get(); }
    [[nodiscard]] std::shared_ptr<const Dataset> sharedDataset() const { return m_dataset; }
    // The set's runs (spec section 5; empty for one prediction set); the open one is
    // dataset()->run().
    [[nodiscard]] const std::vector<std::string>& runs() const { return m_runs; }
    [[nodiscard]] int ignoreIndex() const;
    [[nodiscard]] std::vector<ClassInfo> classes() const;
    [[nodiscard]] int classCount() const { return m_classCount; }

    [[nodiscard]] const std::vector<Row>& rows() const { return m_rows; }
    [[nodiscard]] std::size_t scannedCount() const { return m_scanned; }
    [[nodiscard]] bool scanFinished() const;
    // Every sample scored and its row in (scanCompleted has been emitted for this set).
    [[nodiscard]] bool isScored() const { return m_scored; }
    [[nodiscard]] float setMax() const { return m_set.maxLoss(); }
    // Largest |A - B| between two variants over the samples scanned so far.
    [[nodiscard]] float setMaxDifference(std::size_t a, std::size_t b) const;
    [[nodiscard]] const SetSummary& setSummary() const { return m_set.summary(); }
    [[nodiscard]] const std::vector<LossHistogram>& setHistograms() const {
        return m_set.histograms();
    }
    [[nodiscard]] const LossQuantiles& setQuantiles() const { return m_set.quantiles(); }
    // The candidates (spec section 6, default options) of the samples scored so far, ranked
    // over the set; candidatesChanged() says when more arrived.
    [[nodiscard]] const CandidateStore& candidates() const { return m_candidates; }
    // The set's review decisions (ReviewKeeper reads them): applied to the candidates kept
    // and to those the scan finds later; candidatesChanged() follows.
    void setDecisions(DecisionsByStem decisions);
    void setDecisionsOf(const std::string& stem, std::vector<ReviewDecision> decisions);

    // How many times this set's samples were loaded (the scan's and the viewer's loads): a
    // sample the viewer loads before the scan reaches it is not loaded again by the scan;
    // one taken from the score index is not loaded at all.
    [[nodiscard]] std::size_t sampleLoads() const;

    // Loads and scores a sample off the GUI thread; emits sampleReady or sampleFailed.
    // A cached sample is delivered at once (still through the signal).
    void requestSample(std::size_t entry);
    [[nodiscard]] SampleDataPtr cachedSample(std::size_t entry) { return m_cache.get(entry); }
    [[nodiscard]] std::size_t requestedSample() const { return m_requested; }

signals:
    // The previous set's rows and samples are gone (open() started); opened() follows.
    void cleared();
    void opened(bool ok, const QString& message);
    void runsChanged();
    // classes() grew: a sample revealed more classes than dataset.json names (it names none).
    void classesChanged();
    void rowsChanged(int first, int last);
    void scanProgress(int done, int total);
    // The set-wide figures grew (summary, histograms; candidatesChanged comes with it): at most
    // once a second while a scan runs, and when it ends. The set's plots, comparison and sort
    // follow this, not each 100 ms batch of rows: rebuilding them for every batch took a third
    // of a core from the scan of 10,000 samples.
    void setChanged();
    void scanCompleted();
    void rangeChanged();
    void candidatesChanged();
    void sampleReady(losslens::SampleDataPtr data);
    void sampleFailed(qulonglong entry, const QString& file, const QString& message);

private:
    void prepareScan();
    void startScan();
    void drainScan();
    // `gathered`: the batch's figures, when its outcomes no longer hold them (SetScan::Batch).
    void addRows(std::vector<SampleOutcome>& batch, const SetAccumulator* gathered = nullptr);
    void addCandidates(std::vector<std::pair<std::size_t, std::vector<Candidate>>>& batch);
    void announceSetChange();
    struct Load;
    void loadFinished(Load& load);
    void prefetch(std::size_t entry);
    void revealClasses(int classes);

    QString m_path;
    QString m_reviewDatabase;
    bool m_scoreIndexUsed = true;
    DataLimits m_limits;
    std::size_t m_keptMapBytes = SampleData::kKeptMapBytes;
    std::shared_ptr<const Dataset> m_dataset;
    QElapsedTimer m_setChangeClock; // since the last setChanged
    bool m_candidatesGrew = false;  // candidatesChanged is due with the next setChanged
    std::vector<std::string> m_runs;
    std::optional<std::string> m_reselect;
    SetScan m_scan;
    std::vector<Row> m_rows;
    std::size_t m_scanned = 0;
    bool m_scored = false;
    int m_classCount = 0;
    SetAccumulator m_set; // core's: the same totals as losslens-cli stats
    CandidateStore m_candidates;
    struct OpenResult {
        std::shared_ptr<Dataset> dataset;
        QString error;
        std::vector<std::string> runs;
    };
    QFutureWatcher<OpenResult> m_openWatcher;

    SampleCache m_cache{12};
    std::size_t m_requested = static_cast<std::size_t>(-1);
    std::size_t m_viewerClaims = 0; // loads standing in for the scan, not yet arrived
    std::size_t m_viewerLoads = 0;
    std::vector<std::unique_ptr<Load>> m_loads;
};

} // namespace losslens
