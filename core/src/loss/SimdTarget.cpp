#include "losslens/loss/SimdTarget.h"

#include <hwy/highway.h>
#include <hwy/targets.h>

#include <algorithm>
#include <cctype>

namespace losslens {

namespace {
std::string lower(const char* name) {
    std::string text(name);
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return text;
}

// Every target compiled into the kernels (HWY_TARGETS is the same in every file of core)
// that this CPU supports, as bits, best (lowest bit) first: taken once, before any pin.
const std::vector<std::int64_t>& available() {
    static const std::vector<std::int64_t> targets = hwy::SupportedAndGeneratedTargets();
    return targets;
}
} // namespace

std::vector<std::string> simdTargets() {
    std::vector<std::string> names;
    for (const std::int64_t target : available())
        names.push_back(lower(hwy::TargetName(target)));
    return names;
}

std::string simdTarget() {
    const std::vector<std::int64_t> targets = hwy::SupportedAndGeneratedTargets();
    return targets.empty() ? std::string() : lower(hwy::TargetName(targets.front()));
}

bool useSimdTarget(std::string_view name) {
    const std::vector<std::int64_t>& targets = available();
    if (name == "best") {
        hwy::SetSupportedTargetsForTest(0);
        hwy::GetChosenTarget().Update(hwy::SupportedTargets());
        return true;
    }
    for (const std::int64_t target : targets)
        if (lower(hwy::TargetName(target)) == name) {
            hwy::SetSupportedTargetsForTest(target);
            hwy::GetChosenTarget().Update(hwy::SupportedTargets());
            return true;
        }
    return false;
}

} // namespace losslens
