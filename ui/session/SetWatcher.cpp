#include "session/SetWatcher.h"
#include "session/ThreadPool.h"

#include "losslens/io/Dataset.h"
#include "losslens/io/PredictionFile.h"
#include "session/DatasetSession.h"
#include "session/FolderNotifier.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <vector>

namespace losslens {

namespace fs = std::filesystem;

SetWatcher::SetWatcher(DatasetSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_notifier(new FolderNotifier(this)) {
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &SetWatcher::poll);
    connect(&m_listing, &QFutureWatcher<Snapshot>::finished, this, &SetWatcher::arrived);
    connect(m_notifier, &FolderNotifier::changed, this, &SetWatcher::noticed);
    connect(m_notifier, &FolderNotifier::overflowed, this, [this] {
        m_lookAtAll = true;
        noticed({}, {});
    });
    connect(session, &DatasetSession::cleared, this, [this] {
        m_seen.reset();
        m_pending.reset();
        m_dirty.clear();
        m_notifier->clear();
        m_timer.stop();
    });
    connect(session, &DatasetSession::opened, this, [this](bool ok) {
        m_dirty.clear();
        m_lookAtAll = false;
        // A set waiting for its first predictions is watched too: they open it.
        if (ok || m_session->waitingForPredictions())
            watchFolders();
        else {
            m_notifier->clear();
            m_timer.stop();
        }
        poll(); // the baseline: what was just opened
    });
}

SetWatcher::~SetWatcher() {
    pool::wait(m_listing.future());
}

void SetWatcher::setInterval(int milliseconds) {
    m_timer.setInterval(milliseconds);
}

void SetWatcher::forcePolling(bool on) {
    m_forcePolling = on;
    if (m_session->isOpen())
        watchFolders();
}

std::string SetWatcher::runFolder() const {
    const fs::path predictions =
        (fs::path(m_session->path().toStdString()) / "predictions").lexically_normal();
    const std::string& run = m_session->dataset()->run();
    return (run.empty() ? predictions : predictions / run).string();
}

// The set's folder (predictions/ may appear), predictions/ (runs come and go; the one-run
// layout's files) and the run in view.
void SetWatcher::watchFolders() {
    const fs::path root = fs::path(m_session->path().toStdString()).lexically_normal();
    std::vector<std::string> folders{root.string()};
    std::error_code ec;
    for (const fs::path& folder : {root / "predictions", fs::path(runFolder())})
        if (fs::is_directory(folder, ec) &&
            std::find(folders.begin(), folders.end(), folder.lexically_normal().string()) ==
                folders.end())
            folders.push_back(folder.lexically_normal().string());
    m_notified = !m_forcePolling && m_notifier->watch(folders);
    if (!m_notified) {
        m_notifier->clear();
        m_timer.start();
    }
}

void SetWatcher::noticed(const QString& folder, const QString& name) {
    if (!m_session->isOpen())
        return;
    const std::string where = folder.toStdString();
    const std::string file = name.toStdString();
    const fs::path root = fs::path(m_session->path().toStdString()).lexically_normal();
    if (!where.empty() && where == runFolder()) {
        if (isPredictionFileName(file))
            m_dirty.insert(file);
        else if (!file.empty() && root / "predictions" == fs::path(where))
            m_lookAtAll = true; // the one-run layout's predictions/ got a folder: runs now
        else
            return; // a temporary file, a hidden one: its rename is what counts
    } else if (!where.empty() && fs::path(where) == root) {
        if (file != "predictions")
            return;     // dataset.json, labels/, images/: the watcher follows predictions
        watchFolders(); // predictions/ came or went
        m_lookAtAll = true;
    } else if (!where.empty()) {
        // predictions/ itself: a run folder came or went (the runs are listed at every
        // look); the one in view may be among them.
        if (fs::path(runFolder()).filename() == fs::path(file)) {
            watchFolders();
            m_lookAtAll = true;
        }
    }
    ++m_events;
    if (!m_timer.isActive())
        m_timer.start();
}

SetWatcher::Snapshot SetWatcher::take(const std::string& root, const std::string& run,
                                      bool wholeness) {
    Snapshot snapshot;
    snapshot.whole = wholeness;
    try {
        snapshot.runs = runNames(root);
    } catch (const std::exception&) {
        snapshot.runs = {"(mixed)"}; // a mix of files and folders: reopening reports it
    }
    const fs::path folder = fs::path(root) / "predictions" / run;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& path = it->path();
        if (!isPredictionFileName(path))
            continue;
        const FileStamp stamp = fileStamp(path);
        if (!stamp.exists())
            continue; // gone between listing and stat: the next poll sees it gone
        const std::string name = path.filename().string();
        snapshot.files[name] = stamp;
        if (wholeness && predictionFileState(path) == FileState::Incomplete)
            snapshot.incomplete.push_back(name);
    }
    std::sort(snapshot.incomplete.begin(), snapshot.incomplete.end());
    return snapshot;
}

