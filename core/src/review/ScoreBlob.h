#pragma once

// How the score index packs a sample's outcome and candidates into SQLite blobs. Private to
// core's review/ sources. A blob starts with its format version; decoding checks every
// length against the bytes left, so a damaged or foreign row is a miss (rescored), never a
// crash or an allocation sized by the file.
#include "losslens/candidates/CandidateIndex.h"
#include "losslens/set/SampleOutcome.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace losslens::detail {

// A successful outcome's summary, warnings and (when made) statistics.
[[nodiscard]] std::vector<std::uint8_t> encodeOutcome(const SampleOutcome& outcome);
// false when the blob is damaged, or lacks statistics and `statistics` asks for them.
[[nodiscard]] bool decodeOutcome(std::span<const std::uint8_t> blob, bool statistics,
                                 SampleOutcome& outcome);

// Candidates without stem, run or decision (filled by the reader).
[[nodiscard]] std::vector<std::uint8_t> encodeCandidates(const KeptCandidates& kept);
[[nodiscard]] bool decodeCandidates(std::span<const std::uint8_t> blob, KeptCandidates& kept);

} // namespace losslens::detail
