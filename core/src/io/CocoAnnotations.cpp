#include "losslens/io/CocoAnnotations.h"

#include "losslens/io/DataError.h"

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <limits>

namespace losslens {

namespace fs = std::filesystem;

namespace {

// The file a megabyte at a time, as the input iterator nlohmann's SAX parser reads: every
// copy shares the reader, so the handler can ask how many bytes the parser has consumed.
// After a '{' or '}' token the parser has read exactly up to it (its lexer reads ahead only
// past numbers, which never directly precede either), so the offsets it reports at
// start_object and end_object bound the object exactly.
class ChunkReader {
public:
    explicit ChunkReader(const fs::path& file)
        : m_file(std::fopen(file.c_str(), "rb"))
        , m_buffer(std::size_t{1} << 20) {}
    ~ChunkReader() {
        if (m_file != nullptr)
            std::fclose(m_file);
    }
    ChunkReader(const ChunkReader&) = delete;
    ChunkReader& operator=(const ChunkReader&) = delete;

    [[nodiscard]] bool ok() const { return m_file != nullptr; }
    [[nodiscard]] bool failed() const { return m_file != nullptr && std::ferror(m_file) != 0; }
    [[nodiscard]] bool atEnd() {
        if (m_pos < m_size)
            return false;
        refill();
        return m_pos >= m_size;
    }
    [[nodiscard]] char current() const { return m_buffer[m_pos]; }
    void advance() { ++m_pos; }
    // Bytes consumed so far.
    [[nodiscard]] std::uint64_t offset() const { return m_base + m_pos; }

private:
    void refill() {
        if (m_file == nullptr)
            return;
        m_base += m_size;
        m_size = std::fread(m_buffer.data(), 1, m_buffer.size(), m_file);
        m_pos = 0;
    }

    std::FILE* m_file;
    std::vector<char> m_buffer;
    std::size_t m_pos = 0;
    std::size_t m_size = 0;
    std::uint64_t m_base = 0;
};

class ChunkIterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = char;

    ChunkIterator() = default;
    explicit ChunkIterator(ChunkReader* reader)
        : m_reader(reader) {}
    char operator*() const { return m_reader->current(); }
    ChunkIterator& operator++() {
        m_reader->advance();
        return *this;
    }
    ChunkIterator operator++(int) {
        ChunkIterator old = *this;
        m_reader->advance();
        return old;
    }
    // Only ever compared with the end iterator (a null reader).
    friend bool operator==(const ChunkIterator& a, const ChunkIterator& b) {
        return a.done() == b.done();
    }
    friend bool operator!=(const ChunkIterator& a, const ChunkIterator& b) { return !(a == b); }

private:
    [[nodiscard]] bool done() const { return m_reader == nullptr || m_reader->atEnd(); }
    ChunkReader* m_reader = nullptr;
};

} // namespace

// The SAX handler: follows the path root -> "images" / "annotations" / "categories" ->
// element -> field, and keeps only the index. Everything deeper (segmentations, bboxes,
// other keys) passes through uncounted.
class CocoIndexer {
public:
    using json = nlohmann::json;
    CocoIndexer(CocoAnnotations& out, ChunkReader& reader)
        : m_out(out)
        , m_reader(reader) {}

    bool null() { return value(Kind::None, 0, 0); }
    bool boolean(bool v) { return value(Kind::Integer, v ? 1 : 0, v ? 1.0 : 0.0); }
    bool number_integer(json::number_integer_t v) {
        return value(Kind::Integer, v, static_cast<double>(v));
    }
    bool number_unsigned(json::number_unsigned_t v) {
        const bool fits =
            v <= static_cast<json::number_unsigned_t>(std::numeric_limits<std::int64_t>::max());
        return value(fits ? Kind::Integer : Kind::Float, fits ? static_cast<std::int64_t>(v) : 0,
                     static_cast<double>(v));
    }
    bool number_float(json::number_float_t v, const std::string&) {
        return value(Kind::Float, 0, v);
    }
    bool string(std::string& v) { return value(Kind::String, 0, 0, &v); }
    bool binary(json::binary_t&) { return value(Kind::None, 0, 0); }

