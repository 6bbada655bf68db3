// The window on the bad-input corpus (tests/corpus/make_bad_corpus.py): every defect is
// listed with its file and reason, and the window stays up.
#include "WindowWaits.h"

#include "TestWindow.h"
#include "panels/SampleTableModel.h"
#include "session/DatasetSession.h"
#include "view/Canvas.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace losslens;
using losslens::testing::waitForEntry;
using losslens::testing::waitForScan;

class CorpusWindowTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void theBadCorpusIsListedWithReasonsAndTheWindowStaysUp() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess python;
        python.start(QStringLiteral("/usr/bin/python3"),
                     {QStringLiteral(LOSSLENS_CORPUS_SCRIPT), dir.path()});
        QVERIFY(python.waitForFinished(120000));
        QCOMPARE(python.exitCode(), 0);
        QFile manifest(dir.filePath(QStringLiteral("expected.json")));
        QVERIFY(manifest.open(QIODevice::ReadOnly));
        const QJsonObject expected = QJsonDocument::fromJson(manifest.readAll()).object();
        const QJsonObject set = expected.value(QStringLiteral("set")).toObject();
        const QJsonObject errors = set.value(QStringLiteral("errors")).toObject();
        const QJsonArray good = set.value(QStringLiteral("good")).toArray();
        const QJsonObject warnings = set.value(QStringLiteral("warnings")).toObject();
        const QString root = dir.filePath(QStringLiteral("set"));

        testing::TestWindow w;
        w.show();
        w.openFolder(root);
        waitForScan(w);
        SampleTableModel* model = w.tableModel();
        QCOMPARE(model->rowCount(), static_cast<int>(errors.size() + good.size()));
        int errorRows = 0;
        for (int row = 0; row < model->rowCount(); ++row) {
            const QString stem = model->index(row, SampleTableModel::Stem).data().toString();
            const QString status = model->index(row, SampleTableModel::Status).data().toString();
            const QString tip =
                model->index(row, SampleTableModel::Stem).data(Qt::ToolTipRole).toString();
            if (errors.contains(stem)) {
                const QJsonObject want = errors.value(stem).toObject();
                QCOMPARE(status, QStringLiteral("error"));
                const QString file =
                    QDir(root).filePath(want.value(QStringLiteral("file")).toString());
                QVERIFY2(tip.startsWith(file + QStringLiteral(": ")),
                         qPrintable(stem + ": " + tip));
                QVERIFY2(tip.contains(want.value(QStringLiteral("message")).toString()),
                         qPrintable(stem + ": " + tip));
                ++errorRows;
            } else {
                QVERIFY2(good.contains(stem), qPrintable(stem));
                QCOMPARE(status, warnings.contains(stem) ? QStringLiteral("warning")
                                                         : QStringLiteral("ok"));
                if (warnings.contains(stem))
                    QVERIFY(tip.contains(warnings.value(stem).toString()));
            }
        }
        QCOMPARE(errorRows, static_cast<int>(errors.size()));
        // Viewing each bad sample shows its reason, never a crash; a good one still renders.
        for (int row = 0; row < model->rowCount(); ++row) {
            const QString stem = model->index(row, SampleTableModel::Stem).data().toString();
            if (!errors.contains(stem))
                continue;
            w.selectEntry(static_cast<std::size_t>(row));
            const QString message =
                errors.value(stem).toObject().value(QStringLiteral("message")).toString();
            QTRY_VERIFY_WITH_TIMEOUT(w.detailsText().contains(message), 10000);
            // The load fails off the GUI thread; then nothing of the previous sample is shown.
            QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() == nullptr, 10000);
        }
        waitForEntry(w, 0); // good_a
        QVERIFY(!w.canvas()->image().isNull());
        QVERIFY(w.isVisible());

        // Data-set-level defects: a dialog with the reason, and the window stays up.
        for (const QJsonValue& value : expected.value(QStringLiteral("sets")).toArray()) {
            const QJsonObject c = value.toObject();
            const QString path = dir.filePath(c.value(QStringLiteral("path")).toString());
            const QString reason = c.value(QStringLiteral("message")).toString();
            QSignalSpy spy(w.session(), &DatasetSession::opened);
            w.openFolder(path);
            QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, 10000);
            QVERIFY2(!spy.front().at(0).toBool(), qPrintable(path));
            QVERIFY2(spy.front().at(1).toString().contains(reason),
                     qPrintable(path + ": " + spy.front().at(1).toString()));
            QTRY_VERIFY_WITH_TIMEOUT(w.findChild<QMessageBox*>() != nullptr, 5000);
            for (auto* box : w.findChildren<QMessageBox*>()) {
                QVERIFY(box->text().contains(reason) || box->informativeText().contains(reason) ||
                        box->detailedText().contains(reason));
                box->close();
                box->deleteLater();
            }
            QTest::qWait(10);
        }
        QVERIFY(w.isVisible());
    }
};

QTEST_MAIN(CorpusWindowTest)
#include "CorpusWindowTest.moc"
