#include "session/DatasetSession.h"

#include "losslens/review/ReviewLocation.h"

#include "session/ThreadPool.h"

#include "losslens/set/SetProcessor.h"
#include "session/MemoryPolicy.h"
#include "state/ViewSettingsStore.h"

#include <algorithm>
#include <utility>

namespace losslens {

struct DatasetSession::Load {
    std::size_t entry = 0;
    // The scan this load stands in for (it claimed the entry from it), else 0.
    std::uint64_t scan = 0;
    QFutureWatcher<SampleLoad> watcher;
};

DatasetSession::DatasetSession(QObject* parent)
    : QObject(parent) {
    connect(&m_scan, &SetScan::tick, this, &DatasetSession::drainScan);
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
        pool::wait(load->watcher.future());
    pool::wait(m_openWatcher.future());
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
    pool::watch(
        m_openWatcher,
        pool::run([folder, limits = m_limits, wanted = run.toStdString()]() -> OpenResult {
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
    return m_scan.workDone() && m_viewerClaims == 0;
}

std::size_t DatasetSession::sampleLoads() const {
    return m_viewerLoads + m_scan.loads();
}

std::size_t DatasetSession::recalledSamples() const {
    return m_scan.recalled();
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
    return m_scan.indexProblem();
}

void DatasetSession::prepareScan() {
    m_scan.prepare(
        m_dataset,
        m_scoreIndexUsed
            ? reviewLocation(m_path.toStdString(), reviewDatabase().toStdString()).database.string()
            : std::string());
}

void DatasetSession::startScan() {
    // Every core, as losslens-cli stats: the GUI thread only drains finished rows, and the
    // viewer's load of the sample in view claims its entry, so it is never loaded twice.
    m_scan.start(defaultJobs());
    m_setChangeClock.invalidate(); // the first rows' figures are shown at once
}

void DatasetSession::drainScan() {
    if (!m_scan.exists())
        return;
    SetScan::Batch batch = m_scan.take();
    addCandidates(batch.candidates);
    addRows(batch.outcomes, &batch.set);
    // The viewer's loads of entries it claimed fill their rows when they arrive.
    const bool done = batch.workDone && m_viewerClaims == 0;
    if (done || !m_setChangeClock.isValid() || m_setChangeClock.hasExpired(1000))
        announceSetChange();
    if (done) {
        m_scan.finish();
        m_scored = true;
        emit scanCompleted();
        if (m_cache.get(m_requested))
            prefetch(m_requested);
    }
}

void DatasetSession::addRows(std::vector<SampleOutcome>& batch, const SetAccumulator* gathered) {
    const float oldMax = m_set.maxLoss();
    const std::vector<float> oldDifferences = m_set.maxDifferences();
    // A worker gathers a sample's figures before it hands over its row: they may come a
    // batch before it.
    if (gathered != nullptr)
        m_set.merge(*gathered);
    const bool rangeMoved = m_set.maxLoss() != oldMax || m_set.maxDifferences() != oldDifferences;
    if (batch.empty()) {
        if (rangeMoved)
            emit rangeChanged();
        return;
    }
    std::size_t first = batch.front().entry;
    std::size_t last = first;
    for (SampleOutcome& outcome : batch) {
        Row row;
        row.state = outcome.ok ? Row::State::Ok : Row::State::Error;
        row.errorFile = QString::fromStdString(outcome.errorFile);
        row.errorMessage = QString::fromStdString(outcome.errorMessage);
        for (const auto& w : outcome.warnings)
            row.warnings << QString::fromStdString(w);
        if (outcome.ok) {
            if (gathered == nullptr)
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
    if (rangeMoved || m_set.maxLoss() != oldMax || m_set.maxDifferences() != oldDifferences)
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
    if (m_scan.claimForViewer(entry)) {
        load->scan = m_scan.generation();
        ++m_viewerClaims;
    }
    ++m_viewerLoads;
    Load* raw = load.get();
    connect(&raw->watcher, &QFutureWatcher<SampleLoad>::finished, this,
            [this, raw] { loadFinished(*raw); });
    pool::watch(raw->watcher, pool::run([dataset = m_dataset, entry, kept = m_keptMapBytes] {
                    return loadSample(*dataset, entry, kept);
                }));
    m_loads.push_back(std::move(load));
}

void DatasetSession::loadFinished(Load& load) {
    SampleLoad result = load.watcher.result();
    const std::size_t loaded = load.entry;
    const bool standsIn = load.scan != 0 && load.scan == m_scan.generation();
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
    // Not while the scan runs: it has every core, and a neighbour loaded beside it (its own
    // buffers in fresh pages, its maps) slowed the scan for a step the user may not take.
    // The scan's end prefetches.
    if (!m_scan.workDone())
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