    bool start_object(std::size_t) {
        ++m_depth;
        if (m_depth > kMaxDepth)
            return fail("nests deeper than " + std::to_string(kMaxDepth) + " levels");
        if (m_depth == 1)
            return true;
        if (m_depth == 2) // a section that is an object, not a list
            return sectionNotList();
        if (m_depth == 3 && m_section != Section::Other)
            beginRecord();
        else if (m_depth == 3)
            m_field.clear();
        return true;
    }
    bool end_object() {
        if (m_depth == 3 && m_section != Section::Other)
            endRecord();
        --m_depth;
        return true;
    }
    bool start_array(std::size_t) {
        ++m_depth;
        if (m_depth > kMaxDepth)
            return fail("nests deeper than " + std::to_string(kMaxDepth) + " levels");
        if (m_depth == 1)
            return fail("is a list, not a COCO object with images, annotations and categories");
        if (m_depth == 2 && m_section != Section::Other)
            m_seen[static_cast<int>(m_section)] = true;
        if (m_depth == 4 && m_section == Section::Images &&
            (m_field == "neg_category_ids" || m_field == "not_exhaustive_category_ids")) {
            m_list = m_field == "neg_category_ids" ? &m_image.negativeIds : &m_image.partialIds;
            m_list->clear();
            m_image.hasLvis = true;
        }
        return true;
    }
    bool end_array() {
        if (m_depth == 4)
            m_list = nullptr;
        --m_depth;
        return true;
    }
    bool key(std::string& k) {
        if (m_depth == 1) {
            m_section = k == "images"        ? Section::Images
                        : k == "annotations" ? Section::Annotations
                        : k == "categories"  ? Section::Categories
                                             : Section::Other;
        } else if (m_depth == 3) {
            m_field = k;
        }
        return true;
    }
    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& e) {
        if (m_error.empty()) {
            // nlohmann's message starts "[json.exception.parse_error.101] parse error at ...".
            std::string what = e.what();
            if (const auto at = what.find("] "); at != std::string::npos)
                what = what.substr(at + 2);
            m_error = "is not valid JSON (byte " + std::to_string(position) + "): " + what;
        }
        return false;
    }

    [[nodiscard]] const std::string& error() const { return m_error; }
    [[nodiscard]] bool seen(int section) const { return m_seen[section]; }

    // What the categories became: id -> name, sorted by id afterwards.
    std::vector<std::pair<std::int64_t, std::string>> categories;
    std::vector<std::string> categoryProblems;
    struct PendingImage {
        std::int64_t id = 0;
        bool hasId = false;
        std::string fileName;
        bool hasFileName = false;
        std::int64_t width = 0;
        std::int64_t height = 0;
        std::vector<std::int64_t> negativeIds;
        std::vector<std::int64_t> partialIds;
        bool hasLvis = false;
        std::string problem;
    };
    std::vector<PendingImage> images;
    struct PendingAnnotation {
        std::int64_t imageId = 0;
        bool hasImageId = false;
        bool hasId = false;
        bool hasCategory = false;
    };
    std::vector<std::int64_t> annotationImages;  // per annotation: its image id
    std::vector<std::string> annotationProblems; // "annotation N: reason", any image

