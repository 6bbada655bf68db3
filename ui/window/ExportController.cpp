#include "window/ExportController.h"
#include "session/Background.h"

#include "losslens/io/FileBytes.h"
#include "losslens/report/Exporter.h"
#include "losslens/set/SetProcessor.h"
#include "render/HeatmapRange.h"
#include "session/DatasetSession.h"
#include "view/Canvas.h"
#include "view/SampleView.h"
#include "window/SetExportDialog.h"

#include <QBuffer>
#include <QDir>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QPointer>
#include <QProgressDialog>
#include <QSettings>
#include <QTimer>

#include <algorithm>
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

bool sameScale(const HeatmapScale& a, const HeatmapScale& b) {
    return a.colormap == b.colormap && a.log == b.log && a.range.lo == b.range.lo &&
           a.range.hi == b.range.hi;
}

QJsonObject scaleJson(const HeatmapScale& scale, const std::string& legend) {
    QJsonObject o;
    o[QStringLiteral("range")] =
        QJsonArray{static_cast<double>(scale.range.lo), static_cast<double>(scale.range.hi)};
    o[QStringLiteral("colormap")] = QString::fromStdString(scale.colormap);
    o[QStringLiteral("scale")] = scale.log ? QStringLiteral("log") : QStringLiteral("linear");
    o[QStringLiteral("legend")] = QString::fromStdString(legend);
    return o;
}

std::string compositeLegend(const std::string& stem, const CurrentExport& spec) {
    return sameScale(spec.variants, spec.composite) ? stem + ".legend.png"
                                                    : stem + ".composite-legend.png";
}

} // namespace

// One set export: waits for the session's scan (when it is still running), then writes on
// worker threads. The dialog and the watcher live on the GUI thread; the workers only see
// the options and the cancel flag, which the job owns until its future has finished.
struct SetExportJob {
    std::shared_ptr<const Dataset> dataset;
    QString folder;
    SetExportChoice choice;
    std::shared_ptr<ExportOptions> options = std::make_shared<ExportOptions>();
    std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
    QPointer<QProgressDialog> dialog;
    std::shared_ptr<std::atomic<std::size_t>> done = std::make_shared<std::atomic<std::size_t>>(0);
    QTimer progressTimer;
    QFutureWatcher<ExportResult> watcher;
    std::vector<QMetaObject::Connection> waiting; // to the session, while the scan runs
};

ExportController::ExportController(DatasetSession* session, SampleView* view, QWidget* parent)
    : QObject(parent)
    , m_session(session)
    , m_view(view)
    , m_parent(parent) {
    connect(&m_current, &QFutureWatcher<CurrentResult>::finished, this, [this] {
        const CurrentResult result = m_current.result();
        if (!result.error.isEmpty()) {
            emit message(tr("Export of %1 failed: %2").arg(m_currentStem, result.error));
            // Window-modal but not blocking, like every message of the window's background work.
            auto* box = new QMessageBox(QMessageBox::Warning, tr("Export failed"), result.error,
                                        QMessageBox::Ok, m_parent);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
            return;
        }
        emit message(tr("Wrote %1 files for %2 to %3")
                         .arg(result.written)
                         .arg(m_currentStem, m_currentFolder));
    });
}

ExportController::~ExportController() {
    background::wait(m_current.future());
    if (m_job) {
        *m_job->cancel = true;
        background::wait(m_job->watcher.future());
    }
}

QWidget* ExportController::setExportDialog() const {
    return m_job ? m_job->dialog.data() : nullptr;
}

CurrentExport ExportController::currentExportOf(const SampleView& view) {
    CurrentExport spec;
    const ViewSettings& s = view.settings();
    const HeatmapSource shown = view.shownSource();
    // Every variant's file over the range the window draws a single variant with.
    const HeatmapSource variant = HeatmapSource::variant(shown.a);
    spec.colormap = s.colormap;
    spec.variants.range = view.rangeOf(variant);
    spec.variants.colormap = sourceColormapName(variant, s.colormap).toStdString();
    spec.variants.log = usesLogScale(variant, s);
    spec.composite.range = view.currentRange();
    spec.composite.colormap = sourceColormapName(shown, s.colormap).toStdString();
    spec.composite.log = usesLogScale(shown, s);
    spec.shows = view.canvas()->caption().toStdString();
    spec.showsKey = sourceKey(shown);
    return spec;
}

