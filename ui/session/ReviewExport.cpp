#include "session/ReviewExport.h"

#include "losslens/candidates/CandidateReport.h"
#include "losslens/io/DataError.h"
#include "losslens/io/FileBytes.h"
#include "session/DatasetSession.h"
#include "session/ThreadPool.h"

#include <QAction>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QWidget>

#include <map>

namespace losslens {

CandidateSetReport reviewedReport(const CandidateStore& store, const Dataset& dataset,
                                  std::vector<std::string> classNames, ReviewStatus status) {
    CandidateSetReport out;
    out.filter.status = status;
    out.run = dataset.run();
    out.stems = dataset.entries().size();
    out.report.classNames = std::move(classNames);
    std::map<std::size_t, std::pair<std::size_t, const Candidate*>> perEntry; // count, one
    for (std::size_t rank = 0; rank < store.size(); ++rank) {
        const Candidate& c = store.at(rank);
        if (c.status != status)
            continue;
        out.candidates.push_back(c);
        auto& [count, one] = perEntry[store.entryOf(rank)];
        ++count;
        one = &c;
    }
    for (const auto& [entry, facts] : perEntry) {
        const auto& e = dataset.entries()[entry];
        CandidateSample s;
        s.entry = entry;
        s.stem = e.stem;
        s.fileName = e.image.empty() ? s.stem + ".png" : e.image.filename().string();
        s.width = facts.second->imageWidth;
        s.height = facts.second->imageHeight;
        s.candidates = facts.first;
        out.samples.push_back(std::move(s));
    }
    out.matched = out.candidates.size();
    return out;
}

ReviewExport::ReviewExport(DatasetSession* session, QWidget* parent)
    : QObject(parent)
    , m_session(session)
    , m_parent(parent)
    , m_coco(new QAction(tr("Export confirmed candidates (COCO)…"), this))
    , m_labels(new QAction(tr("Write corrected labels of confirmed candidates…"), this)) {
    m_coco->setToolTip(tr("The confirmed candidates as a COCO instances file (RLE masks) for "
                          "CVAT, FiftyOne or pycocotools"));
    m_labels->setToolTip(tr("For each sample with a confirmed candidate, its label map with "
                            "those pixels set to their class, in the input label's format"));
    connect(m_coco, &QAction::triggered, this, [this] {
        const QString file = QFileDialog::getSaveFileName(
            m_parent, tr("Export confirmed candidates"), QStringLiteral("confirmed.json"),
            tr("COCO instances (*.json)"));
        if (!file.isEmpty())
            startCoco(file);
    });
    connect(m_labels, &QAction::triggered, this, [this] {
        const QString folder =
            QFileDialog::getExistingDirectory(m_parent, tr("Folder for the corrected labels"));
        if (!folder.isEmpty())
            startLabels(folder);
    });
    connect(this, &ReviewExport::finished, this, &ReviewExport::message);
}

QList<QAction*> ReviewExport::actions() const {
    return {m_coco, m_labels};
}

void ReviewExport::done(const QString& text) {
    m_running = false;
    emit finished(text);
}

bool ReviewExport::startCoco(const QString& file) {
    const auto dataset = m_session->sharedDataset();
    if (m_running || !dataset)
        return false;
    std::vector<std::string> names;
    for (const ClassInfo& c : m_session->classes())
        names.push_back(c.name);
    CandidateSetReport report = reviewedReport(m_session->candidates(), *dataset, std::move(names),
                                               ReviewStatus::Confirmed);
    const std::size_t count = report.candidates.size();
    m_running = true;
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher] {
        done(watcher->result());
        watcher->deleteLater();
    });
    const std::string target = file.toStdString();
    pool::watch(*watcher, pool::run([report = std::move(report), target, count] {
        try {
            // The dialog asked before replacing a file.
            writeFileAtomically(target, candidatesCoco(report), true);
        } catch (const std::exception& e) {
            return QObject::tr("Export failed: %1").arg(e.what());
        }
        return QObject::tr("Wrote %1 confirmed candidate(s) to %2")
            .arg(count)
            .arg(QString::fromStdString(target));
    }));
    return true;
}

bool ReviewExport::startLabels(const QString& folder) {
    const auto dataset = m_session->sharedDataset();
    if (m_running || !dataset)
        return false;
    CandidateSetReport report =
        reviewedReport(m_session->candidates(), *dataset, {}, ReviewStatus::Confirmed);
    m_running = true;
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher] {
        done(watcher->result());
        watcher->deleteLater();
    });
    const std::string dir = folder.toStdString();
    pool::watch(*watcher, pool::run([dataset, candidates = std::move(report.candidates), dir] {
        std::vector<LabelWriteFailure> failures;
        const std::size_t written = writeProposedLabels(*dataset, candidates, dir, false, failures);
        QString text = QObject::tr("Wrote %1 corrected label(s) to %2")
                           .arg(written)
                           .arg(QString::fromStdString(dir));
        if (!failures.empty())
            text += QObject::tr("; %1 not written (first: %2: %3%4)")
                        .arg(failures.size())
                        .arg(QString::fromStdString(failures.front().file))
                        .arg(QString::fromStdString(failures.front().message))
                        .arg(failures.front().exists ? QObject::tr(", exists") : QString());
        return text;
    }));
    return true;
}

} // namespace losslens
