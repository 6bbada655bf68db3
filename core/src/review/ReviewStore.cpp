#include "losslens/review/ReviewStore.h"

#include "SqliteStatement.h"
#include "losslens/candidates/DecisionMatch.h"
#include "losslens/review/MaskBlob.h"
#include "losslens/review/ReviewError.h"

#include <sqlite3.h>

#include <array>
#include <system_error>
#include <utility>

namespace losslens {

using detail::Statement;

namespace {

// 'LLRV' in the file header's application_id: tells our databases from others.
constexpr int kApplicationId = 0x4c4c5256;
constexpr int kBusyTimeoutMs = 15000;

// Each step takes the schema from version i to i + 1. A step is never edited once shipped:
// a new version appends one.
constexpr std::array<const char*, 2> kMigrations = {
    R"(CREATE TABLE schema_version (version INTEGER NOT NULL);
       INSERT INTO schema_version (version) VALUES (0);
       CREATE TABLE decisions (
           id INTEGER PRIMARY KEY,
           stem TEXT NOT NULL,
           class INTEGER NOT NULL,
           width INTEGER NOT NULL,
           height INTEGER NOT NULL,
           x INTEGER NOT NULL, y INTEGER NOT NULL, w INTEGER NOT NULL, h INTEGER NOT NULL,
           area INTEGER NOT NULL,
           mask BLOB NOT NULL,
           status TEXT NOT NULL CHECK (status IN ('confirmed', 'rejected', 'unsure')),
           note TEXT NOT NULL DEFAULT '',
           time_ms INTEGER NOT NULL);
       CREATE INDEX decisions_by_stem ON decisions (stem, class);)",
    // 2: the score index (ScoreIndex): a row per context and stem; and a count of changes to
    // the decisions, so a reader tells them from the index's writes.
    R"(CREATE TABLE scores (
           context TEXT NOT NULL,
           stem TEXT NOT NULL,
           stamp BLOB NOT NULL,
           data BLOB NOT NULL,
           PRIMARY KEY (context, stem));
       CREATE TABLE decision_changes (n INTEGER NOT NULL);
       INSERT INTO decision_changes (n) VALUES (0);
       CREATE TRIGGER decision_added AFTER INSERT ON decisions
           BEGIN UPDATE decision_changes SET n = n + 1; END;
       CREATE TRIGGER decision_changed AFTER UPDATE ON decisions
           BEGIN UPDATE decision_changes SET n = n + 1; END;
       CREATE TRIGGER decision_removed AFTER DELETE ON decisions
           BEGIN UPDATE decision_changes SET n = n + 1; END;)",
};
static_assert(kMigrations.size() == ReviewStore::kSchemaVersion);

ReviewError::Kind kindOf(int code) {
    switch (code & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return ReviewError::Kind::Corrupt;
    default:
        return ReviewError::Kind::Unavailable;
    }
}

constexpr const char* kColumns =
    "id, stem, class, width, height, x, y, w, h, area, mask, status, note, time_ms";

} // namespace

ReviewStore::ReviewStore(sqlite3* db, std::filesystem::path path)
    : m_db(db)
    , m_path(std::move(path)) {}

ReviewStore::ReviewStore(ReviewStore&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr))
    , m_path(std::move(other.m_path)) {}

ReviewStore& ReviewStore::operator=(ReviewStore&& other) noexcept {
    if (this != &other) {
        sqlite3_close_v2(m_db);
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
    }
    return *this;
}

ReviewStore::~ReviewStore() {
    sqlite3_close_v2(m_db);
}

void ReviewStore::fail(const std::string& what) const {
    const int code = sqlite3_extended_errcode(m_db);
    throw ReviewError(kindOf(code), m_path, what + ": " + sqlite3_errmsg(m_db));
}

void ReviewStore::exec(const char* sql) const {
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        fail("the review database");
}

