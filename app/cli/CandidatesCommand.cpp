// losslens-cli candidates (spec section 6): where an annotation is probably missing, ranked
// over the set, as a table, JSON, CSV or a COCO file for annotators, and as proposed labels.
#include "ArgParser.h"
#include "Commands.h"
#include "DatasetArgs.h"
#include "Progress.h"
#include "ReviewArgs.h"
#include "Terminal.h"

#include "losslens/candidates/CandidateReport.h"
#include "losslens/candidates/ProposedLabels.h"
#include "losslens/candidates/SetCandidates.h"
#include "losslens/io/DataError.h"
#include "losslens/io/FileBytes.h"
#include "losslens/report/Shards.h"

#include <charconv>
#include <cmath>
#include <iostream>

namespace losslens::cli {

const char* const kCandidatesHelp =
    R"(usage: losslens-cli candidates DATASET [--run NAME] [--min-confidence P] [--min-area N]
                                [--top N] [--class NAME|ID] [--missing-only]
                                [--status STATUS] [--review-db PATH]
                                [--format table|json|csv|coco]
                                [--out FILE] [--write-labels DIR] [--overwrite] [--jobs N]
                                [--shard I/N] [--ignore-label-sets] [--max-pixels N]
                                [--max-classes N] [--max-memory SIZE] [--no-index]

Lists where an annotation is probably missing: the objects the model finds in pixels
labelled background. A candidate is an 8-connected component of valid background pixels
whose predicted class k (the argmax, ties to the lowest index) is an object class with
p_k >= P, all of the same k, of at least N pixels. Candidates are ranked over the set by
score = penalty (what standard cross-entropy charges the model for finding the object:
the sum of -log p_0 over its pixels), highest first; ties by stem, then by the first
pixel in raster order. The same order numbers each sample's candidates 1, 2, ... (id).

  --min-confidence P  p_k at least P (default 0.5)
  --min-area N        pixels per candidate at least N (default 16)
  --top N             only the N best over the set
  --class NAME|ID     only candidates of that class
  --missing-only      only candidates whose class is in the sample's missing set (the
                      partial loss already lets them off); the others are objects of a
                      class the image was annotated for: label errors partial cannot forgive
  --status STATUS     only candidates with that review decision (confirmed, rejected,
                      unsure, or undecided: none), as 'losslens-cli review' keeps them
  --review-db PATH    the review database (default DATASET/.losslens/review.sqlite, or
                      one in ~/.local/share/losslens/review/ when the set's folder is
                      read-only); it also keeps each sample's scores and candidates,
                      so an unchanged sample is not scored again
  --no-index          score every sample, neither reading nor keeping kept scores
  --format F          table (default), json, csv, or coco: a COCO instances file (images,
                      categories, annotations with compressed RLE masks and scores) that
                      CVAT, FiftyOne and pycocotools import
  --out FILE          write the output to FILE (atomically; an existing FILE only with
                      --overwrite) instead of standard output
  --write-labels DIR  for every sample with a listed candidate, DIR/<stem>.png: its label
                      map with those candidates' pixels set to their class (proposed
                      corrected labels, in the input label's format: a palette stays a
                      palette); an existing file is kept unless --overwrite
  --jobs N            threads (default: every core)
  --shard I/N         only the stems whose position in stem order is I modulo N, with
                      --format json; 'losslens-cli merge' of the N outputs prints the set's
                      ranking as one run would
JSON: {"options": {"min_confidence", "min_area"}, "run", "classes", "samples": [{"stem",
"missing", "missing_source", "candidates", "width", "height"}], "errors", "warnings",
"matched", "candidates": [{"rank", "stem", "run", "id", "class", "class_name", "area",
"bbox": [x, y, w, h], "confidence" (mean p_k), "penalty", "missing", "score", "status",
"note"}]}: status is the review decision that applies to the candidate (undecided: none).
On a set of several runs choose one with --run.
Exit status: 0 every sample scored, 1 some samples failed (each named on stderr, the rest
listed), 2 usage error or data-set-level error.
)";

namespace {

// --class as a name of dataset.json's classes or an id.
int parseClass(const std::string& text, const Dataset& dataset) {
    int id = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    const auto& classes = dataset.config().classes;
    if (ec == std::errc() && end == text.data() + text.size()) {
        if (id < 1 || (!classes.empty() && id >= static_cast<int>(classes.size())))
            throw UsageError("--class " + text + ": not an object class id");
        return id;
    }
    std::string names;
    for (std::size_t c = 1; c < classes.size(); ++c) {
        if (classes[c].name == text)
            return static_cast<int>(c);
        names += (names.empty() ? "" : ", ") + classes[c].name;
    }
    throw UsageError("--class " + text + ": no such class" +
                     (names.empty() ? std::string(" (dataset.json names none; give an id)")
                                    : " (the classes are " + names + ")"));
}

} // namespace

