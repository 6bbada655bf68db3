// Spec section 4: declared label sets. Glob matching and first-match lookup, dataset.json
// validation, and hand-built samples whose missing sets and maps are worked out by hand.

#include "losslens/io/LabelSets.h"
#include "losslens/io/DatasetConfig.h"
#include "losslens/loss/LossComputer.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/report/StatsText.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

using namespace losslens;

namespace {

std::string parseError(const std::string& json) {
    try {
        (void)DatasetConfig::parse(json);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "no error";
}

// A 4 x 1 sample, C = 4: labels (0, 0, 1, 0). Pixel 0 predicts class 2, pixel 1 class 3,
// pixel 2 class 1 (its label), pixel 3 background. Classes 2 and 3 have no pixel.
struct Sample {
    LabelMap labels{4, 1};
    Prediction prediction{4, 1, 4};
    Sample() {
        const int y[] = {0, 0, 1, 0};
        const float p[4][4] = {{0.1f, 0.2f, 0.6f, 0.1f},
                               {0.3f, 0.1f, 0.1f, 0.5f},
                               {0.1f, 0.7f, 0.1f, 0.1f},
                               {0.9f, 0.05f, 0.03f, 0.02f}};
        for (int x = 0; x < 4; ++x) {
            labels.at(x, 0) = static_cast<std::uint16_t>(y[x]);
            for (int c = 0; c < 4; ++c)
                prediction.at(x, 0, c) = p[x][c];
        }
    }
};

} // namespace

TEST(GlobMatch, WholeStemWithStarAndQuestionMark) {
    EXPECT_TRUE(globMatch("liver_*", "liver_001"));
    EXPECT_TRUE(globMatch("liver_*", "liver_"));
    EXPECT_FALSE(globMatch("liver_*", "xliver_001")); // whole stem, not a substring
    EXPECT_FALSE(globMatch("liver", "liver_001"));
    EXPECT_TRUE(globMatch("*", ""));
    EXPECT_TRUE(globMatch("*", "anything at all"));
    EXPECT_TRUE(globMatch("img_00?2", "img_0042"));
    EXPECT_FALSE(globMatch("img_00?2", "img_002"));
    EXPECT_TRUE(globMatch("*_a*b", "x_ab_a__b"));
    EXPECT_FALSE(globMatch("*_a*b", "x_ab_a__c"));
    EXPECT_TRUE(globMatch("a*b*c*d", "aXbYYcZZZd"));
    EXPECT_FALSE(globMatch("a*b*c*d", "aXbYYcZZZ"));
    EXPECT_TRUE(globMatch("??", "ab"));
    EXPECT_FALSE(globMatch("??", "abc"));
    // Brackets are literal: no character classes.
    EXPECT_TRUE(globMatch("scan[1]", "scan[1]"));
    EXPECT_FALSE(globMatch("scan[12]", "scan1"));
    // ? is one character, also when it takes several bytes in UTF-8.
    EXPECT_TRUE(globMatch("caf?", "caf\xc3\xa9"));
    EXPECT_FALSE(globMatch("caf??", "caf\xc3\xa9"));
    EXPECT_TRUE(globMatch("*\xc3\xa9", "caf\xc3\xa9"));
}

TEST(GlobMatch, ManyStarsDoNotBlowUp) {
    const std::string text(2000, 'a');
    std::string pattern;
    for (int i = 0; i < 200; ++i)
        pattern += "*a";
    pattern += "b";
    EXPECT_FALSE(globMatch(pattern, text));
    EXPECT_TRUE(globMatch(pattern.substr(0, pattern.size() - 1), text));
}

TEST(LabelSets, FirstMatchWinsAcrossExactStemsAndGlobs) {
    LabelSets sets;
    sets.add({"liver_*", {1}});    // 0
    sets.add({"liver_007", {2}});  // 1: shadowed by entry 0
    sets.add({"kidney_003", {3}}); // 2: exact, before the catch-all
    sets.add({"*", {1, 2}});       // 3
    sets.add({"kidney_003", {1}}); // 4: a repeated stem, never used
    sets.add({"spleen_1", {2}});   // 5: after the catch-all, never used
    EXPECT_EQ(sets.find("liver_001"), std::optional<std::size_t>(0));
    EXPECT_EQ(sets.find("liver_007"), std::optional<std::size_t>(0));
    EXPECT_EQ(sets.find("kidney_003"), std::optional<std::size_t>(2));
    EXPECT_EQ(sets.find("kidney_004"), std::optional<std::size_t>(3));
    EXPECT_EQ(sets.find("spleen_1"), std::optional<std::size_t>(3));

    LabelSets exactOnly;
    exactOnly.add({"a", {1}});
    exactOnly.add({"b?", {1}});
    EXPECT_EQ(exactOnly.find("a"), std::optional<std::size_t>(0));
    EXPECT_EQ(exactOnly.find("bc"), std::optional<std::size_t>(1));
    EXPECT_FALSE(exactOnly.find("c").has_value());
}

TEST(LabelSets, ThousandsOfExactStemsResolveToTheirOwnEntry) {
    LabelSets sets;
    for (int i = 0; i < 5000; ++i)
        sets.add({"img_" + std::to_string(i), {i % 7}});
    sets.add({"img_*", {9}});
    for (int i = 0; i < 5000; i += 97)
        EXPECT_EQ(sets.find("img_" + std::to_string(i)),
                  std::optional<std::size_t>(static_cast<std::size_t>(i)));
    EXPECT_EQ(sets.find("img_x"), std::optional<std::size_t>(5000));
}

TEST(LabelSetsConfig, NamesAndIdsResolveToIds) {
    const DatasetConfig config = DatasetConfig::parse(R"({
        "classes": ["background", "liver", "kidney", "spleen"],
        "label_sets": [{"match": "liver_*", "annotated": ["liver"]},
                       {"match": "img_0042", "annotated": [1, "spleen", 2]},
                       {"match": "*", "annotated": []}]})");
    ASSERT_EQ(config.labelSets.size(), 3u);
    EXPECT_EQ(config.labelSets[0].match, "liver_*");
    EXPECT_EQ(config.labelSets[0].annotated, std::vector<int>({1}));
    EXPECT_EQ(config.labelSets[1].annotated, std::vector<int>({1, 3, 2}));
    EXPECT_TRUE(config.labelSets[2].annotated.empty());
    // Written back as ids, and read again the same.
    const DatasetConfig again = DatasetConfig::parse(config.toJson());
    ASSERT_EQ(again.labelSets.size(), 3u);
    EXPECT_EQ(again.labelSets[1].annotated, std::vector<int>({1, 3, 2}));
    EXPECT_EQ(again.labelSets[2].match, "*");
}

