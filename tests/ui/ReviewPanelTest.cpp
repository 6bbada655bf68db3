// Review in the window (spec section 7): decisions made by another connection (as
// losslens-cli review makes them) show in the Candidates list; keys decide, move to the next
// undecided candidate and undo, and what they decide is in the database for any other
// process at once; a change made elsewhere while the window is open appears in it; a damaged
// database turns review off, named, and is never written. Expected values come from core's
// own candidates of the set and a second ReviewStore connection, not from the panel.
#include "TestWindow.h"
#include "losslens/candidates/CandidateReport.h"
#include "losslens/candidates/DecisionMatch.h"
#include "losslens/candidates/SetCandidates.h"
#include "losslens/demo/DemoDataset.h"
#include "losslens/io/Dataset.h"
#include "losslens/review/ReviewLocation.h"
#include "losslens/review/ReviewStore.h"
#include "panels/CandidateTableModel.h"
#include "panels/CandidatesPanel.h"
#include "panels/SampleTableModel.h"
#include "session/DatasetSession.h"
#include "session/ReviewExport.h"
#include "session/ReviewKeeper.h"
#include "window/ShortcutsDialog.h"

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

using namespace losslens;
namespace fs = std::filesystem;

class ReviewPanelTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    fs::path makeSet(const std::string& name) {
        const fs::path root = fs::path(m_dir.path().toStdString()) / name;
        DemoOptions options;
        options.count = 8;
        options.size = 128;
        options.missing = 6;
        options.seed = 4;
        writeDemoDataset(root, options, false);
        return root;
    }

    static CandidateSetReport coreCandidates(const fs::path& root) {
        const Dataset dataset = Dataset::open(root);
        ProcessOptions process;
        process.images = Dataset::Image::Skip;
        return findSetCandidates(dataset, {}, {}, process);
    }

    static int rowOf(const CandidateTableModel* model, const Candidate& c) {
        for (int row = 0; row < model->rowCount(); ++row)
            if (model->candidateAt(row)->stem == c.stem && model->candidateAt(row)->id == c.id)
                return row;
        return -1;
    }

    // The status of `c` in a database, read by a connection of its own.
    static ReviewStatus statusIn(const fs::path& db, const Candidate& c) {
        auto store = ReviewStore::open(db, ReviewStore::Open::Existing);
        if (!store)
            return ReviewStatus::Undecided;
        std::vector<Candidate> one = {c};
        applyDecisions(one, store->decisionsOf(c.stem));
        return one.front().status;
    }

    // The window reads a set's database on the thread pool: waits until its decisions (or
    // its problem) are in.
    static void waitForTheDatabase(CandidatesPanel* panel) {
        QTRY_VERIFY_WITH_TIMEOUT(!panel->review()->isReading(), 10000);
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void decidesUndoesAndSharesTheDatabase() {
        const fs::path root = makeSet("set");
        const CandidateSetReport core = coreCandidates(root);
        QVERIFY(core.candidates.size() >= 6);
        const fs::path db = reviewLocation(root).database;
        // Another process decided on the second candidate before the window opened.
        const Candidate& early = core.candidates[1];
        (void)ReviewStore::open(db, ReviewStore::Open::CreateIfMissing)
            ->mark(early, ReviewStatus::Rejected, "not an object");

        testing::TestWindow w;
        w.resize(1366, 768);
        w.show();
        w.openFolder(QString::fromStdString(root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 60000);
        auto* panel = w.findChild<CandidatesPanel*>();
        QVERIFY(panel);
        waitForTheDatabase(panel);
        CandidateTableModel* model = panel->model();
        QCOMPARE(static_cast<std::size_t>(model->rowCount()), core.candidates.size());
        QCOMPARE(panel->review()->databasePath(), QString::fromStdString(db.string()));
        QCOMPARE(model->candidateAt(1)->status, ReviewStatus::Rejected);
        QCOMPARE(model->index(1, CandidateTableModel::Status).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("Rejected: not an object"));
        for (int row = 0; row < model->rowCount(); ++row)
            if (row != 1)
                QCOMPARE(model->candidateAt(row)->status, ReviewStatus::Undecided);
        auto* progress = panel->findChild<QLabel*>(QStringLiteral("reviewProgress"));
        QVERIFY(progress);
        QVERIFY2(progress->text().startsWith(
                     QStringLiteral("1 of %1 decided").arg(core.candidates.size())),
                 qPrintable(progress->text()));

        // Confirm the first: kept for others at once; the next undecided (row 2: row 1 is
        // decided) is chosen.
        panel->choose(0);
        QVERIFY(panel->decide(ReviewStatus::Confirmed));
        QCOMPARE(statusIn(db, core.candidates[0]), ReviewStatus::Confirmed);
        QCOMPARE(panel->table()->currentIndex().row(), 2);
        QVERIFY(panel->decide(ReviewStatus::Unsure));
        QCOMPARE(statusIn(db, core.candidates[2]), ReviewStatus::Unsure);
        QCOMPARE(panel->table()->currentIndex().row(), 3);
        QVERIFY(progress->text().startsWith(QStringLiteral("3 of ")));
        // The key does the same as the button.
        QTest::keyClick(&w, Qt::Key_R);
        QCOMPARE(statusIn(db, core.candidates[3]), ReviewStatus::Rejected);
        QCOMPARE(panel->table()->currentIndex().row(), 4);

        // Help > Keyboard shortcuts lists the review keys of the Candidates tab.
        std::map<QString, QString> keys;
        for (const ShortcutRow& r :
             shortcutRows(w.menuBar(), panel->reviewActions(), QStringLiteral("Candidates tab")))
            if (r.menu == QStringLiteral("Candidates tab"))
                keys[r.keys] = r.action;
        QCOMPARE(keys.size(), 5u);
        QCOMPARE(keys[QStringLiteral("C")], QStringLiteral("An annotation is missing here"));
        QVERIFY(keys.count(QStringLiteral("R")) && keys.count(QStringLiteral("U")) &&
                keys.count(QStringLiteral("N")) &&
                keys.count(QKeySequence(QKeySequence::Undo).toString(QKeySequence::NativeText)));

        // Undo takes the last decision back and chooses its candidate again.
        QVERIFY(panel->undo());
        QCOMPARE(statusIn(db, core.candidates[3]), ReviewStatus::Undecided);
        QCOMPARE(panel->table()->currentIndex().row(), 3);
        QVERIFY(panel->undo());
        QCOMPARE(statusIn(db, core.candidates[2]), ReviewStatus::Undecided);
        QCOMPARE(statusIn(db, core.candidates[0]), ReviewStatus::Confirmed);

        // Filter by decision.
        const int confirmedAt =
            panel->statusBox()->findData(static_cast<int>(ReviewStatus::Confirmed));
        panel->statusBox()->setCurrentIndex(confirmedAt);
        emit panel->statusBox()->activated(confirmedAt);
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->candidateAt(0)->stem, core.candidates[0].stem);
        panel->statusBox()->setCurrentIndex(0);
        emit panel->statusBox()->activated(0);

        // Another process decides while the window is open: the window shows it.
        const Candidate& late = core.candidates[5];
        (void)ReviewStore::open(db, ReviewStore::Open::Existing)
            ->mark(late, ReviewStatus::Confirmed);
        QTRY_COMPARE_WITH_TIMEOUT(model->candidateAt(rowOf(model, late))->status,
                                  ReviewStatus::Confirmed, 5000);

        // The sample table counts each sample's confirmed ones beside its candidates.
        const std::set<std::string> confirmedStems = {core.candidates[0].stem, late.stem};
        for (const CandidateSample& s : core.samples) {
            std::size_t confirmed = 0;
            for (const Candidate* c : {&core.candidates[0], &late})
                confirmed += c->stem == s.stem ? 1 : 0;
            const QString want =
                confirmed == 0 ? QString::number(s.candidates)
                               : QStringLiteral("%1 (%2 \u2714)").arg(s.candidates).arg(confirmed);
            QCOMPARE(w.tableModel()
                         ->index(static_cast<int>(s.entry), SampleTableModel::Candidates)
                         .data()
                         .toString(),
                     want);
        }

        // The window's COCO export of the confirmed ones: the annotations core writes for
        // `candidates --status confirmed` with the decisions read by a connection of its own.
        const Dataset dataset = Dataset::open(root);
        CandidateFilter confirmedOnly;
        confirmedOnly.status = ReviewStatus::Confirmed;
        ProcessOptions process;
        process.images = Dataset::Image::Skip;
        const DecisionsByStem kept =
            ReviewStore::open(db, ReviewStore::Open::Existing)->decisionsByStem();
        const CandidateSetReport cli =
            findSetCandidates(dataset, {}, confirmedOnly, process, &kept);
        QCOMPARE(cli.candidates.size(), 2u);
        const auto want = nlohmann::json::parse(candidatesCoco(cli))["annotations"];
        const QString file = m_dir.filePath(QStringLiteral("confirmed.json"));
        QSignalSpy finished(panel->reviewExport(), &ReviewExport::finished);
        QVERIFY(panel->reviewExport()->startCoco(file));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        std::ifstream in(file.toStdString());
        const auto got = nlohmann::json::parse(in)["annotations"];
        QCOMPARE(got.size(), want.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            QVERIFY2(got[i]["segmentation"] == want[i]["segmentation"], got[i].dump().c_str());
            QVERIFY2(got[i]["bbox"] == want[i]["bbox"], got[i].dump().c_str());
            QVERIFY2(got[i]["category_id"] == want[i]["category_id"], got[i].dump().c_str());
            QVERIFY2(got[i]["losslens"] == want[i]["losslens"], got[i].dump().c_str());
        }
        // Corrected labels: one file per sample with a confirmed candidate.
        const QString labels = m_dir.filePath(QStringLiteral("corrected"));
        QVERIFY(panel->reviewExport()->startLabels(labels));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 10000);
        std::set<std::string> files;
        for (const auto& f : fs::directory_iterator(labels.toStdString()))
            files.insert(f.path().stem().string());
        QCOMPARE(files, confirmedStems);
    }

    void anotherDatabaseChosenForTheWindow() {
        const fs::path root = makeSet("chosen");
        const fs::path other = fs::path(m_dir.path().toStdString()) / "mine" / "review.sqlite";
        testing::TestWindow w;
        w.session()->setReviewDatabase(QString::fromStdString(other.string()));
        w.resize(1366, 768);
        w.show();
        w.openFolder(QString::fromStdString(root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 60000);
        auto* panel = w.findChild<CandidatesPanel*>();
        QCOMPARE(panel->review()->databasePath(), QString::fromStdString(other.string()));
        panel->choose(0);
        QVERIFY(panel->decide(ReviewStatus::Confirmed));
        QCOMPARE(ReviewStore::open(other, ReviewStore::Open::Existing)->decisionCount(), 1u);
        QVERIFY(!fs::exists(reviewLocation(root).database));
        auto* progress = panel->findChild<QLabel*>(QStringLiteral("reviewProgress"));
        QVERIFY(progress->text().contains(QString::fromStdString(other.string())));
    }

    // The window's setting (File > Review database…): kept per set, used on reopening, undone
    // by "the set's own"; not offered while --review-db chooses for every set.
    void aDatabaseChosenInTheWindowIsKeptForTheSet() {
        const fs::path root = makeSet("setting");
        const fs::path own = reviewLocation(root).database;
        const fs::path other = fs::path(m_dir.path().toStdString()) / "chosen" / "set.sqlite";
        const CandidateSetReport core = coreCandidates(root);
        const Candidate& first = core.candidates[0];
        {
            testing::TestWindow w;
            w.resize(1366, 768);
            w.show();
            w.openFolder(QString::fromStdString(root.string()));
            QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 60000);
            auto* panel = w.findChild<CandidatesPanel*>();
            QVERIFY(panel->review()->canChooseDatabase());
            QVERIFY(panel->databaseActions()[0]->isEnabled());
            QVERIFY(!panel->databaseActions()[1]->isEnabled());
            panel->review()->useDatabase(QString::fromStdString(other.string()));
            QCOMPARE(panel->review()->databasePath(), QString::fromStdString(other.string()));
            QVERIFY(panel->databaseActions()[1]->isEnabled());
            panel->choose(0);
            QVERIFY(panel->decide(ReviewStatus::Confirmed));
            QCOMPARE(statusIn(other, first), ReviewStatus::Confirmed);
            QCOMPARE(statusIn(own, first), ReviewStatus::Undecided);
        }
        {
            testing::TestWindow w;
            w.resize(1366, 768);
            w.show();
            w.openFolder(QString::fromStdString(root.string()));
            QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 60000);
            auto* panel = w.findChild<CandidatesPanel*>();
            QCOMPARE(panel->review()->databasePath(), QString::fromStdString(other.string()));
            waitForTheDatabase(panel);
            QCOMPARE(panel->model()->candidateAt(0)->status, ReviewStatus::Confirmed);
            panel->databaseActions()[1]->trigger(); // the set's own again
            QCOMPARE(panel->review()->databasePath(), QString::fromStdString(own.string()));
            waitForTheDatabase(panel);
            QCOMPARE(panel->model()->candidateAt(0)->status, ReviewStatus::Undecided);
        }
        testing::TestWindow fixed;
        fixed.session()->setReviewDatabase(QString::fromStdString(other.string()));
        fixed.openFolder(QString::fromStdString(root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(fixed.session()->isScored(), 60000);
        auto* panel = fixed.findChild<CandidatesPanel*>();
        QVERIFY(!panel->review()->canChooseDatabase());
        QVERIFY(!panel->databaseActions()[0]->isEnabled());
    }

    // Opening the database checks the whole file (0.5 s for a 10,000-sample set's from
    // disk): the window reads it on the pool, and a decision made before the read is in
    // waits for it, then lands in the database like any other.
    void theDatabaseIsReadOffTheWindowsThread() {
        const fs::path root = makeSet("async");
        const CandidateSetReport core = coreCandidates(root);
        QVERIFY(core.candidates.size() >= 2);
        const fs::path db = reviewLocation(root).database;
        (void)ReviewStore::open(db, ReviewStore::Open::CreateIfMissing)
            ->mark(core.candidates[1], ReviewStatus::Rejected);

        testing::TestWindow w;
        w.show();
        auto* panel = w.findChild<CandidatesPanel*>();
        QVERIFY(panel);
        // Connected after the keeper's own handler: sees the keeper right after it started.
        bool readingWhenOpened = false;
        connect(w.session(), &DatasetSession::opened, this, [&](bool ok, const QString&) {
            readingWhenOpened = ok && panel->review()->isReading();
        });
        w.openFolder(QString::fromStdString(root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 60000);
        QVERIFY(readingWhenOpened);
        waitForTheDatabase(panel);
        QTRY_COMPARE_WITH_TIMEOUT(
            panel->model()->candidateAt(rowOf(panel->model(), core.candidates[1]))->status,
            ReviewStatus::Rejected, 5000);

        // Another database chosen: its read is in flight when a decision is made at once.
        const fs::path other = fs::path(m_dir.path().toStdString()) / "async-other.sqlite";
        (void)ReviewStore::open(other, ReviewStore::Open::CreateIfMissing)
            ->mark(core.candidates[1], ReviewStatus::Unsure);
        panel->review()->useDatabase(QString::fromStdString(other.string()));
        QVERIFY(panel->review()->isReading());
        panel->choose(rowOf(panel->model(), core.candidates[0]));
        QVERIFY(panel->decide(ReviewStatus::Confirmed));
        QVERIFY(!panel->review()->isReading());
        QCOMPARE(statusIn(other, core.candidates[0]), ReviewStatus::Confirmed);
        QCOMPARE(statusIn(other, core.candidates[1]), ReviewStatus::Unsure);
        QCOMPARE(statusIn(db, core.candidates[0]), ReviewStatus::Undecided);
        QCOMPARE(panel->model()->candidateAt(rowOf(panel->model(), core.candidates[1]))->status,
                 ReviewStatus::Unsure);
        // Its undo takes it back from the database it went to.
        QVERIFY(panel->undo());
        QCOMPARE(statusIn(other, core.candidates[0]), ReviewStatus::Undecided);
    }

    void aDamagedDatabaseTurnsReviewOffAndIsLeftAlone() {
        const fs::path root = makeSet("damaged");
        const fs::path db = reviewLocation(root).database;
        fs::create_directories(db.parent_path());
        const std::string garbage(4096, '\x5a');
        std::ofstream(db, std::ios::binary) << garbage;

        testing::TestWindow w;
        w.resize(1366, 768);
        w.show();
        w.openFolder(QString::fromStdString(root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 60000);
        auto* panel = w.findChild<CandidatesPanel*>();
        QVERIFY(panel->model()->rowCount() > 0);
        waitForTheDatabase(panel);
        QVERIFY(!panel->review()->problem().isEmpty());
        auto* progress = panel->findChild<QLabel*>(QStringLiteral("reviewProgress"));
        QVERIFY(progress->text().startsWith(QStringLiteral("Review is off")));
        QVERIFY(progress->text().contains(QString::fromStdString(db.string())));
        panel->choose(0);
        QVERIFY(!panel->decide(ReviewStatus::Confirmed));
        std::ifstream in(db, std::ios::binary);
        const std::string after{std::istreambuf_iterator<char>(in), {}};
        QCOMPARE(after, garbage);
    }
};

QTEST_MAIN(ReviewPanelTest)
#include "ReviewPanelTest.moc"