std::vector<std::string> ExportController::currentFileNames(const std::string& stem,
                                                            const CurrentExport& spec) {
    std::vector<std::string> files;
    for (const fs::path& file : exportFileNames({}, stem, ExportOptions{}))
        files.push_back(file.filename().string());
    files.push_back(stem + ".composite.png");
    files.push_back(stem + ".legend.png");
    if (!sameScale(spec.variants, spec.composite))
        files.push_back(compositeLegend(stem, spec));
    files.push_back(stem + ".export.json");
    return files;
}

int ExportController::exportCurrent(const QString& folder, const SampleData& data,
                                    const QImage& composite, int ignoreIndex,
                                    const CurrentExport& spec, bool overwrite) {
    ExportOptions options;
    options.outDir = folder.toStdString();
    options.colormap = spec.colormap;
    options.logScale = spec.variants.log;
    options.overwrite = overwrite;
    std::error_code ec;
    fs::create_directories(options.outDir, ec);
    const std::string name = data.stem;
    const ValueRange range = spec.variants.range;
    // A big sample keeps no map: its variants are scored one at a time as they are written.
    int written = static_cast<int>(
        data.keepsMaps() ? exportSample(name, data.sample, data.loss, ignoreIndex, range, options)
                         : exportSample(name, data.sample, data.config, range, options));
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    composite.convertToFormat(QImage::Format_RGB32).save(&buffer, "PNG");
    const auto bytes = [](const QByteArray& b) {
        return std::string_view(b.constData(), static_cast<std::size_t>(b.size()));
    };
    writeFileAtomically(options.outDir / (name + ".composite.png"), bytes(png), overwrite);
    writeFileAtomically(options.outDir / (name + ".legend.png"),
                        encodeLegendPng(spec.variants, "loss of each variant"), overwrite);
    written += 2;
    if (!sameScale(spec.variants, spec.composite)) {
        writeFileAtomically(options.outDir / compositeLegend(name, spec),
                            encodeLegendPng(spec.composite, spec.shows), overwrite);
        ++written;
    }
    QJsonObject doc;
    doc[QStringLiteral("stem")] = QString::fromStdString(name);
    doc[QStringLiteral("heatmaps")] = scaleJson(spec.variants, name + ".legend.png");
    QJsonObject shown = scaleJson(spec.composite, compositeLegend(name, spec));
    shown[QStringLiteral("file")] = QString::fromStdString(name + ".composite.png");
    shown[QStringLiteral("shows")] = QString::fromStdString(spec.shows);
    shown[QStringLiteral("source")] = QString::fromStdString(spec.showsKey);
    doc[QStringLiteral("composite")] = shown;
    writeFileAtomically(options.outDir / (name + ".export.json"),
                        bytes(QJsonDocument(doc).toJson(QJsonDocument::Indented)), overwrite);
    return written + 1;
}

void ExportController::exportCurrentInteractive() {
    const SampleDataPtr data = m_view->current();
    if (!data) {
        QMessageBox::information(m_parent, tr("Export"), tr("No sample is shown."));
        return;
    }
    if (currentExportRunning()) {
        QMessageBox::information(m_parent, tr("Export"),
                                 tr("An export of a sample is still being written."));
        return;
    }
    const QString folder = askFolder(m_parent, tr("Export the current sample to"));
    if (folder.isEmpty())
        return;
    std::vector<fs::path> existing;
    for (const std::string& file : currentFileNames(data->stem, currentExportOf(*m_view)))
        if (const fs::path path = fs::path(folder.toStdString()) / file; fs::exists(path))
            existing.push_back(path);
    if (!confirmOverwrite(m_parent, existing))
        return;
    startCurrentExport(folder, !existing.empty());
}