TEST(LabelSetsConfig, EveryMalformedEntryIsRefusedNamingIt) {
    const std::string classes = R"("classes": ["background", "liver", "kidney"], )";
    auto error = [&](const std::string& sets) {
        return parseError("{" + classes + "\"label_sets\": " + sets + "}");
    };
    EXPECT_NE(error(R"({"match": "*"})").find("'label_sets' must be a list"), std::string::npos);
    EXPECT_NE(error(R"(["liver_*"])").find("label_sets[0] must be an object"), std::string::npos);
    EXPECT_NE(error(R"([{"annotated": [1]}])").find("label_sets[0]: 'match' must be"),
              std::string::npos);
    EXPECT_NE(error(R"([{"match": 7, "annotated": [1]}])").find("'match' must be"),
              std::string::npos);
    EXPECT_NE(error(R"([{"match": "", "annotated": [1]}])").find("'match' must be"),
              std::string::npos);
    EXPECT_NE(error(R"([{"match": "a", "annotated": 1}])")
                  .find("label_sets[0] (match \"a\"): 'annotated' must be a list"),
              std::string::npos);
    EXPECT_NE(error(R"([{"match": "a"}])").find("'annotated' must be a list"), std::string::npos);
    EXPECT_NE(error(R"([{"match": "a", "annotated": [1]}, {"match": "b", "annotated": ["lung"]}])")
                  .find("label_sets[1] (match \"b\"): unknown class name 'lung'"),
              std::string::npos);
    EXPECT_NE(error(R"([{"match": "a", "annotated": [3]}])").find("class id 3 is outside 0..2"),
              std::string::npos);
    EXPECT_NE(error(R"([{"match": "a", "annotated": [-1]}])").find("class id -1 is outside"),
              std::string::npos);
    EXPECT_NE(error(R"([{"match": "a", "annotated": [1.5]}])")
                  .find("annotated[0] must be a class id or a class name"),
              std::string::npos);
    // Names need classes; ids are checked later against the predictions' C.
    EXPECT_NE(parseError(R"({"label_sets": [{"match": "a", "annotated": ["liver"]}]})")
                  .find("dataset.json has no 'classes'"),
              std::string::npos);
    EXPECT_EQ(parseError(R"({"label_sets": [{"match": "a", "annotated": [40]}]})"), "no error");
}

