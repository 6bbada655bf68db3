#include "session/RunScores.h"
#include "session/JobOutbox.h"
#include "session/ThreadPool.h"

#include "losslens/io/Dataset.h"
#include "losslens/set/SetProcessor.h"
#include "session/DatasetSession.h"
#include "state/ViewState.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>

namespace losslens {

namespace fs = std::filesystem;

namespace {
// What a run's stem keeps: the means and counts; the per-class figures are the scan's.
void slim(SampleSummary& summary) {
    summary.classSums = {};
    summary.classReduced = {};
    summary.classPixels = {};
}
} // namespace

// Shared with the worker (the runner's control: cancel, finished); outlives a closed set
// until the worker sees `cancel`.
struct RunScores::Job : JobControl {
    struct Result {
        std::string run;
        std::string stem; // empty: the run itself could not be opened (problem says why)
        Score score;
    };
    std::atomic<std::size_t> toScore{0};
    std::atomic<std::size_t> scored{0};
    JobOutbox<Result> results;
};

RunScores::RunScores(DatasetSession* session, ViewState* state, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_state(state) {
    // The runs are compared on the heatmap's variant, against the vs run.
    m_variant = state->heatmap().a;
    connect(state, &ViewState::settingsChanged, this, [this] {
        if (m_state->heatmap().a == m_variant)
            return;
        m_variant = m_state->heatmap().a;
        emit scoresChanged();
    });
    connect(state, &ViewState::versusRunChanged, this, &RunScores::scoresChanged);
    connect(&m_runner, &JobRunner::tick, this, &RunScores::drain);
    connect(session, &DatasetSession::cleared, this, [this] {
        cancel();
        if (m_session->path() != m_path) {
            m_cache.clear();
            m_path = m_session->path();
        }
        emit scoresChanged();
    });
    connect(session, &DatasetSession::scanCompleted, this, &RunScores::start);
    connect(session, &DatasetSession::runsChanged, this, [this] {
        if (m_session->isScored())
            start();
        emit scoresChanged();
    });
}

RunScores::~RunScores() = default; // the runner waits for its worker

const std::vector<std::string>& RunScores::runs() const {
    return m_session->runs();
}

std::size_t RunScores::entryCount() const {
    return m_session->rows().size();
}

std::string RunScores::openRun() const {
    return m_session->isOpen() ? m_session->dataset()->run() : std::string();
}

std::string RunScores::otherRun() const {
    const auto& all = runs();
    const std::string open = openRun();
    if (all.size() < 2)
        return {};
    const std::string versus = m_state->versusRun().toStdString();
    if (versus != open && std::find(all.begin(), all.end(), versus) != all.end())
        return versus;
    for (const std::string& run : all)
        if (run != open)
            return run;
    return {};
}

const SampleSummary* RunScores::summary(const std::string& run, std::size_t entry) const {
    if (!m_session->isOpen() || entry >= m_session->rows().size())
        return nullptr;
    if (run == openRun()) {
        const DatasetSession::Row& row = m_session->rows()[entry];
        return row.state == DatasetSession::Row::State::Ok ? &row.summary : nullptr;
    }
    const auto cache = m_cache.find(run);
    if (cache == m_cache.end())
        return nullptr;
    const auto score = cache->second.find(m_session->dataset()->entries()[entry].stem);
    return score != cache->second.end() && score->second.ok ? &score->second.summary : nullptr;
}

QString RunScores::problem(const std::string& run, std::size_t entry) const {
    if (!m_session->isOpen() || entry >= m_session->rows().size())
        return {};
    if (run == openRun()) {
        const DatasetSession::Row& row = m_session->rows()[entry];
        if (row.state == DatasetSession::Row::State::Error)
            return QStringLiteral("%1: %2").arg(row.errorFile, row.errorMessage);
        return row.state == DatasetSession::Row::State::Pending ? tr("not scored yet") : QString();
    }
    const auto cache = m_cache.find(run);
    if (cache != m_cache.end()) {
        if (const auto whole = cache->second.find(std::string()); whole != cache->second.end())
            return QString::fromStdString(whole->second.problem);
        const auto score = cache->second.find(m_session->dataset()->entries()[entry].stem);
        if (score != cache->second.end())
            return QString::fromStdString(score->second.problem);
    }
    return tr("not scored yet");
}

std::optional<double> RunScores::mean(const std::string& run, std::size_t entry) const {
    const SampleSummary* s = summary(run, entry);
    if (!s || m_variant >= s->sums.size())
        return std::nullopt;
    return s->mean(m_variant);
}

std::optional<double> RunScores::change(std::size_t entry) const {
    const std::string other = otherRun();
    if (other.empty())
        return std::nullopt;
    const auto here = mean(openRun(), entry);
    const auto there = mean(other, entry);
    if (!here || !there)
        return std::nullopt;
    return *here - *there;
}

SetSummary RunScores::setSummary(const std::string& run) const {
    SetSummary set;
    if (!m_session->isOpen())
        return set;
    for (std::size_t i = 0; i < m_session->rows().size(); ++i)
        if (const SampleSummary* s = summary(run, i))
            set.add(*s);
    return set;
}

void RunScores::cancel() {
    m_runner.cancel(); // its worker finishes on its own; results are dropped
    m_job.reset();
    m_pending = 0;
}

void RunScores::start() {
    cancel();
    if (!m_session->isOpen() || m_session->runs().size() < 2)
        return;
    const Dataset& dataset = *m_session->dataset();
    if (const Stamp config = fileStamp((dataset.root() / "dataset.json").string());
        config != m_config) {
        m_cache.clear(); // label_sets may have changed every sample's missing set
        m_config = config;
    }
    std::vector<Imported> imported = importOpenRun();
    // What each other run has scored already, to skip files that did not change.
    std::map<std::string, StemStamps> known;
    for (const std::string& run : m_session->runs()) {
        if (run == dataset.run())
            continue;
        auto& stamps = known[run];
        if (const auto cache = m_cache.find(run); cache != m_cache.end())
            for (const auto& [stem, score] : cache->second)
                if (!stem.empty())
                    stamps.emplace(stem, std::make_pair(score.label, score.prediction));
    }
    auto job = std::make_shared<Job>();
    m_job = job;
    m_runner.start(job, [job, root = dataset.root().string(), limits = m_session->limits(),
                         open = dataset.run(), imported = std::move(imported),
                         known = std::move(known), jobs = pool::jobsBesideTheView()]() mutable {
        for (Imported& item : imported) {
            item.score.label = fileStamp(item.label);
            item.score.prediction = fileStamp(item.prediction);
            job->results.push({open, item.stem, std::move(item.score)});
        }
        for (const auto& [run, stamps] : known) {
            if (job->cancel)
                break;
            scoreRun(root, limits, run, stamps, jobs, *job);
        }
    });
}

// The open run's scores are the session's rows: kept for when another run is opened.
std::vector<RunScores::Imported> RunScores::importOpenRun() const {
    const Dataset& dataset = *m_session->dataset();
    std::vector<Imported> imported;
    imported.reserve(m_session->rows().size());
    for (std::size_t i = 0; i < m_session->rows().size(); ++i) {
        const DatasetSession::Row& row = m_session->rows()[i];
        const SampleEntry& entry = dataset.entries()[i];
        Imported item{entry.stem, entry.label.string(), entry.prediction.string(), {}};
        item.score.ok = row.state == DatasetSession::Row::State::Ok;
        item.score.summary = row.summary;
        if (!item.score.ok)
            item.score.problem =
                QStringLiteral("%1: %2").arg(row.errorFile, row.errorMessage).toStdString();
        imported.push_back(std::move(item));
    }
    return imported;
}

// Scores the stems of one other run whose label or prediction changed since `known` saw them,
// through core's set pipeline on `jobs` workers: the means alone (no display image, no
// maps), a float16 file as stored. On the job's worker.
void RunScores::scoreRun(const std::string& root, const DataLimits& limits, const std::string& run,
                         const StemStamps& known, int jobs, Job& job) {
    std::optional<Dataset> set;
    try {
        set.emplace(Dataset::open(root, limits, run));
    } catch (const std::exception& error) {
        Score whole;
        whole.problem = error.what();
        job.results.push({run, {}, std::move(whole)});
        return;
    }
    // Each entry's stamps now; `todo` marks those to score (changed and complete).
    const std::size_t count = set->entries().size();
    std::vector<std::pair<FileStamp, FileStamp>> stamps(count);
    std::vector<char> todo(count, 0);
    std::size_t toScore = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const SampleEntry& entry = set->entries()[i];
        stamps[i] = {fileStamp(entry.label.string()), fileStamp(entry.prediction.string())};
        if (const auto seen = known.find(entry.stem);
            seen != known.end() && seen->second == stamps[i])
            continue;
        if (!entry.complete()) {
            Score score;
            score.label = stamps[i].first;
            score.prediction = stamps[i].second;
            score.problem = entry.reportFile().string() + ": " + entry.problem;
            job.results.push({run, entry.stem, std::move(score)});
            continue;
        }
        todo[i] = 1;
        ++toScore;
    }
    job.toScore += toScore;
    ProcessOptions options;
    options.jobs = jobs;
    options.cancel = &job.cancel;
    options.images = Dataset::Image::Skip; // only the means are kept
    options.claim = [&todo](std::size_t entry) { return todo[entry] != 0; };
    (void)scanSet(*set, options, [&](SampleOutcome& outcome) {
        Score score;
        score.label = stamps[outcome.entry].first;
        score.prediction = stamps[outcome.entry].second;
        score.ok = outcome.ok;
        if (outcome.ok) {
            score.summary = std::move(outcome.summary);
            slim(score.summary);
        } else {
            score.problem = outcome.errorFile + ": " + outcome.errorMessage;
        }
        job.results.push({run, outcome.stem, std::move(score)});
        ++job.scored;
    });
}

void RunScores::drain() {
    if (!m_job)
        return;
    // Read before taking: whatever the worker pushed before it finished is in this batch.
    const bool finished = m_job->finished.load();
    std::vector<Job::Result> batch = m_job->results.take();
    const std::size_t pending = m_job->toScore - m_job->scored;
    const bool changed = !batch.empty() || pending != m_pending;
    for (Job::Result& result : batch) {
        RunCache& cache = m_cache[result.run];
        if (result.stem.empty())
            cache.clear(); // the whole run failed: no stale scores under it
        else
            cache.erase(std::string()); // it opens again
        cache[result.stem] = std::move(result.score);
    }
    m_pending = finished ? 0 : pending;
    if (finished) {
        m_runner.finish();
        m_job.reset();
    }
    if (changed || finished)
        emit scoresChanged();
}

} // namespace losslens
