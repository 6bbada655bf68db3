// Spec section 8: polygons against a plain crossing-number loop over every pixel centre,
// hand-worked label maps (area order, crowd regions, RLE lists and strings), LVIS's lists, and
// each malformed case named with its annotation id.

#include "losslens/io/CocoAnnotations.h"
#include "losslens/io/CocoRle.h"
#include "losslens/io/DataError.h"
#include "losslens/io/PolygonRuns.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

using namespace losslens;
namespace fs = std::filesystem;

namespace {

// The reference: the crossing-number test at (x + 0.5, y + 0.5), union over polygons.
std::vector<std::uint8_t> referenceMask(const std::vector<std::vector<double>>& polygons, int w,
                                        int h) {
    std::vector<std::uint8_t> mask(static_cast<std::size_t>(w * h), 0);
    for (const auto& p : polygons) {
        const std::size_t n = p.size() / 2;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const double px = x + 0.5, py = y + 0.5;
                bool inside = false;
                for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
                    const double xi = p[2 * i], yi = p[2 * i + 1], xj = p[2 * j], yj = p[2 * j + 1];
                    if (((yi > py) != (yj > py)) && px < (xj - xi) * (py - yi) / (yj - yi) + xi)
                        inside = !inside;
                }
                if (inside)
                    mask[static_cast<std::size_t>(y * w + x)] = 1;
            }
    }
    return mask;
}

std::vector<std::uint8_t> maskOf(const std::vector<PixelRun>& runs, int w, int h) {
    std::vector<std::uint8_t> mask(static_cast<std::size_t>(w * h), 0);
    for (const PixelRun& r : runs)
        for (int x = r.x0; x < r.x1; ++x)
            mask[static_cast<std::size_t>(r.y * w + x)] = 1;
    return mask;
}

struct TempFile {
    fs::path path;
    explicit TempFile(const std::string& text) {
        path = fs::temp_directory_path() /
               ("losslens-coco-" + std::to_string(std::random_device{}()) + ".json");
        std::ofstream(path) << text;
    }
    ~TempFile() { fs::remove(path); }
};

