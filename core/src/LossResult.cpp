#include "losslens/LossResult.h"

#include "losslens/LossVariant.h"

namespace losslens {

const LossMap& LossResult::map(std::string_view variantName) const {
    return maps.at(variantIndex(variantName));
}

} // namespace losslens
