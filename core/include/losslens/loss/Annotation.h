#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace losslens {

// Where a sample's missing set came from (spec section 4): its dataset.json label_sets
// entry, or, with none, the article's rule that every class with no pixel is missing.
enum class MissingSource { Absent, Declared };

[[nodiscard]] std::string_view missingSourceName(MissingSource source);

// Which object classes a sample was annotated for. Without a declaration every class with no
// pixel counts as missing (the article assumes every image holds every object); with one, a
// class the sample was annotated for but has no pixel is truly absent, not missing.
// A declaration may also name classes annotated in some objects of the image but not all
// (LVIS's not-exhaustive classes): they count as missing even where they have pixels, so a
// background pixel predicted as one is let off while its labelled pixels keep their loss.
struct Annotation {
    MissingSource source = MissingSource::Absent;
    std::vector<int> annotated;     // class ids, when declared (any order, duplicates allowed)
    std::vector<int> notExhaustive; // class ids, when declared; 0 is ignored

    [[nodiscard]] static Annotation declared(std::vector<int> classes,
                                             std::vector<int> notExhaustive = {}) {
        return {MissingSource::Declared, std::move(classes), std::move(notExhaustive)};
    }
};

// A sample's missing set M, computed once per sample and handed to every kernel.
struct MissingClasses {
    std::vector<std::uint8_t> mask; // per class 0..C-1: 1 if in M (background never)
    std::vector<int> list;          // the classes of M, ascending
    MissingSource source = MissingSource::Absent;
};

// M = {c in 1..C-1 : no valid pixel is labelled c, and c is not declared annotated} united
// with the declared not-exhaustive classes (spec section 4), from the per-class valid pixel
// counts (size C) of the label map. Declared ids outside 0..C-1 are
// the caller's to refuse (Dataset::load does, naming dataset.json); here they are skipped.
[[nodiscard]] MissingClasses missingClasses(std::span<const std::int64_t> classPixels,
                                            const Annotation& annotation);

} // namespace losslens
