// The score index (spec section 7): an unchanged sample is taken from the review database
// without loading it, and what it gives equals a scan without the index; a changed file, a
// changed dataset.json, a fresh file, a damaged row each mean scoring again. The reference
// is always a plain scan of the same set with no index.
#include "losslens/review/ScoreIndex.h"
#include "losslens/candidates/SetCandidates.h"
#include "losslens/demo/DemoDataset.h"
#include "losslens/review/ReviewError.h"
#include "losslens/review/ReviewStore.h"
#include "losslens/set/SetProcessor.h"

#include "../io/TestFiles.h"

#include <sqlite3.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <vector>

namespace losslens {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// Sets every file of the set a minute back, as a set written earlier: files modified within
// the last two seconds are never kept.
void age(const fs::path& root) {
    const auto then = fs::file_time_type::clock::now() - std::chrono::minutes(1);
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file() && e.path().parent_path().filename() != ".losslens")
            fs::last_write_time(e.path(), then);
}

fs::path demoSet(const TempDir& dir, int count = 6) {
    DemoOptions options;
    options.count = count;
    options.size = 64;
    options.missing = 3;
    const fs::path root = dir.path() / "set";
    writeDemoDataset(root, options, false);
    age(root);
    return root;
}

ProcessOptions scanOptions(bool statistics) {
    ProcessOptions options;
    options.jobs = 2;
    options.statistics = statistics;
    options.images = Dataset::Image::Skip;
    return options;
}

// A scan through `index` (may be null) that counts the samples it loaded.
SetReport scan(const Dataset& dataset, SampleIndex* index, std::size_t& loads,
               bool statistics = true) {
    ProcessOptions options = scanOptions(statistics);
    options.index = index;
    std::atomic<std::size_t> visited{0};
    SetReport report = processSet(
        dataset, options, [&](std::size_t, const LoadedSample&, const LossResult&) { ++visited; });
    loads = visited.load();
    return report;
}

void expectSameOutcome(const SampleOutcome& got, const SampleOutcome& want) {
    SCOPED_TRACE(want.stem);
    ASSERT_EQ(got.stem, want.stem);
    ASSERT_EQ(got.ok, want.ok);
    const SampleSummary& a = got.summary;
    const SampleSummary& b = want.summary;
    EXPECT_EQ(a.classes, b.classes);
    EXPECT_EQ(a.missing, b.missing);
    EXPECT_EQ(a.missingSource, b.missingSource);
    EXPECT_EQ(a.validPixels, b.validPixels);
    EXPECT_EQ(a.backgroundPixels, b.backgroundPixels);
    EXPECT_EQ(a.removedPixels, b.removedPixels);
    EXPECT_EQ(a.sums, b.sums); // bit for bit: the index keeps doubles exactly
    EXPECT_EQ(a.weights, b.weights);
    EXPECT_EQ(a.classSums, b.classSums);
    EXPECT_EQ(a.classReduced, b.classReduced);
    EXPECT_EQ(a.classPixels, b.classPixels);
    EXPECT_EQ(got.warnings, want.warnings);
    const SampleStatistics& s = got.statistics;
    const SampleStatistics& t = want.statistics;
    EXPECT_EQ(s.maxLoss, t.maxLoss);
    EXPECT_EQ(s.maxDifferences, t.maxDifferences);
    ASSERT_EQ(s.histograms.size(), t.histograms.size());
    for (std::size_t v = 0; v < s.histograms.size(); ++v) {
        EXPECT_EQ(s.histograms[v].counts, t.histograms[v].counts);
        EXPECT_EQ(s.histograms[v].lo, t.histograms[v].lo);
        EXPECT_EQ(s.histograms[v].hi, t.histograms[v].hi);
    }
    EXPECT_EQ(s.quantiles.counts(), t.quantiles.counts());
    EXPECT_EQ(s.quantiles.total(), t.quantiles.total());
}

void expectSameReport(const SetReport& got, const SetReport& want) {
    ASSERT_EQ(got.samples.size(), want.samples.size());
    for (std::size_t i = 0; i < want.samples.size(); ++i)
        expectSameOutcome(got.samples[i], want.samples[i]);
    EXPECT_EQ(got.total.sums(), want.total.sums());
}

