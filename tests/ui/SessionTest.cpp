// The open set and the other runs' scores without a window: DatasetSession's scan, the
// viewer's load standing in for it, and RunScores, on a hand-made set whose standard
// cross-entropy means are computed here by a plain loop over the values the test wrote.
#include "losslens/loss/LossVariant.h"
#include "session/DatasetSession.h"
#include "session/JobRunner.h"
#include "session/RunScores.h"
#include "state/ViewState.h"

#include "../io/NpyBytes.h"

#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

using namespace losslens;
namespace fs = std::filesystem;

namespace {

constexpr int kWidth = 4;
constexpr int kHeight = 3;

// Sample `seed`'s labels: classes 0 and 1, one ignored pixel (255).
std::vector<int> labelsOf(int seed) {
    std::vector<int> labels(kWidth * kHeight);
    for (int i = 0; i < kWidth * kHeight; ++i)
        labels[static_cast<std::size_t>(i)] = (i + seed) % 3 == 0 ? 1 : 0;
    labels[5] = 255;
    return labels;
}

// Sample `seed`'s probabilities, H x W x 2: class 1 gets a value of its own per pixel.
std::vector<float> probabilitiesOf(int seed) {
    std::vector<float> p;
    for (int i = 0; i < kWidth * kHeight; ++i) {
        const float one = 0.05f + 0.9f * static_cast<float>((i * 7 + seed * 5) % 11) / 10.0f;
        p.push_back(1.0f - one);
        p.push_back(one);
    }
    return p;
}

// "s<index>" (built by append: GCC 12 warns, wrongly, on a literal + std::to_string).
std::string stemOf(int index) {
    std::string stem = "s";
    stem += std::to_string(index);
    return stem;
}

void writeLabelPng(const fs::path& file, const std::vector<int>& values) {
    QImage image(kWidth, kHeight, QImage::Format_Grayscale8);
    for (int y = 0; y < kHeight; ++y)
        for (int x = 0; x < kWidth; ++x)
            image.scanLine(y)[x] =
                static_cast<uchar>(values[static_cast<std::size_t>(y * kWidth + x)]);
    fs::create_directories(file.parent_path());
    QVERIFY(image.save(QString::fromStdString(file.string()), "PNG"));
}

void writePrediction(const fs::path& file, const std::vector<float>& p) {
    testing::writeNpyBytes(file, "<f4", "(3, 4, 2)", p.data(), p.size() * sizeof(float));
}

// The standard variant's mean: -log p(label) over the pixels not ignored, by hand.
double standardMean(const std::vector<int>& labels, const std::vector<float>& p) {
    double sum = 0.0;
    int valid = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] == 255)
            continue;
        sum += -std::log(static_cast<double>(p[2 * i + static_cast<std::size_t>(labels[i])]));
        ++valid;
    }
    return sum / valid;
}

} // namespace

class SessionTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::size_t m_standard = 0;

    // s0 and s1 score; s2's prediction is a truncated file.
    fs::path oneRunSet(const char* name) {
        const fs::path root = fs::path(m_dir.path().toStdString()) / name;
        for (int s = 0; s < 3; ++s) {
            const std::string stem = stemOf(s);
            writeLabelPng(root / "labels" / (stem + ".png"), labelsOf(s));
            if (s < 2)
                writePrediction(root / "predictions" / (stem + ".npy"), probabilitiesOf(s));
        }
        testing::writeText(root / "predictions" / "s2.npy", "\x93NUMPY truncated");
        return root;
    }

    // `count` samples that all score: s0 ... s<count - 1>.
    fs::path goodSet(const char* name, int count) {
        const fs::path root = fs::path(m_dir.path().toStdString()) / name;
        for (int s = 0; s < count; ++s) {
            writeLabelPng(root / "labels" / (stemOf(s) + ".png"), labelsOf(s));
            writePrediction(root / "predictions" / (stemOf(s) + ".npy"), probabilitiesOf(s));
        }
        return root;
    }

    // Opens `root` with the viewer asking for entry 0 as it opens (its load stands in for
    // the scan's) and waits for every row.
    static void openAskingForTheFirst(DatasetSession& session, const fs::path& root) {
        connect(&session, &DatasetSession::opened, &session, [&session](bool ok) {
            if (ok)
                session.requestSample(0);
        });
        session.open(QString::fromStdString(root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(session.isScored(), 10000);
    }

    static double meanOf(const DatasetSession::Row& row, std::size_t variant) {
        return row.summary.mean(variant);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_standard = variantIndex("standard");
    }

    void scansEverySampleOnceWithItsSignals() {
        const fs::path root = oneRunSet("scan");
        DatasetSession session;
        QSignalSpy cleared(&session, &DatasetSession::cleared);
        QSignalSpy opened(&session, &DatasetSession::opened);
        QSignalSpy progress(&session, &DatasetSession::scanProgress);
        QSignalSpy completed(&session, &DatasetSession::scanCompleted);
        session.open(QString::fromStdString(root.string()));
        QCOMPARE(cleared.count(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(session.isScored(), 10000);
        QCOMPARE(opened.count(), 1);
        QCOMPARE(opened.at(0).at(0).toBool(), true);
        QCOMPARE(completed.count(), 1);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(0).toInt(), 3);
        QCOMPARE(progress.last().at(1).toInt(), 3);
        QVERIFY(session.scanFinished());
        QCOMPARE(session.sampleLoads(), std::size_t{3});

        const auto& rows = session.rows();
        QCOMPARE(rows.size(), std::size_t{3});
        for (int s = 0; s < 2; ++s) {
            const auto& row = rows[static_cast<std::size_t>(s)];
            QCOMPARE(row.state, DatasetSession::Row::State::Ok);
            QVERIFY(std::abs(meanOf(row, m_standard) -
                             standardMean(labelsOf(s), probabilitiesOf(s))) < 1e-5);
        }
        QCOMPARE(rows[2].state, DatasetSession::Row::State::Error);
        QVERIFY2(rows[2].errorFile.endsWith(QStringLiteral("predictions/s2.npy")),
                 qPrintable(rows[2].errorFile));
        QVERIFY(!rows[2].errorMessage.isEmpty());
        QCOMPARE(session.classCount(), 2);
        QCOMPARE(session.setSummary().samples(), 2);
    }

    // A sample asked for before the scan reaches it is loaded once, by the viewer, and its
    // load makes the row (a failure too, with the file and reason the scan would give). Every
    // entry is asked for here: the scan loads none, and stepping past the failed one does not
    // load it again.
    void theViewersLoadStandsInForTheScan() {
        const fs::path root = oneRunSet("viewer");
        DatasetSession session;
        // opened() comes after the scan's claims exist and before it starts: asking here
        // claims the entries for the viewer.
        connect(&session, &DatasetSession::opened, &session, [&session](bool ok) {
            if (ok) {
                session.requestSample(0);
                session.requestSample(2);
                session.requestSample(1);
            }
        });
        QSignalSpy ready(&session, &DatasetSession::sampleReady);
        QSignalSpy failed(&session, &DatasetSession::sampleFailed);
        session.open(QString::fromStdString(root.string()));
        QTRY_VERIFY_WITH_TIMEOUT(session.isScored(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 10000);
        // A prefetch after the last sample arrived comes within this wait; none loads twice.
        QTest::qWait(200);
        QCOMPARE(session.sampleLoads(), std::size_t{3});
        const auto data = ready.last().at(0).value<SampleDataPtr>();
        QVERIFY(data != nullptr);
        QCOMPARE(data->entry, std::size_t{1});
        const double expected = standardMean(labelsOf(1), probabilitiesOf(1));
        QVERIFY(std::abs(data->loss.summary.mean(m_standard) - expected) < 1e-5);
        QVERIFY(std::abs(meanOf(session.rows()[1], m_standard) - expected) < 1e-5);
        // Entry 2 was asked for before 1: only the sample asked for last is reported.
        QVERIFY(failed.isEmpty());
        QCOMPARE(session.rows()[2].state, DatasetSession::Row::State::Error);
        QVERIFY(session.rows()[2].errorFile.endsWith(QStringLiteral("predictions/s2.npy")));
        // Asked for now, its failure is reported with the same file and reason.
        session.requestSample(2);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QCOMPARE(failed.at(0).at(0).toULongLong(), 2ULL);
        QCOMPARE(failed.at(0).at(1).toString(), session.rows()[2].errorFile);
        QCOMPARE(failed.at(0).at(2).toString(), session.rows()[2].errorMessage);
    }

    // The neighbour of the sample in view is prefetched once the scan has scored the set,
    // not beside the scan (which has every core): one load per sample scores the set (the
    // viewer's of entry 0 stands in for the scan's), one more is the neighbour's, after it.
    // Whether the viewer's load lands before the scan's end (the prefetch then waits for
    // it) or after (it prefetches at once) is the machine's timing: both end so.
    void prefetchesTheNeighbourAfterTheScan() {
        constexpr int kSamples = 5;
        DatasetSession session;
        openAskingForTheFirst(session, goodSet("prefetch", kSamples));
        QTRY_VERIFY_WITH_TIMEOUT(session.cachedSample(1) != nullptr, 10000);
        QTest::qWait(200);
        QCOMPARE(session.sampleLoads(), std::size_t{kSamples + 1});
        QVERIFY(session.cachedSample(0) != nullptr);
    }

    // The set's figures are every scored sample's, whether the scan's workers gathered them
    // (the scan's samples) or the GUI thread added them (the viewer's load stands in for
    // entry 0): the standard variant's histogram counts each valid pixel's -log p(label) in
    // its bin (16.2 / 64 wide), every variant's valid pixels are pooled in the quantiles,
    // and the set's mean and largest loss are at least the standard's, all by hand here.
    void theSetsFiguresAreEveryScoredSamples() {
        constexpr int kSamples = 4;
        DatasetSession session;
        openAskingForTheFirst(session, goodSet("figures", kSamples));
        std::vector<std::int64_t> bins(64, 0);
        std::int64_t valid = 0;
        double largest = 0.0;
        double sum = 0.0;
        for (int s = 0; s < kSamples; ++s) {
            const std::vector<int> labels = labelsOf(s);
            const std::vector<float> p = probabilitiesOf(s);
            for (std::size_t i = 0; i < labels.size(); ++i) {
                if (labels[i] == 255)
                    continue;
                const double loss =
                    -std::log(static_cast<double>(p[2 * i + static_cast<std::size_t>(labels[i])]));
                ++bins[static_cast<std::size_t>(std::min(63.0, std::floor(loss / (16.2 / 64))))];
                ++valid;
                largest = std::max(largest, loss);
                sum += loss;
            }
        }
        QCOMPARE(session.setSummary().samples(), kSamples);
        QCOMPARE(session.setHistograms().size(), lossVariants().size());
        QCOMPARE(session.setHistograms()[m_standard].counts, bins);
        QCOMPARE(session.setQuantiles().total(),
                 valid * static_cast<std::int64_t>(lossVariants().size()));
        QVERIFY(static_cast<double>(session.setMax()) >= largest * (1.0 - 1e-5));
        QVERIFY(std::abs(session.setSummary().mean(m_standard) - sum / valid) < 1e-5);
        QCOMPARE(session.setMaxDifference(m_standard, m_standard), 0.0f);
    }

    // Opening another set while one is scanned drops the first's work: the rows are the
    // second set's alone and the first's late results never land.
    void anotherOpenDropsTheScan() {
        const fs::path first = oneRunSet("first");
        const fs::path second = fs::path(m_dir.path().toStdString()) / "second";
        writeLabelPng(second / "labels" / "only.png", labelsOf(4));
        writePrediction(second / "predictions" / "only.npy", probabilitiesOf(4));
        DatasetSession session;
        session.open(QString::fromStdString(first.string()));
        QTRY_VERIFY_WITH_TIMEOUT(session.isOpen(), 10000);
        session.open(QString::fromStdString(second.string()));
        QTRY_VERIFY_WITH_TIMEOUT(session.isScored(), 10000);
        QTest::qWait(300); // any late batch of the first set
        QCOMPARE(session.rows().size(), std::size_t{1});
        QCOMPARE(session.scannedCount(), std::size_t{1});
        QVERIFY(std::abs(meanOf(session.rows()[0], m_standard) -
                         standardMean(labelsOf(4), probabilitiesOf(4))) < 1e-5);
    }

    // A job's last results are taken when its work returns, not at the next tick of its
    // clock (here an hour away); a job cancelled while it works gets no tick at all.
    void aJobsEndIsTakenWithoutWaitingForItsClock() {
        JobRunner runner(std::chrono::hours(1));
        QSignalSpy ticks(&runner, &JobRunner::tick);
        auto control = std::make_shared<JobControl>();
        runner.start(control, [] {});
        QVERIFY(ticks.wait(5000));
        QVERIFY(control->finished);
        QCOMPARE(ticks.size(), 1);

        std::atomic<bool> release{false};
        auto cancelled = std::make_shared<JobControl>();
        runner.start(cancelled, [&release] {
            while (!release)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
        });
        runner.cancel();
        release = true;
        QTRY_VERIFY_WITH_TIMEOUT(cancelled->finished.load(), 5000);
        QVERIFY(!ticks.wait(300));
        QCOMPARE(ticks.size(), 1);
    }

    // Two runs: the open run's means are the scan's, the other's are scored in the
    // background, compared, and rescored when a prediction file changes.
    void runScoresScoreAndRescoreTheOtherRun() {
        const fs::path root = fs::path(m_dir.path().toStdString()) / "runs";
        for (int s = 0; s < 3; ++s) {
            const std::string stem = stemOf(s);
            writeLabelPng(root / "labels" / (stem + ".png"), labelsOf(s));
            writePrediction(root / "predictions" / "a" / (stem + ".npy"), probabilitiesOf(s));
            if (s < 2) // run b lacks s2's prediction
                writePrediction(root / "predictions" / "b" / (stem + ".npy"),
                                probabilitiesOf(s + 10));
        }
        DatasetSession session;
        ViewState state;
        state.setHeatmap(HeatmapSource::variant(m_standard));
        RunScores scores(&session, &state);
        QSignalSpy changed(&scores, &RunScores::scoresChanged);
        session.open(QString::fromStdString(root.string()));
        const auto allScored = [&] {
            return session.isScored() && !scores.scoring() && scores.summary("b", 1) != nullptr;
        };
        QTRY_VERIFY_WITH_TIMEOUT(allScored(), 10000);
        QVERIFY(!changed.isEmpty());
        QCOMPARE(scores.openRun(), std::string("a"));
        QCOMPARE(scores.otherRun(), std::string("b"));
        QCOMPARE(scores.variant(), m_standard);
        for (std::size_t s = 0; s < 2; ++s) {
            const int seed = static_cast<int>(s);
            const double a = standardMean(labelsOf(seed), probabilitiesOf(seed));
            const double b = standardMean(labelsOf(seed), probabilitiesOf(seed + 10));
            QVERIFY(std::abs(*scores.mean("a", s) - a) < 1e-5);
            QVERIFY(std::abs(*scores.mean("b", s) - b) < 1e-5);
            QVERIFY(std::abs(*scores.change(s) - (a - b)) < 1e-5);
        }
        QVERIFY(!scores.mean("b", 2).has_value());
        QVERIFY(!scores.change(2).has_value());
        QVERIFY2(scores.problem("b", 2).contains(QStringLiteral("s2")),
                 qPrintable(scores.problem("b", 2)));
        QCOMPARE(scores.setSummary("b").samples(), 2);

        // A new checkpoint rewrites b's s1: the next scoring takes the new file.
        writePrediction(root / "predictions" / "b" / "s1.npy", probabilitiesOf(20));
        fs::last_write_time(root / "predictions" / "b" / "s1.npy",
                            fs::file_time_type::clock::now() + std::chrono::seconds(2));
        session.reload();
        const double rewritten = standardMean(labelsOf(1), probabilitiesOf(20));
        QTRY_VERIFY_WITH_TIMEOUT(allScored() && scores.mean("b", 1) &&
                                     std::abs(*scores.mean("b", 1) - rewritten) < 1e-5,
                                 10000);
        // The other run on the view's vs run: a run the set lacks falls back to the first other.
        state.setVersusRun(QStringLiteral("zz"));
        QCOMPARE(scores.otherRun(), std::string("b"));
    }
};

QTEST_MAIN(SessionTest)
#include "SessionTest.moc"