private:
    enum class Section { Images = 0, Annotations = 1, Categories = 2, Other = 3 };
    enum class Kind { None, Integer, Float, String };
    static constexpr int kMaxDepth = 64;

    bool fail(std::string reason) {
        m_error = std::move(reason);
        return false;
    }
    bool sectionNotList() {
        if (m_section == Section::Other)
            return true;
        static const char* names[] = {"images", "annotations", "categories"};
        return fail(std::string("'") + names[static_cast<int>(m_section)] + "' is not a list");
    }

    void beginRecord() {
        m_field.clear();
        m_recordBegin = m_reader.offset() - 1;
        m_image = PendingImage{};
        m_record = CocoAnnotations::Record{};
        m_pending = PendingAnnotation{};
        m_categoryId = 0;
        m_categoryHasId = false;
        m_categoryName.clear();
    }

    void endRecord() {
        switch (m_section) {
        case Section::Images:
            if (!m_image.hasId)
                m_image.problem = "has no integer 'id'";
            else if (!m_image.hasFileName)
                m_image.problem = "has no 'file_name'";
            images.push_back(std::move(m_image));
            break;
        case Section::Categories:
            if (!m_categoryHasId)
                categoryProblems.push_back("categories[" + std::to_string(m_categoryIndex) +
                                           "] has no integer 'id'");
            else
                categories.emplace_back(m_categoryId,
                                        m_categoryName.empty()
                                            ? "category " + std::to_string(m_categoryId)
                                            : m_categoryName);
            ++m_categoryIndex;
            break;
        case Section::Annotations: {
            const std::uint64_t end = m_reader.offset();
            m_record.begin = m_recordBegin;
            m_record.length = static_cast<std::uint32_t>(std::min<std::uint64_t>(
                end - m_recordBegin, std::numeric_limits<std::uint32_t>::max()));
            const std::string name =
                m_pending.hasId ? "annotation " + std::to_string(m_record.id)
                                : "annotations[" + std::to_string(m_out.m_annotations.size()) + "]";
            if (!m_pending.hasImageId) {
                annotationProblems.push_back(name + " has no integer 'image_id': skipped");
                break;
            }
            if (!m_pending.hasId)
                m_record.id = -static_cast<std::int64_t>(m_out.m_annotations.size()) - 1;
            m_record.hasCategory = m_pending.hasCategory;
            m_record.tooLong = end - m_recordBegin > std::numeric_limits<std::uint32_t>::max();
            m_out.m_annotations.push_back(m_record);
            annotationImages.push_back(m_pending.imageId);
            break;
        }
        case Section::Other:
            break;
        }
    }

    // One scalar: `integer` for Kind::Integer, `number` for both numeric kinds, `text` for
    // strings (moved from when kept).
    bool value(Kind kind, std::int64_t integer, double number, std::string* text = nullptr) {
        if (m_depth == 4 && m_list != nullptr) {
            if (kind == Kind::Integer)
                m_list->push_back(integer);
            else
                m_image.problem = "'" + m_field + "' holds something other than category ids";
            return true;
        }
        if (m_depth == 1 && m_section != Section::Other)
            return sectionNotList();
        if (m_depth != 3)
            return true;
        switch (m_section) {
        case Section::Images:
            if (m_field == "id" && kind == Kind::Integer) {
                m_image.id = integer;
                m_image.hasId = true;
            } else if (m_field == "file_name" && kind == Kind::String) {
                m_image.fileName = std::move(*text);
                m_image.hasFileName = true;
            } else if (m_field == "width" || m_field == "height") {
                (m_field == "width" ? m_image.width : m_image.height) =
                    kind == Kind::Integer ? integer : -1;
            }
            break;
        case Section::Categories:
            if (m_field == "id" && kind == Kind::Integer) {
                m_categoryId = integer;
                m_categoryHasId = true;
            } else if (m_field == "name" && kind == Kind::String) {
                m_categoryName = std::move(*text);
            }
            break;
        case Section::Annotations:
            if (m_field == "id" && kind == Kind::Integer) {
                m_record.id = integer;
                m_pending.hasId = true;
            } else if (m_field == "image_id" && kind == Kind::Integer) {
                m_pending.imageId = integer;
                m_pending.hasImageId = true;
            } else if (m_field == "category_id" && kind == Kind::Integer) {
                m_record.categoryId = integer;
                m_pending.hasCategory = true;
            } else if (m_field == "iscrowd") {
                m_record.crowd = kind == Kind::Integer && integer != 0;
            } else if (m_field == "area" && (kind == Kind::Integer || kind == Kind::Float)) {
                m_record.area = number;
                m_record.hasArea = true;
            }
            break;
        case Section::Other:
            break;
        }
        return true;
    }

    CocoAnnotations& m_out;
    ChunkReader& m_reader;
    int m_depth = 0;
    Section m_section = Section::Other;
    std::string m_field;
    std::string m_error;
    bool m_seen[3] = {false, false, false};
    std::uint64_t m_recordBegin = 0;
    PendingImage m_image;
    std::vector<std::int64_t>* m_list = nullptr;
    CocoAnnotations::Record m_record;
    PendingAnnotation m_pending;
    std::int64_t m_categoryId = 0;
    bool m_categoryHasId = false;
    std::string m_categoryName;
    std::size_t m_categoryIndex = 0;
};