TEST(DeclaredMissing, ArticleRuleWithoutDeclaration) {
    const Sample s;
    const LossResult r = computeLoss(s.labels, s.prediction);
    EXPECT_EQ(r.summary.missing, std::vector<int>({2, 3}));
    EXPECT_EQ(r.summary.missingSource, MissingSource::Absent);
    EXPECT_EQ(r.removed.at(0, 0), 1);
    EXPECT_EQ(r.removed.at(1, 0), 1);
    EXPECT_EQ(r.summary.removedPixels, 2);
    EXPECT_EQ(r.map("partial").at(0, 0), 0.0f);
}

TEST(DeclaredMissing, AnnotatedButAbsentClassIsPenalisedInFull) {
    // Class 2 declared annotated: its false positive at pixel 0 is a real error.
    const Sample s;
    const LossResult r =
        computeLoss(s.labels, s.prediction, {}, kAllVariants, Annotation::declared({2}));
    EXPECT_EQ(r.summary.missing, std::vector<int>({3}));
    EXPECT_EQ(r.summary.missingSource, MissingSource::Declared);
    EXPECT_EQ(r.bgWeight.at(0, 0), 1);
    EXPECT_EQ(r.removed.at(0, 0), 0);
    EXPECT_NEAR(r.map("partial").at(0, 0), -std::log(0.1), 1e-6);
    // Class 3 was not annotated and has no pixel: still missing, pixel 1 still let off.
    EXPECT_EQ(r.bgWeight.at(1, 0), 0);
    EXPECT_EQ(r.map("partial").at(1, 0), 0.0f);
    EXPECT_EQ(r.summary.removedPixels, 1);
    // Marginal merges class 3 only: at pixel 0, -log(p0 + p3) = -log(0.2).
    EXPECT_NEAR(r.map("marginal").at(0, 0), -std::log(0.2), 1e-6);
    EXPECT_NEAR(r.map("marginal").at(1, 0), -std::log(0.8), 1e-6);
    // Drop still drops the sample: M is not empty.
    EXPECT_EQ(r.summary.mean(variantIndex("drop")), 0.0);
}

TEST(DeclaredMissing, ClassWithPixelsIsNeverMissingEvenIfNotListed) {
    // Annotated for 2 and 3 only; class 1 has a pixel, so it is not missing either.
    const Sample s;
    const LossResult r =
        computeLoss(s.labels, s.prediction, {}, kAllVariants, Annotation::declared({3, 2}));
    EXPECT_TRUE(r.summary.missing.empty());
    EXPECT_EQ(r.summary.missingSource, MissingSource::Declared);
    EXPECT_EQ(r.summary.removedPixels, 0);
    const auto standard = r.map("standard").values();
    for (const char* name : {"partial", "marginal", "drop"}) {
        const auto other = r.map(name).values();
        for (std::size_t i = 0; i < standard.size(); ++i)
            EXPECT_EQ(other[i], standard[i]) << name << " pixel " << i;
    }
    // Drop keeps the sample: its mean is the standard mean.
    const double expected = (-std::log(0.1) - std::log(0.3) - std::log(0.7) - std::log(0.9)) / 4.0;
    EXPECT_NEAR(r.summary.mean(variantIndex("drop")), expected, 1e-6);
}

