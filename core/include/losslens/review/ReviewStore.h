#pragma once

#include "losslens/candidates/Candidate.h"
#include "losslens/candidates/ReviewDecision.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct sqlite3;

namespace losslens {

// The review decisions of one data set, kept in an SQLite database (spec section 7) so the
// window and losslens-cli, in different processes, can write at once and lose nothing: WAL
// journal, a busy timeout, every change one IMMEDIATE transaction. The schema carries its
// version (a schema_version table) and migrates forward from the first version on; a file
// from a newer schema, a damaged one or another program's database is refused with a
// ReviewError and never written.
//
// One store is used by one thread at a time; each thread or process opens its own.
class ReviewStore {
public:
    // The schema this build writes (and the newest it can read).
    static constexpr int kSchemaVersion = 2;

    enum class Open {
        Existing,        // a missing file is no store (std::nullopt): nothing is created
        CreateIfMissing, // the first decision creates the file and its folder
    };

    // Throws ReviewError. With Open::Existing a missing file gives std::nullopt.
    [[nodiscard]] static std::optional<ReviewStore> open(const std::filesystem::path& path,
                                                         Open mode);

    ReviewStore(ReviewStore&& other) noexcept;
    ReviewStore& operator=(ReviewStore&& other) noexcept;
    ReviewStore(const ReviewStore&) = delete;
    ReviewStore& operator=(const ReviewStore&) = delete;
    ~ReviewStore();

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }

    // Every decision, by stem, then time made.
    [[nodiscard]] std::vector<ReviewDecision> decisions() const;
    [[nodiscard]] DecisionsByStem decisionsByStem() const;
    [[nodiscard]] std::vector<ReviewDecision> decisionsOf(const std::string& stem) const;
    [[nodiscard]] std::size_t decisionCount() const;

    // One decision to make: on which candidate, which status (Undecided forgets the
    // decision that applies to it), with which note.
    struct Mark {
        const Candidate* candidate = nullptr;
        ReviewStatus status = ReviewStatus::Undecided;
        std::string note;
    };
    // What a mark did, enough to undo it: the decision now kept (id 0 when forgotten) and
    // the one it replaced, if the candidate had one (same stem and class, IoU >= 0.5).
    struct Marked {
        ReviewDecision decision;
        std::optional<ReviewDecision> replaced;
    };
    // Makes every mark in one transaction: all are kept or none (ReviewError).
    std::vector<Marked> mark(std::span<const Mark> marks);
    Marked mark(const Candidate& candidate, ReviewStatus status, std::string note = {});

    // Takes a mark back: the decision it made is removed and the one it replaced put back.
    void undo(const Marked& marked);

    // Changes whenever another connection (this process or another) commits: a cheap way
    // for the window to notice that the CLI decided something.
    [[nodiscard]] std::int64_t dataVersion() const;
    // Grows with every change to the decisions (not with the score index's writes): what
    // the window reloads on.
    [[nodiscard]] std::int64_t decisionChanges() const;

private:
    friend class ScoreIndex; // keeps its rows in the same database, through the same connection
    ReviewStore(sqlite3* db, std::filesystem::path path);
    [[noreturn]] void fail(const std::string& what) const;
    void exec(const char* sql) const;
    void prepareSchema();
    [[nodiscard]] std::vector<ReviewDecision> query(const char* sql, const std::string* stem) const;
    Marked markOne(const Mark& mark);

    sqlite3* m_db = nullptr;
    std::filesystem::path m_path;
};

} // namespace losslens
