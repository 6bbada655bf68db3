// The review database (spec section 7): decisions kept, replaced and undone; two processes
// writing at once; a process killed mid-write; damaged, newer and foreign files left as
// they were; a read-only set folder. Expected values are counted here, not asked of the store.
#include "losslens/review/ReviewStore.h"
#include "losslens/review/ReviewError.h"
#include "losslens/review/ReviewLocation.h"

#include "../io/TestFiles.h"

#include <sqlite3.h>

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <set>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace losslens {
namespace {

using testing::TempDir;

// A w x h box at (x, y) on a 64 x 64 image.
Candidate boxCandidate(const std::string& stem, int cls, int x, int y, int w = 4, int h = 4) {
    Candidate c;
    c.stem = stem;
    c.classId = cls;
    c.imageWidth = 64;
    c.imageHeight = 64;
    c.bbox = {x, y, w, h};
    c.area = w * h;
    for (int r = y; r < y + h; ++r)
        c.runs.push_back({r, x, x + w});
    return c;
}

std::string bytesOf(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

ReviewError::Kind openError(const std::filesystem::path& file) {
    try {
        (void)ReviewStore::open(file, ReviewStore::Open::CreateIfMissing);
    } catch (const ReviewError& e) {
        EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
        return e.kind();
    }
    ADD_FAILURE() << file << " opened";
    return ReviewError::Kind::Unavailable;
}

TEST(ReviewStore, NothingIsCreatedUntilTheFirstDecision) {
    TempDir dir;
    const auto file = dir.path() / ".losslens" / "review.sqlite";
    EXPECT_FALSE(ReviewStore::open(file, ReviewStore::Open::Existing).has_value());
    EXPECT_FALSE(std::filesystem::exists(file.parent_path()));
    auto store = ReviewStore::open(file, ReviewStore::Open::CreateIfMissing);
    ASSERT_TRUE(store);
    EXPECT_TRUE(std::filesystem::exists(file));
    EXPECT_EQ(store->decisionCount(), 0u);
}

TEST(ReviewStore, KeepsReplacesForgetsAndUndoes) {
    TempDir dir;
    const auto file = dir.path() / "review.sqlite";
    auto store = ReviewStore::open(file, ReviewStore::Open::CreateIfMissing);
    const Candidate a = boxCandidate("s1", 2, 10, 10);
    const Candidate b = boxCandidate("s1", 3, 30, 30);
    const auto first = store->mark(a, ReviewStatus::Confirmed, "missing cat");
    EXPECT_FALSE(first.replaced);
    (void)store->mark(b, ReviewStatus::Rejected);
    // The same object, one pixel lower after new predictions (IoU 12/20): replaces.
    const Candidate aMoved = boxCandidate("s1", 2, 10, 11);
    const auto second = store->mark(aMoved, ReviewStatus::Unsure);
    ASSERT_TRUE(second.replaced);
    EXPECT_EQ(second.replaced->status, ReviewStatus::Confirmed);
    EXPECT_EQ(second.replaced->note, "missing cat");

    // Another process's view of the same file.
    auto other = ReviewStore::open(file, ReviewStore::Open::Existing);
    auto kept = other->decisionsOf("s1");
    ASSERT_EQ(kept.size(), 2u);
    std::set<std::pair<int, ReviewStatus>> got;
    for (const auto& d : kept)
        got.insert({d.classId, d.status});
    EXPECT_EQ(got, (std::set<std::pair<int, ReviewStatus>>{{2, ReviewStatus::Unsure},
                                                           {3, ReviewStatus::Rejected}}));
    for (const auto& d : kept) {
        if (d.classId == 2) {
            EXPECT_EQ(d.runs, aMoved.runs);
        }
    }

    store->undo(second); // back to the first decision, its note and mask
    kept = other->decisionsOf("s1");
    ASSERT_EQ(kept.size(), 2u);
    for (const auto& d : kept)
        if (d.classId == 2) {
            EXPECT_EQ(d.status, ReviewStatus::Confirmed);
            EXPECT_EQ(d.note, "missing cat");
            EXPECT_EQ(d.runs, a.runs);
            EXPECT_EQ(d.id, first.decision.id);
        }

    // Undecided forgets; undo brings it back.
    const auto forgot = store->mark(b, ReviewStatus::Undecided);
    EXPECT_EQ(forgot.decision.id, 0);
    EXPECT_EQ(other->decisionCount(), 1u);
    store->undo(forgot);
    EXPECT_EQ(other->decisionCount(), 2u);
    // A decision on a far object of the same class is a new one.
    (void)store->mark(boxCandidate("s1", 2, 50, 50), ReviewStatus::Rejected);
    EXPECT_EQ(other->decisionCount(), 3u);
}

TEST(ReviewStore, DataVersionTellsAnotherConnectionsCommit) {
    TempDir dir;
    const auto file = dir.path() / "review.sqlite";
    auto window = ReviewStore::open(file, ReviewStore::Open::CreateIfMissing);
    auto cli = ReviewStore::open(file, ReviewStore::Open::Existing);
    const auto before = window->dataVersion();
    EXPECT_EQ(window->dataVersion(), before);
    (void)cli->mark(boxCandidate("s", 1, 0, 0), ReviewStatus::Confirmed);
    EXPECT_NE(window->dataVersion(), before);
}

TEST(ReviewStore, AMarkBatchIsAllOrNothing) {
    TempDir dir;
    const auto file = dir.path() / "review.sqlite";
    auto store = ReviewStore::open(file, ReviewStore::Open::CreateIfMissing);
    const Candidate good = boxCandidate("s", 1, 0, 0);
    Candidate bad = boxCandidate("s", 2, 20, 20);
    bad.runs.push_back({30, 60, 70}); // past the 64-pixel image: not a candidate's mask
    const std::vector<ReviewStore::Mark> marks = {{&good, ReviewStatus::Confirmed, ""},
                                                  {&bad, ReviewStatus::Rejected, ""}};
    EXPECT_THROW((void)store->mark(marks), ReviewError);
    EXPECT_EQ(store->decisionCount(), 0u); // the first mark was rolled back with the second
    const std::vector<ReviewStore::Mark> twice = {{&good, ReviewStatus::Confirmed, ""},
                                                  {&good, ReviewStatus::Rejected, ""}};
    const auto done = store->mark(twice);
    ASSERT_EQ(done.size(), 2u);
    ASSERT_TRUE(done[1].replaced); // the second replaced the first inside the transaction
    EXPECT_EQ(store->decisionCount(), 1u);
    EXPECT_EQ(store->decisions().front().status, ReviewStatus::Rejected);
}

// Marks `count` distinct candidates, one transaction each as clicks in the window are,
// stems named after `who`; reports each commit on `report` (a pipe) when given.
void markMany(const std::filesystem::path& file, const std::string& who, int count,
              int report = -1) {
    auto store = ReviewStore::open(file, ReviewStore::Open::CreateIfMissing);
    for (int i = 0; i < count; ++i) {
        const Candidate c =
            boxCandidate(std::string(who).append("_").append(std::to_string(i / 16)), 1 + i % 7,
                         (i % 16) * 4, 0);
        (void)store->mark(c, ReviewStatus::Confirmed, who);
        if (report >= 0) {
            const int n = i + 1;
            if (::write(report, &n, sizeof n) != sizeof n)
                ::_exit(3);
        }
    }
}

TEST(ReviewStore, TwoProcessesMarkingAtOnceLoseNothing) {
    TempDir dir;
    const auto file = dir.path() / ".losslens" / "review.sqlite";
    constexpr int kEach = 1000;
    std::vector<pid_t> children;
    for (const char* who : {"window", "cli"}) {
        const pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            try {
                markMany(file, who, kEach);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "%s: %s\n", who, e.what());
                ::_exit(1);
            }
            ::_exit(0);
        }
        children.push_back(pid);
    }
    for (const pid_t pid : children) {
        int status = 0;
        ASSERT_EQ(waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFEXITED(status));
        EXPECT_EQ(WEXITSTATUS(status), 0);
    }
    auto store = ReviewStore::open(file, ReviewStore::Open::Existing);
    const auto all = store->decisions();
    EXPECT_EQ(all.size(), 2u * kEach);
    std::set<std::tuple<std::string, int, int>> distinct;
    std::map<std::string, int> byWho;
    for (const auto& d : all) {
        distinct.insert({d.stem, d.classId, d.bbox.x});
        ++byWho[d.note];
    }
    EXPECT_EQ(distinct.size(), 2u * kEach);
    EXPECT_EQ(byWho["window"], kEach);
    EXPECT_EQ(byWho["cli"], kEach);
}

TEST(ReviewStore, AKilledWriterLeavesEveryCommittedDecision) {
    TempDir dir;
    const auto file = dir.path() / "review.sqlite";
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::close(fds[0]);
        try {
            markMany(file, "killed", 1000000, fds[1]);
        } catch (...) {
            ::_exit(1);
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    int committed = 0;
    int n = 0;
    while (committed < 300 && ::read(fds[0], &n, sizeof n) == sizeof n)
        committed = n;
    ::kill(pid, SIGKILL); // somewhere in the next mark's transaction, or between two
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status));
    while (::read(fds[0], &n, sizeof n) == sizeof n) // reported before the kill landed
        committed = n;
    ::close(fds[0]);
    ASSERT_GE(committed, 300);
    auto store = ReviewStore::open(file, ReviewStore::Open::Existing); // quick_check inside
    ASSERT_TRUE(store);
    const std::size_t kept = store->decisionCount();
    EXPECT_GE(kept, static_cast<std::size_t>(committed));
    EXPECT_LE(kept, static_cast<std::size_t>(committed) + 1); // the one in flight, if it landed
    EXPECT_EQ(store->decisions().size(), kept);               // every row reads back
}

