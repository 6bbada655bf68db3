#pragma once

#include <QMenu>
#include <QString>

namespace losslens {

// File > Recent folders: the folders opened last (kept in QSettings through
// ViewSettingsStore's rememberFolder/recentFolders), disabled while there are none.
class RecentFoldersMenu : public QMenu {
    Q_OBJECT
public:
    explicit RecentFoldersMenu(QWidget* parent = nullptr);

    // Puts `path` first in the stored list and shows the list.
    void remember(const QString& path);
    // Shows the stored list (on start-up, or after another window changed it).
    void rebuild();

signals:
    void folderChosen(const QString& path);
};

} // namespace losslens
