#include "losslens/ui/SetWatcher.h"
#include "Background.h"

#include "losslens/io/Dataset.h"
#include "losslens/io/NpyArray.h"
#include "losslens/ui/DatasetSession.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace losslens {

namespace fs = std::filesystem;

SetWatcher::SetWatcher(DatasetSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session) {
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &SetWatcher::poll);
    connect(&m_listing, &QFutureWatcher<Snapshot>::finished, this, &SetWatcher::arrived);
    connect(session, &DatasetSession::cleared, this, [this] {
        m_seen.reset();
        m_pending.reset();
    });
    connect(session, &DatasetSession::opened, this, [this](bool ok) {
        // A set waiting for its first predictions is watched too: they open it.
        if (ok || m_session->waitingForPredictions())
            m_timer.start();
        else
            m_timer.stop();
        poll(); // the baseline: what was just opened
    });
}

void SetWatcher::setInterval(int milliseconds) {
    m_timer.setInterval(milliseconds);
}

int SetWatcher::npyCompleteness(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return -1;
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::int64_t>(in.tellg());
    in.seekg(0);
    // The header is at most a few kilobytes in practice; numpy allows up to 4 GiB (version
    // 2), which a watcher has no business reading: 1 MiB is plenty.
    if (size <= 0)
        return 0; // just created: its writer has not written yet
    std::vector<std::byte> head(static_cast<std::size_t>(std::min<std::int64_t>(size, 1 << 20)));
    in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
    static constexpr char kMagic[] = "\x93NUMPY";
    const std::size_t known = std::min<std::size_t>(head.size(), 6);
    if (std::memcmp(head.data(), kMagic, known) != 0)
        return -1;
    if (head.size() < 12)
        return 0;
    const auto byte = [&](std::size_t i) { return static_cast<std::int64_t>(head[i]); };
    const int major = static_cast<int>(byte(6));
    const std::int64_t headerEnd =
        major == 1 ? 10 + (byte(8) | byte(9) << 8)
                   : 12 + (byte(8) | byte(9) << 8 | byte(10) << 16 | byte(11) << 24);
    if (size < headerEnd)
        return 0;
    try {
        const NpyHeader header = parseNpyHeader(head);
        const std::int64_t expected =
            static_cast<std::int64_t>(header.dataOffset) + header.elementCount() * header.itemSize;
        return size < expected ? 0 : 1;
    } catch (const std::exception&) {
        return -1; // a header numpy would not write: scoring reports it
    }
}

SetWatcher::Snapshot SetWatcher::take(const std::string& root, const std::string& run) {
    Snapshot snapshot;
    try {
        snapshot.runs = runNames(root);
    } catch (const std::exception&) {
        snapshot.runs = {"(mixed)"}; // a mix of files and folders: reopening reports it
    }
    const fs::path folder = fs::path(root) / "predictions" / run;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& path = it->path();
        if (path.extension() != ".npy" || path.filename().string().front() == '.')
            continue;
        std::error_code statError;
        const auto size = static_cast<std::int64_t>(fs::file_size(path, statError));
        const auto time = fs::last_write_time(path, statError);
        if (statError)
            continue; // gone between listing and stat: the next poll sees it gone
        snapshot.files[path.stem().string()] = {
            size, static_cast<std::int64_t>(time.time_since_epoch().count())};
        if (npyCompleteness(path.string()) == 0)
            snapshot.incomplete.push_back(path.stem().string());
    }
    return snapshot;
}

void SetWatcher::poll() {
    if (!m_session->isOpen() || background::running(m_listing.future()))
        return;
    const std::string root = m_session->path().toStdString();
    const std::string run = m_session->dataset()->run();
    m_listing.setFuture(background::run([root, run] { return take(root, run); }));
}

void SetWatcher::arrived() {
    if (!m_session->isOpen())
        return;
    const Snapshot now = m_listing.result();
    if (!m_seen) {
        m_seen = now;
        return;
    }
    if (now == *m_seen) {
        m_pending.reset();
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
    }
    emit changeApplied();
}

} // namespace losslens
