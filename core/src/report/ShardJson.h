#pragma once

// What the stats and the candidates shards' JSON share (report/Shards.cpp and
// candidates/CandidateShards.cpp read both kinds): the stems that failed and the warnings
// given per stem. Private to the core library: nlohmann's json stays out of its API.

#include "losslens/report/Shards.h"
#include "losslens/set/SampleOutcome.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace losslens::detail {

// A part's text as JSON; MergeError naming the part when it is not JSON.
[[nodiscard]] nlohmann::json parseShardPart(const ShardPart& part);
// A shard's "errors" as failed outcomes, appended to `samples`.
void addShardErrors(const nlohmann::json& doc, std::vector<SampleOutcome>& samples);
// A shard's warnings about one stem, given to that stem's outcome in `samples` (when it has
// none yet).
void attachShardWarnings(const nlohmann::json& doc, std::vector<SampleOutcome>& samples);

} // namespace losslens::detail
