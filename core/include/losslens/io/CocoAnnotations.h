#pragma once

#include "losslens/loss/Annotation.h"
#include "losslens/loss/Raster.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

namespace losslens {

// A COCO instances file (or LVIS's, which adds per-image negative and not-exhaustive
// categories) as a data set's labels (spec section 8). Annotation files reach gigabytes
// (LVIS train is 1.1 GB), so the file is streamed once and only an index is kept: per
// image its name and size, per annotation its ids, crowd flag, area and the byte range of
// its JSON object. A label map is made on demand by reading back the byte ranges of one
// image's annotations and rasterising them: memory is about 48 bytes per annotation and
// 100 per image plus the names, whatever the polygons weigh.
class CocoIndexer;

class CocoAnnotations {
public:
    struct Image {
        std::int64_t id = 0;
        std::string fileName;
        int width = 0;
        int height = 0;
        std::vector<int> negative;       // LVIS neg_category_ids, as class ids 1..K
        std::vector<int> notExhaustive;  // LVIS not_exhaustive_category_ids, as class ids
        std::string problem;             // why this image cannot be a sample, if it cannot
        std::size_t firstAnnotation = 0; // its annotations: order_[first, first + count)
        std::size_t annotationCount = 0;
    };

    // Streams `file`; throws DataError naming it when it cannot be read as a COCO file at
    // all (not JSON, no images or categories list, duplicate image or category ids).
    [[nodiscard]] static CocoAnnotations read(const std::filesystem::path& file);

    [[nodiscard]] const std::filesystem::path& file() const noexcept { return m_file; }
    // Class names: "background", then the categories sorted by id.
    [[nodiscard]] const std::vector<std::string>& classNames() const noexcept {
        return m_classNames;
    }
    [[nodiscard]] const std::vector<Image>& images() const noexcept { return m_images; }
    [[nodiscard]] std::size_t annotationCount() const noexcept { return m_annotations.size(); }
    // Whether the file carries LVIS's per-image category lists.
    [[nodiscard]] bool lvis() const noexcept { return m_lvis; }
    // Problems that belong to no image (an annotation of an image the file does not list).
    [[nodiscard]] const std::vector<std::string>& warnings() const noexcept { return m_warnings; }

    // Which classes image `index` was annotated for: every class for a plain COCO file;
    // for LVIS, the classes of its annotations (crowd ones too) and its negative ones, and
    // its not-exhaustive classes.
    [[nodiscard]] Annotation annotation(std::size_t index) const;

    // The label map of image `index` into `labels` (its buffer reused): background 0, each
    // non-crowd annotation's class painted larger area first (ties by id), then every crowd
    // region `ignoreIndex`. Throws DataError naming the file, the annotation id and the
    // reason (unknown category, a polygon of fewer than 3 points, RLE of the wrong size...),
    // or that the file changed since it was read.
    void rasterize(std::size_t index, LabelMap& labels, int ignoreIndex) const;

    // The stem of a file_name (spec section 8): the extension dropped, each '/' written
    // "__"; empty with `problem` set when the name is absolute or climbs out with "..".
    [[nodiscard]] static std::string stemOf(const std::string& fileName, std::string& problem);

private:
    struct Record {
        std::int64_t id = 0;
        std::int64_t categoryId = 0;
        std::uint64_t begin = 0; // byte range of the annotation's object in the file
        std::uint32_t length = 0;
        int classId = -1; // -1: unknown or no category
        bool hasCategory = false;
        bool tooLong = false; // an object of 4 GiB or more: refused when rasterised
        bool crowd = false;
        bool hasArea = false;
        double area = 0;
    };

    std::filesystem::path m_file;
    std::int64_t m_fileSize = 0;
    std::int64_t m_fileTime = 0; // modification time, ns
    std::vector<std::string> m_classNames;
    std::vector<Image> m_images;
    std::vector<Record> m_annotations;
    std::vector<std::uint32_t> m_order; // annotation indices grouped by image
    std::vector<std::string> m_warnings;
    bool m_lvis = false;

    // read()'s steps on what the streaming indexer found (CocoIndexer.h).
    using ClassIds = std::unordered_map<std::int64_t, int>;
    using ImageIds = std::unordered_map<std::int64_t, std::size_t>;
    [[nodiscard]] ClassIds takeCategories(CocoIndexer& indexer);
    [[nodiscard]] ImageIds takeImages(CocoIndexer& indexer, const ClassIds& classOf);
    void groupAnnotations(const CocoIndexer& indexer, const ClassIds& classOf,
                          const ImageIds& imageOf);

    friend class CocoIndexer;
};

} // namespace losslens
