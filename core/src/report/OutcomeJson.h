#pragma once

// What the stats and the candidates JSON share (report/StatsText.cpp and Shards.cpp,
// candidates/CandidateReport.cpp and CandidateShards.cpp): a sample's failure and warnings
// written as "errors" and "warnings" entries, and read back from a shard's output. Private to
// the core library: nlohmann's json stays out of its API.

#include "losslens/report/Shards.h"
#include "losslens/set/SampleOutcome.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace losslens::detail {

// The outcome's warnings (with its stem) into `warnings`, and its failure into `errors`;
// returns whether it scored (o.ok), when the caller writes its sample entry.
bool addOutcomeNotes(const SampleOutcome& o, nlohmann::json& warnings, nlohmann::json& errors);
// A part's text as JSON; MergeError naming the part when it is not JSON.
[[nodiscard]] nlohmann::json parseShardPart(const ShardPart& part);
// A shard's "errors" as failed outcomes, appended to `samples`.
void addShardErrors(const nlohmann::json& doc, std::vector<SampleOutcome>& samples);
// A shard's warnings about one stem, given to that stem's outcome in `samples` (when it has
// none yet).
void attachShardWarnings(const nlohmann::json& doc, std::vector<SampleOutcome>& samples);

} // namespace losslens::detail
