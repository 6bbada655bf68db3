#include "TestFiles.h"

#include "losslens/io/DataError.h"
#include "losslens/io/Dataset.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/report/StatsText.h"
#include "losslens/set/SetProcessor.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <iterator>

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

// What opening a set lists, by the layout's rules (spec section 2), with the pairing by
// stem written out here: hidden files and names without a known extension are not files
// of the set; extensions match in any case; a stem with two predictions is that entry's
// problem; a display image goes with its stem; entries come in the order of their stems.
TEST(Dataset, ListsItsFoldersByTheLayoutsRules) {
    TempDir dir;
    const auto& root = dir.path();
    writeGoodSample(root, "b");
    writeLabels(root / "labels" / "a.PNG", 2, 1, {0, 1});
    writeNpy(root / "predictions" / "a.npy", "(1, 2, 2)", {1, 0, 1, 0});
    writeGoodSample(root, "c.d"); // a dot in the stem
    writeGoodSample(root, "twice");
    writeNpy(root / "predictions" / "twice.NPZ", "(1, 2, 2)", {1, 0, 1, 0});
    writeLabels(root / "labels" / ".hidden.png", 2, 1, {0, 1});
    writeNpy(root / "predictions" / ".hidden.npy", "(1, 2, 2)", {1, 0, 1, 0});
    writeText(root / "labels" / "noext", "x");
    writeText(root / "labels" / "dot.", "x");
    writeText(root / "predictions" / "notes.txt", "x");
    writeText(root / "images" / "b.JPG", "not decoded when the set opens");
    writeText(root / "images" / "zz.png", "an image without a sample");
    const Dataset set = Dataset::open(root);
    std::vector<std::string> stems;
    for (const SampleEntry& e : set.entries())
        stems.push_back(e.stem);
    EXPECT_EQ(stems, (std::vector<std::string>{"a", "b", "c.d", "twice"}));
    EXPECT_EQ(set.completeCount(), 3u);
    EXPECT_EQ(set.entries()[0].label, root / "labels" / "a.PNG");
    EXPECT_EQ(set.entries()[1].image, root / "images" / "b.JPG");
    EXPECT_TRUE(set.entries()[0].image.empty());
    EXPECT_EQ(set.entries()[2].prediction, root / "predictions" / "c.d.npy");
    EXPECT_EQ(set.entries()[3].problem, "two predictions: twice.NPZ and twice.npy; keep one");
}

// A run folder reached through a symbolic link is a run, as a folder is.
TEST(Dataset, ARunFolderBehindALinkIsARun) {
    TempDir dir;
    const auto& root = dir.path();
    writeGoodSample(root / "elsewhere", "s");
    writeLabels(root / "labels" / "s.png", 2, 1, {0, 1});
    std::filesystem::create_directories(root / "predictions" / "real");
    writeNpy(root / "predictions" / "real" / "s.npy", "(1, 2, 2)", {1, 0, 1, 0});
    std::filesystem::create_directory_symlink(root / "elsewhere" / "predictions",
                                              root / "predictions" / "linked");
    EXPECT_EQ(runNames(root), (std::vector<std::string>{"linked", "real"}));
    const Dataset set = Dataset::open(root, DataLimits{}, "linked");
    ASSERT_EQ(set.entries().size(), 1u);
    EXPECT_EQ(set.entries()[0].prediction, root / "predictions" / "linked" / "s.npy");
    EXPECT_TRUE(set.entries()[0].complete());
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

namespace {
// A 2 x 1 sample with C = 3: labels (0, 0); pixel 0 predicts class 2 (0.2, 0.1, 0.7),
// pixel 1 background (0.8, 0.1, 0.1). Classes 1 and 2 have no pixel.
void writeFalsePositiveSample(const std::filesystem::path& root, const std::string& stem) {
    writeLabels(root / "labels" / (stem + ".png"), 2, 1, {0, 0});
    writeNpy(root / "predictions" / (stem + ".npy"), "(1, 2, 3)",
             {0.2f, 0.1f, 0.7f, 0.8f, 0.1f, 0.1f});
}
} // namespace

TEST(DatasetLabelSets, ResolvedPerStemWhenOpenedAndUsedWhenScored) {
    TempDir dir;
    writeText(dir.path() / "dataset.json", R"({
        "classes": ["background", "cat", "dog"],
        "label_sets": [{"match": "dog_*", "annotated": ["dog"]},
                       {"match": "mixed", "annotated": [1, 2]},
                       {"match": "ghost_*", "annotated": [1]}]})");
    for (const char* stem : {"dog_1", "mixed", "plain"})
        writeFalsePositiveSample(dir.path(), stem);
    const Dataset set = Dataset::open(dir.path());
    EXPECT_EQ(set.entries()[indexOf(set, "dog_1")].labelSet, std::optional<std::size_t>(0));
    EXPECT_EQ(set.entries()[indexOf(set, "mixed")].labelSet, std::optional<std::size_t>(1));
    EXPECT_FALSE(set.entries()[indexOf(set, "plain")].labelSet.has_value());
    ASSERT_EQ(set.warnings().size(), 1u);
    EXPECT_NE(set.warnings()[0].find("dataset.json: label_sets[2] (match \"ghost_*\") matches no "
                                     "sample"),
              std::string::npos)
        << set.warnings()[0];

    const SetReport report = processSet(set, {});
    EXPECT_EQ(report.warnings, set.warnings());
    const double fp = -std::log(0.2); // the false positive at pixel 0, penalised in full
    const double bg = -std::log(0.8); // pixel 1
    const std::size_t partial = variantIndex("partial");
    for (const auto& o : report.samples) {
        ASSERT_TRUE(o.ok) << o.stem << ": " << o.errorMessage;
        if (o.stem == "dog_1") { // dog annotated and absent: class 1 alone is missing
            EXPECT_EQ(o.summary.missing, std::vector<int>({1}));
            EXPECT_EQ(o.summary.missingSource, MissingSource::Declared);
            EXPECT_EQ(o.summary.removedPixels, 0);
            EXPECT_NEAR(o.summary.mean(partial), (fp + bg) / 2, 1e-6);
        } else if (o.stem == "mixed") { // both annotated: nothing missing
            EXPECT_TRUE(o.summary.missing.empty());
            EXPECT_EQ(o.summary.missingSource, MissingSource::Declared);
            EXPECT_EQ(o.summary.removedPixels, 0);
        } else { // the article's rule: the dog prediction is let off
            EXPECT_EQ(o.summary.missing, std::vector<int>({1, 2}));
            EXPECT_EQ(o.summary.missingSource, MissingSource::Absent);
            EXPECT_EQ(o.summary.removedPixels, 1);
            EXPECT_NEAR(o.summary.mean(partial), bg / 2, 1e-6);
        }
    }
    const std::string json = statsJson(report);
    EXPECT_NE(json.find("\"missing_source\": \"declared\""), std::string::npos);
    EXPECT_NE(json.find("\"missing_source\": \"absent\""), std::string::npos);
    EXPECT_NE(json.find("matches no sample"), std::string::npos);
}

