#include "TestFiles.h"

#include "losslens/DataError.h"
#include "losslens/Dataset.h"
#include "losslens/LossVariant.h"
#include "losslens/SetProcessor.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace losslens;
using losslens::testing::TempDir;
using losslens::testing::writeLabels;
using losslens::testing::writeNpy;
using losslens::testing::writeText;

namespace {

// A 2 x 1 sample with C = 2: labels (0, 1); HWC probabilities (0.8, 0.2), (0.4, 0.6).
void writeGoodSample(const std::filesystem::path& root, const std::string& stem) {
    writeLabels(root / "labels" / (stem + ".png"), 2, 1, {0, 1});
    writeNpy(root / "predictions" / (stem + ".npy"), "(1, 2, 2)", {0.8f, 0.2f, 0.4f, 0.6f});
}

std::string loadError(const Dataset& set, std::size_t i, std::string* file = nullptr) {
    try {
        (void)set.load(i);
    } catch (const DataError& e) {
        if (file)
            *file = e.file().filename().string();
        return e.reason();
    }
    return "no error";
}

std::size_t indexOf(const Dataset& set, const std::string& stem) {
    for (std::size_t i = 0; i < set.entries().size(); ++i)
        if (set.entries()[i].stem == stem)
            return i;
    ADD_FAILURE() << "no stem " << stem;
    return 0;
}

} // namespace

TEST(Dataset, LoadsHwcProbabilities) {
    TempDir dir;
    writeGoodSample(dir.path(), "a");
    const Dataset set = Dataset::open(dir.path());
    ASSERT_EQ(set.completeCount(), 1u);
    const LoadedSample s = set.load(0);
    EXPECT_EQ(s.prediction.classes(), 2);
    EXPECT_EQ(s.prediction.at(1, 0, 1), 0.6f);
    EXPECT_EQ(s.labels.at(1, 0), 1);
    EXPECT_TRUE(s.warnings.empty());
    EXPECT_TRUE(s.image.empty());
}

TEST(Dataset, ChwLogitsWithBatchAxisAreSoftmaxed) {
    TempDir dir;
    writeText(dir.path() / "dataset.json", R"({"prediction_kind": "logits"})");
    writeLabels(dir.path() / "labels" / "t.png", 3, 2, {0, 1, 2, 0, 1, 255});
    // Shape (1, C=3, H=2, W=3): logit of class c at pixel i is c * i / 2.
    std::vector<float> logits;
    for (int c = 0; c < 3; ++c)
        for (int i = 0; i < 6; ++i)
            logits.push_back(static_cast<float>(c * i) / 2.0f);
    writeNpy(dir.path() / "predictions" / "t.npy", "(1, 3, 2, 3)", logits);
    const Dataset set = Dataset::open(dir.path());
    const LoadedSample s = set.load(0);
    ASSERT_EQ(s.prediction.classes(), 3);
    for (int i = 0; i < 6; ++i) {
        double total = 0;
        for (int c = 0; c < 3; ++c)
            total += std::exp(c * i / 2.0);
        for (int c = 0; c < 3; ++c)
            EXPECT_NEAR(s.prediction.at(i % 3, i / 3, c), std::exp(c * i / 2.0) / total, 1e-6);
    }
}

TEST(Dataset, ReportsStemsWithoutPartner) {
    TempDir dir;
    writeGoodSample(dir.path(), "both");
    writeLabels(dir.path() / "labels" / "onlylabel.png", 2, 1, {0, 1});
    writeNpy(dir.path() / "predictions" / "onlypred.npy", "(1, 2, 2)", {1, 0, 1, 0});
    const Dataset set = Dataset::open(dir.path());
    ASSERT_EQ(set.entries().size(), 3u);
    EXPECT_EQ(set.completeCount(), 1u);
    const auto& label = set.entries()[indexOf(set, "onlylabel")];
    EXPECT_NE(label.problem.find("no prediction"), std::string::npos);
    const auto& pred = set.entries()[indexOf(set, "onlypred")];
    EXPECT_NE(pred.problem.find("no label"), std::string::npos);
    std::string file;
    EXPECT_NE(loadError(set, indexOf(set, "onlypred"), &file).find("no label"), std::string::npos);
    EXPECT_EQ(file, "onlypred.npy");
}

