#include "window/ExportPrompts.h"

#include <QFileDialog>
#include <QMessageBox>
#include <QObject>
#include <QSettings>

namespace losslens {

namespace fs = std::filesystem;

QString askFolder(QWidget* parent, const QString& title) {
    QSettings settings;
    const QString start = settings.value(QStringLiteral("export/lastFolder")).toString();
    const QString folder = QFileDialog::getExistingDirectory(parent, title, start);
    if (!folder.isEmpty())
        settings.setValue(QStringLiteral("export/lastFolder"), folder);
    return folder;
}

bool confirmOverwrite(QWidget* parent, const std::vector<fs::path>& existing) {
    if (existing.empty())
        return true;
    QString list;
    for (std::size_t i = 0; i < existing.size() && i < 5; ++i)
        list += QString::fromStdString(existing[i].filename().string()) + QLatin1Char('\n');
    if (existing.size() > 5)
        list += QObject::tr("… and %1 more\n").arg(existing.size() - 5);
    return QMessageBox::question(
               parent, QObject::tr("Replace existing files?"),
               QObject::tr("%1 file(s) of this export already exist:\n\n%2\nReplace them?")
                   .arg(existing.size())
                   .arg(list),
               QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) == QMessageBox::Yes;
}

} // namespace losslens
