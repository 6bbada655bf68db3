// The Candidates tab against core: the list is what losslens-cli candidates ranks on the
// same set (core's findSetCandidates, run separately), its filters select as core's filter
// does, the sample table counts them, and choosing one opens its sample, zooms the canvas
// onto its box and outlines exactly its pixels.
#include "panels/CandidatesPanel.h"
#include "TestWindow.h"
#include "losslens/candidates/SetCandidates.h"
#include "losslens/demo/DemoDataset.h"
#include "losslens/io/Dataset.h"
#include "panels/CandidateTableModel.h"
#include "panels/SampleTableModel.h"
#include "session/DatasetSession.h"
#include "view/Canvas.h"
#include "view/SampleView.h"

#include <QComboBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

using namespace losslens;
namespace fs = std::filesystem;

class CandidatesPanelTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_root;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_root = fs::path(m_dir.path().toStdString()) / "set";
        DemoOptions options;
        options.count = 12;
        options.size = 128;
        options.missing = 8;
        options.seed = 9;
        options.labelSets = true; // false-positive blobs of absent classes: annotated ones too
        writeDemoDataset(m_root, options, false);
    }

    void listsFiltersAndNavigatesAsCoreRanks() {
        const Dataset dataset = Dataset::open(m_root);
        ProcessOptions process;
        process.images = Dataset::Image::Skip;
        const CandidateSetReport core = findSetCandidates(dataset, {}, {}, process);
        QVERIFY(core.candidates.size() >= 8);

        testing::TestWindow w;
        w.resize(1366, 768);
        w.show();
        w.openFolder(QString::fromStdString(m_root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 60000);
        auto* panel = w.findChild<CandidatesPanel*>();
        QVERIFY(panel);
        CandidateTableModel* model = panel->model();
        QCOMPARE(static_cast<std::size_t>(model->rowCount()), core.candidates.size());
        for (int row = 0; row < model->rowCount(); ++row) {
            const Candidate* got = model->candidateAt(row);
            const Candidate& want = core.candidates[static_cast<std::size_t>(row)];
            QCOMPARE(got->stem, want.stem);
            QCOMPARE(got->id, want.id);
            QCOMPARE(got->classId, want.classId);
            QCOMPARE(got->area, want.area);
            QCOMPARE(got->penalty, want.penalty);
            QCOMPARE(got->missing, want.missing);
            QCOMPARE(model->index(row, CandidateTableModel::Rank).data().toInt(), row + 1);
        }

        // The sample table counts each sample's candidates.
        const SampleTableModel* table = w.tableModel();
        for (const CandidateSample& s : core.samples)
            QCOMPARE(table->index(static_cast<int>(s.entry), SampleTableModel::Candidates)
                         .data()
                         .toInt(),
                     static_cast<int>(s.candidates));

        // Filters: annotated-class candidates only, then one class.
        panel->kindBox()->setCurrentIndex(2);
        emit panel->kindBox()->activated(2);
        std::vector<const Candidate*> annotated;
        for (const Candidate& c : core.candidates)
            if (!c.missing)
                annotated.push_back(&c);
        QCOMPARE(static_cast<std::size_t>(model->rowCount()), annotated.size());
        for (int row = 0; row < model->rowCount(); ++row)
            QCOMPARE(model->candidateAt(row)->penalty,
                     annotated[static_cast<std::size_t>(row)]->penalty);
        panel->kindBox()->setCurrentIndex(0);
        emit panel->kindBox()->activated(0);
        const int cls = core.candidates.front().classId;
        const int at = panel->classBox()->findData(cls);
        QVERIFY(at > 0);
        panel->classBox()->setCurrentIndex(at);
        emit panel->classBox()->activated(at);
        std::size_t ofClass = 0;
        for (const Candidate& c : core.candidates)
            ofClass += c.classId == cls ? 1 : 0;
        QCOMPARE(static_cast<std::size_t>(model->rowCount()), ofClass);
        panel->classBox()->setCurrentIndex(0);
        emit panel->classBox()->activated(0);

        // Choosing the last candidate opens its sample, zooms onto it and outlines it.
        const int row = model->rowCount() - 1;
        const Candidate want = core.candidates.back();
        panel->choose(row);
        SampleView* view = w.sampleView();
        QVERIFY(view);
        QTRY_VERIFY_WITH_TIMEOUT(view->current() && view->current()->stem == want.stem, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!view->canvas()->highlight().isEmpty(), 5000);
        const Canvas* canvas = view->canvas();
        QVERIFY(!canvas->isFit());
        const QPointF centre =
            canvas->toImage(QPointF(canvas->width() / 2.0, canvas->height() / 2.0));
        QVERIFY(std::abs(centre.x() - (want.bbox.x + want.bbox.w / 2.0)) < 1.0);
        QVERIFY(std::abs(centre.y() - (want.bbox.y + want.bbox.h / 2.0)) < 1.0);
        // The outline covers the candidate's pixels and no other: each pixel centre inside.
        const QPainterPath& outline = canvas->highlight();
        std::int64_t inside = 0;
        for (int y = want.bbox.y - 1; y <= want.bbox.y + want.bbox.h; ++y)
            for (int x = want.bbox.x - 1; x <= want.bbox.x + want.bbox.w; ++x)
                inside += outline.contains(QPointF(x + 0.5, y + 0.5)) ? 1 : 0;
        QCOMPARE(inside, want.area);
        // Another sample shown: the outline goes.
        const std::size_t other = view->current()->entry == 0 ? 1 : 0;
        w.selectEntry(other);
        QTRY_VERIFY_WITH_TIMEOUT(view->current() && view->current()->entry == other, 20000);
        QVERIFY(view->canvas()->highlight().isEmpty());
    }
};

QTEST_MAIN(CandidatesPanelTest)
#include "CandidatesPanelTest.moc"
