#include "window/FirstSight.h"

#include "losslens/loss/LossVariant.h"

namespace losslens {

std::optional<std::size_t> storyEntry(const std::vector<DatasetSession::Row>& rows) {
    const std::size_t baseline = variantFor(VariantRole::Baseline);
    const std::size_t aware = variantFor(VariantRole::MissingAware);
    std::optional<std::size_t> best;
    double bestDrop = 0.0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const DatasetSession::Row& row = rows[i];
        if (row.state != DatasetSession::Row::State::Ok || row.summary.removedPixels <= 0)
            continue;
        const double drop = row.summary.mean(baseline) - row.summary.mean(aware);
        if (!best || drop > bestDrop) {
            best = i;
            bestDrop = drop;
        }
    }
    return best;
}

} // namespace losslens
