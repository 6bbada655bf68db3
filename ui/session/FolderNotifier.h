#pragma once

#include <QObject>
#include <QString>

#include <map>
#include <string>
#include <vector>

class QSocketNotifier;

namespace losslens {

// The kernel's word on changes in a few folders (Linux inotify), for SetWatcher: which entry
// of which folder was created, written, removed or renamed, delivered through the event loop
// with no polling at all. An open window on an unchanged set of 10,000 predictions then costs
// nothing; polling it stat'ed and read the header of every file each second (a third of a
// core). Where the kernel cannot tell (no inotify, or a network or FUSE file system, whose
// remote writers it never sees), watch() says so and the caller polls instead.
class FolderNotifier : public QObject {
    Q_OBJECT
public:
    explicit FolderNotifier(QObject* parent = nullptr);
    ~FolderNotifier() override;
    FolderNotifier(const FolderNotifier&) = delete;
    FolderNotifier& operator=(const FolderNotifier&) = delete;

    // Watches exactly `folders` from now on (earlier watches dropped). False, watching
    // nothing, when any of them cannot be watched by notification: poll instead.
    [[nodiscard]] bool watch(const std::vector<std::string>& folders);
    void clear();

    // Whether the file system holding `path` tells this machine's kernel of every change
    // (false for NFS, SMB/CIFS, FUSE, 9p and the like).
    [[nodiscard]] static bool notifiesChanges(const std::string& path);

signals:
    // An entry of `folder` changed (`name` is the entry's; empty for the folder itself).
    void changed(const QString& folder, const QString& name);
    // The kernel's queue overflowed: changes were lost, look at everything again.
    void overflowed();

private:
    void readEvents();

    int m_fd = -1;
    QSocketNotifier* m_notifier = nullptr;
    std::map<int, std::string> m_folders; // watch descriptor -> folder
};

} // namespace losslens
