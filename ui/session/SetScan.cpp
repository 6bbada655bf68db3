#include "session/SetScan.h"

#include "losslens/candidates/CandidateFinder.h"
#include "losslens/review/ReviewError.h"
#include "losslens/review/ScoreIndex.h"
#include "losslens/set/SetProcessor.h"
#include "session/JobOutbox.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <utility>

namespace losslens {

// Shared between the GUI thread and the scan's workers (the runner's control: cancel,
// finished); outlives a closed set until its workers notice the cancel flag, so closing never
// waits for them.
struct ScanState : JobControl {
    enum Owner : std::uint8_t { Free, Scan, Viewer };

    std::shared_ptr<const Dataset> dataset;
    JobOutbox<SampleOutcome> outcomes;
    std::mutex setMutex;
    SetAccumulator set; // under setMutex: the figures of the outcomes not yet taken
    JobOutbox<std::pair<std::size_t, std::vector<Candidate>>> candidates;
    // Who loads each entry: the scan, or the viewer (whose load then fills the row), so a
    // sample is never loaded twice at once. The first to claim an entry has it.
    std::unique_ptr<std::atomic<std::uint8_t>[]> owners;
    std::size_t entries = 0;
    std::atomic<std::size_t> loads{0};    // claimed by the scan
    std::atomic<std::size_t> recalled{0}; // of those, taken from the score index
    // The score index's database ("": none) and, once the scan ends, why it was off.
    std::string indexPath;
    std::mutex mutex;
    std::string indexProblem; // under mutex

    bool claim(std::size_t entry, Owner who) {
        if (entry >= entries)
            return false;
        std::uint8_t expected = Free;
        return owners[entry].compare_exchange_strong(expected, who);
    }
};

namespace {

// The score index the scan reads and fills (spec section 7), or null: --no-index, or a
// database that cannot be used (the scan's indexProblem says why).
std::unique_ptr<ScoreIndex> openScanIndex(ScanState& scan, Dataset::Image images) {
    if (scan.indexPath.empty())
        return nullptr;
    try {
        return std::make_unique<ScoreIndex>(scan.indexPath, *scan.dataset,
                                            ScoreIndex::Options{true, images, CandidateOptions{}});
    } catch (const ReviewError& e) {
        std::lock_guard lock(scan.mutex);
        scan.indexProblem = e.what();
    }
    return nullptr;
}

// The scan's job, on a background thread: every row and each sample's candidates into the
// scan's pending lists, unchanged samples from the score index.
void runScan(ScanState& scan, int jobs) {
    ProcessOptions options;
    options.jobs = jobs;
    options.cancel = &scan.cancel;
    options.statistics = true;
    options.images = Dataset::Image::Check; // the viewer decodes the image it shows
    // The candidates read the sample and the summary's missing classes, never a map: with
    // maps, every sample made six maps and its masks in fresh pages (zeroing them was 40% of
    // the scan's time on a 21-class set).
    options.maps = false;
    options.candidatePixels = true; // the candidates read only the pixels the pass marked
    options.claim = [&scan](std::size_t entry) {
        if (!scan.claim(entry, ScanState::Scan))
            return false;
        ++scan.loads;
        return true;
    };
    const Dataset& dataset = *scan.dataset;
    const auto addCandidates = [&](std::size_t entry, std::vector<Candidate> found) {
        scan.candidates.push({entry, std::move(found)});
    };
    std::unique_ptr<ScoreIndex> index = openScanIndex(scan, options.images);
    std::optional<CandidateScanIndex> recall;
    if (index) {
        recall.emplace(*index, [&](std::size_t entry, KeptCandidates& kept) {
            ++scan.recalled;
            addCandidates(entry, std::move(kept.found));
        });
        options.index = &*recall;
    }
    (void)scanSet(
        dataset, options,
        [&](SampleOutcome& outcome) {
            // Incomplete stems were made error rows when the set opened.
            if (!dataset.entries()[outcome.entry].complete())
                return;
            if (outcome.ok) {
                std::lock_guard lock(scan.setMutex);
                scan.set.add(outcome.summary, &outcome.statistics);
            }
            // The row keeps neither; they are freed on this thread, which allocated them (a
            // free on the GUI thread of each sample's thirty small blocks made the workers'
            // allocations slow: 0.25 s of CPU in a scan of 10,000 small samples).
            outcome.statistics = SampleStatistics();
            outcome.summary.classSums = {};
            outcome.summary.classReduced = {};
            scan.outcomes.push(std::move(outcome));
        },
        // The candidates from the scan's own load of the sample, as the CLI finds them.
        [&](std::size_t entry, const LoadedSample& sample, const LossResult& result) {
            KeptCandidates kept;
            kept.found = candidatesOf(sample, result.summary.missing, dataset.entries()[entry].stem,
                                      dataset.run(), {}, result.candidatePixels);
            kept.width = sample.labels.width();
            kept.height = sample.labels.height();
            if (index)
                index->keepCandidates(entry, kept);
            addCandidates(entry, std::move(kept.found));
        });
    if (index) {
        index->flush();
        std::lock_guard lock(scan.mutex);
        scan.indexProblem = index->problem();
    }
}

} // namespace

SetScan::SetScan(QObject* parent)
    : QObject(parent) {
    connect(&m_runner, &JobRunner::tick, this, &SetScan::tick);
}

SetScan::~SetScan() = default; // the runner waits for the workers

void SetScan::prepare(std::shared_ptr<const Dataset> dataset, std::string indexPath) {
    reset();
    auto scan = std::make_shared<ScanState>();
    scan->entries = dataset->entries().size();
    scan->dataset = std::move(dataset);
    scan->owners = std::make_unique<std::atomic<std::uint8_t>[]>(scan->entries);
    scan->indexPath = std::move(indexPath);
    m_state = std::move(scan);
}

void SetScan::start(int jobs) {
    if (!m_state)
        return;
    const std::shared_ptr<ScanState> scan = m_state;
    m_runner.start(scan, [scan, jobs] { runScan(*scan, jobs); });
}

void SetScan::reset() {
    m_runner.cancel(); // its workers finish on their own; results are dropped
    m_state.reset();
    ++m_generation;
}

SetScan::Batch SetScan::take() {
    Batch batch;
    if (!m_state)
        return batch;
    // Read before taking: whatever the workers pushed before they finished is in this batch.
    batch.workDone = m_state->finished.load();
    batch.outcomes = m_state->outcomes.take();
    {
        std::lock_guard lock(m_state->setMutex);
        batch.set = std::exchange(m_state->set, SetAccumulator());
    }
    batch.candidates = m_state->candidates.take();
    return batch;
}

void SetScan::finish() {
    m_runner.finish();
}

bool SetScan::claimForViewer(std::size_t entry) {
    return m_state && m_state->claim(entry, ScanState::Viewer);
}

bool SetScan::workDone() const {
    return !m_state || m_state->finished.load();
}

std::size_t SetScan::loads() const {
    return m_state ? m_state->loads.load() - m_state->recalled.load() : 0;
}

std::size_t SetScan::recalled() const {
    return m_state ? m_state->recalled.load() : 0;
}

QString SetScan::indexProblem() const {
    if (!m_state)
        return {};
    std::lock_guard lock(m_state->mutex);
    return QString::fromStdString(m_state->indexProblem);
}

} // namespace losslens
