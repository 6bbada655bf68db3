#include "session/FolderNotifier.h"

#include <QSocketNotifier>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>

#if defined(__linux__)
#include <sys/inotify.h>
#include <sys/vfs.h>
#include <unistd.h>
#endif

namespace losslens {

FolderNotifier::FolderNotifier(QObject* parent)
    : QObject(parent) {}

FolderNotifier::~FolderNotifier() {
    clear();
}

bool FolderNotifier::notifiesChanges(const std::string& path) {
#if defined(__linux__)
    struct statfs fs {};
    if (statfs(path.c_str(), &fs) != 0)
        return false;
    // Magic numbers of linux/magic.h: file systems whose changes can come from elsewhere.
    switch (static_cast<unsigned long>(fs.f_type)) {
    case 0x6969UL:     // NFS
    case 0x517BUL:     // SMB
    case 0xFF534D42UL: // CIFS
    case 0xFE534D42UL: // SMB2
    case 0x65735546UL: // FUSE (sshfs, rclone, s3fs, ...)
    case 0x01021997UL: // 9p
    case 0x73757245UL: // Coda
    case 0x564C4D00UL: // Lustre (its client module's magic)
    case 0x47504653UL: // GPFS
    case 0x00C36400UL: // CephFS
        return false;
    default:
        return true;
    }
#else
    (void)path;
    return false;
#endif
}

void FolderNotifier::clear() {
#if defined(__linux__)
    delete m_notifier;
    m_notifier = nullptr;
    if (m_fd >= 0)
        ::close(m_fd); // drops every watch
    m_fd = -1;
#endif
    m_folders.clear();
}

bool FolderNotifier::watch(const std::vector<std::string>& folders) {
    clear();
#if defined(__linux__)
    for (const std::string& folder : folders)
        if (!notifiesChanges(folder))
            return false;
    m_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (m_fd < 0)
        return false;
    // A file written in place (np.save) shows as IN_MODIFY then IN_CLOSE_WRITE; an atomic
    // writer's rename as IN_MOVED_TO; IN_ATTRIB catches a touch.
    constexpr std::uint32_t kEvents = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                                      IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF |
                                      IN_MOVE_SELF | IN_ONLYDIR;
    for (const std::string& folder : folders) {
        const int wd = inotify_add_watch(m_fd, folder.c_str(), kEvents);
        if (wd < 0) { // out of watches (fs.inotify.max_user_watches), gone, ...
            clear();
            return false;
        }
        m_folders[wd] = folder;
    }
    m_notifier = new QSocketNotifier(static_cast<qintptr>(m_fd), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &FolderNotifier::readEvents);
    return true;
#else
    (void)folders;
    return false;
#endif
}

void FolderNotifier::readEvents() {
#if defined(__linux__)
    alignas(inotify_event) std::array<char, 16384> buffer{};
    for (;;) {
        const ssize_t length = ::read(m_fd, buffer.data(), buffer.size());
        if (length <= 0)
            return; // EAGAIN: all read
        for (ssize_t at = 0; at < length;) {
            inotify_event event{};
            std::memcpy(&event, buffer.data() + at, sizeof event);
            const char* name = buffer.data() + at + sizeof event;
            at += static_cast<ssize_t>(sizeof event + event.len);
            if ((event.mask & IN_Q_OVERFLOW) != 0) {
                emit overflowed();
                continue;
            }
            const auto folder = m_folders.find(event.wd);
            if (folder == m_folders.end())
                continue;
            const QString entry =
                event.len > 0 ? QString::fromLocal8Bit(
                                    name, static_cast<qsizetype>(::strnlen(name, event.len)))
                              : QString();
            emit changed(QString::fromStdString(folder->second), entry);
        }
    }
#endif
}

} // namespace losslens
