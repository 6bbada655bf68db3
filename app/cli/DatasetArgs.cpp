#include "DatasetArgs.h"

#include "Commands.h"

#include "losslens/io/DataError.h"
#include "losslens/io/FileBytes.h"

#include <algorithm>
#include <iostream>

namespace losslens::cli {

bool openDataset(const std::string& path, Dataset& out, const DataLimits& limits,
                 bool ignoreLabelSets, const std::string& run) {
    try {
        out = Dataset::open(path, limits, run);
        if (ignoreLabelSets)
            out.ignoreLabelSets();
    } catch (const DataError& e) {
        std::cerr << "losslens-cli: " << e.what() << "\n";
        return false;
    }
    if (out.completeCount() == 0) {
        std::cerr << "losslens-cli: " << path << ": " << noSampleReason() << "\n";
        for (const auto& entry : out.entries())
            std::cerr << "  " << entry.reportFile().string() << ": " << entry.problem << "\n";
        return false;
    }
    for (const auto& warning : out.warnings())
        std::cerr << "warning: " << warning << "\n";
    return true;
}

bool chooseRuns(const std::string& path, const ArgParser& parser, std::vector<std::string>& out) {
    std::vector<std::string> runs;
    try {
        runs = runNames(path);
    } catch (const DataError& e) {
        std::cerr << "losslens-cli: " << e.what() << "\n";
        return false;
    }
    std::string list;
    for (const std::string& r : runs)
        list += (list.empty() ? "" : ", ") + r;
    if (const auto run = parser.value("run")) {
        if (std::find(runs.begin(), runs.end(), *run) == runs.end())
            throw UsageError("unknown run '" + *run + "': " +
                             (runs.empty() ? path + " has one prediction set and no runs"
                                           : "the runs of " + path + " are " + list));
        out = {*run};
        return true;
    }
    if (runs.size() <= 1)
        out = {std::string()};
    else
        out = runs;
    return true;
}

DataLimits limitsFrom(const ArgParser& parser) {
    DataLimits limits;
    for (const std::string_view name : kLimitOptions)
        if (const auto text = parser.value(std::string(name)))
            if (std::string problem = setLimit(limits, name, *text); !problem.empty())
                throw UsageError(problem);
    return limits;
}

bool chooseOneRun(const std::string& path, const ArgParser& parser, const std::string& command,
                  std::string& out) {
    std::vector<std::string> runs;
    if (!chooseRuns(path, parser, runs))
        return false;
    if (runs.size() > 1) {
        std::string list;
        for (const std::string& r : runs)
            list += (list.empty() ? "" : ", ") + r;
        throw UsageError(command + " works on one run's: choose it with --run (" + list + ")");
    }
    out = runs.front();
    return true;
}

int reportOutcomes(const SetReport& report) {
    for (const auto& o : report.samples) {
        for (const auto& w : o.warnings)
            std::cerr << "warning: " << o.stem << ": " << w << "\n";
        if (!o.ok)
            std::cerr << "error: " << o.stem << ": " << o.errorFile << ": " << o.errorMessage
                      << (o.fileExists ? " (use --overwrite to replace it)" : "") << "\n";
    }
    return report.failedCount() > 0 ? kExitSomeFailed : kExitOk;
}

} // namespace losslens::cli
