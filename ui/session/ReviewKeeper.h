#pragma once

#include "losslens/candidates/ReviewStatus.h"
#include "losslens/review/ReviewStore.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace losslens {

class DatasetSession;

// The open set's review database (spec section 7) for the window: reads its decisions into
// the session when a set opens, keeps a mark made in the window, undoes the last ones, and
// notices what losslens-cli review (another process) decides, by the database's data version
// once a second (one cheap query; the file's creation by a stat while there is none).
// A damaged or newer database is reported (problem()) and never written; the set works
// without review then.
// The database is opened and its decisions read on the thread pool: opening checks every
// page of the decisions (SQLite's quick_check), reads them, and may wait on another
// process's write or on the disk, which must not hold the window up. A mark or undo made
// before the read is in waits for it.
class ReviewKeeper : public QObject {
    Q_OBJECT
public:
    explicit ReviewKeeper(DatasetSession* session, QObject* parent = nullptr);
    ~ReviewKeeper() override;

    // Where the open set's decisions are kept (empty when no set is open).
    [[nodiscard]] QString databasePath() const { return m_path; }
    [[nodiscard]] bool inSet() const { return m_inSet; }
    // Why review is off for this set, or empty.
    [[nodiscard]] QString problem() const { return m_problem; }

    // Decides on the candidate `id` of `entry` (Undecided forgets its decision). False, with
    // problem() set, when it could not be kept.
    bool mark(std::size_t entry, int id, ReviewStatus status);
    // Takes back the last mark made in this window (as many as were made).
    bool undo();
    [[nodiscard]] bool canUndo() const { return !m_undo.empty(); }

    // Keeps the open set's decisions in `database` from now on (empty: the set's default
    // place), remembered for this set in the window's settings; the decisions are read from
    // there at once. No effect while losslens --review-db chooses for every set.
    void useDatabase(const QString& database);
    // Whether useDatabase can change anything (a set is open, no --review-db).
    [[nodiscard]] bool canChooseDatabase() const;

    // Reads the decisions again if another process changed them (the timer calls it).
    void poll();
    // Whether the database is being opened and read (the decisions are not in yet).
    [[nodiscard]] bool isReading() const { return m_reading; }

signals:
    // The decisions or problem() changed (the session's candidates carry the new statuses).
    void changed();

private:
    // What the pool's read of the database hands over.
    struct Read {
        std::optional<ReviewStore> store; // none: the file does not exist (yet)
        DecisionsByStem decisions;
        std::int64_t version = 0;
        std::int64_t changes = 0;
        std::optional<std::string> error; // why the database cannot be used
    };

    // Starts reading the database at m_path on the pool (a read in flight is dropped).
    void startReading();
    // Takes the latest read, finished, in; emits changed().
    void takeRead();
    // Waits for a read in flight and takes it in.
    void settle();
    // Writes one decision change to the store (`write`), then takes the stem's decisions and
    // the store's version back; a ReviewError becomes the keeper's problem. Emits changed().
    bool change(const std::string& stem, const std::function<void()>& write);
    void onOpened(bool ok);
    // Reads the decisions again: at once from an open store, else on the pool.
    void reload();
    void setProblem(const QString& problem);
    // A database that cannot be used: review is off for the set, its decisions gone.
    void turnOff(const std::string& why);

    DatasetSession* m_session;
    QTimer m_timer;
    QString m_path;
    bool m_inSet = true;
    QString m_problem;
    std::optional<ReviewStore> m_store;
    std::int64_t m_version = 0;
    std::int64_t m_changes = 0; // ReviewStore::decisionChanges when last read
    std::vector<ReviewStore::Marked> m_undo;
    QFutureWatcher<std::shared_ptr<Read>> m_read;
    bool m_reading = false; // m_read's future is this keeper's latest read, not taken in yet
};

} // namespace losslens