void ExportController::startCurrentExport(const QString& folder, bool overwrite) {
    const SampleDataPtr data = m_view->current();
    if (!data)
        return;
    m_currentStem = QString::fromStdString(data->stem);
    m_currentFolder = folder;
    emit message(tr("Writing %1 to %2…").arg(m_currentStem, folder));
    background::watch(m_current,
                      background::run([folder, data, overwrite, spec = currentExportOf(*m_view),
                                       composite = m_view->compositeJob()]() -> CurrentResult {
                          try {
                              return {exportCurrent(folder, *data, composite(),
                                                    data->sample.ignoreIndex, spec, overwrite),
                                      {}};
                          } catch (const std::exception& e) {
                              return {0, QString::fromStdString(e.what())};
                          }
                      }));
}

bool ExportController::currentExportRunning() const {
    return background::running(m_current.future());
}

void ExportController::exportSetInteractive() {
    if (m_job) {
        QMessageBox::information(m_parent, tr("Export"),
                                 tr("An export of the whole set is already running."));
        return;
    }
    const std::shared_ptr<const Dataset> dataset = m_session->sharedDataset();
    if (!dataset) {
        QMessageBox::information(m_parent, tr("Export"), tr("No data set is open."));
        return;
    }
    const ViewSettings& view = m_view->settings();
    const HeatmapSource variant = HeatmapSource::variant(m_view->shownSource().a);
    SetExportDialog dialog(m_parent);
    QSettings settings;
    dialog.setFolder(settings.value(QStringLiteral("export/lastFolder")).toString());
    dialog.setShown(m_view->rangeOf(variant),
                    rangeCaption(variant, view.rangeMode, m_session->isScored()).simplified());
    dialog.setColormap(view.colormap);
    dialog.setLog(usesLogScale(variant, view));
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString folder = dialog.folder();
    settings.setValue(QStringLiteral("export/lastFolder"), folder);
    ExportOptions options;
    options.outDir = folder.toStdString();
    const std::vector<fs::path> existing = existingExportFiles(*dataset, options);
    if (!confirmOverwrite(m_parent, existing))
        return;
    startSetExport(folder, dialog.choice(), !existing.empty());
}

bool ExportController::startSetExport(const QString& folder, const SetExportChoice& choice,
                                      bool overwrite) {
    const std::shared_ptr<const Dataset> dataset = m_session->sharedDataset();
    if (m_job || !dataset) {
        emit message(m_job ? tr("An export of the whole set is already running.")
                           : tr("No data set is open."));
        return false;
    }
    m_job = std::make_unique<SetExportJob>();
    SetExportJob& job = *m_job;
    job.dataset = dataset;
    job.folder = folder;
    job.options->outDir = folder.toStdString();
    job.choice = choice;
    job.options->colormap = choice.colormap;
    job.options->logScale = choice.log;
    job.options->overwrite = overwrite;
    job.options->process.cancel = job.cancel.get();
    job.options->process.jobs = background::jobsBesideTheView();

    const int total = static_cast<int>(dataset->completeCount());
    auto* dialog = new QProgressDialog(m_parent);
    dialog->setWindowTitle(tr("Export whole set"));
    dialog->setCancelButtonText(tr("Cancel"));
    dialog->setRange(0, total);
    dialog->setMinimumDuration(0);
    dialog->setAutoClose(false);
    dialog->setAutoReset(false);
    // Not modal: the user can go on looking at samples while the files are written.
    dialog->setWindowModality(Qt::NonModal);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    job.dialog = dialog;
    connect(dialog, &QProgressDialog::canceled, this, [this] {
        if (!m_job)
            return;
        *m_job->cancel = true;
        if (!background::running(m_job->watcher.future()))
            finishSetExport(tr("Export cancelled before any file was written."));
    });

    if (m_session->isScored()) {
        runSetExport();
    } else {
        dialog->setLabelText(tr("Waiting for the scan to score the set (%1 of %2)…\n"
                                "The export then writes with the set's range.")
                                 .arg(m_session->scannedCount())
                                 .arg(total));
        dialog->setValue(static_cast<int>(m_session->scannedCount()));
        job.waiting.push_back(
            connect(m_session, &DatasetSession::scanProgress, this, [this](int done, int all) {
                if (m_job && m_job->dialog) {
                    m_job->dialog->setLabelText(
                        tr("Waiting for the scan to score the set (%1 of %2)…\n"
                           "The export then writes with the set's range.")
                            .arg(done)
                            .arg(all));
                    m_job->dialog->setValue(done);
                }
            }));
        job.waiting.push_back(
            connect(m_session, &DatasetSession::scanCompleted, this, [this] { runSetExport(); }));
        job.waiting.push_back(connect(m_session, &DatasetSession::opened, this, [this] {
            finishSetExport(tr("Export cancelled: another data set was opened."));
        }));
    }
    dialog->show();
    return true;
}

