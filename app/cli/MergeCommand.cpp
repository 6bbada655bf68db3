#include "ArgParser.h"
#include "Commands.h"
#include "Terminal.h"

#include "losslens/candidates/CandidateReport.h"
#include "losslens/candidates/CandidateShards.h"
#include "losslens/io/DataError.h"
#include "losslens/io/FileBytes.h"
#include "losslens/report/Shards.h"
#include "losslens/report/StatsText.h"

#include <iostream>

namespace losslens::cli {

const char* const kMergeHelp =
    R"(usage: losslens-cli merge PART.json... [--json]

Combines the outputs of 'losslens-cli stats DATASET --json --shard I/N' for I = 0 .. N-1
into the summary one 'stats' over the whole set gives: the samples and errors in stem order,
the set's means and per-class figures from the shards' summed totals (not averaged means).
Prints the table, or with --json the stats --json object.
The outputs of 'losslens-cli candidates DATASET --format json --shard I/N' (same options in
every shard) merge the same way into the set's ranking, as one 'candidates' run prints it
(the table, or with --json its JSON; ids are per sample and do not change). Every shard must be given once;
a missing, repeated or foreign shard is an error that names the file. See docs/sharding.md
for running the shards as a Slurm job array or a Kubernetes Indexed Job.
Exit status: 0 every sample scored, 1 some samples failed in their shard, 2 usage error or
parts that do not combine.
)";

int runMerge(const std::vector<std::string>& args) {
    const ArgParser parser(args, {}, {"json"});
    if (parser.positional().empty())
        throw UsageError("merge needs the shards' outputs (PART.json...)");
    std::vector<ShardPart> parts;
    constexpr std::int64_t kMaxPart = std::int64_t{1} << 30; // a summary, not a data set
    for (const std::string& file : parser.positional()) {
        try {
            const std::vector<std::byte> bytes = readFileBytes(file, kMaxPart);
            parts.push_back(
                {file, std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size())});
        } catch (const DataError& e) {
            std::cerr << "losslens-cli merge: " << e.file().string() << ": " << e.reason() << "\n";
            return kExitUsage;
        }
    }
    if (isCandidatesJson(parts.front().text)) {
        CandidateSetReport merged;
        try {
            merged = mergeCandidateShards(parts);
        } catch (const MergeError& e) {
            std::cerr << "losslens-cli merge: " << e.what() << "\n";
            return kExitUsage;
        }
        std::cout << (parser.flag("json") ? candidatesJson(merged)
                                          : candidatesTable(merged, terminalColumns()));
        std::cout.flush();
        const std::size_t failed = merged.report.failedCount();
        std::cerr << "merged " << parts.size() << " shard(s): " << merged.candidates.size()
                  << " candidate(s) over " << merged.samples.size() << " sample(s), " << failed
                  << " failed\n";
        return failed > 0 ? kExitSomeFailed : kExitOk;
    }
    SetReport report;
    try {
        report = mergeShards(parts);
    } catch (const MergeError& e) {
        std::cerr << "losslens-cli merge: " << e.what() << "\n";
        return kExitUsage;
    }
    std::cout << (parser.flag("json") ? statsJson(report) : statsTable(report, terminalColumns()));
    std::cout.flush();
    const std::size_t failed = report.failedCount();
    std::cerr << "merged " << parts.size() << " shard(s): " << report.samples.size() - failed
              << " sample(s) scored, " << failed << " failed\n";
    return failed > 0 ? kExitSomeFailed : kExitOk;
}

} // namespace losslens::cli