TEST(DatasetLabelSets, ShadowedEntryIsReportedAsNeverUsed) {
    TempDir dir;
    writeText(dir.path() / "dataset.json",
              R"({"label_sets": [{"match": "*", "annotated": []},
                                 {"match": "a", "annotated": [1]}]})");
    writeGoodSample(dir.path(), "a");
    const Dataset set = Dataset::open(dir.path());
    ASSERT_EQ(set.warnings().size(), 1u);
    EXPECT_NE(set.warnings()[0].find("label_sets[1] (match \"a\") is never used"),
              std::string::npos)
        << set.warnings()[0];
}

TEST(DatasetLabelSets, IdBeyondThePredictionsClassesFailsThatSampleOnly) {
    // No classes in dataset.json: C comes from each prediction, so id 2 is checked per sample.
    TempDir dir;
    writeText(dir.path() / "dataset.json",
              R"({"label_sets": [{"match": "small", "annotated": [2]},
                                 {"match": "big", "annotated": [2]}]})");
    writeGoodSample(dir.path(), "small");        // C = 2
    writeFalsePositiveSample(dir.path(), "big"); // C = 3
    const Dataset set = Dataset::open(dir.path());
    std::string file;
    const std::string error = loadError(set, indexOf(set, "small"), &file);
    EXPECT_EQ(file, "dataset.json");
    EXPECT_NE(error.find("label_sets[0] (match \"small\") declares class 2 annotated, but "
                         "small.npy has 2 classes"),
              std::string::npos)
        << error;
    EXPECT_EQ(loadError(set, indexOf(set, "big")), "no error");
    const SetReport report = processSet(set, {});
    EXPECT_EQ(report.failedCount(), 1u);
}

TEST(DatasetLabelSets, MalformedLabelSetsAreASetLevelErrorNamingDatasetJson) {
    TempDir dir;
    writeText(
        dir.path() / "dataset.json",
        R"({"classes": ["bg", "cat"], "label_sets": [{"match": "a", "annotated": ["dog"]}]})");
    writeGoodSample(dir.path(), "a");
    try {
        (void)Dataset::open(dir.path());
        FAIL() << "no error";
    } catch (const DataError& e) {
        EXPECT_EQ(e.file().filename(), "dataset.json");
        EXPECT_NE(e.reason().find("label_sets[0] (match \"a\"): unknown class name 'dog'"),
                  std::string::npos)
            << e.reason();
    }
}

