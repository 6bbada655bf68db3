#include "losslens/io/CocoAnnotations.h"

#include "CocoIndexer.h"
#include "losslens/io/DataError.h"

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <limits>

namespace losslens {

namespace fs = std::filesystem;

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

    const ClassIds classOf = out.takeCategories(indexer);
    const ImageIds imageOf = out.takeImages(indexer, classOf);
    out.groupAnnotations(indexer, classOf, imageOf);
    return out;
}

// Classes: background, then the categories by id.
CocoAnnotations::ClassIds CocoAnnotations::takeCategories(CocoIndexer& indexer) {
    auto& categories = indexer.categories;
    std::sort(categories.begin(), categories.end());
    ClassIds classOf;
    m_classNames.push_back("background");
    for (const auto& [id, name] : categories) {
        if (!classOf.emplace(id, static_cast<int>(m_classNames.size())).second)
            throw DataError(m_file, "lists category id " + std::to_string(id) + " twice");
        m_classNames.push_back(name);
    }

    return classOf;
}

// Images, with their LVIS lists as class ids.
CocoAnnotations::ImageIds CocoAnnotations::takeImages(CocoIndexer& indexer,
                                                      const ClassIds& classOf) {
    ImageIds imageOf;
    for (auto& pending : indexer.images) {
        Image image;
        image.id = pending.id;
        image.fileName = std::move(pending.fileName);
        image.problem = std::move(pending.problem);
        m_lvis = m_lvis || pending.hasLvis;
        if (pending.hasId && !imageOf.emplace(pending.id, m_images.size()).second)
            throw DataError(m_file, "lists image id " + std::to_string(pending.id) + " twice");
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
        m_images.push_back(std::move(image));
    }

    return imageOf;
}

// Annotations: classes resolved, grouped by image (a counting sort keeps file order within
// an image).
void CocoAnnotations::groupAnnotations(const CocoIndexer& indexer, const ClassIds& classOf,
                                       const ImageIds& imageOf) {
    for (const std::string& problem : indexer.annotationProblems)
        m_warnings.push_back(m_file.string() + ": " + problem);
    std::vector<std::size_t> imageIndex(m_annotations.size(), 0);
    std::vector<std::size_t> counts(m_images.size() + 1, 0);
    for (std::size_t i = 0; i < m_annotations.size(); ++i) {
        Record& record = m_annotations[i];
        if (const auto it = classOf.find(record.categoryId); it != classOf.end())
            record.classId = it->second;
        const auto image = imageOf.find(indexer.annotationImages[i]);
        if (image == imageOf.end()) {
            m_warnings.push_back(m_file.string() + ": annotation " + std::to_string(record.id) +
                                 " refers to image " + std::to_string(indexer.annotationImages[i]) +
                                 ", which 'images' does not list: skipped");
            imageIndex[i] = m_images.size();
            continue;
        }
        imageIndex[i] = image->second;
        ++counts[image->second];
    }
    std::size_t first = 0;
    for (std::size_t i = 0; i < m_images.size(); ++i) {
        m_images[i].firstAnnotation = first;
        m_images[i].annotationCount = counts[i];
        counts[i] = first;
        first += m_images[i].annotationCount;
    }
    m_order.assign(first, 0);
    for (std::size_t i = 0; i < m_annotations.size(); ++i)
        if (imageIndex[i] < m_images.size())
            m_order[counts[imageIndex[i]]++] = static_cast<std::uint32_t>(i);
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
