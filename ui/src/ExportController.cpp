#include "losslens/ui/ExportController.h"

#include "losslens/io/FileBytes.h"
#include "losslens/report/Exporter.h"

#include <QBuffer>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QMessageBox>
#include <QProgressDialog>
#include <QSettings>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <filesystem>

namespace losslens {

namespace fs = std::filesystem;

namespace {

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

std::vector<fs::path> currentTargets(const QString& folder, const std::string& stem) {
    ExportOptions options;
    std::vector<fs::path> files = exportFileNames(folder.toStdString(), stem, options);
    files.push_back(fs::path(folder.toStdString()) / (stem + ".composite.png"));
    return files;
}

} // namespace

ExportController::ExportController(QWidget* parent)
    : QObject(parent)
    , m_parent(parent) {}

int ExportController::exportCurrent(const QString& folder, const SampleData& data,
                                    const QImage& composite, int ignoreIndex, float lo, float hi,
                                    int colormap, bool overwrite) {
    ExportOptions options;
    options.outDir = folder.toStdString();
    options.colormap = static_cast<Colormap>(colormap);
    options.overwrite = overwrite;
    std::error_code ec;
    fs::create_directories(options.outDir, ec);
    const std::string name = data.stem;
    int written = static_cast<int>(
        exportSample(name, data.sample, data.loss, ignoreIndex, {lo, hi}, options));
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    composite.convertToFormat(QImage::Format_RGB32).save(&buffer, "PNG");
    writeFileAtomically(options.outDir / (name + ".composite.png"),
                        std::string_view(png.constData(), static_cast<std::size_t>(png.size())),
                        overwrite);
    return written + 1;
}

void ExportController::exportCurrentInteractive(const SampleDataPtr& data, const QImage& composite,
                                                int ignoreIndex, float lo, float hi, int colormap) {
    if (!data) {
        QMessageBox::information(m_parent, tr("Export"), tr("No sample is shown."));
        return;
    }
    const QString folder = askFolder(m_parent, tr("Export the current sample to"));
    if (folder.isEmpty())
        return;
    std::vector<fs::path> existing;
    for (const auto& file : currentTargets(folder, data->stem))
        if (fs::exists(file))
            existing.push_back(file);
    if (!confirmOverwrite(m_parent, existing))
        return;
    try {
        const int n = exportCurrent(folder, *data, composite, ignoreIndex, lo, hi, colormap,
                                    !existing.empty());
        emit message(tr("Wrote %1 files for %2 to %3")
                         .arg(n)
                         .arg(QString::fromStdString(data->stem), folder));
    } catch (const std::exception& e) {
        QMessageBox::warning(m_parent, tr("Export failed"), QString::fromStdString(e.what()));
    }
}

void ExportController::exportSetInteractive(std::shared_ptr<const Dataset> dataset, int colormap) {
    if (!dataset) {
        QMessageBox::information(m_parent, tr("Export"), tr("No data set is open."));
        return;
    }
    const QString folder = askFolder(m_parent, tr("Export the whole set to"));
    if (folder.isEmpty())
        return;
    auto options = std::make_shared<ExportOptions>();
    options->outDir = folder.toStdString();
    options->colormap = static_cast<Colormap>(colormap);
    const std::vector<fs::path> existing = existingExportFiles(*dataset, *options);
    if (!confirmOverwrite(m_parent, existing))
        return;
    options->overwrite = !existing.empty();

    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto* dialog =
        new QProgressDialog(tr("Exporting %1 samples…").arg(dataset->entries().size()),
                            tr("Cancel"), 0, static_cast<int>(dataset->entries().size()), m_parent);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setMinimumDuration(0);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QProgressDialog::canceled, this, [cancel] { *cancel = true; });
    options->process.cancel = cancel.get();
    options->process.progress = [dialog](std::size_t done, std::size_t) {
        QMetaObject::invokeMethod(
            dialog, [dialog, done] { dialog->setValue(static_cast<int>(done)); },
            Qt::QueuedConnection);
    };
    auto* watcher = new QFutureWatcher<ExportResult>(this);
    connect(watcher, &QFutureWatcher<ExportResult>::finished, this,
            [this, watcher, dialog, folder, cancel, options] {
                QString text;
                try {
                    const ExportResult result = watcher->result();
                    text =
                        result.report.cancelled
                            ? tr("Export cancelled; files written so far are complete.")
                            : tr("Exported %1 of %2 samples (%3 files) to %4")
                                  .arg(result.report.samples.size() - result.report.failedCount())
                                  .arg(result.report.samples.size())
                                  .arg(result.filesWritten)
                                  .arg(folder);
                } catch (const std::exception& e) {
                    text = tr("Export failed: %1").arg(QString::fromStdString(e.what()));
                    QMessageBox::warning(m_parent, tr("Export failed"), text);
                }
                dialog->close();
                watcher->deleteLater();
                emit message(text);
            });
    watcher->setFuture(
        QtConcurrent::run([dataset, options] { return exportSet(*dataset, *options); }));
}

} // namespace losslens
