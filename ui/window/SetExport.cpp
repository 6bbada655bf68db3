#include "window/SetExport.h"

#include "losslens/report/Exporter.h"
#include "render/HeatmapRange.h"
#include "session/DatasetSession.h"
#include "session/ThreadPool.h"
#include "view/SampleView.h"
#include "window/ExportPrompts.h"
#include "window/SetExportDialog.h"

#include <QDir>
#include <QMessageBox>
#include <QPointer>
#include <QProgressDialog>
#include <QSettings>

#include <atomic>
#include <filesystem>

namespace losslens {

namespace fs = std::filesystem;

// One set export: waits for the session's scan (when it is still running), then writes on
// worker threads (SetExport's runner). The dialog lives on the GUI thread; the workers
// only see `work`: the options, the count written and, once finished, the result.
struct SetExportJob {
    struct Work : JobControl {
        ExportOptions options;
        std::atomic<std::size_t> done{0};
        ExportResult result; // written before finished
    };
    std::shared_ptr<const Dataset> dataset;
    QString folder;
    SetExportChoice choice;
    std::shared_ptr<Work> work = std::make_shared<Work>();
    QPointer<QProgressDialog> dialog;
    std::vector<QMetaObject::Connection> waiting; // to the session, while the scan runs
};

SetExport::SetExport(DatasetSession* session, SampleView* view, QWidget* parent)
    : QObject(parent)
    , m_session(session)
    , m_view(view)
    , m_parent(parent) {
    connect(&m_runner, &JobRunner::tick, this, &SetExport::tick);
}

SetExport::~SetExport() = default; // the runner cancels the job's writing and waits for it

QWidget* SetExport::dialog() const {
    return m_job ? m_job->dialog.data() : nullptr;
}

void SetExport::exportInteractive() {
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
    start(folder, dialog.choice(), !existing.empty());
}

bool SetExport::start(const QString& folder, const SetExportChoice& choice, bool overwrite) {
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
    job.choice = choice;
    ExportOptions& options = job.work->options;
    options.outDir = folder.toStdString();
    options.colormap = choice.colormap;
    options.logScale = choice.log;
    options.overwrite = overwrite;
    options.process.cancel = &job.work->cancel;
    options.process.jobs = pool::jobsBesideTheView();

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
        m_job->work->cancel = true;
        if (!m_runner.active()) // still waiting for the scan; else the runner's tick ends it
            finish(tr("Export cancelled before any file was written."));
    });

    if (m_session->isScored()) {
        run();
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
            connect(m_session, &DatasetSession::scanCompleted, this, [this] { run(); }));
        job.waiting.push_back(connect(m_session, &DatasetSession::opened, this, [this] {
            finish(tr("Export cancelled: another data set was opened."));
        }));
    }
    dialog->show();
    return true;
}

void SetExport::run() {
    if (!m_job)
        return;
    SetExportJob& job = *m_job;
    for (const auto& c : job.waiting)
        disconnect(c);
    job.waiting.clear();
    if (job.work->cancel.load()) {
        finish(tr("Export cancelled before any file was written."));
        return;
    }
    // The scan has scored every sample: its largest loss is exactly the range exportSet would
    // compute in a second pass (every variant, valid pixels); the window's range as shown is
    // now the set's.
    switch (job.choice.range) {
    case SetExportChoice::Range::Auto: {
        const float hi = m_session->setMax();
        job.work->options.range = ValueRange{0.0f, hi > 0.0f ? hi : 1.0f};
        break;
    }
    case SetExportChoice::Range::AsShown:
        job.work->options.range = m_view->rangeOf(HeatmapSource::variant(m_view->shownSource().a));
        break;
    case SetExportChoice::Range::Fixed:
        job.work->options.range = job.choice.fixed;
        break;
    }
    if (job.dialog) {
        job.dialog->setLabelText(tr("Exporting %1 samples to %2…")
                                     .arg(job.dataset->completeCount())
                                     .arg(QDir::toNativeSeparators(job.folder)));
        job.dialog->setValue(0);
    }
    // The workers count; the dialog reads the count on the runner's tick (no event per sample
    // posted across threads).
    job.work->options.process.progress = [work = job.work.get()](std::size_t count, std::size_t) {
        work->done.store(count);
    };
    m_runner.start(job.work, [dataset = job.dataset, work = job.work] {
        work->result = exportSet(*dataset, work->options);
    });
}

void SetExport::tick() {
    if (!m_job)
        return;
    SetExportJob::Work& work = *m_job->work;
    if (m_job->dialog)
        m_job->dialog->setValue(static_cast<int>(work.done.load()));
    if (!work.finished.load())
        return;
    QString text;
    try {
        if (work.error)
            std::rethrow_exception(work.error);
        const SetReport& report = work.result.report;
        text = report.cancelled ? tr("Export cancelled; files written so far are complete.")
                                : tr("Exported %1 of %2 samples (%3 files) to %4")
                                      .arg(report.samples.size() - report.failedCount())
                                      .arg(report.samples.size())
                                      .arg(work.result.filesWritten)
                                      .arg(m_job->folder);
        if (!report.cancelled && !work.result.summaryError.empty())
            text += tr("; the summary was not written: %1")
                        .arg(QString::fromStdString(work.result.summaryError));
    } catch (const std::exception& e) {
        text = tr("Export failed: %1").arg(QString::fromStdString(e.what()));
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Export failed"), text,
                                    QMessageBox::Ok, m_parent);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
    finish(text);
}

void SetExport::finish(const QString& text) {
    if (!m_job)
        return;
    // Its work has finished (or never started).
    m_runner.finish();
    const std::unique_ptr<SetExportJob> job = std::move(m_job);
    for (const auto& c : job->waiting)
        disconnect(c);
    if (job->dialog) {
        job->dialog->disconnect(this); // closing a progress dialog emits canceled()
        job->dialog->close();
    }
    emit message(text);
    emit finished(text);
}

} // namespace losslens