SetWatcher::Snapshot SetWatcher::takeChanged(const std::string& root, const std::string& run,
                                             Snapshot base, const std::set<std::string>& names) {
    try {
        base.runs = runNames(root);
    } catch (const std::exception&) {
        base.runs = {"(mixed)"};
    }
    const fs::path folder = fs::path(root) / "predictions" / run;
    std::vector<std::string> incomplete;
    for (const std::string& name : base.incomplete)
        if (names.count(name) == 0)
            incomplete.push_back(name);
    for (const std::string& name : names) {
        const fs::path path = folder / name;
        const FileStamp stamp = fileStamp(path);
        if (!stamp.exists()) {
            base.files.erase(name); // gone (or going)
            continue;
        }
        base.files[name] = stamp;
        if (predictionFileState(path) == FileState::Incomplete)
            incomplete.push_back(name);
    }
    std::sort(incomplete.begin(), incomplete.end());
    base.incomplete = std::move(incomplete);
    return base;
}

bool SetWatcher::listsOtherFiles(const std::vector<SampleEntry>& entries, const Snapshot& now) {
    // The names as views into the entries' paths, sorted, against the look's (a map: sorted
    // and distinct): two sets of 10,000 strings built on the GUI thread were most of its work
    // when a big set's first look came in.
    std::vector<std::string_view> opened;
    opened.reserve(entries.size());
    for (const SampleEntry& entry : entries) {
        const std::string& path = entry.prediction.native();
        if (path.empty())
            continue;
        const std::size_t slash = path.find_last_of('/');
        opened.push_back(std::string_view(path).substr(slash == std::string::npos ? 0 : slash + 1));
    }
    std::sort(opened.begin(), opened.end());
    opened.erase(std::unique(opened.begin(), opened.end()), opened.end());
    return !std::equal(opened.begin(), opened.end(), now.files.begin(), now.files.end(),
                       [](std::string_view a, const auto& file) { return a == file.first; });
}

void SetWatcher::poll() {
    if (!m_session->isOpen() || pool::running(m_listing.future()))
        return;
    const std::string root = m_session->path().toStdString();
    const std::string run = m_session->dataset()->run();
    m_eventsLooked = m_events;
    ++m_looks;
    if (!m_notified || !m_seen || m_lookAtAll) {
        m_lookAtAll = false;
        // Notified, a whole look only gives the baseline the named files are compared with
        // (takeChanged looks at their wholeness): opening every file to read its header was
        // 0.16 s of CPU taken from the scan of a set of 10,000 samples as it opened. Polled,
        // every look is compared with the one before, so each sees the same.
        pool::watch(m_listing,
                    pool::run([root, run, whole = !m_notified] { return take(root, run, whole); }));
        return;
    }
    // Notified: only the files the kernel named since the last settled look.
    pool::watch(m_listing, pool::run([root, run, base = *m_seen, names = m_dirty] {
                    return takeChanged(root, run, base, names);
                }));
}

void SetWatcher::arrived() {
    if (!m_session->isOpen())
        return;
    const Snapshot now = m_listing.result();
    if (m_seen && m_seen->whole != now.whole) {
        // Notified became polled (or back): the wholeness the baseline did not look at is
        // not a change.
        m_seen->incomplete = now.incomplete;
        m_seen->whole = now.whole;
    }
    // Notified and nothing moved since this look began: no more looks until the next event.
    const auto rest = [this] {
        if (m_notified && m_events == m_eventsLooked && !m_pending && !m_lookAtAll) {
            m_dirty.clear();
            m_timer.stop();
        }
    };
    if (!m_seen) {
        // The baseline is taken after the set was listed: what changed in between (a run
        // folder or a prediction that arrived while the set was opening) is in it and would
        // never be seen as a change. Compare it with what the session opened instead: its
        // files, and for a set waiting for its first predictions its runs (a run folder made
        // before this look would otherwise only join the run list, never be opened).
        const bool runsArrived = m_session->waitingForPredictions() &&
                                 now.runs != std::vector<std::string>{"(mixed)"} &&
                                 now.runs != m_session->runs();
        if (!m_reconciled &&
            (listsOtherFiles(m_session->dataset()->entries(), now) || runsArrived)) {
            m_reconciled = true; // once: a file the set does not list never reloads forever
            m_session->reload();
            emit changeApplied();
            return;
        }
        m_seen = now;
        if (now.runs != std::vector<std::string>{"(mixed)"})
            m_session->updateRuns(now.runs);
        rest();
        return;
    }
    if (now == *m_seen) {
        m_pending.reset();
        rest();
        return;
    }
    if (!m_pending || !(*m_pending == now)) {
        m_pending = now; // changed: wait for the next poll to see it settled
        m_waits = 0;
        return;
    }
    // Settled, but a file is shorter than its header says: its writer is not done.
    if (!now.incomplete.empty() && ++m_waits < 30)
        return;
    // Settled: act on it.
    m_reconciled = false;
    const bool filesChanged = now.files != m_seen->files;
    const bool runsChanged = now.runs != m_seen->runs;
    m_pending.reset();
    // A set still waiting for its first predictions opens again on any change: a new run
    // folder brings the samples.
    if (filesChanged || (runsChanged && (now.runs == std::vector<std::string>{"(mixed)"} ||
                                         m_session->waitingForPredictions()))) {
        m_seen.reset(); // the reopened set gives the new baseline
        m_session->reload();
    } else if (runsChanged) {
        m_seen = now;
        m_session->updateRuns(now.runs);
        rest();
    }
    emit changeApplied();
}

} // namespace losslens