std::string CocoAnnotations::stemOf(const std::string& fileName, std::string& problem) {
    problem.clear();
    if (fileName.empty()) {
        problem = "has an empty file_name";
        return {};
    }
    if (fileName.front() == '/' || fileName.front() == '\\' ||
        (fileName.size() > 1 && fileName[1] == ':')) {
        problem = "file_name \"" + fileName + "\" is absolute";
        return {};
    }
    std::string stem;
    std::size_t start = 0;
    while (start <= fileName.size()) {
        std::size_t end = fileName.find_first_of("/\\", start);
        if (end == std::string::npos)
            end = fileName.size();
        const std::string part = fileName.substr(start, end - start);
        if (part == "..") {
            problem = "file_name \"" + fileName + "\" climbs out of images/ with ..";
            return {};
        }
        if (!part.empty() && part != ".") {
            if (end == fileName.size()) { // the file: its extension dropped
                const std::size_t dot = part.rfind('.');
                stem += dot == std::string::npos || dot == 0 ? part : part.substr(0, dot);
            } else {
                stem += part + "__";
            }
        }
        start = end + 1;
    }
    if (stem.empty() || stem.ends_with("__"))
        problem = "file_name \"" + fileName + "\" names no file";
    return problem.empty() ? stem : std::string();
}

