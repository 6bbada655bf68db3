#pragma once

// The streaming reader of a COCO/LVIS instances file, private to CocoAnnotations.cpp: the
// file read a megabyte at a time into nlohmann's SAX parser, and the handler that keeps only
// the index (images, categories, each annotation's byte range), so a 1 GB LVIS file is
// never held as a JSON tree. Apart from CocoAnnotations.cpp because it is a parser of its
// own (350 lines), not the annotations' model.

#include "losslens/io/CocoAnnotations.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

namespace losslens {

// The file a megabyte at a time, as the input iterator nlohmann's SAX parser reads: every
// copy shares the reader, so the handler can ask how many bytes the parser has consumed.
// After a '{' or '}' token the parser has read exactly up to it (its lexer reads ahead only
// past numbers, which never directly precede either), so the offsets it reports at
// start_object and end_object bound the object exactly.
class ChunkReader {
public:
    explicit ChunkReader(const std::filesystem::path& file)
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

} // namespace losslens
