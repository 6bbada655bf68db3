// losslens-cli review (spec section 7): decisions on candidates, kept in the set's SQLite
// database, which the window reads and writes too.
#include "ArgParser.h"
#include "Commands.h"
#include "DatasetArgs.h"
#include "ReviewArgs.h"

#include "losslens/candidates/SetCandidates.h"
#include "losslens/review/ReviewError.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <iostream>
#include <map>
#include <set>

namespace losslens::cli {

const char* const kReviewHelp =
    R"(usage: losslens-cli review DATASET --mark STEM:ID=STATUS [STEM:ID=STATUS ...]
                            [--note TEXT] [--run NAME] [--min-confidence P]
                            [--min-area N] [--review-db PATH] [--jobs N]
       losslens-cli review DATASET --list [--json] [--review-db PATH]
       losslens-cli review DATASET --clear-index [--review-db PATH]

Keeps decisions on candidates (see 'losslens-cli candidates'): STATUS is confirmed (an
annotation is missing here), rejected (nothing to annotate), unsure, or undecided (forget
the decision). STEM:ID is the candidate as 'candidates' numbers it with the same
--run, --min-confidence and --min-area. A decision belongs to the stem, the class and the
candidate's mask, not to the run or the id: when predictions change it applies to the
candidate of the same stem and class whose mask overlaps it with IoU >= 0.5.
'candidates --status STATUS' lists the candidates with a decision.

  --mark STEM:ID=STATUS  decide (repeat --mark, or list several after it); all the marks
                         are kept in one transaction
  --note TEXT            a note kept with each mark
  --list                 every decision kept: stem, class, status, area, box, time, note
  --json                 with --list: {"database", "decisions": [{"stem", "class",
                         "class_name", "status", "note", "time", "area", "bbox"}]}
  --clear-index          forget the scores kept for this set (the decisions stay); the
                         next stats, candidates or window scores every sample again
  --review-db PATH       the database (default DATASET/.losslens/review.sqlite, created by
                         the first decision or scan; a set on a read-only folder gets one
                         in $XDG_DATA_HOME or ~/.local/share/losslens/review/)
The window and this command may write at once; no decision is lost. A damaged database,
or one from a newer LossLens, is named and left untouched.
The same database keeps each sample's scores, keyed by its files' size and modification
time and by dataset.json: stats, candidates and the window score only what changed
(--no-index on stats and candidates, losslens --no-index, scores everything without it).
Exit status: 0 done, 1 some marks failed (each named; the others kept), 2 usage error,
data-set-level error or an unusable database.
)";

namespace {

struct MarkArg {
    std::string text; // as given
    std::string stem;
    int id = 0;
    ReviewStatus status = ReviewStatus::Undecided;
};

MarkArg parseMark(const std::string& text) {
    const auto eq = text.rfind('=');
    const auto colon = eq == std::string::npos ? std::string::npos : text.rfind(':', eq);
    if (colon == std::string::npos || colon == 0)
        throw UsageError("--mark takes STEM:ID=STATUS, got '" + text + "'");
    MarkArg m;
    m.text = text;
    m.stem = text.substr(0, colon);
    const std::string id = text.substr(colon + 1, eq - colon - 1);
    const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), m.id);
    if (ec != std::errc() || end != id.data() + id.size() || m.id < 1)
        throw UsageError("--mark " + text + ": the candidate id must be 1 or more");
    const auto status = parseReviewStatus(text.substr(eq + 1));
    if (!status)
        throw UsageError("--mark " + text +
                         ": the status must be confirmed, rejected, unsure or undecided");
    m.status = *status;
    return m;
}