TEST(DeclaredMissing, EmptyDeclarationIsTheArticleRuleButDeclared) {
    const Sample s;
    const LossResult r =
        computeLoss(s.labels, s.prediction, {}, kAllVariants, Annotation::declared({}));
    EXPECT_EQ(r.summary.missing, std::vector<int>({2, 3}));
    EXPECT_EQ(r.summary.missingSource, MissingSource::Declared);
    EXPECT_EQ(r.summary.removedPixels, 2);
}

TEST(DeclaredMissing, BackgroundIsNeverMissing) {
    // No background pixel at all: a prediction of background keeps w0 = 1.
    const Sample base;
    LabelMap labels(2, 1);
    labels.at(0, 0) = 1;
    labels.at(1, 0) = 1;
    Prediction prediction(2, 1, 4);
    for (int c = 0; c < 4; ++c) {
        prediction.at(0, 0, c) = base.prediction.at(3, 0, c); // argmax 0
        prediction.at(1, 0, c) = base.prediction.at(2, 0, c); // argmax 1
    }
    for (const Annotation& a : {Annotation{}, Annotation::declared({})}) {
        const LossResult r = computeLoss(labels, prediction, {}, kAllVariants, a);
        EXPECT_EQ(r.bgWeight.at(0, 0), 1);
        EXPECT_EQ(r.summary.missing, std::vector<int>({2, 3}));
    }
}

TEST(DeclaredMissing, DeclaredIdOutsideTheClassesIsRefused) {
    const Sample s;
    EXPECT_THROW(
        (void)computeLoss(s.labels, s.prediction, {}, kAllVariants, Annotation::declared({4})),
        LossError);
}

namespace {

// A 3 x 1 sample, C = 3: labels (0, 1, 0). Pixel 0 (background) predicts class 1, pixel 1
// predicts class 1 (its label), pixel 2 predicts background. Class 2 has no pixel.
struct NotExhaustiveSample {
    LabelMap labels{3, 1};
    Prediction prediction{3, 1, 3};
    NotExhaustiveSample() {
        const int y[] = {0, 1, 0};
        const float p[3][3] = {{0.2f, 0.7f, 0.1f}, {0.1f, 0.8f, 0.1f}, {0.6f, 0.1f, 0.3f}};
        for (int x = 0; x < 3; ++x) {
            labels.at(x, 0) = static_cast<std::uint16_t>(y[x]);
            for (int c = 0; c < 3; ++c)
                prediction.at(x, 0, c) = p[x][c];
        }
    }
};

} // namespace

TEST(DeclaredMissing, NotExhaustiveClassIsMissingWhereItHasPixels) {
    // Annotated for 1 and 2, but class 1 only in some objects: M = {1} although pixel 1 is
    // labelled 1. The background pixel predicted as 1 is let off; the labelled pixel of
    // class 1 keeps its loss in every variant.
    const NotExhaustiveSample s;
    const LossResult r =
        computeLoss(s.labels, s.prediction, {}, kAllVariants, Annotation::declared({1, 2}, {1}));
    EXPECT_EQ(r.summary.missing, std::vector<int>({1}));
    EXPECT_EQ(r.summary.missingSource, MissingSource::Declared);
    EXPECT_EQ(r.bgWeight.at(0, 0), 0);
    EXPECT_EQ(r.removed.at(0, 0), 1);
    EXPECT_EQ(r.summary.removedPixels, 1);
    EXPECT_EQ(r.map("partial").at(0, 0), 0.0f);
    EXPECT_NEAR(r.map("partial").at(1, 0), -std::log(0.8), 1e-6);
    EXPECT_NEAR(r.map("partial").at(2, 0), -std::log(0.6), 1e-6);
    // Marginal merges class 1 into background at background pixels only.
    EXPECT_NEAR(r.map("marginal").at(0, 0), -std::log(0.9), 1e-6);
    EXPECT_NEAR(r.map("marginal").at(1, 0), -std::log(0.8), 1e-6);
    EXPECT_NEAR(r.map("marginal").at(2, 0), -std::log(0.7), 1e-6);
    // Drop drops the sample: M is not empty.
    EXPECT_EQ(r.summary.mean(variantIndex("drop")), 0.0);

    // Without the not-exhaustive class nothing is missing: partial is the standard loss.
    const LossResult plain =
        computeLoss(s.labels, s.prediction, {}, kAllVariants, Annotation::declared({1, 2}));
    EXPECT_TRUE(plain.summary.missing.empty());
    EXPECT_NEAR(plain.map("partial").at(0, 0), -std::log(0.2), 1e-6);
}

