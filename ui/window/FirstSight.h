#pragma once

#include "session/DatasetSession.h"

#include <cstddef>
#include <optional>
#include <vector>

namespace losslens {

// The sample a new user should see first: where the story is, the scored sample whose
// standard loss drops most under the partial variant (the largest Std - Part), among those
// with removed pixels. None when no sample has any (nothing is missing in the set).
[[nodiscard]] std::optional<std::size_t> storyEntry(const std::vector<DatasetSession::Row>& rows);

} // namespace losslens