std::string isoTime(std::int64_t ms) {
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::string className(const Dataset& dataset, int id) {
    const auto& classes = dataset.config().classes;
    return id >= 0 && static_cast<std::size_t>(id) < classes.size()
               ? classes[static_cast<std::size_t>(id)].name
               : "class " + std::to_string(id);
}

int listDecisions(const std::string& path, const ArgParser& parser) {
    Dataset dataset;
    if (!openDataset(path, dataset, limitsFrom(parser)))
        return kExitUsage;
    const ReviewLocation where = reviewLocationFrom(path, parser);
    std::vector<ReviewDecision> decisions;
    try {
        if (auto store = ReviewStore::open(where.database, ReviewStore::Open::Existing))
            decisions = store->decisions();
    } catch (const ReviewError& e) {
        std::cerr << "losslens-cli: review database " << e.what() << " (left untouched)\n";
        return kExitUsage;
    }
    if (parser.flag("json")) {
        nlohmann::json list = nlohmann::json::array();
        for (const ReviewDecision& d : decisions)
            list.push_back({{"stem", d.stem},
                            {"class", d.classId},
                            {"class_name", className(dataset, d.classId)},
                            {"status", std::string(reviewStatusName(d.status))},
                            {"note", d.note},
                            {"time", isoTime(d.timeMs)},
                            {"area", d.area},
                            {"bbox", {d.bbox.x, d.bbox.y, d.bbox.w, d.bbox.h}}});
        const nlohmann::json doc = {{"database", where.database.string()},
                                    {"decisions", std::move(list)}};
        std::cout << doc.dump(2) << "\n";
        return kExitOk;
    }
    std::map<ReviewStatus, std::size_t> counts;
    for (const ReviewDecision& d : decisions) {
        ++counts[d.status];
        char box[64];
        std::snprintf(box, sizeof box, "[%d, %d, %d, %d]", d.bbox.x, d.bbox.y, d.bbox.w, d.bbox.h);
        std::cout << d.stem << "  " << className(dataset, d.classId) << "  "
                  << reviewStatusName(d.status) << "  " << d.area << " px  " << box << "  "
                  << isoTime(d.timeMs) << (d.note.empty() ? "" : "  " + d.note) << "\n";
    }
    std::cout << decisions.size() << " decision(s): " << counts[ReviewStatus::Confirmed]
              << " confirmed, " << counts[ReviewStatus::Rejected] << " rejected, "
              << counts[ReviewStatus::Unsure] << " unsure, in " << where.database.string() << "\n";
    return kExitOk;
}

int markCandidates(const std::string& path, const ArgParser& parser,
                   const std::vector<MarkArg>& marks) {
    const CandidateOptions options = candidateOptionsFrom(parser);
    std::string run;
    if (!chooseOneRun(path, parser, "review --mark", run))
        return kExitUsage;
    Dataset dataset;
    if (!openDataset(path, dataset, limitsFrom(parser), parser.flag("ignore-label-sets"), run))
        return kExitUsage;
    // Score only the samples named.
    std::set<std::string> stems;
    for (const MarkArg& m : marks)
        stems.insert(m.stem);
    std::set<std::size_t> entries;
    for (std::size_t e = 0; e < dataset.entries().size(); ++e)
        if (stems.count(dataset.entries()[e].stem))
            entries.insert(e);
    int status = kExitOk;
    ProcessOptions process;
    process.jobs = static_cast<int>(parser.integer("jobs", 0, 0, 1024));
    process.images = Dataset::Image::Skip;
    process.claim = [&](std::size_t entry) { return entries.count(entry) > 0; };
    const CandidateSetReport report = findSetCandidates(dataset, options, {}, process);
    std::set<std::string> failed;
    for (const SampleOutcome& o : report.report.samples)
        if (!o.ok) {
            std::cerr << "error: " << o.stem << ": " << o.errorFile << ": " << o.errorMessage
                      << "\n";
            failed.insert(o.stem);
        }
    std::map<std::pair<std::string, int>, const Candidate*> byId;
    std::map<std::string, int> perStem;
    for (const Candidate& c : report.candidates) {
        byId[{c.stem, c.id}] = &c;
        ++perStem[c.stem];
    }
    std::vector<ReviewStore::Mark> toMake;
    std::vector<const MarkArg*> made;
    const std::string note = parser.value("note").value_or(std::string());
    for (const MarkArg& m : marks) {
        const auto it = byId.find({m.stem, m.id});
        if (it != byId.end()) {
            toMake.push_back({it->second, m.status, note});
            made.push_back(&m);
            continue;
        }
        status = kExitSomeFailed;
        if (failed.count(m.stem))
            std::cerr << "error: " << m.text << ": the sample could not be scored\n";
        else if (!stems.count(m.stem) ||
                 std::none_of(dataset.entries().begin(), dataset.entries().end(),
                              [&](const auto& e) { return e.stem == m.stem; }))
            std::cerr << "error: " << m.text << ": no sample " << m.stem << " in " << path << "\n";
        else
            std::cerr << "error: " << m.text << ": " << m.stem << " has " << perStem[m.stem]
                      << " candidate(s) with --min-confidence " << options.minConfidence
                      << " --min-area " << options.minArea << "\n";
    }
    if (toMake.empty())
        return status == kExitOk ? kExitUsage : status;
    const ReviewLocation where = reviewLocationFrom(path, parser);
    try {
        auto store = ReviewStore::open(where.database, ReviewStore::Open::CreateIfMissing);
        const auto done = store->mark(toMake);
        for (std::size_t i = 0; i < done.size(); ++i) {
            const Candidate& c = *toMake[i].candidate;
            std::cout << made[i]->text << "  " << className(dataset, c.classId) << ", " << c.area
                      << " px"
                      << (done[i].replaced ? std::string(", was ").append(
                                                 reviewStatusName(done[i].replaced->status))
                                           : std::string())
                      << "\n";
        }
        std::cerr << done.size() << " mark(s) kept in " << where.database.string()
                  << (where.inSet ? "" : " (the set's folder is read-only)") << "\n";
    } catch (const ReviewError& e) {
        std::cerr << "losslens-cli: review database " << e.what() << " (left untouched)\n";
        return kExitUsage;
    }
    return status;
}

int clearIndex(const std::string& path, const ArgParser& parser) {
    const ReviewLocation where = reviewLocationFrom(path, parser);
    try {
        const std::size_t removed = ScoreIndex::clear(where.database);
        std::cerr << "forgot " << removed << " kept score" << (removed == 1 ? "" : "s") << " in "
                  << where.database.string() << "\n";
        return kExitOk;
    } catch (const ReviewError& e) {
        std::cerr << "losslens-cli: review database " << e.what() << "; left untouched\n";
        return kExitUsage;
    }
}

} // namespace

