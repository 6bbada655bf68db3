#pragma once

#include "losslens/candidates/Candidate.h"
#include "losslens/io/Dataset.h"
#include "losslens/set/SampleOutcome.h"
#include "losslens/set/SetAccumulator.h"
#include "session/JobRunner.h"

#include <QObject>
#include <QString>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace losslens {

struct ScanState;

// The open set's background scan: core's scanSet on every core (as losslens-cli stats), each
// sample's row and candidates handed to the GUI thread in batches (take() on tick()), and
// unchanged samples from the score index. The viewer may claim an entry before the scan
// reaches it (claimForViewer): the scan then skips it and the viewer's load makes its row,
// so a sample is never loaded twice at once.
class SetScan : public QObject {
    Q_OBJECT
public:
    struct Batch {
        // Complete stems only, in completion order. An ok outcome's figures (its statistics,
        // its per-class sums) are already in `set` or an earlier batch's, and not in the
        // outcome: the workers gather them, so what they allocated is freed where it was
        // allocated and the GUI thread merges one accumulator a tick.
        std::vector<SampleOutcome> outcomes;
        SetAccumulator set;
        std::vector<std::pair<std::size_t, std::vector<Candidate>>> candidates;
        bool workDone = false; // the workers have returned: this batch is the last
    };

    explicit SetScan(QObject* parent = nullptr);
    ~SetScan() override;

    // A scan of `dataset` whose claims exist from now on (before start(), so the window's
    // first load claims its sample); `indexPath` is the score index's database ("": none).
    // The scan before is dropped.
    void prepare(std::shared_ptr<const Dataset> dataset, std::string indexPath);
    void start(int jobs);
    // No scan: a running one's workers finish on their own and their results are dropped.
    void reset();
    [[nodiscard]] Batch take();
    // The last batch is taken: ticks stop.
    void finish();

    // Whether a scan was prepared (and not reset since), and which: a load that claimed an
    // entry makes its row only for the scan it claimed from.
    [[nodiscard]] bool exists() const { return m_state != nullptr; }
    [[nodiscard]] std::uint64_t generation() const { return m_generation; }
    // The viewer loads `entry` instead of the scan; false when the scan (or an earlier
    // viewer load) has it, or there is no scan.
    [[nodiscard]] bool claimForViewer(std::size_t entry);
    // The workers have returned (true without a scan).
    [[nodiscard]] bool workDone() const;
    // Samples the scan loaded itself, and those it took from the score index.
    [[nodiscard]] std::size_t loads() const;
    [[nodiscard]] std::size_t recalled() const;
    // Why the score index was off or stopped keeping ("" when it worked).
    [[nodiscard]] QString indexProblem() const;

signals:
    void tick();

private:
    std::shared_ptr<ScanState> m_state;
    std::uint64_t m_generation = 0;
    JobRunner m_runner{std::chrono::milliseconds(100)};
};

} // namespace losslens
