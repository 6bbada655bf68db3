#include "session/ReviewKeeper.h"

#include "losslens/review/ReviewError.h"
#include "losslens/review/ReviewLocation.h"
#include "session/DatasetSession.h"
#include "session/ThreadPool.h"
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
    connect(&m_read, &QFutureWatcher<std::shared_ptr<Read>>::finished, this, [this] {
        // A read taken in by settle(), or replaced by a later one still running, waits.
        if (m_reading && !pool::running(m_read.future()))
            takeRead();
    });
    connect(session, &DatasetSession::cleared, this, [this] {
        m_timer.stop();
        m_reading = false; // a read in flight is dropped
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

void ReviewKeeper::turnOff(const std::string& why) {
    setProblem(
        tr("%1 (left untouched; review is off for this set)").arg(QString::fromStdString(why)));
    m_session->setDecisions({});
}

void ReviewKeeper::onOpened(bool ok) {
    m_timer.stop();
    m_reading = false;
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
    m_session->setDecisions({}); // the last database's, until this one's are read
    startReading();
    emit changed();
}

void ReviewKeeper::startReading() {
    m_reading = true;
    pool::watch(m_read, pool::run([path = m_path.toStdString()] {
                    auto read = std::make_shared<Read>();
                    try {
                        read->store = ReviewStore::open(path, ReviewStore::Open::Existing);
                        if (read->store) {
                            read->version = read->store->dataVersion();
                            read->changes = read->store->decisionChanges();
                            read->decisions = read->store->decisionsByStem();
                        }
                    } catch (const std::exception& e) {
                        read->store.reset();
                        read->error = e.what();
                    }
                    return read;
                }));
}

void ReviewKeeper::takeRead() {
    m_reading = false;
    const std::shared_ptr<Read> read = m_read.future().result();
    if (read->error) {
        turnOff(*read->error);
        emit changed();
        return;
    }
    m_store = std::move(read->store);
    m_version = read->version;
    m_changes = read->changes;
    m_session->setDecisions(std::move(read->decisions));
    m_timer.start(); // without a store, to notice the file once another process makes it
    emit changed();
}

void ReviewKeeper::settle() {
    if (!m_reading)
        return;
    pool::wait(m_read.future());
    takeRead();
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
    if (!m_store) {
        startReading();
        return;
    }
    try {
        m_version = m_store->dataVersion();
        m_changes = m_store->decisionChanges();
        m_session->setDecisions(m_store->decisionsByStem());
    } catch (const ReviewError& e) {
        turnOff(e.what());
    }
}

void ReviewKeeper::poll() {
    if (!m_problem.isEmpty() || m_path.isEmpty() || m_reading)
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
        emit changed();
        return;
    }
    reload();
    emit changed();
}

bool ReviewKeeper::mark(std::size_t entry, int id, ReviewStatus status) {
    settle();
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
    settle();
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