std::string loadError(const CocoAnnotations& coco, std::size_t image) {
    LabelMap labels;
    try {
        coco.rasterize(image, labels, 255);
    } catch (const DataError& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST(PolygonRuns, SquareCoversThePixelsWhoseCentresItHolds) {
    // [1, 3] x [1, 3]: centres 1.5 and 2.5 inside, 0.5 and 3.5 outside.
    const std::vector<std::vector<double>> square = {{1, 1, 3, 1, 3, 3, 1, 3}};
    EXPECT_EQ(polygonRuns(square, 5, 5), (std::vector<PixelRun>{{1, 1, 3}, {2, 1, 3}}));
    // A centre on the left edge is inside, on the right edge outside (x + 0.5 in [a, b)).
    const std::vector<std::vector<double>> edge = {{0.5, 0, 2.5, 0, 2.5, 1, 0.5, 1}};
    EXPECT_EQ(polygonRuns(edge, 4, 1), (std::vector<PixelRun>{{0, 0, 2}}));
    // Clipped to the image; a degenerate polygon covers nothing.
    const std::vector<std::vector<double>> big = {{-5, -5, 9, -5, 9, 9, -5, 9}};
    EXPECT_EQ(polygonRuns(big, 2, 2), (std::vector<PixelRun>{{0, 0, 2}, {1, 0, 2}}));
    const std::vector<std::vector<double>> line = {{0, 0, 2, 2, 4, 4}};
    EXPECT_TRUE(polygonRuns(line, 5, 5).empty());
}

TEST(PolygonRuns, EvenOddWithinAPolygonUnionAcrossPolygons) {
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> coord(-3.0, 43.0);
    for (int trial = 0; trial < 200; ++trial) {
        std::vector<std::vector<double>> polygons(1 + trial % 3);
        for (auto& p : polygons) {
            const int points = 3 + static_cast<int>(rng() % 9); // self-intersecting often
            for (int k = 0; k < 2 * points; ++k)
                p.push_back(trial % 4 == 0 ? std::round(coord(rng) * 2) / 2 : coord(rng));
        }
        const int w = 40, h = 37;
        EXPECT_EQ(maskOf(polygonRuns(polygons, w, h), w, h), referenceMask(polygons, w, h))
            << "trial " << trial;
    }
}

TEST(PolygonRuns, AZigZagOfMillionsOfCrossingsIsRefused) {
    std::vector<double> zigzag;
    for (int i = 0; i < 20000; ++i) {
        zigzag.push_back(i * 0.01);
        zigzag.push_back(i % 2 == 0 ? 0.0 : 4000.0);
    }
    EXPECT_THROW((void)polygonRuns(std::vector<std::vector<double>>{zigzag}, 4000, 4000),
                 std::invalid_argument);
}

TEST(CocoAnnotations, LabelMapByAreaThenIdWithCrowdIgnored) {
    // 6 x 4 image. Category 9 (class 2) covers the left 4 columns, area 16; category 4
    // (class 1) a 2 x 2 square at (1, 1), area 4, so it lies on top; an RLE (string) of
    // class 2 with an area field of 1 over column 5 lies on top of everything; a crowd
    // region (RLE list) over row 0's first two pixels becomes 255.
    const RleCounts column5 = {20, 4};
    const std::string coco = R"({
      "categories": [{"id": 9, "name": "dog"}, {"id": 4, "name": "cat"}],
      "images": [{"id": 7, "file_name": "a/b.jpg", "width": 6, "height": 4}],
      "annotations": [
        {"id": 1, "image_id": 7, "category_id": 9, "iscrowd": 0,
         "segmentation": [[0, 0, 4, 0, 4, 4, 0, 4]]},
        {"id": 2, "image_id": 7, "category_id": 4, "segmentation": [[1, 1, 3, 1, 3, 3, 1, 3]]},
        {"id": 3, "image_id": 7, "category_id": 9, "area": 1,
         "segmentation": {"size": [4, 6], "counts": ")" +
                             rleToString(column5) + R"("}},
        {"id": 4, "image_id": 7, "category_id": 4, "iscrowd": 1,
         "segmentation": {"size": [4, 6], "counts": [0, 1, 3, 1, 19]}}]})";
    const TempFile file(coco);
    const CocoAnnotations annotations = CocoAnnotations::read(file.path);
    EXPECT_EQ(annotations.classNames(), (std::vector<std::string>{"background", "cat", "dog"}));
    ASSERT_EQ(annotations.images().size(), 1u);
    EXPECT_FALSE(annotations.lvis());
    LabelMap labels;
    annotations.rasterize(0, labels, 255);
    ASSERT_EQ(labels.width(), 6);
    ASSERT_EQ(labels.height(), 4);
    const int expected[4][6] = {
        {255, 255, 2, 2, 0, 2}, {2, 1, 1, 2, 0, 2}, {2, 1, 1, 2, 0, 2}, {2, 2, 2, 2, 0, 2}};
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 6; ++x)
            EXPECT_EQ(labels.at(x, y), expected[y][x]) << x << "," << y;
    // Plain COCO: annotated for every class, nothing not exhaustive.
    const Annotation a = annotations.annotation(0);
    EXPECT_EQ(a.source, MissingSource::Declared);
    EXPECT_EQ(a.annotated, (std::vector<int>{1, 2}));
    EXPECT_TRUE(a.notExhaustive.empty());
}

TEST(CocoAnnotations, LvisListsBecomeTheDeclaration) {
    const std::string coco = R"({
      "categories": [{"id": 30, "name": "c"}, {"id": 10, "name": "a"}, {"id": 20, "name": "b"}],
      "images": [{"id": 1, "file_name": "x.png", "width": 2, "height": 2,
                  "neg_category_ids": [20], "not_exhaustive_category_ids": [10]},
                 {"id": 2, "file_name": "y.png", "width": 2, "height": 2}],
      "annotations": [{"id": 5, "image_id": 1, "category_id": 10, "iscrowd": 1,
                       "segmentation": [[0, 0, 1, 0, 1, 1]]}]})";
    const TempFile file(coco);
    const CocoAnnotations annotations = CocoAnnotations::read(file.path);
    EXPECT_TRUE(annotations.lvis());
    const Annotation first = annotations.annotation(0);
    EXPECT_EQ(first.annotated, (std::vector<int>{1, 2})); // a (crowd too) and b (negative)
    EXPECT_EQ(first.notExhaustive, (std::vector<int>{1}));
    const Annotation second = annotations.annotation(1);
    EXPECT_TRUE(second.annotated.empty());
    EXPECT_EQ(second.source, MissingSource::Declared);
}

