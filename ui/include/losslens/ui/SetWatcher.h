#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace losslens {

class DatasetSession;

// Keeps the window in step with a training job that writes predictions while the set is
// open: a new run folder appears in the run chooser, and new, rewritten or removed
// prediction files of the run in view rescore the set (the sample in view stays). A file is
// read only once it is whole and has stopped changing: a change is acted on when two polls
// in a row see the same sizes and modification times and every .npy is as long as its
// header says (np.save writes in place, so a half-written file is otherwise
// indistinguishable from a truncated one); a file that stays short for 30 polls is scored
// anyway, and shows as that sample's error. The folders are listed off the GUI thread.
class SetWatcher : public QObject {
    Q_OBJECT
public:
    explicit SetWatcher(DatasetSession* session, QObject* parent = nullptr);

    // Time between polls (default 1000 ms); a change is acted on after two equal polls.
    void setInterval(int milliseconds);

    struct Snapshot {
        std::vector<std::string> runs;
        // The open run's predictions: stem -> (size, modification time in ns).
        std::map<std::string, std::pair<std::int64_t, std::int64_t>> files;
        // Stems whose .npy is shorter than its header says (still being written).
        std::vector<std::string> incomplete;
        bool operator==(const Snapshot&) const = default;
    };
    // Whether a .npy file is as long as its header says: 1 whole, 0 still short (or its
    // header not yet whole), -1 not a .npy at all (nothing to wait for).
    [[nodiscard]] static int npyCompleteness(const std::string& file);
    // Lists a set's runs and one run's prediction files (any thread).
    [[nodiscard]] static Snapshot take(const std::string& root, const std::string& run);

signals:
    // A stable change was acted on (the session reloads, or its run list grew or shrank).
    void changeApplied();

private:
    void poll();
    void arrived();

    DatasetSession* m_session;
    QTimer m_timer;
    QFutureWatcher<Snapshot> m_listing;
    std::optional<Snapshot> m_seen;    // what the session shows
    std::optional<Snapshot> m_pending; // a change seen once, applied if seen again
    int m_waits = 0;                   // polls a settled change waited for short files
};

} // namespace losslens
