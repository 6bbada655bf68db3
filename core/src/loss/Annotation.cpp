#include "losslens/loss/Annotation.h"

namespace losslens {

std::string_view missingSourceName(MissingSource source) {
    return source == MissingSource::Declared ? "declared" : "absent";
}

MissingClasses missingClasses(std::span<const std::int64_t> classPixels,
                              const Annotation& annotation) {
    const std::size_t classes = classPixels.size();
    MissingClasses result;
    result.source = annotation.source;
    result.mask.assign(classes, 0);
    for (std::size_t c = 1; c < classes; ++c)
        result.mask[c] = classPixels[c] == 0 ? 1 : 0;
    if (annotation.source == MissingSource::Declared)
        for (const int c : annotation.annotated)
            if (c >= 0 && static_cast<std::size_t>(c) < classes)
                result.mask[static_cast<std::size_t>(c)] = 0;
    if (annotation.source == MissingSource::Declared)
        for (const int c : annotation.notExhaustive)
            if (c >= 1 && static_cast<std::size_t>(c) < classes)
                result.mask[static_cast<std::size_t>(c)] = 1;
    for (std::size_t c = 1; c < classes; ++c)
        if (result.mask[c] != 0)
            result.list.push_back(static_cast<int>(c));
    return result;
}

} // namespace losslens
