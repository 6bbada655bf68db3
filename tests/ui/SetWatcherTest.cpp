// The set watcher without a window: on a local file system it learns of changes from the
// kernel and looks at nothing while the set is unchanged; a rewritten prediction is still
// rescored, notified or polled. And the candidate store's batch merge ranks as a full sort.
#include "session/SetWatcher.h"
#include "losslens/candidates/Candidate.h"
#include "losslens/demo/DemoDataset.h"
#include "losslens/io/Dataset.h"
#include "losslens/set/SetProcessor.h"
#include "session/CandidateStore.h"
#include "session/DatasetSession.h"
#include "session/FolderNotifier.h"

#include "../io/ZipFiles.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

using namespace losslens;
namespace fs = std::filesystem;

class SetWatcherTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    fs::path freshSet(const char* name) {
        const fs::path root = fs::path(m_dir.path().toStdString()) / name;
        DemoOptions options;
        options.count = 6;
        options.size = 32;
        options.missing = 3;
        writeDemoDataset(root, options, false);
        return root;
    }

    // The session's row of `entry` against core's score of the same file.
    static bool rowMatchesCore(const DatasetSession& session, const fs::path& root,
                               std::size_t entry) {
        const SetReport report = processSet(Dataset::open(root), {});
        const auto& rows = session.rows();
        if (entry >= rows.size() || rows[entry].state != DatasetSession::Row::State::Ok)
            return false;
        return rows[entry].summary.sums == report.samples[entry].summary.sums;
    }

    // Rewrites demo_002's prediction in place (np.save's way) with demo_004's values.
    static void rewritePrediction(const fs::path& root) {
        fs::copy_file(root / "predictions" / "demo_004.npy", root / "predictions" / "demo_002.npy",
                      fs::copy_options::overwrite_existing);
    }

