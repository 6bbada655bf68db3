#include "session/ReviewKeeper.h"

#include "losslens/review/ReviewError.h"
#include "losslens/review/ReviewLocation.h"
#include "session/DatasetSession.h"
#include "state/ViewSettingsStore.h"

#include <QSettings>

#include <filesystem>

namespace losslens {

ReviewKeeper::ReviewKeeper(DatasetSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session) {
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &ReviewKeeper::poll);
    connect(session, &DatasetSession::opened, this,
            [this](bool ok, const QString&) { onOpened(ok); });
    connect(session, &DatasetSession::cleared, this, [this] {
        m_timer.stop();
        m_store.reset();
        m_undo.clear();
        m_path.clear();
        m_problem.clear();
        emit changed();
    });
}

ReviewKeeper::~ReviewKeeper() = default;

void ReviewKeeper::setProblem(const QString& problem) {
    m_problem = problem;
    m_store.reset();
    m_timer.stop();
}

void ReviewKeeper::onOpened(bool ok) {
    m_store.reset();
    m_undo.clear();
    m_problem.clear();
    if (!ok) {
        m_path.clear();
        emit changed();
        return;
    }
    const ReviewLocation where =
        reviewLocation(m_session->path().toStdString(), m_session->reviewDatabase().toStdString());
    m_path = QString::fromStdString(where.database.string());
    m_inSet = where.inSet;
    reload();
    if (m_problem.isEmpty())
        m_timer.start();
    emit changed();
}

bool ReviewKeeper::canChooseDatabase() const {
    return m_session->isOpen() && !m_session->reviewDatabaseFixed();
}

void ReviewKeeper::useDatabase(const QString& database) {
    if (!canChooseDatabase())
        return;
    QSettings settings;
    chooseReviewDatabase(settings, m_session->path(), database);
    onOpened(true);
}

void ReviewKeeper::reload() {
    try {
        if (!m_store)
            m_store = ReviewStore::open(m_path.toStdString(), ReviewStore::Open::Existing);
        if (!m_store) {
            m_session->setDecisions({});
            return;
        }
        m_version = m_store->dataVersion();
        m_changes = m_store->decisionChanges();
        m_session->setDecisions(m_store->decisionsByStem());
    } catch (const ReviewError& e) {
        setProblem(tr("%1 (left untouched; review is off for this set)")
                       .arg(QString::fromStdString(e.what())));
        m_session->setDecisions({});
    }
}

void ReviewKeeper::poll() {
    if (!m_problem.isEmpty() || m_path.isEmpty())
        return;
    try {
        if (!m_store) {
            std::error_code ec;
            if (!std::filesystem::exists(m_path.toStdString(), ec))
                return;
        } else {
            // The scan's score index writes to the same database: reload only when the
            // decisions changed.
            const std::int64_t version = m_store->dataVersion();
            if (version == m_version)
                return;
            m_version = version;
            if (m_store->decisionChanges() == m_changes)
                return;
        }
    } catch (const ReviewError& e) {
        setProblem(QString::fromStdString(e.what()));
    }
    reload();
    emit changed();
}

bool ReviewKeeper::mark(std::size_t entry, int id, ReviewStatus status) {
    if (!m_problem.isEmpty() || m_path.isEmpty())
        return false;
    const Candidate* candidate = m_session->candidates().find(entry, id);
    if (!candidate)
        return false;
    return change(candidate->stem, [&] {
        if (!m_store)
            m_store = ReviewStore::open(m_path.toStdString(), ReviewStore::Open::CreateIfMissing);
        m_undo.push_back(m_store->mark(*candidate, status));
    });
}

bool ReviewKeeper::undo() {
    if (m_undo.empty() || !m_store)
        return false;
    const ReviewStore::Marked last = m_undo.back();
    m_undo.pop_back();
    return change(last.decision.stem, [&] { m_store->undo(last); });
}

bool ReviewKeeper::change(const std::string& stem, const std::function<void()>& write) {
    try {
        write();
        m_session->setDecisionsOf(stem, m_store->decisionsOf(stem));
        m_version = m_store->dataVersion();
        m_changes = m_store->decisionChanges();
    } catch (const ReviewError& e) {
        setProblem(QString::fromStdString(e.what()));
        emit changed();
        return false;
    }
    emit changed();
    return true;
}

} // namespace losslens
