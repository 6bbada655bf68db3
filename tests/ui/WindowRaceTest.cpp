// Prediction files rewritten (not atomically, as a training job might) and removed while the
// window scans the set, loads the sample in view and its set watcher reloads: every row is
// either scored from one whole version of its file or an error naming the file; the sample
// in view likewise; nothing crashes; and once the writer stops, the window settles on the
// files' last versions. Means are checked against the plain double-precision reference.
#include "../core/RandomSample.h"
#include "../core/ReferenceLoss.h"
#include "WindowWaits.h"

#include "TestWindow.h"
#include "losslens/io/LabelPng.h"
#include "losslens/io/NpyArray.h"
#include "losslens/loss/LossVariant.h"
#include "session/DatasetSession.h"
#include "session/SampleData.h"
#include "session/SetWatcher.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace losslens;
namespace fs = std::filesystem;

namespace {

constexpr int kStems = 12;
constexpr int kSide = 48;
constexpr int kClasses = 3;

struct Version {
    std::string bytes; // the .npy file
    double standardMean = 0;
};

struct Stem {
    std::string name;
    std::array<Version, 2> versions;
};

void writeFile(const fs::path& file, const std::string& bytes) {
    std::ofstream(file, std::ios::binary) << bytes;
}

// Truncates, writes half, pauses, writes the rest: a reader can see any prefix.
void rewriteSlowly(const fs::path& file, const std::string& bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
    out.flush();
    std::this_thread::sleep_for(std::chrono::microseconds(500));
    out.write(bytes.data() + bytes.size() / 2,
              static_cast<std::streamsize>(bytes.size() - bytes.size() / 2));
}

bool matchesAVersion(const Stem& stem, double mean) {
    for (const Version& v : stem.versions)
        if (std::abs(v.standardMean - mean) < 1e-5)
            return true;
    return false;
}

} // namespace

class WindowRaceTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_root;
    std::vector<Stem> m_stems;

    // Every row scored from a whole version or an error naming the stem's prediction.
    void checkRows(const testing::TestWindow& w, int& scored, int& failed) {
        const std::size_t standard = variantIndex("standard");
        const auto& rows = w.session()->rows();
        const auto& entries = w.session()->dataset()->entries();
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto& row = rows[i];
            const Stem& stem = m_stems[std::stoul(entries[i].stem.substr(1))];
            QCOMPARE(entries[i].stem, stem.name);
            if (row.state == DatasetSession::Row::State::Ok) {
                QVERIFY2(matchesAVersion(stem, row.summary.mean(standard)),
                         qPrintable(QString::fromStdString(stem.name) + " " +
                                    QString::number(row.summary.mean(standard), 'g', 10)));
                ++scored;
            } else if (row.state == DatasetSession::Row::State::Error) {
                QVERIFY2(row.errorFile.endsWith(QString::fromStdString(stem.name).append(".npy")) ||
                             row.errorMessage.contains(QStringLiteral("predictions/%1.npy")
                                                           .arg(QString::fromStdString(stem.name))),
                         qPrintable(row.errorFile + ": " + row.errorMessage));
                QVERIFY(!row.errorMessage.isEmpty());
                ++failed;
            }
        }
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_root = fs::path(m_dir.path().toStdString()) / "race";
        fs::create_directories(m_root / "labels");
        fs::create_directories(m_root / "predictions");
        std::mt19937 rng(16);
        const std::array<std::int64_t, 3> shape{kSide, kSide, kClasses};
        for (int i = 0; i < kStems; ++i) {
            Stem stem;
            stem.name = std::string(1, 's').append(std::to_string(i));
            const testdata::RandomSample first =
                testdata::randomSample(rng, kSide, kSide, kClasses, false);
            writeFile(m_root / "labels" / (stem.name + ".png"), encodeLabelPng(first.labels));
            for (int v = 0; v < 2; ++v) {
                const Prediction prediction =
                    v == 0 ? first.prediction
                           : testdata::randomSample(rng, kSide, kSide, kClasses, false).prediction;
                const auto ref =
                    reference::compute(first.labels, prediction, reference::Settings{});
                stem.versions[static_cast<std::size_t>(v)].standardMean =
                    ref.standardSum / static_cast<double>(ref.valid);
                stem.versions[static_cast<std::size_t>(v)].bytes = encodeNpyFloat32(
                    std::span(prediction.data(), prediction.pixelCount() * kClasses), shape);
            }
            writeFile(m_root / "predictions" / (stem.name + ".npy"), stem.versions[0].bytes);
            m_stems.push_back(std::move(stem));
        }
    }

    void filesRewrittenAndRemovedUnderTheWindow() {
        testing::TestWindow w;
        w.resize(1000, 700);
        w.show();
        w.setWatcher()->setInterval(50);
        std::atomic<bool> stop{false};
        std::atomic<int> rounds{0};
        std::thread writer([&] {
            // Whole rounds only, so the files end on one version.
            for (int k = 0; !stop.load(); ++k) {
                for (std::size_t i = 0; i < m_stems.size(); ++i) {
                    const fs::path file = m_root / "predictions" / (m_stems[i].name + ".npy");
                    if (i == 7 && k % 3 == 0) {
                        std::error_code ec;
                        fs::remove(file, ec);
                        std::this_thread::sleep_for(std::chrono::milliseconds(1));
                    }
                    rewriteSlowly(file, m_stems[i].versions[static_cast<std::size_t>(k % 2)].bytes);
                }
                ++rounds;
            }
        });
        w.openFolder(QString::fromStdString(m_root.string()));
        int scored = 0;
        int failed = 0;
        int viewed = 0;
        // While the files churn: step through the samples (the loader reads them too) and
        // check every row and the sample in view as they come in.
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(4);
        std::size_t entry = 0;
        int ticks = 0;
        int reloads = 0;
        while (std::chrono::steady_clock::now() < until) {
            QTest::qWait(40);
            if (!w.session()->isOpen())
                continue;
            checkRows(w, scored, failed);
            if (QTest::currentTestFailed())
                break;
            if (const SampleData* shown = w.currentSample().get()) {
                const Stem& stem = m_stems[std::stoul(shown->stem.substr(1))];
                QVERIFY(matchesAVersion(stem, shown->loss.summary.mean(variantIndex("standard"))));
                ++viewed;
            }
            entry = (entry + 5) % kStems;
            w.selectEntry(entry);
            // Now and then a reload (View > Reload), so the scan reads the churning files
            // again, not only the loader.
            if (++ticks % 12 == 0 && w.session()->isScored()) {
                w.session()->reload();
                ++reloads;
            }
        }
        stop = true;
        writer.join();
        QVERIFY(!QTest::currentTestFailed());
        QVERIFY2(rounds.load() > 2, "the writer barely ran");
        QVERIFY2(scored > 0, "nothing was scored while the files changed");
        qInfo("while rewriting: %d row checks scored, %d errors, %d views, %d reloads, %d "
              "rewrite rounds",
              scored, failed, viewed, reloads, rounds.load());

        // The writer stopped with every file whole: the watcher reloads and every row ends
        // on its file's last version.
        const int last = (rounds.load() - 1) % 2;
        const std::size_t standard = variantIndex("standard");
        const auto settled = [&] {
            if (!w.session()->isScored())
                return false;
            for (std::size_t i = 0; i < w.session()->rows().size(); ++i) {
                const auto& row = w.session()->rows()[i];
                const Stem& stem =
                    m_stems[std::stoul(w.session()->dataset()->entries()[i].stem.substr(1))];
                if (row.state != DatasetSession::Row::State::Ok ||
                    std::abs(row.summary.mean(standard) -
                             stem.versions[static_cast<std::size_t>(last)].standardMean) > 1e-5)
                    return false;
            }
            return w.session()->rows().size() == kStems;
        };
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 30000);
    }
};

QTEST_MAIN(WindowRaceTest)
#include "WindowRaceTest.moc"