TEST(ScoreIndex, UnchangedSamplesAreRecalledAndChangedOnesScoredAgain) {
    TempDir dir;
    const fs::path root = demoSet(dir);
    const fs::path db = root / ".losslens" / "review.sqlite";
    std::size_t loads = 0;
    const Dataset first = Dataset::open(root);
    const SetReport reference = scan(first, nullptr, loads);
    ASSERT_EQ(loads, 6u);
    ASSERT_FALSE(fs::exists(db));

    const ScoreIndex::Options options{true, Dataset::Image::Skip, {}};
    {
        ScoreIndex index(db, first, options);
        expectSameReport(scan(first, &index, loads), reference);
        EXPECT_EQ(loads, 6u);
        EXPECT_EQ(index.recalled(), 0u);
    }
    ASSERT_TRUE(fs::exists(db));
    {
        ScoreIndex index(db, first, options);
        expectSameReport(scan(first, &index, loads), reference);
        EXPECT_EQ(loads, 0u) << "an unchanged set is not loaded again";
        EXPECT_EQ(index.recalled(), 6u);
        EXPECT_EQ(index.written(), 0u);
    }

    // demo_002's prediction replaced by demo_004's (same size, other values), a second later.
    const fs::path changed = root / "predictions" / "demo_002.npy";
    fs::copy_file(root / "predictions" / "demo_004.npy", changed,
                  fs::copy_options::overwrite_existing);
    fs::last_write_time(changed, fs::file_time_type::clock::now() - std::chrono::seconds(30));
    const Dataset second = Dataset::open(root);
    const SetReport fresh = scan(second, nullptr, loads);
    ASSERT_NE(fresh.samples[2].summary.sums, reference.samples[2].summary.sums);
    {
        ScoreIndex index(db, second, options);
        std::atomic<int> loadedChanged{0};
        ProcessOptions process = scanOptions(true);
        process.index = &index;
        const SetReport got = processSet(
            second, process, [&](std::size_t entry, const LoadedSample&, const LossResult&) {
                EXPECT_EQ(entry, 2u) << "only the changed sample is scored";
                ++loadedChanged;
            });
        EXPECT_EQ(loadedChanged.load(), 1);
        expectSameReport(got, fresh);
    }
    // A scan that does not make statistics is served by rows that have them.
    {
        ScoreIndex index(db, second, ScoreIndex::Options{false, Dataset::Image::Skip, {}});
        const SetReport plain = scan(second, &index, loads, false);
        EXPECT_EQ(loads, 0u);
        for (std::size_t i = 0; i < plain.samples.size(); ++i)
            EXPECT_EQ(plain.samples[i].summary.sums, fresh.samples[i].summary.sums);
    }
}

TEST(ScoreIndex, RowsWithoutStatisticsDoNotServeAScanThatWantsThem) {
    TempDir dir;
    const fs::path root = demoSet(dir, 3);
    const fs::path db = root / "index.sqlite";
    const Dataset dataset = Dataset::open(root);
    std::size_t loads = 0;
    {
        ScoreIndex index(db, dataset, ScoreIndex::Options{false, Dataset::Image::Skip, {}});
        (void)scan(dataset, &index, loads, false);
    }
    ScoreIndex index(db, dataset, ScoreIndex::Options{true, Dataset::Image::Skip, {}});
    const SetReport got = scan(dataset, &index, loads, true);
    EXPECT_EQ(loads, 3u);
    EXPECT_FALSE(got.samples[0].statistics.histograms.empty());
}