std::optional<ReviewStore> ReviewStore::open(const std::filesystem::path& path, Open mode) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    if (!exists && mode == Open::Existing)
        return std::nullopt;
    if (exists && !std::filesystem::is_regular_file(path, ec))
        throw ReviewError(ReviewError::Kind::Unavailable, path, "not a regular file");
    if (!exists && path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec)
            throw ReviewError(ReviewError::Kind::Unavailable, path,
                              "cannot create its folder: " + ec.message());
    }
    sqlite3* db = nullptr;
    const int flags =
        SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
    const int code = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (code != SQLITE_OK) {
        const std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
        sqlite3_close_v2(db);
        throw ReviewError(kindOf(code), path, "cannot open: " + message);
    }
    ReviewStore store(db, path);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    sqlite3_extended_result_codes(db, 1);
    store.prepareSchema();
    return store;
}

void ReviewStore::prepareSchema() {
    // Read before anything is written: a damaged file, another program's database or a newer
    // schema must be left exactly as found.
    // One read transaction, so the id, the tables and the version come from one snapshot:
    // another process may be creating the file at this moment.
    std::int64_t applicationId = 0;
    std::int64_t tables = 0;
    const auto readVersion = [&]() -> std::int64_t {
        if (tables == 0)
            return 0;
        Statement s(m_db, "SELECT version FROM schema_version");
        if (s.prepared() != SQLITE_OK || s.step() != SQLITE_ROW)
            fail("no schema version");
        return s.integer(0);
    };
    const auto countTables = [&] {
        Statement s(m_db, "SELECT count(*) FROM sqlite_schema");
        if (s.prepared() != SQLITE_OK || s.step() != SQLITE_ROW)
            fail("cannot read");
        tables = s.integer(0);
    };
    std::int64_t version = 0;
    exec("BEGIN");
    try {
        {
            Statement s(m_db, "PRAGMA application_id");
            if (s.prepared() != SQLITE_OK || s.step() != SQLITE_ROW)
                fail("cannot read");
            applicationId = s.integer(0);
        }
        countTables();
        if (tables > 0 && applicationId != kApplicationId)
            throw ReviewError(ReviewError::Kind::NotReview, m_path,
                              "an SQLite database, but not a LossLens review database");
        if (tables > 0) {
            // The decisions (and their index) are checked page by page: they are the
            // reviewers' work. The score index beside them is a cache of what a scan
            // recomputes, most of the file (42 MB for 10,000 samples), and its rows are
            // checked as they are read (a damaged one is scored again, an unreadable table
            // turns the index off): checking it at every open read every page of it.
            bool decisions = false;
            {
                Statement s(m_db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                                  "name = 'decisions'");
                if (s.prepared() != SQLITE_OK || s.step() != SQLITE_ROW)
                    fail("cannot read");
                decisions = s.integer(0) != 0;
            }
            Statement check(m_db,
                            decisions ? "PRAGMA quick_check(decisions)" : "PRAGMA quick_check(1)");
            if (check.prepared() != SQLITE_OK || check.step() != SQLITE_ROW)
                fail("cannot check");
            if (const std::string verdict = check.text(0); verdict != "ok")
                throw ReviewError(ReviewError::Kind::Corrupt, m_path, "damaged: " + verdict);
        }
        version = readVersion();
        exec("COMMIT");
    } catch (...) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    if (version > kSchemaVersion)
        throw ReviewError(ReviewError::Kind::NewerSchema, m_path,
                          "written by a newer LossLens (schema version " + std::to_string(version) +
                              "; this one reads up to " + std::to_string(kSchemaVersion) + ")");
    if (version < kSchemaVersion) {
        // Two processes may create or migrate at once: the IMMEDIATE transaction makes the
        // second wait, then it reads the version again and finds nothing left to do.
        exec("BEGIN IMMEDIATE");
        try {
            countTables();
            version = readVersion();
            for (auto v = version; v < kSchemaVersion; ++v) {
                exec(kMigrations[static_cast<std::size_t>(v)]);
                Statement s(m_db, "UPDATE schema_version SET version = ?");
                s.bind(1, v + 1);
                if (s.step() != SQLITE_DONE)
                    fail("cannot record the schema version");
            }
            if (version == 0)
                exec(("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str());
            exec("COMMIT");
        } catch (...) {
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }
    // WAL lets readers and one writer work at once across processes; NORMAL syncs at
    // checkpoints, and a killed process loses no committed transaction in WAL mode (only a
    // power cut could take the last ones). A read-only place keeps its journal mode.
    sqlite3_exec(m_db, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
    sqlite3_exec(m_db, "PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr);
}

std::vector<ReviewDecision> ReviewStore::query(const char* sql, const std::string* stem) const {
    Statement s(m_db, sql);
    if (s.prepared() != SQLITE_OK)
        fail("cannot read the decisions");
    if (stem)
        s.bind(1, *stem);
    std::vector<ReviewDecision> out;
    int code = SQLITE_ROW;
    while ((code = s.step()) == SQLITE_ROW) {
        ReviewDecision d;
        d.id = s.integer(0);
        d.stem = s.text(1);
        d.classId = static_cast<int>(s.integer(2));
        d.imageWidth = static_cast<int>(s.integer(3));
        d.imageHeight = static_cast<int>(s.integer(4));
        d.bbox = {static_cast<int>(s.integer(5)), static_cast<int>(s.integer(6)),
                  static_cast<int>(s.integer(7)), static_cast<int>(s.integer(8))};
        d.area = s.integer(9);
        auto runs = decodeMaskRuns(s.blob(10), d.imageWidth, d.imageHeight);
        const auto status = parseReviewStatus(s.text(11));
        if (!runs || !status || *status == ReviewStatus::Undecided)
            throw ReviewError(ReviewError::Kind::Corrupt, m_path,
                              "decision " + std::to_string(d.id) + " (" + d.stem +
                                  ") is damaged: " + (runs ? "its status" : "its mask"));
        d.runs = std::move(*runs);
        d.status = *status;
        d.note = s.text(12);
        d.timeMs = s.integer(13);
        out.push_back(std::move(d));
    }
    if (code != SQLITE_DONE)
        fail("cannot read the decisions");
    return out;
}

std::vector<ReviewDecision> ReviewStore::decisions() const {
    return query(
        (std::string("SELECT ") + kColumns + " FROM decisions ORDER BY stem, time_ms, id").c_str(),
        nullptr);
}

DecisionsByStem ReviewStore::decisionsByStem() const {
    DecisionsByStem out;
    for (ReviewDecision& d : decisions())
        out[d.stem].push_back(std::move(d));
    return out;
}

std::vector<ReviewDecision> ReviewStore::decisionsOf(const std::string& stem) const {
    return query(
        (std::string("SELECT ") + kColumns + " FROM decisions WHERE stem = ? ORDER BY time_ms, id")
            .c_str(),
        &stem);
}

std::int64_t ReviewStore::decisionChanges() const {
    Statement s(m_db, "SELECT n FROM decision_changes");
    if (s.prepared() != SQLITE_OK || s.step() != SQLITE_ROW)
        fail("cannot read the decisions' change count");
    return s.integer(0);
}

std::size_t ReviewStore::decisionCount() const {
    Statement s(m_db, "SELECT count(*) FROM decisions");
    if (s.prepared() != SQLITE_OK || s.step() != SQLITE_ROW)
        fail("cannot count the decisions");
    return static_cast<std::size_t>(s.integer(0));
}

namespace {

// Binds a decision's columns after the id, from parameter `first` on.
void bindDecision(Statement& s, const ReviewDecision& d, int first = 1) {
    int i = first;
    s.bind(i++, d.stem);
    s.bind(i++, std::int64_t{d.classId});
    s.bind(i++, std::int64_t{d.imageWidth});
    s.bind(i++, std::int64_t{d.imageHeight});
    s.bind(i++, std::int64_t{d.bbox.x});
    s.bind(i++, std::int64_t{d.bbox.y});
    s.bind(i++, std::int64_t{d.bbox.w});
    s.bind(i++, std::int64_t{d.bbox.h});
    s.bind(i++, d.area);
    s.bind(i++, encodeMaskRuns(d.runs));
    s.bind(i++, reviewStatusName(d.status));
    s.bind(i++, d.note);
    s.bind(i, d.timeMs);
}

} // namespace

ReviewStore::Marked ReviewStore::markOne(const Mark& mark) {
    const Candidate& c = *mark.candidate;
    // What is kept must read back: a mask that does not fit its image is refused here.
    const std::vector<std::uint8_t> blob = encodeMaskRuns(c.runs);
    if (c.runs.empty() || !decodeMaskRuns(blob, c.imageWidth, c.imageHeight))
        throw ReviewError(ReviewError::Kind::Unavailable, m_path,
                          "cannot keep a decision on " + c.stem +
                              ": its mask does not fit its image");
    Marked out;
    out.decision = decisionFor(c, mark.status, mark.note);
    // The decision this candidate has now: the same stem and class, the best overlap.
    const std::vector<ReviewDecision> kept = decisionsOf(c.stem);
    double best = 0.0;
    for (const ReviewDecision& d : kept)
        if (const double iou = decisionOverlap(d, c); iou >= kDecisionMinIoU && iou > best) {
            best = iou;
            out.replaced = d;
        }
    if (out.replaced) {
        Statement s(m_db, "DELETE FROM decisions WHERE id = ?");
        s.bind(1, out.replaced->id);
        if (s.step() != SQLITE_DONE)
            fail("cannot replace a decision");
    }
    if (mark.status == ReviewStatus::Undecided)
        return out;
    Statement s(m_db, (std::string("INSERT INTO decisions (") + (kColumns + 4) +
                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                          .c_str());
    if (s.prepared() != SQLITE_OK)
        fail("cannot keep a decision");
    bindDecision(s, out.decision);
    if (s.step() != SQLITE_DONE)
        fail("cannot keep a decision");
    out.decision.id = sqlite3_last_insert_rowid(m_db);
    return out;
}

std::vector<ReviewStore::Marked> ReviewStore::mark(std::span<const Mark> marks) {
    std::vector<Marked> out;
    exec("BEGIN IMMEDIATE");
    try {
        for (const Mark& m : marks)
            out.push_back(markOne(m));
        exec("COMMIT");
    } catch (...) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    return out;
}

ReviewStore::Marked ReviewStore::mark(const Candidate& candidate, ReviewStatus status,
                                      std::string note) {
    const Mark m{&candidate, status, std::move(note)};
    return std::move(mark(std::span<const Mark>(&m, 1)).front());
}

void ReviewStore::undo(const Marked& marked) {
    exec("BEGIN IMMEDIATE");
    try {
        if (marked.decision.id != 0) {
            Statement s(m_db, "DELETE FROM decisions WHERE id = ?");
            s.bind(1, marked.decision.id);
            if (s.step() != SQLITE_DONE)
                fail("cannot undo a decision");
        }
        if (marked.replaced) {
            Statement s(m_db, (std::string("INSERT OR REPLACE INTO decisions (") + kColumns +
                               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                                  .c_str());
            if (s.prepared() != SQLITE_OK)
                fail("cannot undo a decision");
            s.bind(1, marked.replaced->id);
            bindDecision(s, *marked.replaced, 2);
            if (s.step() != SQLITE_DONE)
                fail("cannot undo a decision");
        }
        exec("COMMIT");
    } catch (...) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

std::int64_t ReviewStore::dataVersion() const {
    Statement s(m_db, "PRAGMA data_version");
    if (s.prepared() != SQLITE_OK || s.step() != SQLITE_ROW)
        fail("cannot read");
    return s.integer(0);
}

} // namespace losslens