TEST(CocoAnnotations, EveryMalformedAnnotationIsNamedWithItsId) {
    const std::string coco = R"({
      "categories": [{"id": 1, "name": "a"}],
      "images": [{"id": 1, "file_name": "p.png", "width": 3, "height": 3},
                 {"id": 2, "file_name": "q.png", "width": 3, "height": 3},
                 {"id": 3, "file_name": "r.png", "width": 3, "height": 3},
                 {"id": 4, "file_name": "s.png", "width": 3, "height": 3},
                 {"id": 5, "file_name": "t.png", "width": 3, "height": 3},
                 {"id": 6, "file_name": "u.png", "width": 3}],
      "annotations": [
        {"id": 11, "image_id": 1, "category_id": 1, "segmentation": [[0, 0, 1, 1]]},
        {"id": 12, "image_id": 2, "category_id": 8, "segmentation": [[0, 0, 1, 0, 1, 1]]},
        {"id": 13, "image_id": 3, "category_id": 1, "segmentation": {"size": [3, 3], "counts": [4, 4]}},
        {"id": 14, "image_id": 4, "category_id": 1, "segmentation": {"size": [2, 3], "counts": [6]}},
        {"id": 15, "image_id": 5, "category_id": 1, "bbox": [0, 0, 1, 1]},
        {"id": 16, "image_id": 99, "category_id": 1, "segmentation": []}]})";
    const TempFile file(coco);
    const CocoAnnotations annotations = CocoAnnotations::read(file.path);
    EXPECT_NE(loadError(annotations, 0)
                  .find("annotation 11 (image 1 (p.png)) a polygon with "
                        "fewer than 3 points"),
              std::string::npos)
        << loadError(annotations, 0);
    EXPECT_NE(loadError(annotations, 1)
                  .find("annotation 12 (image 2 (q.png)) has category_id 8, "
                        "which is not in 'categories'"),
              std::string::npos);
    EXPECT_NE(loadError(annotations, 2)
                  .find("annotation 13 (image 3 (r.png)) has RLE whose counts "
                        "sum to 8, not h*w = 9"),
              std::string::npos);
    EXPECT_NE(loadError(annotations, 3).find("has RLE of size [2, 3], not the image's [3, 3]"),
              std::string::npos);
    EXPECT_NE(loadError(annotations, 4)
                  .find("annotation 15 (image 5 (t.png)) has no "
                        "'segmentation'"),
              std::string::npos);
    EXPECT_NE(loadError(annotations, 5).find("has no valid 'width' and 'height'"),
              std::string::npos);
    ASSERT_EQ(annotations.warnings().size(), 1u);
    EXPECT_NE(annotations.warnings()[0].find("annotation 16 refers to image 99"),
              std::string::npos);
}

TEST(CocoAnnotations, AFileThatIsNotCocoIsRefusedNamingIt) {
    for (const auto& [text, reason] : std::vector<std::pair<std::string, std::string>>{
             {R"({"images": [], "categories": [)", "is not valid JSON"},
             {R"([1, 2])", "is a list"},
             {R"({"categories": []})", "has no 'images' list"},
             {R"({"images": [], "categories": {}})", "'categories' is not a list"},
             {R"({"images": [], "categories": [{"id": 1}, {"id": 1}]})", "category id 1 twice"},
             {R"({"images": [{"id": 1, "file_name": "a"}, {"id": 1, "file_name": "b"}],
                  "categories": []})",
              "image id 1 twice"}}) {
        const TempFile file(text);
        try {
            (void)CocoAnnotations::read(file.path);
            ADD_FAILURE() << "accepted " << text;
        } catch (const DataError& e) {
            EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(file.path.filename().string()), std::string::npos);
        }
    }
}

TEST(CocoAnnotations, StemsKeepFoldersAndRefuseClimbing) {
    std::string problem;
    EXPECT_EQ(CocoAnnotations::stemOf("val/img_1.jpg", problem), "val__img_1");
    EXPECT_EQ(CocoAnnotations::stemOf("img.2.png", problem), "img.2");
    EXPECT_EQ(CocoAnnotations::stemOf("noext", problem), "noext");
    EXPECT_TRUE(problem.empty());
    EXPECT_EQ(CocoAnnotations::stemOf("../x.png", problem), "");
    EXPECT_NE(problem.find("climbs out"), std::string::npos);
    EXPECT_EQ(CocoAnnotations::stemOf("/abs/x.png", problem), "");
    EXPECT_NE(problem.find("absolute"), std::string::npos);
}