namespace {

// --shard I/N: one deterministic part of the set, written as JSON for 'losslens-cli merge'.
void applyShard(const ArgParser& parser, const std::string& format, ProcessOptions& process) {
    const auto text = parser.value("shard");
    if (!text)
        return;
    ShardSpec shard;
    try {
        shard = parseShard(*text);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    if (format != "json")
        throw UsageError("--shard writes a part for 'losslens-cli merge': use --format json");
    if (parser.value("write-labels"))
        throw UsageError("--shard cannot --write-labels: write them from the merged list");
    process.shardIndex = shard.index;
    process.shardCount = shard.count;
}

// The list in the chosen format, to --out (written atomically, not over a file unless
// --overwrite) or standard output; false (after a message) when --out could not be written.
bool writeCandidateList(const ArgParser& parser, const std::string& format,
                        const CandidateSetReport& report) {
    std::string text;
    if (format == "json")
        text = candidatesJson(report);
    else if (format == "csv")
        text = candidatesCsv(report);
    else if (format == "coco")
        text = candidatesCoco(report);
    else
        text = candidatesTable(report, terminalColumns());
    if (const auto out = parser.value("out")) {
        try {
            writeFileAtomically(*out, text, parser.flag("overwrite"));
        } catch (const FileExistsError& e) {
            std::cerr << "losslens-cli: " << e.file().string()
                      << ": exists (use --overwrite to replace it)\n";
            return false;
        } catch (const DataError& e) {
            std::cerr << "losslens-cli: " << e.what() << "\n";
            return false;
        }
    } else {
        std::cout << text;
        std::cout.flush();
    }
    return true;
}

// --write-labels DIR: the proposed labels of every sample with a listed candidate
// (writeProposedLabels); false when some could not be written (each failure is said).
bool writeLabelsIfAsked(const ArgParser& parser, const Dataset& dataset,
                        const CandidateSetReport& report) {
    const auto dir = parser.value("write-labels");
    if (!dir)
        return true;
    std::vector<LabelWriteFailure> failures;
    const std::size_t written =
        writeProposedLabels(dataset, report.candidates, *dir, parser.flag("overwrite"), failures);
    for (const LabelWriteFailure& f : failures)
        std::cerr << "error: " << f.stem << ": " << f.file << ": " << f.message
                  << (f.exists ? " (use --overwrite to replace it)" : "") << "\n";
    std::cerr << "wrote " << written << " proposed label(s) to " << *dir << "\n";
    return failures.empty();
}

} // namespace

int runCandidates(const std::vector<std::string>& args) {
    const ArgParser parser(args,
                           {"run", "min-confidence", "min-area", "top", "class", "status", "format",
                            "out", "write-labels", "jobs", "shard", "max-pixels", "max-classes",
                            "max-memory", "review-db"},
                           {"missing-only", "overwrite", "ignore-label-sets", "no-index"});
    if (parser.positional().size() != 1)
        throw UsageError("candidates needs exactly one DATASET");
    const std::string path = parser.positional()[0];
    const CandidateOptions options = candidateOptionsFrom(parser);
    CandidateFilter filter;
    filter.top = static_cast<std::size_t>(parser.integer("top", 0, 0, 1LL << 40));
    filter.missingOnly = parser.flag("missing-only");
    const std::string format = parser.value("format").value_or("table");
    if (format != "table" && format != "json" && format != "csv" && format != "coco")
        throw UsageError("--format must be table, json, csv or coco, got '" + format + "'");
    if (const auto text = parser.value("status")) {
        filter.status = parseReviewStatus(*text);
        if (!filter.status)
            throw UsageError("--status must be confirmed, rejected, unsure or undecided, got '" +
                             *text + "'");
    }
    ProcessOptions process;
    process.jobs = static_cast<int>(parser.integer("jobs", 0, 0, 1024));
    process.images = Dataset::Image::Skip;
    applyShard(parser, format, process);

    std::string run;
    if (!chooseOneRun(path, parser, "candidates", run))
        return kExitUsage;
    Dataset dataset;
    if (!openDataset(path, dataset, limitsFrom(parser), parser.flag("ignore-label-sets"), run))
        return kExitUsage;
    if (const auto text = parser.value("class"))
        filter.classId = parseClass(*text, dataset);
    const ReviewLocation where = reviewLocationFrom(path, parser);
    const DecisionsByStem decisions = readDecisions(where);
    std::unique_ptr<ScoreIndex> index =
        openScoreIndex(where, dataset, {false, process.images, options}, parser);

    Progress progress("candidates");
    process.progress = [&](std::size_t done, std::size_t total) { progress.update(done, total); };
    CandidateSetReport report =
        findSetCandidates(dataset, options, filter, process, &decisions, index.get());
    progress.finish();
    closeScoreIndex(index);
    int status_ = reportOutcomes(report.report);

    if (!writeCandidateList(parser, format, report))
        return kExitUsage;
    if (!writeLabelsIfAsked(parser, dataset, report))
        status_ = std::max(status_, kExitSomeFailed);
    std::cerr << report.candidates.size() << " candidate(s)"
              << (report.candidates.size() < report.matched
                      ? " of " + std::to_string(report.matched)
                      : std::string())
              << " over " << report.samples.size() << " sample(s)\n";
    return status_;
}

} // namespace losslens::cli