TEST(DeclaredMissing, NotExhaustiveIsAUnionAndNeverHoldsBackground) {
    const NotExhaustiveSample s;
    // Class 2 has no pixel and is not annotated: missing either way; listing it changes nothing.
    EXPECT_EQ(computeLoss(s.labels, s.prediction, {}, kAllVariants, Annotation::declared({}, {2}))
                  .summary.missing,
              std::vector<int>({2}));
    // 0 in the list is not background missing: nothing is let off.
    const LossResult r =
        computeLoss(s.labels, s.prediction, {}, kAllVariants, Annotation::declared({1, 2}, {0}));
    EXPECT_TRUE(r.summary.missing.empty());
    EXPECT_EQ(r.summary.removedPixels, 0);
    // Both lists at once: M = {1, 2}.
    EXPECT_EQ(computeLoss(s.labels, s.prediction, {}, kAllVariants, Annotation::declared({}, {1}))
                  .summary.missing,
              std::vector<int>({1, 2}));
    EXPECT_THROW(
        (void)computeLoss(s.labels, s.prediction, {}, kAllVariants, Annotation::declared({1}, {3})),
        LossError);
}

TEST(LabelSetsConfig, NotExhaustiveByNameAndIdIsReadAndWrittenBack) {
    const DatasetConfig config = DatasetConfig::parse(R"({
        "classes": ["background", "liver", "kidney", "spleen"],
        "label_sets": [{"match": "a", "annotated": [1, 2], "not_exhaustive": ["kidney", 3]},
                       {"match": "*", "annotated": [1]}]})");
    ASSERT_EQ(config.labelSets.size(), 2u);
    EXPECT_EQ(config.labelSets[0].notExhaustive, std::vector<int>({2, 3}));
    EXPECT_TRUE(config.labelSets[1].notExhaustive.empty());
    const DatasetConfig again = DatasetConfig::parse(config.toJson());
    EXPECT_EQ(again.labelSets[0].notExhaustive, std::vector<int>({2, 3}));
    EXPECT_TRUE(again.labelSets[1].notExhaustive.empty());
    const std::string classes = R"("classes": ["background", "liver"], )";
    auto error = [&](const std::string& entry) {
        return parseError("{" + classes + "\"label_sets\": [" + entry + "]}");
    };
    EXPECT_NE(error(R"({"match": "a", "annotated": [], "not_exhaustive": 1})")
                  .find("label_sets[0] (match \"a\"): 'not_exhaustive' must be a list"),
              std::string::npos);
    EXPECT_NE(error(R"({"match": "a", "annotated": [], "not_exhaustive": ["lung"]})")
                  .find("unknown class name 'lung'"),
              std::string::npos);
    EXPECT_NE(error(R"({"match": "a", "annotated": [], "not_exhaustive": [2]})")
                  .find("class id 2 is outside 0..1"),
              std::string::npos);
    EXPECT_NE(error(R"({"match": "a", "annotated": [], "not_exhaustive": [true]})")
                  .find("not_exhaustive[0] must be a class id or a class name"),
              std::string::npos);
}

TEST(CompactMissing, NamesThenIdsThenACountNeverWiderThanTheColumn) {
    const std::vector<std::string> names = {"background", "aeroplane", "bicycle", "bird", "boat"};
    EXPECT_EQ(compactMissing({}, names, 22), "-");
    EXPECT_EQ(compactMissing({1, 3}, names, 22), "aeroplane,bird");
    EXPECT_EQ(compactMissing({1, 2, 3, 4}, names, 22), "1,2,3,4"); // names do not fit
    std::vector<int> many;
    for (int c = 1; c <= 20; ++c)
        many.push_back(c);
    const std::string text = compactMissing(many, names, 22);
    EXPECT_EQ(text, "20: 1,2,3,4,5,6,7,8,…");
    EXPECT_LE(text.size() - 2, 22u); // the ellipsis is 3 bytes, one column
    EXPECT_EQ(compactMissing({123456789}, names, 5), "1: …");
}
