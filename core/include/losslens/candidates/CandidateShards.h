#pragma once

#include "losslens/candidates/SetCandidates.h"
#include "losslens/report/Shards.h"

#include <string>
#include <vector>

namespace losslens {

// True when a part is the output of candidates --format json (with or without --shard),
// so losslens-cli merge knows which merge to run.
[[nodiscard]] bool isCandidatesJson(const std::string& text);

// The N outputs of 'candidates --shard I/N --format json' combined into the report one
// 'candidates' over the whole set gives: samples and errors in stem order, the candidates
// ranked over the set and cut to --top (each shard kept its own top N, which holds the
// set's top N). Masks are not in the JSON, so the result carries no runs (no COCO, no
// labels from it). Throws MergeError for parts that do not combine: not candidates' shard
// outputs, other options, another set or split, a shard twice or missing.
[[nodiscard]] CandidateSetReport mergeCandidateShards(const std::vector<ShardPart>& parts);

} // namespace losslens