TEST(Dataset, LoadedSampleCarriesItsClassesAndIgnoreIndex) {
    TempDir dir;
    writeText(dir.path() / "dataset.json",
              R"({"classes": [{"name": "sky", "color": "#102030"}, "road"], "ignore_index": 7})");
    writeGoodSample(dir.path(), "a");
    const LoadedSample s = Dataset::open(dir.path()).load(0);
    EXPECT_EQ(s.ignoreIndex, 7);
    ASSERT_EQ(s.classes.size(), 2u);
    EXPECT_EQ(s.classes[0].name, "sky");
    EXPECT_EQ(s.classes[0].color, (std::array<std::uint8_t, 3>{0x10, 0x20, 0x30}));
    EXPECT_EQ(s.classes[1].name, "road");

    TempDir bare; // no dataset.json: default names for the prediction's C
    writeGoodSample(bare.path(), "b");
    const LoadedSample d = Dataset::open(bare.path()).load(0);
    EXPECT_EQ(d.ignoreIndex, 255);
    ASSERT_EQ(d.classes.size(), 2u);
    EXPECT_EQ(d.classes[1].name, "class 1");
}

// A JPEG display image, written by OpenCV: whole, it is read exactly as OpenCV reads it;
// truncated, libjpeg's "premature end" becomes the sample's warning (nothing on stderr)
// and the decoded rows are kept; of the wrong size, it is refused from its header.
// Loading into a reused sample (a scan's worker) gives what a fresh load gives, for H x W x C
// and C x H x W files of different sizes in turn; a sample loaded on its own keeps no
// scratch (a C x H x W file leaves a prediction-sized buffer there otherwise).
TEST(Dataset, LoadingIntoAReusedSampleEqualsAFreshLoad) {
    TempDir dir;
    writeText(dir.path() / "dataset.json", R"({"prediction_layout": "auto"})");
    // a: 3 x 2 HWC; b: 2 x 2 CHW (C = 3, so H x W = 2 x 2 is not read as HWC); c: 1 x 4 HWC.
    writeLabels(dir.path() / "labels" / "a.png", 3, 2, {0, 1, 2, 0, 1, 2});
    std::vector<float> a;
    for (int i = 0; i < 6; ++i)
        a.insert(a.end(), {0.5f, 0.25f, 0.25f});
    a[4] = 0.5f; // pixel 1: (0.5, 0.5, 0.0), still summing to 1
    a[5] = 0.0f;
    writeNpy(dir.path() / "predictions" / "a.npy", "(2, 3, 3)", a);
    writeLabels(dir.path() / "labels" / "b.png", 2, 2, {2, 1, 0, 1});
    // Planes: class 0, class 1, class 2 over the 4 pixels.
    writeNpy(dir.path() / "predictions" / "b.npy", "(3, 2, 2)",
             {0.1f, 0.2f, 0.7f, 0.4f, 0.3f, 0.6f, 0.2f, 0.5f, 0.6f, 0.2f, 0.1f, 0.1f});
    writeLabels(dir.path() / "labels" / "c.png", 4, 1, {1, 1, 0, 2});
    writeNpy(dir.path() / "predictions" / "c.npy", "(1, 4, 3)",
             {0.2f, 0.7f, 0.1f, 0.3f, 0.3f, 0.4f, 0.9f, 0.05f, 0.05f, 0.1f, 0.1f, 0.8f});
    const Dataset set = Dataset::open(dir.path());
    LoadedSample reused;
    for (const char* stem : {"b", "a", "b", "c", "a"}) {
        const std::size_t i = indexOf(set, stem);
        const LoadedSample fresh = set.load(i);
        EXPECT_TRUE(fresh.scratch.transposed.empty()) << stem;
        set.load(i, reused);
        ASSERT_EQ(reused.prediction.width(), fresh.prediction.width()) << stem;
        ASSERT_EQ(reused.prediction.height(), fresh.prediction.height()) << stem;
        ASSERT_EQ(reused.prediction.classes(), 3) << stem;
        const auto n = fresh.prediction.pixelCount() * 3;
        EXPECT_TRUE(std::equal(fresh.prediction.data(), fresh.prediction.data() + n,
                               reused.prediction.data()))
            << stem;
        EXPECT_TRUE(std::equal(fresh.labels.values().begin(), fresh.labels.values().end(),
                               reused.labels.values().begin(), reused.labels.values().end()))
            << stem;
        EXPECT_EQ(reused.warnings, fresh.warnings) << stem;
    }
    // b is C x H x W: pixel (x=1, y=0) has the planes' second values (0.2, 0.6, 0.2).
    const LoadedSample b = set.load(indexOf(set, "b"));
    EXPECT_EQ(b.prediction.at(1, 0, 0), 0.2f);
    EXPECT_EQ(b.prediction.at(1, 0, 1), 0.6f);
    EXPECT_EQ(b.prediction.at(1, 0, 2), 0.2f);
}