TEST(ScoreIndex, AnotherDatasetJsonOrFreshFilesAreScoredAgain) {
    TempDir dir;
    const fs::path root = demoSet(dir, 4);
    const fs::path db = root / "index.sqlite";
    const ScoreIndex::Options options{true, Dataset::Image::Skip, {}};
    std::size_t loads = 0;
    {
        const Dataset dataset = Dataset::open(root);
        ScoreIndex index(db, dataset, options);
        (void)scan(dataset, &index, loads);
    }
    // One more space in dataset.json: another context, every sample scored.
    {
        std::ofstream(root / "dataset.json", std::ios::app) << " ";
        const Dataset dataset = Dataset::open(root);
        ScoreIndex index(db, dataset, options);
        (void)scan(dataset, &index, loads);
        EXPECT_EQ(loads, 4u);
        EXPECT_EQ(index.recalled(), 0u);
    }
    // Files written just now are scored but not kept (their time may not change on the next
    // write within the same clock tick).
    TempDir other;
    DemoOptions demo;
    demo.count = 2;
    demo.size = 32;
    writeDemoDataset(other.path() / "new", demo, false);
    const Dataset fresh = Dataset::open(other.path() / "new");
    const fs::path freshDb = other.path() / "new" / ".losslens" / "review.sqlite";
    {
        ScoreIndex index(freshDb, fresh, options);
        (void)scan(fresh, &index, loads);
        EXPECT_EQ(index.written(), 0u);
    }
    EXPECT_FALSE(fs::exists(freshDb)) << "a pass that keeps nothing creates no database";
}

TEST(ScoreIndex, DamagedRowsAreScoredAgain) {
    TempDir dir;
    const fs::path root = demoSet(dir, 4);
    const fs::path db = root / "index.sqlite";
    const Dataset dataset = Dataset::open(root);
    std::size_t loads = 0;
    const SetReport reference = scan(dataset, nullptr, loads);
    const ScoreIndex::Options options{true, Dataset::Image::Skip, {}};
    {
        ScoreIndex index(db, dataset, options);
        (void)scan(dataset, &index, loads);
    }
    // Cut one blob, flip bytes in another, a huge count in a third, garbage in the fourth.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    const char* damage =
        "UPDATE scores SET data = substr(data, 1, length(data) / 2) WHERE stem = 'demo_000';"
        "UPDATE scores SET data = zeroblob(length(data)) WHERE stem = 'demo_001';"
        "UPDATE scores SET data = x'01ffffffffffffffffff01' WHERE stem = 'demo_002';"
        "UPDATE scores SET data = randomblob(300) WHERE stem = 'demo_003';";
    ASSERT_EQ(sqlite3_exec(raw, damage, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
    ScoreIndex index(db, dataset, options);
    expectSameReport(scan(dataset, &index, loads), reference);
    EXPECT_EQ(loads, 4u);
}

// Opening checks the decisions page by page, not the index beside them (most of the file):
// pages of the index overwritten leave the decisions readable and writable; the index
// refuses to load, and a scan without it is what the CLI and the window then do.
TEST(ScoreIndex, DamagedIndexPagesLeaveTheDecisionsUsable) {
    TempDir dir;
    const fs::path root = demoSet(dir, 12);
    const fs::path db = root / "review.sqlite";
    const Dataset dataset = Dataset::open(root);
    const ProcessOptions process = scanOptions(false);
    const CandidateSetReport listed = findSetCandidates(dataset, {}, {}, process);
    ASSERT_GE(listed.candidates.size(), 2u);
    ReviewStore::open(db, ReviewStore::Open::CreateIfMissing)
        ->mark(listed.candidates[0], ReviewStatus::Rejected, "no object");
    std::size_t loads = 0;
    {
        ScoreIndex index(db, dataset, ScoreIndex::Options{true, Dataset::Image::Skip, {}});
        (void)scan(dataset, &index, loads);
    }
    // The pages of the scores table, from SQLite's own page map (dbstat).
    std::vector<std::int64_t> pages;
    std::int64_t pageSize = 0;
    {
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
        sqlite3_stmt* s = nullptr;
        ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT pageno FROM dbstat WHERE name = 'scores'", -1, &s,
                                     nullptr),
                  SQLITE_OK);
        while (sqlite3_step(s) == SQLITE_ROW)
            pages.push_back(sqlite3_column_int64(s, 0));
        sqlite3_finalize(s);
        ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA page_size", -1, &s, nullptr), SQLITE_OK);
        ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
        pageSize = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        sqlite3_close(raw);
    }
    ASSERT_GE(pages.size(), 2u);
    ASSERT_FALSE(fs::exists(db.string() + "-wal")) << "every page is in the file";
    {
        std::fstream file(db, std::ios::in | std::ios::out | std::ios::binary);
        const std::string scribble(static_cast<std::size_t>(pageSize), '\xa5');
        for (const std::int64_t page : pages) {
            file.seekp((page - 1) * pageSize);
            file.write(scribble.data(), static_cast<std::streamsize>(scribble.size()));
        }
        ASSERT_TRUE(file.good());
    }
    auto store = ReviewStore::open(db, ReviewStore::Open::Existing);
    ASSERT_TRUE(store);
    ASSERT_EQ(store->decisionCount(), 1u);
    const std::vector<ReviewDecision> kept = store->decisions();
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_EQ(kept[0].stem, listed.candidates[0].stem);
    EXPECT_EQ(kept[0].status, ReviewStatus::Rejected);
    EXPECT_EQ(kept[0].note, "no object");
    (void)store->mark(listed.candidates[1], ReviewStatus::Confirmed);
    EXPECT_EQ(store->decisionCount(), 2u);
    store.reset();
    EXPECT_THROW(ScoreIndex(db, dataset, ScoreIndex::Options{true, Dataset::Image::Skip, {}}),
                 ReviewError);
}

