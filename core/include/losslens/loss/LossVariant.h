#pragma once

#include "losslens/loss/LossContext.h"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>

namespace losslens {

// Writes one variant's per-pixel loss for one block of a sample into out (one value per
// pixel of context.labels, 0 at ignore pixels). Kernels are plain functions: they hold no
// state and run on any thread.
using LossKernel = void (*)(const LossContext& context, std::span<float> out);

// How much one valid pixel labelled `labelClass` counts in the denominator of a variant's
// mean, for a sample whose missing set is `missingMask` (per class 1 if in M). Most variants leave
// it unset (every valid pixel counts 1, spec section 1); the weighted variant divides by the sum of
// the weights like PyTorch, and the drop variant gives a dropped sample no weight at all.
using PixelWeight = double (*)(const LossConfig& config, std::span<const std::uint8_t> missingMask,
                               int labelClass);

// One loss variant: a unit with a stable name (CLI, file names, JSON keys), a label for
// the UI and a kernel. New variants live in core/src/loss/variants/, one file each, and are
// listed once in core/src/loss/variants/Variants.def.
struct LossVariant {
    std::string_view name;
    std::string_view label;
    std::string_view description;
    LossKernel kernel = nullptr;
    PixelWeight weight = nullptr; // nullptr: 1 per valid pixel
};

// A set of variants by registry index (bit i = lossVariants()[i]); the registry holds at most
// 64. computeLoss takes one so a caller that needs two maps does not pay for all of them.
using VariantMask = std::uint64_t;
inline constexpr VariantMask kAllVariants = ~VariantMask{0};
[[nodiscard]] constexpr bool hasVariant(VariantMask mask, std::size_t index) noexcept {
    return index < 64 && ((mask >> index) & 1u) != 0;
}

// The registry, in a fixed order: index i of lossVariants() is index i of every
// per-variant array in LossResult, SampleSummary and SetSummary.
[[nodiscard]] std::span<const LossVariant> lossVariants();
[[nodiscard]] std::optional<std::size_t> findVariant(std::string_view name);
// Index of a variant that must exist (standard, partial); throws std::out_of_range otherwise.
[[nodiscard]] std::size_t variantIndex(std::string_view name);
// The mask of the named variants; throws std::out_of_range for an unknown name.
[[nodiscard]] VariantMask variantMask(std::initializer_list<std::string_view> names);
// The spec's two reference variants, standard and partial: what bench times.
[[nodiscard]] VariantMask referenceVariants();

// Roles views ask the registry for, instead of hard-coding registry indices: the baseline
// every other variant is compared with (standard cross-entropy) and the missing-annotation
// aware variant the tool is about (partial).
enum class VariantRole { Baseline, MissingAware };
[[nodiscard]] std::size_t variantFor(VariantRole role);
// The one partner rule (flip, side by side, A - B defaults): the baseline's partner is the
// missing-aware variant; every other variant's partner is the baseline.
[[nodiscard]] std::size_t partnerVariant(std::size_t variant);
// Every variant but the two with roles, in registry order: the "further" variants.
[[nodiscard]] std::span<const std::size_t> furtherVariants();

} // namespace losslens
