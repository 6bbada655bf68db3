// losslens-cli: the headless side of LossLens (spec section 3). Links the core only.
#include "cli/ArgParser.h"
#include "cli/Commands.h"
#include "cli/ReviewArgs.h"

#include "losslens/loss/SimdTarget.h"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

const char* const kUsage = R"(usage: losslens-cli COMMAND ...

Commands:
  demo OUTDIR     write the synthetic demo set
  stats DATASET   per-sample and set means of every loss variant
  export DATASET  loss maps (.npy), heatmaps (.png) and summaries
  bench DATASET   throughput of the loss computation on your data
  candidates DATASET  where an annotation is probably missing, ranked over the set
  review DATASET  decisions on candidates (confirmed, rejected, unsure), kept per set
  merge PART...   combine the outputs of stats/candidates --shard I/N into the whole set's

Run 'losslens-cli COMMAND --help' for a command's options.
)";

} // namespace

int main(int argc, char** argv) {
    using namespace losslens::cli;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << kUsage;
        return args.empty() ? kExitUsage : kExitOk;
    }
    if (args[0] == "--version") {
        std::cout << "losslens-cli " << LOSSLENS_VERSION << "\n";
        return kExitOk;
    }
    // LOSSLENS_ISA pins the loss kernels to one SIMD target for any command (bench has
    // --isa): to time `stats` on AVX2 on a newer machine (tests/perf/set_speed.py --isa).
    if (const char* isa = std::getenv("LOSSLENS_ISA");
        isa != nullptr && *isa != '\0' && !losslens::useSimdTarget(isa)) {
        std::cerr << "losslens-cli: LOSSLENS_ISA=" << isa << " is not a SIMD target of this CPU ("
                  << simdTargetList() << ")\n";
        return kExitUsage;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    struct Command {
        const char* name;
        int (*run)(const std::vector<std::string>&);
        const char* help;
    };
    const Command commands[] = {
        {"demo", runDemo, kDemoHelp},       {"stats", runStats, kStatsHelp},
        {"export", runExport, kExportHelp}, {"bench", runBench, kBenchHelp},
        {"merge", runMerge, kMergeHelp},    {"candidates", runCandidates, kCandidatesHelp},
        {"review", runReview, kReviewHelp},
    };
    for (const Command& c : commands) {
        if (command != c.name)
            continue;
        for (const auto& a : args)
            if (a == "--help" || a == "-h") {
                std::cout << c.help;
                if (command == "stats" || command == "export")
                    std::cout << variantsHelp();
                if (command == "export")
                    std::cout << colormapsHelp();
                if (command == "bench")
                    std::cout << simdTargetsHelp();
                if ((command == "review" || command == "candidates") && !args.empty() &&
                    args[0].rfind("--", 0) != 0)
                    std::cout << reviewDatabaseHelp(args[0]);
                return kExitOk;
            }
        try {
            return c.run(args);
        } catch (const UsageError& e) {
            std::cerr << "losslens-cli " << c.name << ": " << e.what() << "\n"
                      << "Run 'losslens-cli " << c.name << " --help' for usage.\n";
            return kExitUsage;
        } catch (const std::exception& e) {
            std::cerr << "losslens-cli " << c.name << ": " << e.what() << "\n";
            return kExitUsage;
        }
    }
    std::cerr << "losslens-cli: unknown command '" << command << "'\n" << kUsage;
    return kExitUsage;
}
