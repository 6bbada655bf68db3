// CocoAnnotations::rasterize: one image's annotations read back from their byte ranges and
// painted (spec section 8). Apart from the index so each file holds one idea: finding the
// annotations, and drawing them.

#include "losslens/io/CocoAnnotations.h"
#include "losslens/io/CocoRle.h"
#include "losslens/io/DataError.h"
#include "losslens/io/PolygonRuns.h"

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace losslens {

namespace {

using nlohmann::json;

// One annotation ready to paint: row runs (polygons) or COCO's column-major counts (RLE).
struct Shape {
    std::int64_t id = 0;
    int classId = 0;
    bool crowd = false;
    double area = 0;
    std::vector<PixelRun> runs;
    RleCounts counts;
};

std::vector<double> polygonOf(const json& list) {
    if (!list.is_array())
        throw std::invalid_argument("a polygon that is not a list of coordinates");
    std::vector<double> points;
    points.reserve(list.size());
    for (const json& v : list) {
        if (!v.is_number())
            throw std::invalid_argument("a polygon coordinate that is not a number");
        points.push_back(v.get<double>());
    }
    if (points.size() % 2 != 0)
        throw std::invalid_argument("a polygon with an odd number of coordinates (" +
                                    std::to_string(points.size()) + ")");
    if (points.size() < 6)
        throw std::invalid_argument("a polygon with fewer than 3 points (" +
                                    std::to_string(points.size() / 2) + ")");
    return points;
}

// The segmentation of one annotation object into `shape` (runs or counts); throws
// std::invalid_argument with the reason.
void shapeOf(const json& annotation, int width, int height, Shape& shape) {
    const auto it = annotation.find("segmentation");
    if (it == annotation.end())
        throw std::invalid_argument("has no 'segmentation'");
    const json& segmentation = *it;
    if (segmentation.is_array()) {
        std::vector<std::vector<double>> polygons;
        for (const json& polygon : segmentation)
            polygons.push_back(polygonOf(polygon));
        shape.runs = polygonRuns(polygons, width, height);
        return;
    }
    if (!segmentation.is_object())
        throw std::invalid_argument("has a 'segmentation' that is neither polygons nor RLE");
    const auto size = segmentation.find("size");
    const auto counts = segmentation.find("counts");
    if (size == segmentation.end() || !size->is_array() || size->size() != 2 ||
        !(*size)[0].is_number_integer() || !(*size)[1].is_number_integer())
        throw std::invalid_argument("has RLE without a 'size' [height, width]");
    const auto h = (*size)[0].get<std::int64_t>();
    const auto w = (*size)[1].get<std::int64_t>();
    if (h != height || w != width)
        throw std::invalid_argument("has RLE of size [" + std::to_string(h) + ", " +
                                    std::to_string(w) + "], not the image's [" +
                                    std::to_string(height) + ", " + std::to_string(width) + "]");
    if (counts == segmentation.end())
        throw std::invalid_argument("has RLE without 'counts'");
    if (counts->is_string()) {
        shape.counts = rleFromString(counts->get_ref<const std::string&>());
    } else if (counts->is_array()) {
        shape.counts.reserve(counts->size());
        for (const json& c : *counts) {
            if (!c.is_number_integer() || c.get<std::int64_t>() < 0 ||
                c.get<std::int64_t>() > std::numeric_limits<std::uint32_t>::max())
                throw std::invalid_argument("has RLE counts that are not non-negative integers");
            shape.counts.push_back(static_cast<std::uint32_t>(c.get<std::int64_t>()));
        }
    } else {
        throw std::invalid_argument("has RLE 'counts' that are neither a list nor a string");
    }
    std::uint64_t sum = 0;
    for (const std::uint32_t c : shape.counts)
        sum += c;
    const auto total = static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
    if (sum != total)
        throw std::invalid_argument("has RLE whose counts sum to " + std::to_string(sum) +
                                    ", not h*w = " + std::to_string(total));
}

std::uint64_t pixelCount(const Shape& shape) {
    std::uint64_t n = 0;
    for (const PixelRun& r : shape.runs)
        n += static_cast<std::uint64_t>(r.x1 - r.x0);
    for (std::size_t i = 1; i < shape.counts.size(); i += 2)
        n += shape.counts[i];
    return n;
}

void paint(const Shape& shape, std::uint16_t value, std::uint16_t* labels, int width, int height) {
    for (const PixelRun& r : shape.runs)
        std::fill(labels + static_cast<std::size_t>(r.y) * width + r.x0,
                  labels + static_cast<std::size_t>(r.y) * width + r.x1, value);
    // Column-major: down each column, left to right.
    std::uint64_t pos = 0;
    for (std::size_t i = 0; i < shape.counts.size(); ++i) {
        const std::uint32_t count = shape.counts[i];
        if (i % 2 == 1) {
            auto x = static_cast<int>(pos / static_cast<std::uint64_t>(height));
            auto y = static_cast<int>(pos % static_cast<std::uint64_t>(height));
            for (std::uint32_t k = 0; k < count; ++k) {
                labels[static_cast<std::size_t>(y) * width + x] = value;
                if (++y == height) {
                    y = 0;
                    ++x;
                }
            }
        }
        pos += count;
    }
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

} // namespace

void CocoAnnotations::rasterize(std::size_t index, LabelMap& labels, int ignoreIndex) const {
    const Image& image = m_images.at(index);
    const std::string imageName = "image " + std::to_string(image.id) + " (" + image.fileName + ")";
    if (!image.problem.empty())
        throw DataError(m_file, imageName + " " + image.problem);
    struct stat info {};
    if (::stat(m_file.c_str(), &info) != 0 || info.st_size != m_fileSize ||
        static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec !=
            m_fileTime)
        throw DataError(m_file, "changed since the set was opened: open the set again");
    const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(m_file.c_str(), "rb"));
    if (!file)
        throw DataError(m_file, "cannot be read");

    const int width = image.width;
    const int height = image.height;
    std::vector<Shape> shapes;
    shapes.reserve(image.annotationCount);
    std::string bytes;
    for (std::size_t k = 0; k < image.annotationCount; ++k) {
        const Record& record = m_annotations[m_order[image.firstAnnotation + k]];
        const std::string name = "annotation " + std::to_string(record.id);
        if (!record.hasCategory)
            throw DataError(m_file, name + " (" + imageName + ") has no integer 'category_id'");
        if (record.classId < 0)
            throw DataError(m_file, name + " (" + imageName + ") has category_id " +
                                        std::to_string(record.categoryId) +
                                        ", which is not in 'categories'");
        if (record.tooLong)
            throw DataError(m_file, name + " is larger than 4 GiB");
        bytes.resize(record.length);
        if (::fseeko(file.get(), static_cast<off_t>(record.begin), SEEK_SET) != 0 ||
            std::fread(bytes.data(), 1, bytes.size(), file.get()) != bytes.size())
            throw DataError(m_file, "changed since the set was opened: open the set again");
        Shape shape;
        shape.id = record.id;
        shape.classId = record.classId;
        shape.crowd = record.crowd;
        try {
            const json object = json::parse(bytes);
            shapeOf(object, width, height, shape);
        } catch (const json::exception&) {
            throw DataError(m_file, "changed since the set was opened: open the set again");
        } catch (const std::exception& e) {
            throw DataError(m_file, name + " (" + imageName + ") " + e.what());
        }
        shape.area = record.hasArea ? record.area : static_cast<double>(pixelCount(shape));
        shapes.push_back(std::move(shape));
    }
    // Larger areas first, so smaller objects lie on top; ties by annotation id.
    std::stable_sort(shapes.begin(), shapes.end(), [](const Shape& a, const Shape& b) {
        return a.area != b.area ? a.area > b.area : a.id < b.id;
    });

    LabelMap::Storage data = labels.release();
    data.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0);
    for (const Shape& shape : shapes)
        if (!shape.crowd)
            paint(shape, static_cast<std::uint16_t>(shape.classId), data.data(), width, height);
    for (const Shape& shape : shapes)
        if (shape.crowd)
            paint(shape, static_cast<std::uint16_t>(ignoreIndex), data.data(), width, height);
    labels = LabelMap(width, height, 1, std::move(data));
}

} // namespace losslens
