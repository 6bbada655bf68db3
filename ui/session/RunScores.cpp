#include "session/RunScores.h"
#include "session/Background.h"

#include "losslens/io/Dataset.h"
#include "losslens/set/SetProcessor.h"
#include "session/DatasetSession.h"
#include "state/ViewState.h"

#include <QFuture>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>

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

// Shared with the worker; outlives a closed set until the worker sees `cancel`.
struct RunScores::Job {
    struct Result {
        std::string run;
        std::string stem; // empty: the run itself could not be opened (problem says why)
        Score score;
    };
    std::atomic<bool> cancel{false};
    std::atomic<bool> finished{false};
    std::atomic<std::size_t> toScore{0};
    std::atomic<std::size_t> scored{0};
    std::mutex mutex;
    std::vector<Result> results;
    QFuture<void> future;

    void push(Result result) {
        std::lock_guard lock(mutex);
        results.push_back(std::move(result));
    }
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
    m_drainTimer.setInterval(200);
    connect(&m_drainTimer, &QTimer::timeout, this, &RunScores::drain);
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

RunScores::~RunScores() {
    if (m_job) {
        m_job->cancel = true;
        background::wait(m_job->future);
    }
}

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
    if (m_job)
        m_job->cancel = true; // its worker finishes on its own; results are dropped
    m_job.reset();
    m_drainTimer.stop();
    m_pending = 0;
}

void RunScores::start() {
    cancel();
    if (!m_session->isOpen() || m_session->runs().size() < 2)
        return;
    const Dataset& dataset = *m_session->dataset();
    const std::string root = dataset.root().string();
    if (const Stamp config = fileStamp((dataset.root() / "dataset.json").string());
        config != m_config) {
        m_cache.clear(); // label_sets may have changed every sample's missing set
        m_config = config;
    }
    // The open run's scores are the session's: kept for when another run is opened.
    struct Imported {
        std::string stem, label, prediction;
        Score score;
    };
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
    // What each other run has scored already, to skip files that did not change.
    std::map<std::string, std::unordered_map<std::string, std::pair<Stamp, Stamp>>> known;
    std::vector<std::string> others;
    for (const std::string& run : m_session->runs()) {
        if (run == dataset.run())
            continue;
        others.push_back(run);
        auto& stamps = known[run];
        if (const auto cache = m_cache.find(run); cache != m_cache.end())
            for (const auto& [stem, score] : cache->second)
                if (!stem.empty())
                    stamps.emplace(stem, std::make_pair(score.label, score.prediction));
    }
    auto job = std::make_shared<Job>();
    m_job = job;
    const int jobs = background::jobsBesideTheView();
    job->future = background::run([job, root, limits = m_session->limits(), open = dataset.run(),
                                   imported = std::move(imported), others, known = std::move(known),
                                   jobs]() mutable {
        for (Imported& item : imported) {
            item.score.label = fileStamp(item.label);
            item.score.prediction = fileStamp(item.prediction);
            job->push({open, item.stem, std::move(item.score)});
        }
        for (const std::string& run : others) {
            if (job->cancel)
                break;
            std::shared_ptr<const Dataset> set;
            try {
                set = std::make_shared<const Dataset>(Dataset::open(root, limits, run));
            } catch (const std::exception& error) {
                Score whole;
                whole.problem = error.what();
                job->push({run, {}, std::move(whole)});
                continue;
            }
            const auto& stamps = known[run];
            std::vector<std::size_t> todo;
            std::vector<std::pair<Stamp, Stamp>> todoStamps;
            for (std::size_t i = 0; i < set->entries().size(); ++i) {
                const SampleEntry& entry = set->entries()[i];
                const std::pair<Stamp, Stamp> now{fileStamp(entry.label.string()),
                                                  fileStamp(entry.prediction.string())};
                if (const auto seen = stamps.find(entry.stem);
                    seen != stamps.end() && seen->second == now)
                    continue;
                if (!entry.complete()) {
                    Score score;
                    score.label = now.first;
                    score.prediction = now.second;
                    score.problem = entry.reportFile().string() + ": " + entry.problem;
                    job->push({run, entry.stem, std::move(score)});
                    continue;
                }
                todo.push_back(i);
                todoStamps.push_back(now);
            }
            job->toScore += todo.size();
            parallelFor(
                todo.size(), jobs,
                [&](std::size_t k) {
                    // Only the means are kept: the display image is not decoded.
                    SampleOutcome outcome =
                        processSample(*set, todo[k], {}, false, Dataset::Image::Skip);
                    Score score;
                    score.label = todoStamps[k].first;
                    score.prediction = todoStamps[k].second;
                    score.ok = outcome.ok;
                    if (outcome.ok) {
                        score.summary = std::move(outcome.summary);
                        slim(score.summary);
                    } else {
                        score.problem = outcome.errorFile + ": " + outcome.errorMessage;
                    }
                    job->push({run, set->entries()[todo[k]].stem, std::move(score)});
                    ++job->scored;
                },
                &job->cancel);
        }
        job->finished = true;
    });
    m_drainTimer.start();
}

void RunScores::drain() {
    if (!m_job)
        return;
    std::vector<Job::Result> batch;
    bool finished = false;
    {
        std::lock_guard lock(m_job->mutex);
        batch.swap(m_job->results);
        finished = m_job->finished.load() && m_job->results.empty();
    }
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
        m_drainTimer.stop();
        m_job.reset();
    }
    if (changed || finished)
        emit scoresChanged();
}

} // namespace losslens