TEST(ScoreIndex, CandidatesComeFromTheIndexWithTheirDecisions) {
    TempDir dir;
    const fs::path root = demoSet(dir, 6);
    const fs::path db = root / ".losslens" / "review.sqlite";
    const Dataset dataset = Dataset::open(root);
    const CandidateOptions options;
    const ProcessOptions process = scanOptions(false);
    const CandidateSetReport reference = findSetCandidates(dataset, options, {}, process);
    ASSERT_GE(reference.candidates.size(), 3u);
    const ScoreIndex::Options indexOptions{false, Dataset::Image::Skip, options};
    {
        ScoreIndex index(db, dataset, indexOptions);
        (void)findSetCandidates(dataset, options, {}, process, nullptr, &index);
        EXPECT_EQ(index.recalled(), 0u);
    }
    // A decision on the second candidate, kept in the same database.
    const Candidate& decided = reference.candidates[1];
    ReviewStore::open(db, ReviewStore::Open::Existing)
        ->mark(decided, ReviewStatus::Confirmed, "seen");
    const DecisionsByStem decisions =
        ReviewStore::open(db, ReviewStore::Open::Existing)->decisionsByStem();

    ScoreIndex index(db, dataset, indexOptions);
    const CandidateSetReport got =
        findSetCandidates(dataset, options, {}, process, &decisions, &index);
    EXPECT_EQ(index.recalled(), 6u) << "nothing loaded";
    ASSERT_EQ(got.candidates.size(), reference.candidates.size());
    for (std::size_t i = 0; i < got.candidates.size(); ++i) {
        const Candidate& a = got.candidates[i];
        const Candidate& b = reference.candidates[i];
        SCOPED_TRACE(i);
        EXPECT_EQ(a.stem, b.stem);
        EXPECT_EQ(a.run, b.run);
        EXPECT_EQ(a.id, b.id);
        EXPECT_EQ(a.classId, b.classId);
        EXPECT_EQ(a.area, b.area);
        EXPECT_EQ(a.bbox, b.bbox);
        EXPECT_EQ(a.confidence, b.confidence);
        EXPECT_EQ(a.penalty, b.penalty);
        EXPECT_EQ(a.missing, b.missing);
        EXPECT_EQ(a.firstPixel, b.firstPixel);
        EXPECT_EQ(a.runs, b.runs);
        EXPECT_EQ(a.status, i == 1 ? ReviewStatus::Confirmed : ReviewStatus::Undecided);
    }
    ASSERT_EQ(got.samples.size(), reference.samples.size());
    for (std::size_t i = 0; i < got.samples.size(); ++i) {
        EXPECT_EQ(got.samples[i].width, reference.samples[i].width);
        EXPECT_EQ(got.samples[i].height, reference.samples[i].height);
        EXPECT_EQ(got.samples[i].candidates, reference.samples[i].candidates);
    }
    // Other candidate options are another context.
    CandidateOptions stricter;
    stricter.minArea = 40;
    ScoreIndex strict(db, dataset, ScoreIndex::Options{false, Dataset::Image::Skip, stricter});
    (void)findSetCandidates(dataset, stricter, {}, process, nullptr, &strict);
    EXPECT_EQ(strict.recalled(), 0u);
}