private slots:
    // The first look against what the set opened with: the same prediction file names (in
    // any order, from any run folder, samples without a prediction aside) are no change; a
    // file more or less is.
    void aFirstLookIsComparedWithTheFilesOpened() {
        const auto entry = [](const std::string& stem, const std::string& prediction) {
            SampleEntry e;
            e.stem = stem;
            e.label = "/set/labels/" + stem + ".png";
            if (!prediction.empty())
                e.prediction = prediction;
            return e;
        };
        const std::vector<SampleEntry> opened{entry("b", "/set/predictions/run1/b.npy"),
                                              entry("a", "/set/predictions/run1/a.npy"),
                                              entry("c", ""), entry("d", "d.npz")};
        const auto look = [](std::vector<std::string> names) {
            SetWatcher::Snapshot s;
            for (const auto& name : names)
                s.files[name] = FileStamp{};
            return s;
        };
        QVERIFY(!SetWatcher::listsOtherFiles(opened, look({"a.npy", "b.npy", "d.npz"})));
        QVERIFY(SetWatcher::listsOtherFiles(opened, look({"a.npy", "b.npy", "c.npy", "d.npz"})));
        QVERIFY(SetWatcher::listsOtherFiles(opened, look({"a.npy", "d.npz"})));
        QVERIFY(SetWatcher::listsOtherFiles(opened, look({"a.npy", "b.npy", "run1"})));
        QVERIFY(SetWatcher::listsOtherFiles(opened, look({})));
        QVERIFY(!SetWatcher::listsOtherFiles({}, look({})));
        QVERIFY(SetWatcher::listsOtherFiles({}, look({"a.npy"})));
    }

    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void anUnchangedSetCostsNoLook() {
        const fs::path root = freshSet("idle");
        if (!FolderNotifier::notifiesChanges(root.string()))
            QSKIP("this file system sends no notifications; the watcher polls here");
        DatasetSession session;
        SetWatcher watcher(&session);
        watcher.setInterval(20);
        session.open(QString::fromStdString(root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(session.isScored(), 10000);
        QVERIFY(watcher.notified());
        QTest::qWait(200); // the baseline look
        const std::uint64_t settled = watcher.looks();
        QTest::qWait(600); // 30 intervals
        QCOMPARE(watcher.looks(), settled);
        // Polling, the same wait costs a look every interval.
        watcher.forcePolling(true);
        QVERIFY(!watcher.notified());
        QTest::qWait(600);
        QVERIFY2(watcher.looks() >= settled + 10,
                 qPrintable(QStringLiteral("%1 looks").arg(watcher.looks() - settled)));
    }

    void aRewrittenPredictionIsRescored_data() {
        QTest::addColumn<bool>("polling");
        QTest::newRow("notified") << false;
        QTest::newRow("polled") << true;
    }
    void aRewrittenPredictionIsRescored() {
        QFETCH(bool, polling);
        const fs::path root = freshSet(polling ? "polled" : "notified");
        DatasetSession session;
        SetWatcher watcher(&session);
        watcher.setInterval(20);
        watcher.forcePolling(polling);
        session.open(QString::fromStdString(root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(session.isScored(), 10000);
        QVERIFY(rowMatchesCore(session, root, 2));
        const auto before = session.rows()[2].summary.sums;
        QTest::qWait(100);
        QSignalSpy applied(&watcher, &SetWatcher::changeApplied);
        rewritePrediction(root);
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(session.isScored() && rowMatchesCore(session, root, 2), 10000);
        QVERIFY(session.rows()[2].summary.sums != before);
    }

    // Notified, the baseline does not open every file to see whether it is whole (it
    // stats them): a prediction that was already cut short when the set opened is that
    // sample's error row, and does not hold up the rescoring of another file's rewrite for
    // the 30 looks a file still being written is given.
    void aFileCutShortBeforeOpeningHoldsNothingUp() {
        const fs::path root = freshSet("cut-short");
        if (!FolderNotifier::notifiesChanges(root.string()))
            QSKIP("this file system sends no notifications; the watcher polls here");
        fs::resize_file(root / "predictions" / "demo_005.npy",
                        fs::file_size(root / "predictions" / "demo_005.npy") / 2);
        DatasetSession session;
        SetWatcher watcher(&session);
        watcher.setInterval(20);
        session.open(QString::fromStdString(root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(session.isScored(), 10000);
        QCOMPARE(session.rows()[5].state, DatasetSession::Row::State::Error);
        QTest::qWait(100);
        QSignalSpy applied(&watcher, &SetWatcher::changeApplied);
        const std::uint64_t before = watcher.looks();
        rewritePrediction(root);
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 10000);
        QVERIFY2(watcher.looks() - before < 10,
                 qPrintable(QStringLiteral("acted after %1 looks").arg(watcher.looks() - before)));
        QTRY_VERIFY_WITH_TIMEOUT(session.isScored() && rowMatchesCore(session, root, 2), 10000);
    }

    // A prediction replaced by a .npz written in two pieces (np.savez writes in place; the
    // central directory comes last): nothing is acted on while the archive is half written,
    // then the sample is rescored from it. The watcher asks core's prediction-file layer
    // whether a file is whole, so .npz needs nothing of its own here.
    void anNpzWrittenInPiecesIsScoredOnceWhole_data() {
        QTest::addColumn<bool>("polling");
        QTest::newRow("notified") << false;
        QTest::newRow("polled") << true;
    }
    void anNpzWrittenInPiecesIsScoredOnceWhole() {
        QFETCH(bool, polling);
        const fs::path root = freshSet(polling ? "npz-polled" : "npz-notified");
        const fs::path predictions = root / "predictions";
        std::ifstream in(predictions / "demo_004.npy", std::ios::binary);
        const std::string array((std::istreambuf_iterator<char>(in)), {});
        const std::string archive = losslens::testing::zipArchive(
            {{"arr_0.npy", array, true}}, fs::path(m_dir.path().toStdString()) / "s.zip");
        DatasetSession session;
        SetWatcher watcher(&session);
        watcher.setInterval(20);
        watcher.forcePolling(polling);
        session.open(QString::fromStdString(root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(session.isScored(), 10000);
        const auto before = session.rows()[2].summary.sums;
        QTest::qWait(100);
        QSignalSpy applied(&watcher, &SetWatcher::changeApplied);
        fs::remove(predictions / "demo_002.npy");
        {
            std::ofstream out(predictions / "demo_002.npz", std::ios::binary);
            out << archive.substr(0, archive.size() / 2);
        }
        QTest::qWait(300); // 15 intervals: seen, settled, but not whole
        QCOMPARE(applied.count(), 0);
        std::ofstream(predictions / "demo_002.npz", std::ios::binary | std::ios::app)
            << archive.substr(archive.size() / 2);
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(session.isScored() && rowMatchesCore(session, root, 2), 10000);
        QCOMPARE(session.dataset()->entries()[2].prediction, predictions / "demo_002.npz");
        QVERIFY(session.rows()[2].summary.sums != before);
    }

    // Batches merged into the ranking, some samples given again, equal a full sort of what
    // is current, by the spec's order.
    void theStoreRanksBatchesAsAFullSort() {
        std::mt19937 random(7);
        std::uniform_real_distribution<double> penalty(0.0, 50.0);
        CandidateStore store;
        std::map<std::size_t, std::vector<Candidate>> current;
        for (int round = 0; round < 40; ++round) {
            std::vector<std::pair<std::size_t, std::vector<Candidate>>> batch;
            for (int s = 0; s < 5; ++s) {
                const std::size_t entry = random() % 60; // often one already given
                std::vector<Candidate> list(random() % 6);
                for (std::size_t i = 0; i < list.size(); ++i) {
                    list[i].stem = std::to_string(entry); // (GCC 12 warns on "s" + ...)
                    list[i].stem.insert(0, 1, 's');
                    list[i].penalty = (random() % 4 == 0) ? 10.0 : penalty(random); // ties
                    list[i].firstPixel = static_cast<std::int64_t>(i * 7 + random() % 5);
                }
                current[entry] = list;
                batch.emplace_back(entry, std::move(list));
            }
            store.setMany(batch);
            std::vector<std::pair<Candidate, std::size_t>> expected;
            for (const auto& [entry, list] : current)
                for (const Candidate& c : list)
                    expected.emplace_back(c, entry);
            std::sort(expected.begin(), expected.end(),
                      [](const auto& a, const auto& b) { return rankedBefore(a.first, b.first); });
            QCOMPARE(store.size(), expected.size());
            for (std::size_t r = 0; r < expected.size(); ++r) {
                QCOMPARE(store.entryOf(r), expected[r].second);
                QCOMPARE(store.at(r).penalty, expected[r].first.penalty);
                QCOMPARE(store.at(r).firstPixel, expected[r].first.firstPixel);
            }
            for (const auto& [entry, list] : current)
                QCOMPARE(store.countOf(entry), static_cast<int>(list.size()));
        }
    }
};

QTEST_MAIN(SetWatcherTest)
#include "SetWatcherTest.moc"