void ExportController::runSetExport() {
    if (!m_job)
        return;
    SetExportJob& job = *m_job;
    for (const auto& c : job.waiting)
        disconnect(c);
    job.waiting.clear();
    if (job.cancel->load()) {
        finishSetExport(tr("Export cancelled before any file was written."));
        return;
    }
    // The scan has scored every sample: its largest loss is exactly the range exportSet would
    // compute in a second pass (every variant, valid pixels); the window's range as shown is
    // now the set's.
    switch (job.choice.range) {
    case SetExportChoice::Range::Auto: {
        const float hi = m_session->setMax();
        job.options->range = ValueRange{0.0f, hi > 0.0f ? hi : 1.0f};
        break;
    }
    case SetExportChoice::Range::AsShown:
        job.options->range = m_view->rangeOf(HeatmapSource::variant(m_view->shownSource().a));
        break;
    case SetExportChoice::Range::Fixed:
        job.options->range = job.choice.fixed;
        break;
    }
    if (job.dialog) {
        job.dialog->setLabelText(tr("Exporting %1 samples to %2…")
                                     .arg(job.dataset->completeCount())
                                     .arg(QDir::toNativeSeparators(job.folder)));
        job.dialog->setValue(0);
    }
    // The workers count; the dialog reads the count on the GUI thread's own clock (no event
    // per sample posted across threads).
    job.options->process.progress = [done = job.done](std::size_t count, std::size_t) {
        done->store(count);
    };
    job.progressTimer.setInterval(100);
    connect(&job.progressTimer, &QTimer::timeout, this, [this] {
        if (m_job && m_job->dialog)
            m_job->dialog->setValue(static_cast<int>(m_job->done->load()));
    });
    job.progressTimer.start();
    connect(&job.watcher, &QFutureWatcher<ExportResult>::finished, this, [this] {
        QString text;
        try {
            const ExportResult result = m_job->watcher.result();
            text = result.report.cancelled
                       ? tr("Export cancelled; files written so far are complete.")
                       : tr("Exported %1 of %2 samples (%3 files) to %4")
                             .arg(result.report.samples.size() - result.report.failedCount())
                             .arg(result.report.samples.size())
                             .arg(result.filesWritten)
                             .arg(m_job->folder);
            if (!result.report.cancelled && !result.summaryError.empty())
                text += tr("; the summary was not written: %1")
                            .arg(QString::fromStdString(result.summaryError));
        } catch (const std::exception& e) {
            text = tr("Export failed: %1").arg(QString::fromStdString(e.what()));
            auto* box = new QMessageBox(QMessageBox::Warning, tr("Export failed"), text,
                                        QMessageBox::Ok, m_parent);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        }
        finishSetExport(text);
    });
    background::watch(job.watcher, background::run([dataset = job.dataset, options = job.options] {
                          return exportSet(*dataset, *options);
                      }));
}

void ExportController::finishSetExport(const QString& text) {
    if (!m_job)
        return;
    // Its future has finished (or never started). This may run inside the watcher's own
    // signal, so the job is kept until the next one finishes (or the controller goes).
    m_finishedJob = std::move(m_job);
    SetExportJob& job = *m_finishedJob;
    for (const auto& c : job.waiting)
        disconnect(c);
    job.watcher.disconnect(this);
    job.progressTimer.stop();
    if (job.dialog) {
        job.dialog->disconnect(this); // closing a progress dialog emits canceled()
        job.dialog->close();
    }
    emit message(text);
    emit setExportFinished(text);
}

} // namespace losslens