TEST(Dataset, EachDefectNamesItsFileAndReason) {
    TempDir dir;
    const auto root = dir.path();
    writeGoodSample(root, "good");
    writeLabels(root / "labels" / "size.png", 3, 1, {0, 1, 0});
    writeNpy(root / "predictions" / "size.npy", "(1, 2, 2)", {1, 0, 1, 0});
    writeLabels(root / "labels" / "range.png", 2, 1, {0, 7});
    writeNpy(root / "predictions" / "range.npy", "(1, 2, 2)", {1, 0, 1, 0});
    writeLabels(root / "labels" / "nan.png", 2, 1, {0, 1});
    writeNpy(root / "predictions" / "nan.npy", "(1, 2, 2)", {1, 0, NAN, 0});
    writeLabels(root / "labels" / "inf.png", 2, 1, {0, 1});
    writeNpy(root / "predictions" / "inf.npy", "(1, 2, 2)", {1, 0, INFINITY, 0});
    writeLabels(root / "labels" / "neg.png", 2, 1, {0, 1});
    writeNpy(root / "predictions" / "neg.npy", "(1, 2, 2)", {1.2f, -0.2f, 0.5f, 0.5f});
    writeLabels(root / "labels" / "flat.png", 2, 1, {0, 1});
    writeNpy(root / "predictions" / "flat.npy", "(2, 2)", {1, 0, 1, 0});
    writeLabels(root / "labels" / "one.png", 2, 1, {0, 0});
    writeNpy(root / "predictions" / "one.npy", "(1, 2, 1)", {1, 1});
    std::filesystem::create_directories(root / "labels" / "dir.png");
    writeNpy(root / "predictions" / "dir.npy", "(1, 2, 2)", {1, 0, 1, 0});
    const Dataset set = Dataset::open(root);

    struct Expect {
        const char* stem;
        const char* file;
        const char* reason;
    };
    const Expect cases[] = {
        {"size", "size.npy", "size mismatch"},
        {"range", "range.png", "label 7 at (x=1, y=0) is not a class (C = 2)"},
        {"nan", "nan.npy", "NaN value in class 0 at (x=1, y=0)"},
        {"inf", "inf.npy", "Inf value"},
        {"neg", "neg.npy", "negative probability"},
        {"flat", "flat.npy", "2-D array"},
        {"one", "one.npy", "at least 2 are needed"},
        {"dir", "dir.png", "is a directory"},
    };
    for (const Expect& e : cases) {
        std::string file;
        const std::string reason = loadError(set, indexOf(set, e.stem), &file);
        EXPECT_NE(reason.find(e.reason), std::string::npos) << e.stem << ": " << reason;
        EXPECT_EQ(file, e.file) << e.stem;
    }
    EXPECT_EQ(loadError(set, indexOf(set, "good")), "no error");

    // One pass over the set: the good sample is right, each bad one is an error.
    const SetReport report = processSet(set, {});
    EXPECT_EQ(report.failedCount(), std::size(cases));
    const auto& good = report.samples[indexOf(set, "good")];
    ASSERT_TRUE(good.ok);
    EXPECT_NEAR(good.summary.mean(variantIndex("standard")), (-std::log(0.8) - std::log(0.6)) / 2,
                1e-6);
    EXPECT_NEAR(report.total.mean(0), (-std::log(0.8) - std::log(0.6)) / 2, 1e-6);
}

TEST(Dataset, SumFarFromOneIsAWarningNotAnError) {
    TempDir dir;
    writeLabels(dir.path() / "labels" / "w.png", 2, 1, {0, 1});
    writeNpy(dir.path() / "predictions" / "w.npy", "(1, 2, 2)", {0.5f, 0.2f, 0.4f, 0.6f});
    const LoadedSample s = Dataset::open(dir.path()).load(0);
    ASSERT_EQ(s.warnings.size(), 1u);
    EXPECT_NE(s.warnings[0].find("1 pixel(s) do not sum to 1 (first at (x=0, y=0))"),
              std::string::npos)
        << s.warnings[0];
}

TEST(Dataset, ClassCountMustMatchDatasetJson) {
    TempDir dir;
    writeText(dir.path() / "dataset.json",
              R"({"classes": [{"name": "bg"}, {"name": "a"}, {"name": "b", "color": "#ff0000"}]})");
    writeGoodSample(dir.path(), "s");
    const Dataset set = Dataset::open(dir.path());
    EXPECT_EQ(set.config().classes[2].color, (std::array<std::uint8_t, 3>{255, 0, 0}));
    EXPECT_NE(loadError(set, 0).find("prediction has 2 classes but dataset.json names 3"),
              std::string::npos);
}

TEST(Dataset, CorruptDisplayImageLeavesSampleUsable) {
    TempDir dir;
    writeGoodSample(dir.path(), "s");
    writeText(dir.path() / "images" / "s.jpg", "this is not a jpeg");
    const LoadedSample s = Dataset::open(dir.path()).load(0);
    EXPECT_TRUE(s.image.empty());
    ASSERT_EQ(s.warnings.size(), 1u);
    EXPECT_NE(s.warnings[0].find("s.jpg: display image is unreadable"), std::string::npos);
}

TEST(Dataset, SetLevelErrors) {
    TempDir dir;
    try {
        (void)Dataset::open(dir.path() / "nope");
        FAIL();
    } catch (const DataError& e) {
        EXPECT_EQ(e.reason(), "no such folder");
    }
    writeText(dir.path() / "dataset.json", "{\"classes\": [");
    std::filesystem::create_directories(dir.path() / "labels");
    try {
        (void)Dataset::open(dir.path());
        FAIL();
    } catch (const DataError& e) {
        EXPECT_EQ(e.file().filename(), "dataset.json");
        EXPECT_NE(e.reason().find("malformed JSON"), std::string::npos);
    }
    writeText(dir.path() / "dataset.json", R"({"prediction_layout": "WHC"})");
    EXPECT_THROW((void)Dataset::open(dir.path()), DataError);
}
