#include "session/DatasetSession.h"

#include "losslens/candidates/CandidateFinder.h"
#include "losslens/review/ReviewError.h"
#include "losslens/review/ReviewLocation.h"
#include "losslens/review/ScoreIndex.h"

#include "session/Background.h"
#include "session/JobOutbox.h"

#include "losslens/loss/LossComputer.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/set/SetProcessor.h"
#include "session/MemoryPolicy.h"
#include "state/ViewSettingsStore.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <utility>

namespace losslens {

// Shared between the GUI thread and the scan's workers (the runner's control: cancel,
// finished); outlives a closed set until its workers notice the cancel flag, so closing never
// waits for them.
struct ScanState : JobControl {
    enum Owner : std::uint8_t { Free, Scan, Viewer };

    std::shared_ptr<const Dataset> dataset;
    JobOutbox<SampleOutcome> outcomes;
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

struct DatasetSession::Load {
    std::size_t entry = 0;
    // The scan this load stands in for (it claimed the entry), else null.
    std::shared_ptr<ScanState> scan;
    QFutureWatcher<SampleLoad> watcher;
};

DatasetSession::DatasetSession(QObject* parent)
    : QObject(parent) {
    connect(&m_scanRunner, &JobRunner::tick, this, &DatasetSession::drainScan);
    connect(&m_openWatcher, &QFutureWatcher<OpenResult>::finished, this, [this] {
        OpenResult result = m_openWatcher.result();
        std::shared_ptr<Dataset> dataset = std::move(result.dataset);
        const QString message = result.error;
        if (!dataset) {
            emit opened(false, message.isEmpty() ? tr("could not open %1").arg(m_path) : message);
            return;
        }
        m_dataset = std::move(dataset);
        m_runs = result.runs;
        m_rows.assign(m_dataset->entries().size(), Row{});
        for (std::size_t i = 0; i < m_rows.size(); ++i) {
            const SampleEntry& entry = m_dataset->entries()[i];
            if (!entry.complete()) {
                m_rows[i].state = Row::State::Error;
                m_rows[i].errorFile = QString::fromStdString(entry.reportFile().string());
                m_rows[i].errorMessage = QString::fromStdString(entry.problem);
            }
        }
        if (!m_dataset->config().classes.empty())
            m_classCount = static_cast<int>(m_dataset->config().classes.size());
        if (m_dataset->completeCount() == 0) {
            // Labels but no prediction yet (a training job that has not written its first):
            // the set stays open so the watcher sees predictions arrive. The same words as
            // losslens-cli, so a user can search for either.
            emit opened(false, QStringLiteral("%1: %2").arg(
                                   m_path, QString::fromStdString(noSampleReason())));
            return;
        }
        // The scan's claims exist before the window asks for its first sample, so that load
        // is the only one of that sample.
        prepareScan();
        emit opened(true, QString());
        startScan();
    });
}

DatasetSession::~DatasetSession() {
    // The scan runner waits for its workers in its own destructor.
    for (auto& load : m_loads)
        background::wait(load->watcher.future());
    background::wait(m_openWatcher.future());
}

void DatasetSession::setRun(const QString& run) {
    if (!isOpen() || run.toStdString() == m_dataset->run())
        return;
    open(m_path, run);
}

void DatasetSession::updateRuns(std::vector<std::string> runs) {
    if (runs == m_runs)
        return;
    m_runs = std::move(runs);
    emit runsChanged();
}

void DatasetSession::reload() {
    if (m_path.isEmpty())
        return;
    open(m_path, m_dataset ? QString::fromStdString(m_dataset->run()) : QString());
}

void DatasetSession::open(const QString& path, const QString& run) {
    // Reopening the same folder (another run, or files that changed) keeps the sample in view.
    m_reselect.reset();
    if (path == m_path && m_dataset && m_requested < m_dataset->entries().size())
        m_reselect = m_dataset->entries()[m_requested].stem;
    m_scanRunner.cancel(); // its workers finish on their own; results are dropped
    m_scan.reset();
    m_viewerClaims = 0;
    m_viewerLoads = 0;
    m_dataset.reset();
    m_runs.clear();
    m_rows.clear();
    m_scanned = 0;
    m_scored = false;
    m_classCount = 0;
    m_set = SetAccumulator();
    m_candidates.clear();
    m_cache.clear();
    releaseFreedMemory();
    m_requested = static_cast<std::size_t>(-1);
    m_path = path;
    emit cleared();
    const std::string folder = path.toStdString();
    background::watch(
        m_openWatcher,
        background::run([folder, limits = m_limits, wanted = run.toStdString()]() -> OpenResult {
            try {
                // A set of several runs opens on the run asked for, if it (still) exists, else on
                // its first (spec section 5: ordered by name).
                const std::vector<std::string> runs = runNames(folder);
                std::string chosen = runs.empty() ? std::string() : runs.front();
                if (std::find(runs.begin(), runs.end(), wanted) != runs.end())
                    chosen = wanted;
                return {std::make_shared<Dataset>(Dataset::open(folder, limits, chosen)), {}, runs};
            } catch (const std::exception& e) {
                return {nullptr, QString::fromStdString(e.what()), {}};
            }
        }));
}

// Without dataset.json classes the set's class list is what the predictions reveal: it
// grows when a sample with more classes is scored or loaded.
void DatasetSession::revealClasses(int classes) {
    if (!m_dataset || !m_dataset->config().classes.empty() || classes <= m_classCount)
        return;
    m_classCount = classes;
    emit classesChanged();
}

int DatasetSession::ignoreIndex() const {
    return m_dataset ? m_dataset->config().ignoreIndex : kDefaultIgnoreIndex;
}

std::vector<ClassInfo> DatasetSession::classes() const {
    if (!m_dataset)
        return {};
    return m_dataset->config().classesFor(m_classCount);
}

float DatasetSession::setMaxDifference(std::size_t a, std::size_t b) const {
    return m_set.maxDifference(a, b);
}

bool DatasetSession::scanFinished() const {
    return !m_scan || (m_scan->finished.load() && m_viewerClaims == 0);
}

std::size_t DatasetSession::sampleLoads() const {
    return m_viewerLoads + (m_scan ? m_scan->loads.load() - m_scan->recalled.load() : 0);
}

std::size_t DatasetSession::recalledSamples() const {
    return m_scan ? m_scan->recalled.load() : 0;
}

QString DatasetSession::reviewDatabase() const {
    return m_reviewDatabase.isEmpty() ? chosenReviewDatabase(QSettings(), m_path)
                                      : m_reviewDatabase;
}

QString DatasetSession::scanReport() const {
    QString text = tr("Scored %1 samples").arg(m_scanned);
    if (const std::size_t recalled = recalledSamples(); recalled > 0)
        text += tr(" (%1 unchanged, from the kept scores)").arg(recalled);
    if (const QString problem = scoreIndexProblem(); !problem.isEmpty())
        text += tr("; scores not kept: %1").arg(problem);
    return text;
}

QString DatasetSession::scoreIndexProblem() const {
    if (!m_scan)
        return {};
    std::lock_guard lock(m_scan->mutex);
    return QString::fromStdString(m_scan->indexProblem);
}

void DatasetSession::prepareScan() {
    auto scan = std::make_shared<ScanState>();
    scan->dataset = m_dataset;
    scan->entries = m_dataset->entries().size();
    scan->owners = std::make_unique<std::atomic<std::uint8_t>[]>(scan->entries);
    if (m_scoreIndexUsed)
        scan->indexPath =
            reviewLocation(m_path.toStdString(), reviewDatabase().toStdString()).database.string();
    m_scan = std::move(scan);
}

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
            scan.outcomes.push(std::move(outcome));
        },
        // The candidates from the scan's own load of the sample, as the CLI finds them.
        [&](std::size_t entry, const LoadedSample& sample, const LossResult& result) {
            KeptCandidates kept;
            kept.found = candidatesOf(sample, result.summary.missing, dataset.entries()[entry].stem,
                                      dataset.run());
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

void DatasetSession::startScan() {
    const std::shared_ptr<ScanState> scan = m_scan;
    // Every core, as losslens-cli stats: the GUI thread only drains finished rows, and the
    // viewer's load of the sample in view claims its entry, so it is never loaded twice.
    const int jobs = defaultJobs();
    m_scanRunner.start(scan, [scan, jobs] { runScan(*scan, jobs); });
    m_setChangeClock.invalidate(); // the first rows' figures are shown at once
}

void DatasetSession::drainScan() {
    if (!m_scan)
        return;
    // Read before taking: whatever the workers pushed before they finished is in this batch.
    const bool finished = m_scan->finished.load();
    std::vector<SampleOutcome> batch = m_scan->outcomes.take();
    std::vector<std::pair<std::size_t, std::vector<Candidate>>> candidates =
        m_scan->candidates.take();
    addCandidates(candidates);
    addRows(batch);
    // The viewer's loads of entries it claimed fill their rows when they arrive.
    const bool done = finished && m_viewerClaims == 0;
    if (done || !m_setChangeClock.isValid() || m_setChangeClock.hasExpired(1000))
        announceSetChange();
    if (done) {
        m_scanRunner.finish();
        m_scored = true;
        emit scanCompleted();
    }
}

void DatasetSession::addRows(std::vector<SampleOutcome>& batch) {
    if (batch.empty())
        return;
    std::size_t first = batch.front().entry;
    std::size_t last = first;
    const float oldMax = m_set.maxLoss();
    const std::vector<float> oldDifferences = m_set.maxDifferences();
    for (SampleOutcome& outcome : batch) {
        Row row;
        row.state = outcome.ok ? Row::State::Ok : Row::State::Error;
        row.errorFile = QString::fromStdString(outcome.errorFile);
        row.errorMessage = QString::fromStdString(outcome.errorMessage);
        for (const auto& w : outcome.warnings)
            row.warnings << QString::fromStdString(w);
        if (outcome.ok) {
            m_set.add(outcome.summary, &outcome.statistics);
            revealClasses(outcome.summary.classes);
            // Rows stay small: the set keeps the per-class sums and the statistics.
            row.summary = std::move(outcome.summary);
            row.summary.classSums = {};
            row.summary.classReduced = {};
        }
        const std::size_t i = outcome.entry;
        m_rows[i] = std::move(row);
        first = std::min(first, i);
        last = std::max(last, i);
        ++m_scanned;
    }
    emit rowsChanged(static_cast<int>(first), static_cast<int>(last));
    emit scanProgress(static_cast<int>(m_scanned),
                      static_cast<int>(m_dataset ? m_dataset->completeCount() : 0));
    if (m_set.maxLoss() != oldMax || m_set.maxDifferences() != oldDifferences)
        emit rangeChanged();
}

void DatasetSession::setDecisions(DecisionsByStem decisions) {
    m_candidates.setDecisions(std::move(decisions));
    emit candidatesChanged();
}

void DatasetSession::setDecisionsOf(const std::string& stem,
                                    std::vector<ReviewDecision> decisions) {
    m_candidates.setDecisionsOf(stem, std::move(decisions));
    emit candidatesChanged();
}

void DatasetSession::addCandidates(
    std::vector<std::pair<std::size_t, std::vector<Candidate>>>& batch) {
    if (batch.empty())
        return;
    m_candidates.setMany(batch);
    m_candidatesGrew = true;
}

void DatasetSession::announceSetChange() {
    m_setChangeClock.start();
    if (std::exchange(m_candidatesGrew, false))
        emit candidatesChanged();
    emit setChanged();
}

void DatasetSession::requestSample(std::size_t entry) {
    if (!m_dataset || entry >= m_dataset->entries().size())
        return;
    m_requested = entry;
    if (SampleDataPtr data = m_cache.get(entry)) {
        emit sampleReady(data);
        prefetch(entry);
        return;
    }
    const SampleEntry& e = m_dataset->entries()[entry];
    if (!e.complete()) {
        emit sampleFailed(entry, QString::fromStdString(e.reportFile().string()),
                          QString::fromStdString(e.problem));
        return;
    }
    for (const auto& load : m_loads)
        if (load->entry == entry)
            return; // already on its way
    auto load = std::make_unique<Load>();
    load->entry = entry;
    if (m_scan && m_scan->claim(entry, ScanState::Viewer)) {
        load->scan = m_scan;
        ++m_viewerClaims;
    }
    ++m_viewerLoads;
    Load* raw = load.get();
    connect(&raw->watcher, &QFutureWatcher<SampleLoad>::finished, this,
            [this, raw] { loadFinished(*raw); });
    background::watch(raw->watcher,
                      background::run([dataset = m_dataset, entry, kept = m_keptMapBytes] {
                          return loadSample(*dataset, entry, kept);
                      }));
    m_loads.push_back(std::move(load));
}

void DatasetSession::loadFinished(Load& load) {
    SampleLoad result = load.watcher.result();
    const std::size_t loaded = load.entry;
    const bool standsIn = load.scan != nullptr && load.scan == m_scan;
    std::erase_if(m_loads, [&load](const auto& l) { return l.get() == &load; });
    const SampleDataPtr data = result.data;
    const QString file = QString::fromStdString(result.outcome.errorFile);
    const QString message = QString::fromStdString(result.outcome.errorMessage);
    if (standsIn) {
        // The scan skipped this entry for the viewer: its row is this load's outcome.
        if (data) {
            std::vector<std::pair<std::size_t, std::vector<Candidate>>> found;
            found.emplace_back(loaded, data->candidates);
            addCandidates(found);
        }
        std::vector<SampleOutcome> outcome;
        outcome.push_back(std::move(result.outcome));
        addRows(outcome);
        --m_viewerClaims;
    }
    if (data) {
        m_cache.put(loaded, data);
        revealClasses(data->sample.prediction.classes());
        if (loaded == m_requested) {
            emit sampleReady(data);
            prefetch(loaded);
        }
    } else if (loaded == m_requested) {
        emit sampleFailed(loaded, file, message);
    }
}

void DatasetSession::prefetch(std::size_t entry) {
    // Warm the neighbours so stepping through the list is instant; never more than two
    // loads in flight, so prefetching cannot pile up behind fast key repeat.
    if (!m_dataset || m_loads.size() >= 2)
        return;
    // Not beside a sample that alone takes half the cache: a neighbour as big would double
    // what the window holds (two 8192 x 8192 samples), for a step the user may never take.
    if (const SampleDataPtr shown = m_cache.get(entry);
        shown && shown->bytes() > m_cache.byteBudget() / 2)
        return;
    const std::size_t requested = m_requested;
    for (std::size_t next : {entry + 1, entry - 1}) {
        // Not one known to fail (its row says why; a change of its files reopens the set).
        if (next >= m_dataset->entries().size() || !m_dataset->entries()[next].complete() ||
            m_rows[next].state == Row::State::Error || m_cache.get(next))
            continue;
        requestSample(next);
        m_requested = requested;
        break;
    }
    (void)m_cache.get(entry); // keep the viewed sample the most recent
}

} // namespace losslens