TEST(ReviewStore, GarbageIsReportedAndLeftUntouched) {
    TempDir dir;
    const auto file = dir.path() / "review.sqlite";
    std::string garbage(8192, '\0');
    for (std::size_t i = 0; i < garbage.size(); ++i)
        garbage[i] = static_cast<char>(i * 37 + 11);
    testing::writeText(file, garbage);
    EXPECT_EQ(openError(file), ReviewError::Kind::Corrupt);
    EXPECT_EQ(bytesOf(file), garbage);
    EXPECT_FALSE(std::filesystem::exists(file.string() + "-wal"));
}

TEST(ReviewStore, DamagedPagesAreReportedAndLeftUntouched) {
    TempDir dir;
    const auto file = dir.path() / "review.sqlite";
    {
        auto store = ReviewStore::open(file, ReviewStore::Open::CreateIfMissing);
        for (int i = 0; i < 400; ++i)
            (void)store->mark(
                boxCandidate(std::string("s").append(std::to_string(i)), 1, 0, 0, 8, 40),
                ReviewStatus::Confirmed, std::string(200, 'n'));
    }
    std::string bytes = bytesOf(file);
    ASSERT_GT(bytes.size(), 4u * 4096u);
    // Scribble over the middle of the file, past the header page.
    for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 3000; ++i)
        bytes[i] = static_cast<char>(0xA5 ^ i);
    testing::writeText(file, bytes);
    EXPECT_EQ(openError(file), ReviewError::Kind::Corrupt);
    EXPECT_EQ(bytesOf(file), bytes);
}

