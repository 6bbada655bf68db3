#pragma once

#include "losslens/LossContext.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace losslens {

// Writes one variant's per-pixel loss for one block of a sample into out (one value per
// pixel of context.labels, 0 at ignore pixels). Kernels are plain functions: they hold no
// state and run on any thread.
using LossKernel = void (*)(const LossContext& context, std::span<float> out);

// One loss variant: a unit with a stable name (CLI, file names, JSON keys), a label for
// the UI and a kernel. New variants live in core/src/variants/, one file each, and are
// listed once in core/src/variants/Variants.def.
struct LossVariant {
    std::string_view name;
    std::string_view label;
    std::string_view description;
    LossKernel kernel = nullptr;
};

// The registry, in a fixed order: index i of lossVariants() is index i of every
// per-variant array in LossResult, SampleSummary and SetSummary.
[[nodiscard]] std::span<const LossVariant> lossVariants();
[[nodiscard]] std::optional<std::size_t> findVariant(std::string_view name);
// Index of a variant that must exist (standard, partial); throws std::out_of_range otherwise.
[[nodiscard]] std::size_t variantIndex(std::string_view name);

} // namespace losslens
