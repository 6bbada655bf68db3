#include "losslens/loss/LossVariant.h"

#include <array>
#include <stdexcept>
#include <string>
#include <vector>

namespace losslens {

namespace variants {
#define LOSSLENS_VARIANT(name) LossVariant name();
#include "variants/Variants.def"
#undef LOSSLENS_VARIANT
} // namespace variants

namespace {
const std::array kVariants = {
#define LOSSLENS_VARIANT(name) variants::name(),
#include "variants/Variants.def"
#undef LOSSLENS_VARIANT
};
static_assert(kVariants.size() <= 64, "VariantMask holds at most 64 variants");
} // namespace

std::span<const LossVariant> lossVariants() {
    return kVariants;
}

std::optional<std::size_t> findVariant(std::string_view name) {
    for (std::size_t i = 0; i < kVariants.size(); ++i)
        if (kVariants[i].name == name)
            return i;
    return std::nullopt;
}

std::size_t variantIndex(std::string_view name) {
    if (const auto index = findVariant(name))
        return *index;
    throw std::out_of_range("no loss variant named '" + std::string(name) + "'");
}

VariantMask variantMask(std::initializer_list<std::string_view> names) {
    VariantMask mask = 0;
    for (const auto name : names)
        mask |= VariantMask{1} << variantIndex(name);
    return mask;
}

VariantMask referenceVariants() {
    return variantMask({"standard", "partial"});
}

std::size_t variantFor(VariantRole role) {
    static const std::size_t baseline = variantIndex("standard");
    static const std::size_t missingAware = variantIndex("partial");
    return role == VariantRole::Baseline ? baseline : missingAware;
}

std::size_t partnerVariant(std::size_t variant) {
    const std::size_t baseline = variantFor(VariantRole::Baseline);
    return variant == baseline ? variantFor(VariantRole::MissingAware) : baseline;
}

std::span<const std::size_t> furtherVariants() {
    static const std::vector<std::size_t> further = [] {
        std::vector<std::size_t> list;
        for (std::size_t v = 0; v < kVariants.size(); ++v)
            if (v != variantFor(VariantRole::Baseline) &&
                v != variantFor(VariantRole::MissingAware))
                list.push_back(v);
        return list;
    }();
    return further;
}

} // namespace losslens
