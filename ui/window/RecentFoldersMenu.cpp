#include "window/RecentFoldersMenu.h"

#include "state/ViewSettingsStore.h"

#include <QDir>
#include <QSettings>

namespace losslens {

RecentFoldersMenu::RecentFoldersMenu(QWidget* parent)
    : QMenu(tr("&Recent folders"), parent) {}

void RecentFoldersMenu::remember(const QString& path) {
    QSettings settings;
    rememberFolder(settings, path);
    rebuild();
}

void RecentFoldersMenu::rebuild() {
    clear();
    const QStringList recent = recentFolders(QSettings());
    for (const QString& path : recent)
        addAction(QDir::toNativeSeparators(path), this, [this, path] { emit folderChosen(path); });
    setEnabled(!recent.isEmpty());
}

} // namespace losslens
