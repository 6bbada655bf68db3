#pragma once

#include <string>
#include <vector>

namespace losslens::cli {

// Exit statuses of spec section 3.
inline constexpr int kExitOk = 0;
inline constexpr int kExitSomeFailed = 1;
inline constexpr int kExitUsage = 2;

int runDemo(const std::vector<std::string>& args);
int runStats(const std::vector<std::string>& args);
int runExport(const std::vector<std::string>& args);
int runBench(const std::vector<std::string>& args);
int runMerge(const std::vector<std::string>& args);      // MergeCommand.cpp
int runCandidates(const std::vector<std::string>& args); // CandidatesCommand.cpp
int runReview(const std::vector<std::string>& args);     // ReviewCommand.cpp

extern const char* const kDemoHelp;
extern const char* const kStatsHelp;
extern const char* const kExportHelp;
extern const char* const kBenchHelp;
extern const char* const kMergeHelp;
extern const char* const kCandidatesHelp;
extern const char* const kReviewHelp;
// The registered variants with their descriptions, for stats and export --help.
[[nodiscard]] std::string variantsHelp();
// The registered colour maps, for export --help.
[[nodiscard]] std::string colormapsHelp();
// The SIMD targets this binary has and this CPU runs (bench --isa): the --help line, and
// the names alone ("avx2, sse4, ...").
[[nodiscard]] std::string simdTargetsHelp();
[[nodiscard]] std::string simdTargetList();

} // namespace losslens::cli
