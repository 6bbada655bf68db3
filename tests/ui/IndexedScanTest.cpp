// The window's scan and the score index (spec section 7), on a session with no window:
// reopening an unchanged set loads no sample and shows the same rows, set figures and
// candidates as the first opening; a changed prediction is the one sample loaded again;
// losslens --no-index scores everything. Rows are compared with a plain core scan.
#include "losslens/candidates/SetCandidates.h"
#include "losslens/demo/DemoDataset.h"
#include "losslens/io/Dataset.h"
#include "losslens/review/ReviewLocation.h"
#include "session/CandidateStore.h"
#include "session/DatasetSession.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <filesystem>
#include <fstream>

using namespace losslens;
namespace fs = std::filesystem;

class IndexedScanTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    // A demo set whose files were written a minute ago (fresh files are never kept).
    fs::path makeSet(const std::string& name) {
        const fs::path root = fs::path(m_dir.path().toStdString()) / name;
        DemoOptions options;
        options.count = 10;
        options.size = 96;
        options.missing = 6;
        options.seed = 9;
        writeDemoDataset(root, options, false);
        const auto then = fs::file_time_type::clock::now() - std::chrono::minutes(1);
        for (const auto& e : fs::recursive_directory_iterator(root))
            if (e.is_regular_file())
                fs::last_write_time(e.path(), then);
        return root;
    }

    static void openAndScan(DatasetSession& session, const fs::path& root) {
        QSignalSpy done(&session, &DatasetSession::scanCompleted);
        session.open(QString::fromStdString(root.string()));
        QVERIFY(done.wait(60000));
        QVERIFY(session.isScored());
    }

    // The session's rows against a scan of the set by core, no index.
    static void expectCoreRows(const DatasetSession& session, const fs::path& root) {
        const Dataset dataset = Dataset::open(root);
        ProcessOptions process;
        process.images = Dataset::Image::Skip;
        const SetReport core = processSet(dataset, process);
        QCOMPARE(session.rows().size(), core.samples.size());
        for (std::size_t i = 0; i < core.samples.size(); ++i) {
            const DatasetSession::Row& row = session.rows()[i];
            QCOMPARE(row.state, DatasetSession::Row::State::Ok);
            QVERIFY(row.summary.sums == core.samples[i].summary.sums);
            QVERIFY(row.summary.missing == core.samples[i].summary.missing);
            QCOMPARE(row.summary.removedPixels, core.samples[i].summary.removedPixels);
        }
    }

    static std::vector<Candidate> ranked(const CandidateStore& store) {
        std::vector<Candidate> out;
        for (std::size_t r = 0; r < store.size(); ++r)
            out.push_back(store.at(r));
        return out;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void reopeningAnUnchangedSetLoadsNothing() {
        const fs::path root = makeSet("set");
        const fs::path db = reviewLocation(root).database;
        const CandidateSetReport core = [&] {
            const Dataset dataset = Dataset::open(root);
            ProcessOptions process;
            process.images = Dataset::Image::Skip;
            return findSetCandidates(dataset, {}, {}, process);
        }();

        DatasetSession first;
        openAndScan(first, root);
        QCOMPARE(first.sampleLoads(), std::size_t{10});
        QCOMPARE(first.recalledSamples(), std::size_t{0});
        QVERIFY2(first.scoreIndexProblem().isEmpty(), qPrintable(first.scoreIndexProblem()));
        QVERIFY(fs::exists(db));
        expectCoreRows(first, root);

        DatasetSession second;
        openAndScan(second, root);
        QCOMPARE(second.sampleLoads(), std::size_t{0});
        QCOMPARE(second.recalledSamples(), std::size_t{10});
        expectCoreRows(second, root);
        QCOMPARE(second.scanReport(),
                 QStringLiteral("Scored 10 samples (10 unchanged, from the kept scores)"));
        QCOMPARE(second.setMax(), first.setMax());
        QVERIFY(second.setQuantiles().counts() == first.setQuantiles().counts());
        QCOMPARE(second.setMaxDifference(0, 1), first.setMaxDifference(0, 1));
        const std::vector<Candidate> got = ranked(second.candidates());
        QCOMPARE(got.size(), core.candidates.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            QCOMPARE(got[i].stem, core.candidates[i].stem);
            QCOMPARE(got[i].id, core.candidates[i].id);
            QVERIFY(got[i].bbox == core.candidates[i].bbox);
            QCOMPARE(got[i].penalty, core.candidates[i].penalty);
            QVERIFY(got[i].runs == core.candidates[i].runs);
        }

        // One prediction changed (another sample's, same size), half a minute ago.
        const fs::path changed = root / "predictions" / "demo_003.npy";
        fs::copy_file(root / "predictions" / "demo_007.npy", changed,
                      fs::copy_options::overwrite_existing);
        fs::last_write_time(changed, fs::file_time_type::clock::now() - std::chrono::seconds(30));
        DatasetSession third;
        openAndScan(third, root);
        QCOMPARE(third.sampleLoads(), std::size_t{1});
        QCOMPARE(third.recalledSamples(), std::size_t{9});
        expectCoreRows(third, root);

        // losslens --no-index
        DatasetSession plain;
        plain.setScoreIndexUsed(false);
        openAndScan(plain, root);
        QCOMPARE(plain.sampleLoads(), std::size_t{10});
        QCOMPARE(plain.recalledSamples(), std::size_t{0});
    }

    void aDamagedDatabaseTurnsTheIndexOffAndTheSetStillOpens() {
        const fs::path root = makeSet("damaged");
        const fs::path db = reviewLocation(root).database;
        fs::create_directories(db.parent_path());
        {
            std::ofstream out(db, std::ios::binary);
            for (int i = 0; i < 8192; ++i)
                out.put(static_cast<char>((i * 37 + 11) % 256));
        }
        const auto before = fs::file_size(db);
        DatasetSession session;
        openAndScan(session, root);
        QVERIFY(session.scoreIndexProblem().contains(QString::fromStdString(db.string())));
        expectCoreRows(session, root);
        QCOMPARE(fs::file_size(db), before);
        QVERIFY(session.scanReport().startsWith(
            QStringLiteral("Scored 10 samples; scores not kept: ")));
    }
};

QTEST_MAIN(IndexedScanTest)
#include "IndexedScanTest.moc"
