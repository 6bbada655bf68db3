// Soak (label soak; CI runs it, ./scripts/test does not): the same work repeated 50 times in
// one process must not grow its memory. The window (offscreen) opens the built-in demo and
// a 200-sample set and is closed, 50 times each; core's set pipeline scores the 200-sample
// set 50 times. Resident memory after the last round must stay within 10% of after the first
// (both read after malloc_trim, and ctest runs it with one malloc arena: freed memory glibc
// keeps cached does not count as held). LOSSLENS_SOAK_ROUNDS overrides the 50.
#include "WindowWaits.h"

#include "TestWindow.h"
#include "losslens/demo/DemoDataset.h"
#include "losslens/io/Dataset.h"
#include "losslens/set/SetProcessor.h"
#include "session/DatasetSession.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <malloc.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

using namespace losslens;
namespace fs = std::filesystem;

namespace {

long residentKb() {
    malloc_trim(0);
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stol(line.substr(6));
    return -1;
}

int rounds() {
    const char* text = std::getenv("LOSSLENS_SOAK_ROUNDS");
    return text ? std::max(2, std::atoi(text)) : 50;
}

} // namespace

class SoakTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_set;

    // Runs `round` rounds() times; checks memory after the last against after the first.
    void soak(const char* what, const std::function<void()>& round) {
        const auto start = std::chrono::steady_clock::now();
        round();
        if (QTest::currentTestFailed())
            return;
        const long first = residentKb();
        const int n = rounds();
        for (int i = 1; i < n; ++i) {
            round();
            if (QTest::currentTestFailed())
                return;
        }
        const long last = residentKb();
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        qInfo("%s: %d rounds in %.1f s; resident after round 1 %ld KiB, after round %d %ld KiB "
              "(%+.1f%%)",
              what, n, seconds, first, n, last, 100.0 * (double(last) / double(first) - 1.0));
        QVERIFY2(first > 0 && last > 0, "no /proc/self/status");
        QVERIFY2(
            double(last) <= 1.10 * double(first),
            qPrintable(QStringLiteral("%1: %2 KiB after the last round, %3 KiB after the first")
                           .arg(what)
                           .arg(last)
                           .arg(first)));
    }

    // Opens (with `open`) in a new window, waits until the set is scored and a sample shown,
    // then closes and deletes the window.
    void windowRound(const std::function<void(testing::TestWindow&)>& open, std::size_t samples) {
        auto w = std::make_unique<testing::TestWindow>();
        w->resize(1200, 800);
        w->show();
        open(*w);
        testing::waitForScan(*w);
        QCOMPARE(w->session()->rows().size(), samples);
        w->close();
        w.reset();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_set = fs::path(m_dir.path().toStdString()) / "set200";
        DemoOptions options;
        options.count = 200;
        options.size = 64;
        options.missing = 100;
        writeDemoDataset(m_set, options, false);
    }

    void statsFiftyTimesInOneProcess() {
        const Dataset dataset = Dataset::open(m_set);
        double mean = -1;
        soak("stats, 200 samples", [&] {
            const SetReport report = processSet(dataset, {});
            QCOMPARE(report.failedCount(), std::size_t{0});
            QCOMPARE(report.samples.size(), std::size_t{200});
            // Every round scores the same: nothing carried over between rounds.
            const double now = report.total.mean(0);
            if (mean < 0)
                mean = now;
            QCOMPARE(now, mean);
        });
    }

    void windowOpensAndClosesTheDemo() {
        soak("window, the demo",
             [&] { windowRound([](testing::TestWindow& w) { w.openDemo(); }, 8); });
    }

    void windowOpensAndClosesTwoHundredSamples() {
        const QString folder = QString::fromStdString(m_set.string());
        soak("window, 200 samples",
             [&] { windowRound([&](testing::TestWindow& w) { w.openFolder(folder); }, 200); });
    }
};

QTEST_MAIN(SoakTest)
#include "SoakTest.moc"