CocoAnnotations CocoAnnotations::read(const fs::path& file) {
    CocoAnnotations out;
    out.m_file = file;
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0)
        throw DataError(file, "cannot be read: no such file (dataset.json names it in "
                              "'annotations')");
    if (!S_ISREG(info.st_mode))
        throw DataError(file, "is not a file");
    out.m_fileSize = static_cast<std::int64_t>(info.st_size);
    out.m_fileTime = static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000 +
                     static_cast<std::int64_t>(info.st_mtim.tv_nsec);

    ChunkReader reader(file);
    if (!reader.ok())
        throw DataError(file, "cannot be read");
    CocoIndexer indexer(out, reader);
    const bool parsed =
        nlohmann::json::sax_parse(ChunkIterator(&reader), ChunkIterator(), &indexer);
    if (reader.failed())
        throw DataError(file, "could not be read to its end");
    if (!parsed)
        throw DataError(file, indexer.error().empty() ? std::string("is not valid JSON")
                                                      : indexer.error());
    if (!indexer.seen(0))
        throw DataError(file, "has no 'images' list: not a COCO instances file");
    if (!indexer.seen(2))
        throw DataError(file, "has no 'categories' list: not a COCO instances file");
    if (!indexer.categoryProblems.empty())
        throw DataError(file, indexer.categoryProblems.front());

    // Classes: background, then the categories by id.
    auto& categories = indexer.categories;
    std::sort(categories.begin(), categories.end());
    std::unordered_map<std::int64_t, int> classOf;
    out.m_classNames.push_back("background");
    for (const auto& [id, name] : categories) {
        if (!classOf.emplace(id, static_cast<int>(out.m_classNames.size())).second)
            throw DataError(file, "lists category id " + std::to_string(id) + " twice");
        out.m_classNames.push_back(name);
    }

    // Images, with their LVIS lists as class ids.
    std::unordered_map<std::int64_t, std::size_t> imageOf;
    for (auto& pending : indexer.images) {
        Image image;
        image.id = pending.id;
        image.fileName = std::move(pending.fileName);
        image.problem = std::move(pending.problem);
        out.m_lvis = out.m_lvis || pending.hasLvis;
        if (pending.hasId && !imageOf.emplace(pending.id, out.m_images.size()).second)
            throw DataError(file, "lists image id " + std::to_string(pending.id) + " twice");
        if (image.problem.empty() && (pending.width <= 0 || pending.height <= 0 ||
                                      pending.width > 1 << 20 || pending.height > 1 << 20))
            image.problem = "has no valid 'width' and 'height' (positive integers)";
        image.width = static_cast<int>(std::clamp<std::int64_t>(pending.width, 0, 1 << 20));
        image.height = static_cast<int>(std::clamp<std::int64_t>(pending.height, 0, 1 << 20));
        for (auto [ids, classes] : {std::pair{&pending.negativeIds, &image.negative},
                                    std::pair{&pending.partialIds, &image.notExhaustive}})
            for (const std::int64_t id : *ids) {
                const auto it = classOf.find(id);
                if (it != classOf.end())
                    classes->push_back(it->second);
                else if (image.problem.empty())
                    image.problem = "lists category " + std::to_string(id) + " in '" +
                                    (ids == &pending.negativeIds ? "neg_category_ids"
                                                                 : "not_exhaustive_category_ids") +
                                    "', which is not in 'categories'";
            }
        out.m_images.push_back(std::move(image));
    }

    // Annotations: classes resolved, grouped by image (a counting sort keeps file order
    // within an image).
    for (const std::string& problem : indexer.annotationProblems)
        out.m_warnings.push_back(file.string() + ": " + problem);
    std::vector<std::size_t> imageIndex(out.m_annotations.size(), 0);
    std::vector<std::size_t> counts(out.m_images.size() + 1, 0);
    for (std::size_t i = 0; i < out.m_annotations.size(); ++i) {
        Record& record = out.m_annotations[i];
        if (const auto it = classOf.find(record.categoryId); it != classOf.end())
            record.classId = it->second;
        const auto image = imageOf.find(indexer.annotationImages[i]);
        if (image == imageOf.end()) {
            out.m_warnings.push_back(file.string() + ": annotation " + std::to_string(record.id) +
                                     " refers to image " +
                                     std::to_string(indexer.annotationImages[i]) +
                                     ", which 'images' does not list: skipped");
            imageIndex[i] = out.m_images.size();
            continue;
        }
        imageIndex[i] = image->second;
        ++counts[image->second];
    }
    std::size_t first = 0;
    for (std::size_t i = 0; i < out.m_images.size(); ++i) {
        out.m_images[i].firstAnnotation = first;
        out.m_images[i].annotationCount = counts[i];
        counts[i] = first;
        first += out.m_images[i].annotationCount;
    }
    out.m_order.assign(first, 0);
    for (std::size_t i = 0; i < out.m_annotations.size(); ++i)
        if (imageIndex[i] < out.m_images.size())
            out.m_order[counts[imageIndex[i]]++] = static_cast<std::uint32_t>(i);
    return out;
}

Annotation CocoAnnotations::annotation(std::size_t index) const {
    const Image& image = m_images.at(index);
    std::vector<int> annotated;
    if (!m_lvis) {
        for (int c = 1; c < static_cast<int>(m_classNames.size()); ++c)
            annotated.push_back(c);
        return Annotation::declared(std::move(annotated));
    }
    for (std::size_t k = 0; k < image.annotationCount; ++k) {
        const Record& record = m_annotations[m_order[image.firstAnnotation + k]];
        if (record.classId > 0)
            annotated.push_back(record.classId);
    }
    annotated.insert(annotated.end(), image.negative.begin(), image.negative.end());
    std::sort(annotated.begin(), annotated.end());
    annotated.erase(std::unique(annotated.begin(), annotated.end()), annotated.end());
    return Annotation::declared(std::move(annotated), image.notExhaustive);
}

} // namespace losslens
