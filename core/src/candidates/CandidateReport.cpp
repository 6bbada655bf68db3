#include "losslens/candidates/CandidateReport.h"
#include "report/OutcomeJson.h"

#include "losslens/io/CocoRle.h"
#include "report/CsvText.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

namespace losslens {

namespace {

using nlohmann::json;

std::string className(const CandidateSetReport& report, int id) {
    const auto& names = report.report.classNames;
    return id >= 0 && static_cast<std::size_t>(id) < names.size()
               ? names[static_cast<std::size_t>(id)]
               : "class " + std::to_string(id);
}

json candidateObject(const CandidateSetReport& report, const Candidate& c, std::size_t rank) {
    return {{"rank", rank},
            {"stem", c.stem},
            {"run", c.run},
            {"id", c.id},
            {"class", c.classId},
            {"class_name", className(report, c.classId)},
            {"area", c.area},
            {"bbox", {c.bbox.x, c.bbox.y, c.bbox.w, c.bbox.h}},
            {"confidence", c.confidence},
            {"penalty", c.penalty},
            {"missing", c.missing},
            {"score", c.score()},
            {"status", std::string(reviewStatusName(c.status))},
            {"note", c.note}};
}

} // namespace

std::string candidatesJson(const CandidateSetReport& report) {
    json doc;
    doc["options"] = {{"min_confidence", report.options.minConfidence},
                      {"min_area", report.options.minArea},
                      {"top", report.filter.top},
                      {"class", report.filter.classId ? json(*report.filter.classId) : json()},
                      {"missing_only", report.filter.missingOnly},
                      {"status", report.filter.status
                                     ? json(std::string(reviewStatusName(*report.filter.status)))
                                     : json()}};
    if (report.shardCount > 1)
        doc["shard"] = {
            {"index", report.shardIndex}, {"count", report.shardCount}, {"stems", report.stems}};
    doc["run"] = report.run;
    doc["classes"] = report.report.classNames;
    std::map<std::string, std::size_t> found;
    for (const CandidateSample& s : report.samples)
        found[s.stem] = s.candidates;
    json samples = json::array();
    json errors = json::array();
    json warnings = json::array();
    for (const auto& w : report.report.warnings)
        warnings.push_back({{"message", w}});
    std::size_t next = 0;
    for (const SampleOutcome& o : report.report.samples) {
        if (!detail::addOutcomeNotes(o, warnings, errors))
            continue;
        while (next < report.samples.size() && report.samples[next].stem < o.stem)
            ++next;
        json s = {{"stem", o.stem},
                  {"missing", o.summary.missing},
                  {"missing_source", std::string(missingSourceName(o.summary.missingSource))},
                  {"candidates", found.count(o.stem) ? found[o.stem] : 0}};
        if (next < report.samples.size() && report.samples[next].stem == o.stem) {
            s["width"] = report.samples[next].width;
            s["height"] = report.samples[next].height;
        }
        samples.push_back(std::move(s));
    }
    doc["samples"] = std::move(samples);
    doc["errors"] = std::move(errors);
    doc["warnings"] = std::move(warnings);
    doc["matched"] = report.matched;
    json list = json::array();
    for (std::size_t i = 0; i < report.candidates.size(); ++i)
        list.push_back(candidateObject(report, report.candidates[i], i + 1));
    doc["candidates"] = std::move(list);
    return doc.dump(2) + "\n";
}

std::string candidatesCsv(const CandidateSetReport& report) {
    std::ostringstream out;
    out << "rank,stem,run,id,class,class_name,area,bbox_x,bbox_y,bbox_w,bbox_h,confidence,"
           "penalty,missing,score,status,note\n";
    for (std::size_t i = 0; i < report.candidates.size(); ++i) {
        const Candidate& c = report.candidates[i];
        out << i + 1 << ',' << csvField(c.stem) << ',' << csvField(c.run) << ',' << c.id << ','
            << c.classId << ',' << csvField(className(report, c.classId)) << ',' << c.area << ','
            << c.bbox.x << ',' << c.bbox.y << ',' << c.bbox.w << ',' << c.bbox.h << ','
            << csvNumber(c.confidence) << ',' << csvNumber(c.penalty) << ','
            << (c.missing ? "true" : "false") << ',' << csvNumber(c.score()) << ','
            << reviewStatusName(c.status) << ',' << csvField(c.note) << '\n';
    }
    return out.str();
}

std::string candidatesCoco(const CandidateSetReport& report) {
    json doc;
    doc["info"] = {{"description", "LossLens candidates: where an annotation is probably missing"},
                   {"run", report.run}};
    json images = json::array();
    std::map<std::string, std::size_t> imageId;
    for (std::size_t i = 0; i < report.samples.size(); ++i) {
        const CandidateSample& s = report.samples[i];
        imageId[s.stem] = i + 1;
        images.push_back(
            {{"id", i + 1}, {"file_name", s.fileName}, {"width", s.width}, {"height", s.height}});
    }
    json categories = json::array();
    for (std::size_t c = 1; c < report.report.classNames.size(); ++c)
        categories.push_back({{"id", c}, {"name", report.report.classNames[c]}});
    json annotations = json::array();
    for (std::size_t i = 0; i < report.candidates.size(); ++i) {
        const Candidate& c = report.candidates[i];
        const RleCounts counts = rleFromRuns(c.runs, c.imageWidth, c.imageHeight);
        annotations.push_back(
            {{"id", i + 1},
             {"image_id", imageId.count(c.stem) ? imageId[c.stem] : 0},
             {"category_id", c.classId},
             {"segmentation",
              {{"size", {c.imageHeight, c.imageWidth}}, {"counts", rleToString(counts)}}},
             {"area", c.area},
             {"bbox", {c.bbox.x, c.bbox.y, c.bbox.w, c.bbox.h}},
             {"iscrowd", 0},
             {"score", c.score()},
             {"losslens",
              {{"stem", c.stem},
               {"id", c.id},
               {"missing", c.missing},
               {"confidence", c.confidence},
               {"status", std::string(reviewStatusName(c.status))}}}});
    }
    doc["images"] = std::move(images);
    doc["categories"] = std::move(categories);
    doc["annotations"] = std::move(annotations);
    return doc.dump() + "\n";
}

std::string candidatesTable(const CandidateSetReport& report, int width) {
    // Fixed columns: rank 5, id 4, area 9, confidence 6, penalty 10, missing 8, status 9,
    // spaces 8.
    constexpr int kFixed = 5 + 4 + 9 + 6 + 10 + 8 + 9 + 8;
    const int free = std::max(24, width - kFixed);
    const int classWidth = std::clamp(free / 3, 8, 20);
    const int stemWidth = std::max(12, free - classWidth);
    const auto cut = [](const std::string& text, int n) {
        return static_cast<int>(text.size()) <= n
                   ? text
                   : text.substr(0, static_cast<std::size_t>(n - 1)) + "~";
    };
    std::ostringstream out;
    char line[512];
    std::snprintf(line, sizeof line, "%5s %-*s %4s %-*s %9s %6s %10s %-8s %-9s\n", "rank",
                  stemWidth, "stem", "id", classWidth, "class", "area", "conf", "penalty",
                  "missing", "status");
    out << line;
    for (std::size_t i = 0; i < report.candidates.size(); ++i) {
        const Candidate& c = report.candidates[i];
        std::snprintf(line, sizeof line, "%5zu %-*s %4d %-*s %9lld %6.3f %10.2f %-8s %-9s\n", i + 1,
                      stemWidth, cut(c.stem, stemWidth).c_str(), c.id, classWidth,
                      cut(className(report, c.classId), classWidth).c_str(),
                      static_cast<long long>(c.area), c.confidence, c.penalty,
                      c.missing ? "yes" : "no", std::string(reviewStatusName(c.status)).c_str());
        out << line;
    }
    const std::size_t scored = report.samples.size();
    std::snprintf(line, sizeof line,
                  "%zu candidate(s)%s over %zu sample(s), min confidence %g, "
                  "min area %lld\n",
                  report.candidates.size(),
                  report.candidates.size() < report.matched
                      ? (" of " + std::to_string(report.matched)).c_str()
                      : "",
                  scored, static_cast<double>(report.options.minConfidence),
                  static_cast<long long>(report.options.minArea));
    out << line;
    return out.str();
}

} // namespace losslens
