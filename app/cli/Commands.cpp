#include "Commands.h"

#include "ArgParser.h"
#include "DatasetArgs.h"
#include "Progress.h"
#include "ReviewArgs.h"
#include "Terminal.h"

#include "losslens/demo/DemoDataset.h"
#include "losslens/io/DataError.h"
#include "losslens/io/Dataset.h"
#include "losslens/io/FileBytes.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/loss/SimdTarget.h"
#include "losslens/report/Exporter.h"
#include "losslens/report/Shards.h"
#include "losslens/report/StatsText.h"
#include "losslens/set/Bench.h"
#include "losslens/set/SetProcessor.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <optional>

namespace losslens::cli {

namespace fs = std::filesystem;

namespace {

std::vector<std::size_t> parseVariants(const std::string& text) {
    if (text == "all")
        return {};
    std::vector<std::size_t> chosen;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const std::string name =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const auto index = findVariant(name);
        if (!index) {
            std::string known;
            for (const auto& v : lossVariants())
                known += std::string(known.empty() ? "" : ", ") + std::string(v.name);
            throw UsageError("unknown variant '" + name + "' (known: " + known + ", all)");
        }
        chosen.push_back(*index);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return chosen;
}

ValueRange parseRange(const std::string& text) {
    const auto colon = text.find(':');
    if (colon == std::string::npos)
        throw UsageError("--range must be auto or MIN:MAX, got '" + text + "'");
    auto parse = [&](const std::string& part) {
        float v = 0.0f;
        const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
        if (ec != std::errc() || end != part.data() + part.size() || !std::isfinite(v))
            throw UsageError("--range must be auto or MIN:MAX with numbers, got '" + text + "'");
        return v;
    };
    const ValueRange range{parse(text.substr(0, colon)), parse(text.substr(colon + 1))};
    if (!(range.hi > range.lo))
        throw UsageError("--range MIN:MAX needs MAX > MIN, got '" + text + "'");
    return range;
}

} // namespace

int runDemo(const std::vector<std::string>& args) {
    const ArgParser parser(args, {"count", "size", "missing", "seed", "jobs"},
                           {"overwrite", "label-sets"});
    if (parser.positional().size() != 1)
        throw UsageError("demo needs exactly one OUTDIR");
    DemoOptions options;
    options.count = static_cast<int>(parser.integer("count", 8, 1, 100000));
    options.size = static_cast<int>(parser.integer("size", 256, 16, 8192));
    options.missing = static_cast<int>(parser.integer("missing", 2, 0, 3LL * options.count));
    options.seed = static_cast<std::uint64_t>(
        parser.integer("seed", 1, 0, std::numeric_limits<long long>::max()));
    options.labelSets = parser.flag("label-sets");
    ProcessOptions process;
    process.jobs = static_cast<int>(parser.integer("jobs", 0, 0, 1024));
    Progress progress("demo");
    process.progress = [&](std::size_t done, std::size_t total) { progress.update(done, total); };
    const fs::path root = parser.positional()[0];
    try {
        writeDemoDataset(root, options, parser.flag("overwrite"), process);
        progress.finish();
    } catch (const FileExistsError& e) {
        progress.finish();
        std::cerr << "losslens-cli: " << e.what() << " (use --overwrite to replace it)\n";
        return kExitUsage;
    } catch (const std::exception& e) {
        progress.finish();
        std::cerr << "losslens-cli: " << e.what() << "\n";
        return kExitUsage;
    }
    std::cerr << "wrote " << options.count << " demo samples of " << options.size << "x"
              << options.size << " with " << options.missing << " missing annotation(s)"
              << (options.labelSets ? " and declared label sets" : "") << " to " << root.string()
              << "\n";
    return kExitOk;
}

int runStats(const std::vector<std::string>& args) {
    const ArgParser parser(
        args, {"jobs", "max-pixels", "max-classes", "max-memory", "run", "shard", "review-db"},
        {"json", "ignore-label-sets", "no-index"});
    if (parser.positional().size() != 1)
        throw UsageError("stats needs exactly one DATASET");
    const std::string path = parser.positional()[0];
    std::vector<std::string> runs;
    if (!chooseRuns(path, parser, runs))
        return kExitUsage;
    ProcessOptions process;
    process.jobs = static_cast<int>(parser.integer("jobs", 0, 0, 1024));
    process.images = Dataset::Image::Skip; // scores never read the display image
    std::optional<ShardSpec> shard;
    if (const auto text = parser.value("shard")) {
        try {
            shard = parseShard(*text);
        } catch (const std::invalid_argument& e) {
            throw UsageError(e.what());
        }
        if (runs.size() > 1)
            throw UsageError("--shard scores one run: choose it with --run");
        process.shardIndex = shard->index;
        process.shardCount = shard->count;
    }
    std::size_t stems = 0;
    std::vector<RunReport> reports;
    int status = kExitOk;
    for (const std::string& run : runs) {
        Dataset dataset;
        if (!openDataset(path, dataset, limitsFrom(parser), parser.flag("ignore-label-sets"), run))
            return kExitUsage;
        Progress progress(run.empty() ? std::string("stats") : "stats " + run);
        process.progress = [&](std::size_t done, std::size_t total) {
            progress.update(done, total);
        };
        std::unique_ptr<ScoreIndex> index = openScoreIndex(
            reviewLocationFrom(path, parser), dataset, {false, process.images, {}}, parser);
        process.index = index.get();
        SetReport report = processSet(dataset, process);
        progress.finish();
        closeScoreIndex(index);
        process.index = nullptr;
        stems = dataset.entries().size();
        const bool says = std::any_of(report.samples.begin(), report.samples.end(),
                                      [](const auto& o) { return !o.ok || !o.warnings.empty(); });
        if (runs.size() > 1 && says)
            std::cerr << "run " << run << ":\n";
        status = std::max(status, reportOutcomes(report));
        reports.push_back({run, std::move(report)});
    }
    if (shard && parser.flag("json")) {
        std::cout << shardJson(reports.front().report, *shard, stems);
    } else if (reports.size() == 1) {
        std::cout << (parser.flag("json") ? statsJson(reports.front().report)
                                          : statsTable(reports.front().report, terminalColumns()));
    } else if (parser.flag("json")) {
        std::cout << statsJsonRuns(reports);
    } else {
        for (const RunReport& r : reports)
            std::cout << "== run " << r.name << " ==\n"
                      << statsTable(r.report, terminalColumns()) << "\n";
        std::cout << runsComparisonTable(reports);
    }
    std::cout.flush();
    return status;
}

int runExport(const std::vector<std::string>& args) {
    const ArgParser parser(args,
                           {"out", "variant", "format", "colormap", "range", "scale", "jobs",
                            "max-pixels", "max-classes", "max-memory", "run"},
                           {"overwrite", "ignore-label-sets"});
    if (parser.positional().size() != 1)
        throw UsageError("export needs exactly one DATASET");
    const auto out = parser.value("out");
    if (!out || out->empty())
        throw UsageError("export needs --out DIR");
    ExportOptions options;
    options.outDir = *out;
    options.variants = parseVariants(parser.value("variant").value_or("all"));
    const std::string format = parser.value("format").value_or("all");
    if (format != "png" && format != "npy" && format != "all")
        throw UsageError("--format must be png, npy or all, got '" + format + "'");
    options.png = format != "npy";
    options.npy = format != "png";
    const std::string colormap = parser.value("colormap").value_or("viridis");
    const auto map = colormapFromName(colormap);
    if (!map)
        throw UsageError("unknown colour map '" + colormap + "' (" + colormapNames() + ")");
    options.colormap = *map;
    const std::string range = parser.value("range").value_or("auto");
    if (range != "auto")
        options.range = parseRange(range);
    const std::string scale = parser.value("scale").value_or("linear");
    if (scale != "linear" && scale != "log")
        throw UsageError("--scale must be linear or log, got '" + scale + "'");
    options.logScale = scale == "log";
    options.overwrite = parser.flag("overwrite");
    options.process.jobs = static_cast<int>(parser.integer("jobs", 0, 0, 1024));

    const std::string path = parser.positional()[0];
    std::vector<std::string> runs;
    if (!chooseRuns(path, parser, runs))
        return kExitUsage;
    // Several runs: each into DIR/<run>/, with its own range (as exporting it alone would).
    const fs::path outDir = options.outDir;
    int status = kExitOk;
    for (const std::string& run : runs) {
        Dataset dataset;
        if (!openDataset(path, dataset, limitsFrom(parser), parser.flag("ignore-label-sets"), run))
            return kExitUsage;
        options.outDir = runs.size() > 1 ? outDir / run : outDir;
        Progress progress(runs.size() > 1 ? "export " + run : std::string("export"));
        options.process.progress = [&](std::size_t done, std::size_t total) {
            progress.update(done, total);
        };
        ExportResult result;
        try {
            result = exportSet(dataset, options);
            progress.finish();
        } catch (const ExportConflict& e) {
            progress.finish();
            std::cerr << "losslens-cli: " << options.outDir.string() << ": " << e.what()
                      << " (use --overwrite to replace them)\n";
            return kExitUsage;
        } catch (const std::exception& e) {
            progress.finish();
            std::cerr << "losslens-cli: " << e.what() << "\n";
            return kExitUsage;
        }
        status = std::max(status, reportOutcomes(result.report));
        if (!result.summaryError.empty()) {
            std::cerr << "error: " << result.summaryError << "\n";
            status = std::max(status, kExitSomeFailed);
        }
        std::cerr << "exported " << (result.report.samples.size() - result.report.failedCount())
                  << " of " << result.report.samples.size() << " sample(s)"
                  << (runs.size() > 1 ? " of run " + run : std::string()) << ", "
                  << result.filesWritten << " files, heatmap range " << result.range.lo << " to "
                  << result.range.hi << ", to " << options.outDir.string() << "\n";
    }
    return status;
}

int runBench(const std::vector<std::string>& args) {
    const ArgParser parser(
        args, {"repeat", "threads", "max-pixels", "max-classes", "max-memory", "run", "isa"},
        {"json"});
    if (parser.positional().size() != 1)
        throw UsageError("bench needs exactly one DATASET");
    if (const std::string isa = parser.value("isa").value_or("best"); !useSimdTarget(isa))
        throw UsageError("--isa " + isa + " is not a SIMD target of this CPU (" + simdTargetList() +
                         ")");
    std::vector<std::string> runs;
    if (!chooseRuns(parser.positional()[0], parser, runs))
        return kExitUsage;
    if (runs.size() > 1)
        std::cerr << "bench: timing run " << runs.front() << " (of " << runs.size()
                  << "; choose one with --run)\n";
    BenchOptions options;
    options.repeat = static_cast<int>(parser.integer("repeat", 5, 1, 100000));
    options.threads = static_cast<int>(parser.integer("threads", 1, 1, 1024));
    Dataset dataset;
    if (!openDataset(parser.positional()[0], dataset, limitsFrom(parser), false, runs.front()))
        return kExitUsage;
    const BenchResult r = runBench(dataset, options);
    if (r.samples == 0) {
        std::cerr << "losslens-cli: no sample could be loaded\n";
        return kExitUsage;
    }
    if (parser.flag("json")) {
        std::printf("{\"samples\": %zu, \"pixels_per_sample\": %lld, \"classes\": %d, "
                    "\"threads\": %d, \"isa\": \"%s\", "
                    "\"maps_ms_per_sample\": {\"median\": %.6g, \"min\": %.6g}, "
                    "\"stream_ms_per_sample\": {\"median\": %.6g, \"min\": %.6g}}\n",
                    r.samples, static_cast<long long>(r.pixelsPerSample), r.classes, r.threads,
                    simdTarget().c_str(), r.maps.median, r.maps.min, r.stream.median, r.stream.min);
    } else {
        std::printf("%zu samples of %lld pixels x %d classes, %d thread(s), %d repeat(s), "
                    "SIMD target %s\n",
                    r.samples, static_cast<long long>(r.pixelsPerSample), r.classes, r.threads,
                    options.repeat, simdTarget().c_str());
        std::printf("loss maps + w0 + summary: median %.3f ms/sample, min %.3f\n", r.maps.median,
                    r.maps.min);
        std::printf("streaming read (floor):   median %.3f ms/sample, min %.3f\n", r.stream.median,
                    r.stream.min);
        std::printf("ratio to the floor:       %.1fx\n",
                    r.stream.median > 0 ? r.maps.median / r.stream.median : 0.0);
    }
    if (r.failed > 0)
        std::cerr << r.failed << " sample(s) could not be loaded and were skipped\n";
    return r.failed > 0 ? kExitSomeFailed : kExitOk;
}

} // namespace losslens::cli