TEST(ReviewStore, ANewerSchemaIsRefusedAndLeftUntouched) {
    TempDir dir;
    const auto file = dir.path() / "review.sqlite";
    { auto store = ReviewStore::open(file, ReviewStore::Open::CreateIfMissing); }
    // What a later LossLens would have written: the same application id, version 99.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "PRAGMA journal_mode = DELETE; UPDATE schema_version SET version = 99;"
                           "CREATE TABLE future (x);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    const std::string before = bytesOf(file);
    EXPECT_EQ(openError(file), ReviewError::Kind::NewerSchema);
    EXPECT_EQ(bytesOf(file), before);
}

TEST(ReviewStore, AnotherProgramsDatabaseIsRefused) {
    TempDir dir;
    const auto file = dir.path() / "review.sqlite";
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE photos (id INTEGER); INSERT INTO photos VALUES (1);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    const std::string before = bytesOf(file);
    EXPECT_EQ(openError(file), ReviewError::Kind::NotReview);
    EXPECT_EQ(bytesOf(file), before);
}

TEST(ReviewLocation, InTheSetUnlessItsFolderIsReadOnly) {
    TempDir dir;
    const auto set = dir.path() / "my set";
    std::filesystem::create_directories(set);
    const auto home = dir.path() / "data";
    const ReviewLocation inSet = reviewLocation(set, home);
    EXPECT_TRUE(inSet.inSet);
    EXPECT_EQ(inSet.database, set / ".losslens" / "review.sqlite");
    EXPECT_EQ(reviewLocation(set.string() + "/", home).database, inSet.database);

    // Read-only for the user who runs it: as root, a child that becomes nobody (root may
    // write anywhere); permissions alone otherwise.
    ::chmod(set.c_str(), 0555);
    ::chmod(dir.path().c_str(), 0755);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            ::_exit(10);
        const ReviewLocation ro = reviewLocation(set, home);
        if (ro.inSet)
            ::_exit(11);
        if (ro.database.parent_path() != home / "losslens" / "review")
            ::_exit(12);
        const std::string name = ro.database.filename().string();
        if (name.rfind("my set-", 0) != 0 || name.size() != 7 + 16 + 7)
            ::_exit(13);
        // Two read-only sets of one name get two databases.
        if (reviewLocation(dir.path() / "other" / "my set", home).database == ro.database)
            ::_exit(14);
        ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ::chmod(set.c_str(), 0755);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

} // namespace
} // namespace losslens
