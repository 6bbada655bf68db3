#include "losslens/candidates/CandidateShards.h"

#include "losslens/candidates/CandidateRanking.h"
#include "report/OutcomeJson.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace losslens {

namespace {

using nlohmann::json;

Candidate candidateFrom(const json& c) {
    Candidate out;
    out.stem = c.at("stem").get<std::string>();
    out.run = c.at("run").get<std::string>();
    out.id = c.at("id").get<int>();
    out.classId = c.at("class").get<int>();
    out.area = c.at("area").get<std::int64_t>();
    const auto box = c.at("bbox").get<std::vector<int>>();
    if (box.size() != 4)
        throw MergeError("a candidate's bbox is not [x, y, w, h]");
    out.bbox = {box[0], box[1], box[2], box[3]};
    out.confidence = c.at("confidence").get<double>();
    out.penalty = c.at("penalty").get<double>();
    out.missing = c.at("missing").get<bool>();
    // Review decisions were applied when the shard was listed (older outputs have none).
    if (c.contains("status")) {
        const auto status = parseReviewStatus(c.at("status").get<std::string>());
        if (!status)
            throw MergeError("a candidate's status is not a review status");
        out.status = *status;
        out.note = c.value("note", std::string());
    }
    // Within a sample the ids follow the ranking, so they order ties as the first pixel does.
    out.firstPixel = out.id;
    return out;
}

} // namespace

bool isCandidatesJson(const std::string& text) {
    try {
        const json doc = json::parse(text);
        return doc.is_object() && doc.contains("candidates") && doc.contains("options");
    } catch (const json::exception&) {
        return false;
    }
}

namespace {

// A shard's samples, errors and per-stem warnings into the merged report.
void addShardSamples(const json& doc, CandidateSetReport& out) {
    for (const json& s : doc.at("samples")) {
        SampleOutcome o;
        o.stem = s.at("stem").get<std::string>();
        o.ok = true;
        o.summary.missing = s.at("missing").get<std::vector<int>>();
        o.summary.missingSource =
            s.at("missing_source").get<std::string>() == missingSourceName(MissingSource::Declared)
                ? MissingSource::Declared
                : MissingSource::Absent;
        CandidateSample facts;
        facts.stem = o.stem;
        facts.fileName = o.stem + ".png";
        facts.width = s.value("width", 0);
        facts.height = s.value("height", 0);
        facts.candidates = s.at("candidates").get<std::size_t>();
        out.samples.push_back(std::move(facts));
        out.report.samples.push_back(std::move(o));
    }
    detail::addShardErrors(doc, out.report.samples);
    detail::attachShardWarnings(doc, out.report.samples);
}

// The options every shard was made with, back into the merged report's options and filter.
void readShardOptions(const json& options, const std::string& name, CandidateSetReport& out) {
    try {
        out.options.minConfidence = options.at("min_confidence").get<float>();
        out.options.minArea = options.at("min_area").get<std::int64_t>();
        out.filter.top = options.at("top").get<std::size_t>();
        out.filter.missingOnly = options.at("missing_only").get<bool>();
        if (!options.at("class").is_null())
            out.filter.classId = options.at("class").get<int>();
        if (options.contains("status") && !options.at("status").is_null())
            out.filter.status = parseReviewStatus(options.at("status").get<std::string>());
    } catch (const json::exception& e) {
        throw MergeError(name + ": its options are unreadable (" + e.what() + ")");
    }
}

} // namespace

CandidateSetReport mergeCandidateShards(const std::vector<ShardPart>& parts) {
    if (parts.empty())
        throw MergeError("nothing to merge");
    CandidateSetReport out;
    ShardCoverage coverage;
    json options;
    std::vector<Candidate> all;
    for (std::size_t p = 0; p < parts.size(); ++p) {
        const ShardPart& part = parts[p];
        const json doc = detail::parseShardPart(part);
        try {
            if (!doc.contains("shard") || !doc.contains("candidates"))
                throw MergeError(part.name + ": not a candidates shard's output (made by "
                                             "candidates --shard I/N --format json)");
            const auto classes = doc.at("classes").get<std::vector<std::string>>();
            const auto run = doc.at("run").get<std::string>();
            if (p == 0) {
                options = doc.at("options");
                out.report.classNames = classes;
                out.run = run;
                for (const json& w : doc.at("warnings"))
                    if (!w.contains("stem"))
                        out.report.warnings.push_back(w.at("message").get<std::string>());
            } else if (doc.at("options") != options || classes != out.report.classNames ||
                       run != out.run) {
                throw MergeError(part.name + ": made with other options, run or classes than " +
                                 parts.front().name);
            }
            const json& shard = doc.at("shard");
            coverage.add(part.name, shard.at("index").get<std::size_t>(),
                         shard.at("count").get<std::size_t>(),
                         shard.at("stems").get<std::size_t>());
            addShardSamples(doc, out);
            out.matched += doc.at("matched").get<std::size_t>();
            for (const json& c : doc.at("candidates"))
                all.push_back(candidateFrom(c));
        } catch (const json::exception& e) {
            throw MergeError(part.name + ": not a candidates shard's output (" + e.what() + ")");
        }
    }
    coverage.checkComplete();
    const auto byStem = [](const auto& a, const auto& b) { return a.stem < b.stem; };
    std::stable_sort(out.report.samples.begin(), out.report.samples.end(), byStem);
    std::stable_sort(out.samples.begin(), out.samples.end(), byStem);
    for (std::size_t i = 0; i < out.samples.size(); ++i)
        out.samples[i].entry = i;
    if (out.report.samples.size() != coverage.stems())
        throw MergeError("the shards hold " + std::to_string(out.report.samples.size()) +
                         " stems but the set has " + std::to_string(coverage.stems()));
    readShardOptions(options, parts.front().name, out);
    out.stems = coverage.stems();
    CandidateRanking ranking(out.filter.top);
    ranking.add(std::move(all));
    out.candidates = ranking.take();
    return out;
}

} // namespace losslens