TEST(ScoreIndex, ClearForgetsScoresAndKeepsDecisions) {
    TempDir dir;
    const fs::path root = demoSet(dir, 3);
    const fs::path db = root / "review.sqlite";
    const Dataset dataset = Dataset::open(root);
    const ProcessOptions process = scanOptions(false);
    const CandidateSetReport listed = findSetCandidates(dataset, {}, {}, process);
    ASSERT_FALSE(listed.candidates.empty());
    ReviewStore::open(db, ReviewStore::Open::CreateIfMissing)
        ->mark(listed.candidates[0], ReviewStatus::Rejected);
    std::size_t loads = 0;
    {
        ScoreIndex index(db, dataset, ScoreIndex::Options{true, Dataset::Image::Skip, {}});
        (void)scan(dataset, &index, loads);
    }
    EXPECT_EQ(ScoreIndex::clear(db), 3u);
    EXPECT_EQ(ReviewStore::open(db, ReviewStore::Open::Existing)->decisionCount(), 1u);
    ScoreIndex index(db, dataset, ScoreIndex::Options{true, Dataset::Image::Skip, {}});
    (void)scan(dataset, &index, loads);
    EXPECT_EQ(loads, 3u);
    EXPECT_EQ(ScoreIndex::clear(dir.path() / "none.sqlite"), 0u);
    EXPECT_FALSE(fs::exists(dir.path() / "none.sqlite"));
}

// A database of the first schema (version 1, written by the previous release: decisions
// only) is migrated in place; its decisions stay and the index works in it.
TEST(ScoreIndex, AVersionOneDatabaseIsMigrated) {
    TempDir dir;
    const fs::path root = demoSet(dir, 2);
    const fs::path db = root / "old.sqlite";
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    const char* v1 = R"(PRAGMA application_id = 1280070230;
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        INSERT INTO schema_version (version) VALUES (1);
        CREATE TABLE decisions (id INTEGER PRIMARY KEY, stem TEXT NOT NULL,
            class INTEGER NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
            x INTEGER NOT NULL, y INTEGER NOT NULL, w INTEGER NOT NULL, h INTEGER NOT NULL,
            area INTEGER NOT NULL, mask BLOB NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('confirmed', 'rejected', 'unsure')),
            note TEXT NOT NULL DEFAULT '', time_ms INTEGER NOT NULL);
        CREATE INDEX decisions_by_stem ON decisions (stem, class);
        INSERT INTO decisions VALUES (7, 'demo_001', 2, 64, 64, 3, 4, 1, 1, 1, x'040301',
            'unsure', 'kept from v1', 1700000000000);)";
    ASSERT_EQ(sqlite3_exec(raw, v1, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(raw);
    sqlite3_close(raw);

    const Dataset dataset = Dataset::open(root);
    std::size_t loads = 0;
    {
        ScoreIndex index(db, dataset, ScoreIndex::Options{true, Dataset::Image::Skip, {}});
        (void)scan(dataset, &index, loads);
    }
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT version FROM schema_version", -1, &s, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(s, 0), ReviewStore::kSchemaVersion);
    sqlite3_finalize(s);
    sqlite3_close(raw);
    const auto store = ReviewStore::open(db, ReviewStore::Open::Existing);
    const auto decisions = store->decisions();
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(decisions[0].id, 7);
    EXPECT_EQ(decisions[0].note, "kept from v1");
    EXPECT_EQ(decisions[0].status, ReviewStatus::Unsure);
    ScoreIndex index(db, dataset, ScoreIndex::Options{true, Dataset::Image::Skip, {}});
    (void)scan(dataset, &index, loads);
    EXPECT_EQ(loads, 0u);
}

} // namespace
} // namespace losslens
