#pragma once

#include "losslens/io/FileStamp.h"
#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace losslens {

class DatasetSession;
class FolderNotifier;
struct SampleEntry;

// Keeps the window in step with a training job that writes predictions while the set is
// open: a new run folder appears in the run chooser, and new, rewritten or removed
// prediction files of the run in view rescore the set (the sample in view stays). A file is
// read only once it is whole and has stopped changing: a change is acted on when two looks
// in a row see the same sizes and modification times and every prediction file is whole
// (core's predictionFileState: a .npy as long as its header says, a .npz with its central
// directory; np.save writes in place, so a half-written file is otherwise
// indistinguishable from a truncated one); a file that stays short for 30 looks is scored
// anyway, and shows as that sample's error. The folders are listed off the GUI thread.
//
// How it learns of changes: from the kernel (FolderNotifier) where the file system tells,
// looking again only at the files named in its events and only while they change, so an
// unchanged set costs nothing; elsewhere by polling every file each interval.
class SetWatcher : public QObject {
    Q_OBJECT
public:
    explicit SetWatcher(DatasetSession* session, QObject* parent = nullptr);
    // Waits for a listing in flight: its result is freed with the watcher.
    ~SetWatcher() override;

    // Time between looks (default 1000 ms); a change is acted on after two equal looks.
    void setInterval(int milliseconds);
    // Polls every file each interval even where the kernel would notify (tests).
    void forcePolling(bool on);
    // Whether changes come from the kernel's notifications (else by polling).
    [[nodiscard]] bool notified() const { return m_notified; }
    // How many looks at the files were started (tests: none while an unchanged set is idle).
    [[nodiscard]] std::uint64_t looks() const { return m_looks; }

    struct Snapshot {
        std::vector<std::string> runs;
        // The open run's prediction files: file name -> size and modification time.
        std::map<std::string, FileStamp> files;
        // Files not whole yet (still being written), sorted.
        std::vector<std::string> incomplete;
        bool whole = true; // every file's wholeness was looked at (else only the named ones')
        bool operator==(const Snapshot&) const = default;
    };
    // Lists a set's runs and one run's prediction files (any thread); `wholeness`: each
    // file is opened to see whether it is whole (Snapshot::incomplete), else only stat'ed.
    [[nodiscard]] static Snapshot take(const std::string& root, const std::string& run,
                                       bool wholeness = true);
    // `base` with the runs listed again and only the files `names` looked at again.
    [[nodiscard]] static Snapshot takeChanged(const std::string& root, const std::string& run,
                                              Snapshot base, const std::set<std::string>& names);
    // Whether a look's prediction files are other than those of the samples `opened` lists
    // (by file name; samples without a prediction have none).
    [[nodiscard]] static bool listsOtherFiles(const std::vector<SampleEntry>& opened,
                                              const Snapshot& look);

signals:
    // A stable change was acted on (the session reloads, or its run list grew or shrank).
    void changeApplied();

private:
    // Whether the baseline's prediction files are not the ones the session's set lists.
    void watchFolders();
    void noticed(const QString& folder, const QString& name);
    void poll();
    void arrived();
    [[nodiscard]] std::string runFolder() const;

    DatasetSession* m_session;
    FolderNotifier* m_notifier;
    QTimer m_timer;
    QFutureWatcher<Snapshot> m_listing;
    bool m_forcePolling = false;
    bool m_notified = false;          // changes come from the kernel
    std::set<std::string> m_dirty;    // files named by events since the last settled look
    bool m_lookAtAll = false;         // events were lost, or a watched folder appeared
    std::uint64_t m_events = 0;       // events so far
    std::uint64_t m_eventsLooked = 0; // events before the look in flight began
    std::uint64_t m_looks = 0;
    std::optional<Snapshot> m_seen;    // what the session shows
    std::optional<Snapshot> m_pending; // a change seen once, applied if seen again
    int m_waits = 0;                   // looks a settled change waited for short files
    bool m_reconciled = false;         // reloaded once since the last change: the baseline differed
};

} // namespace losslens