int runReview(const std::vector<std::string>& args) {
    const ArgParser parser(args,
                           {"run", "min-confidence", "min-area", "note", "review-db", "jobs",
                            "max-pixels", "max-classes", "max-memory"},
                           {"list", "json", "ignore-label-sets", "clear-index"}, {"mark"});
    if (parser.positional().empty())
        throw UsageError("review needs a DATASET");
    const std::string path = parser.positional()[0];
    std::vector<MarkArg> marks;
    for (const std::string& m : parser.values("mark"))
        marks.push_back(parseMark(m));
    const bool marking = !marks.empty();
    // "--mark A:1=confirmed B:2=rejected": the marks after the first are positional.
    for (std::size_t i = 1; i < parser.positional().size(); ++i) {
        if (!marking)
            throw UsageError("review takes one DATASET; '" + parser.positional()[i] +
                             "' is not --mark's");
        marks.push_back(parseMark(parser.positional()[i]));
    }
    if (parser.flag("clear-index")) {
        if (marking || parser.flag("list"))
            throw UsageError("--clear-index goes alone");
        return clearIndex(path, parser);
    }
    if (marking == parser.flag("list"))
        throw UsageError("review needs --mark STEM:ID=STATUS, --list or --clear-index");
    if (parser.flag("json") && !parser.flag("list"))
        throw UsageError("--json goes with --list");
    return marking ? markCandidates(path, parser, marks) : listDecisions(path, parser);
}

} // namespace losslens::cli
