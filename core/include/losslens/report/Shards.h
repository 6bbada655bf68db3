#pragma once

#include "losslens/set/SetReport.h"

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace losslens {

// A set scored past one machine (losslens-cli stats --shard I/N, then merge): each shard
// scores the stems whose position in stem order is I modulo N and prints its stats object
// with the set's sums and counts (not means), so the parts combine into exactly the summary
// one pass over the whole set gives. Scheduling the shards is left to existing engines
// (a Slurm job array, a Kubernetes Indexed Job; docs/sharding.md).
struct ShardSpec {
    std::size_t index = 0; // 0 .. count - 1
    std::size_t count = 1;
};

// A shard's output or a set of them that does not combine: names the part and the reason.
class MergeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// "I/N" with 0 <= I < N; throws std::invalid_argument saying what is wrong.
[[nodiscard]] ShardSpec parseShard(std::string_view text);

// The stats --json object of one shard plus "shard": {"index", "count", "stems"} (stems: of
// the whole set) and "totals": the shard's sums, weights, per-class sums and counts.
[[nodiscard]] std::string shardJson(const SetReport& report, ShardSpec shard, std::size_t stems);

// One part to merge: a name for messages (its file) and its text.
struct ShardPart {
    std::string name;
    std::string text;
};

// The bookkeeping every merge shares: each part's shard header agrees with the first's,
// every index comes once, none is missing. Throws MergeError naming the part.
class ShardCoverage {
public:
    void add(const std::string& part, std::size_t index, std::size_t count, std::size_t stems);
    void checkComplete() const;
    [[nodiscard]] std::size_t stems() const noexcept { return m_stems; }

private:
    std::map<std::size_t, std::string> m_seen; // shard index -> the part that gave it
    std::string m_first;
    std::size_t m_count = 0;
    std::size_t m_stems = 0;
};

// Every shard of one set combined into the report one pass over the whole set gives: the
// samples and errors in stem order, set-level warnings once, totals summed. Throws
// MergeError for a part that is not a shard's output, shards of different sets or
// splits, a shard given twice or one missing.
[[nodiscard]] SetReport mergeShards(const std::vector<ShardPart>& parts);

} // namespace losslens
