#include "losslens/report/Shards.h"

#include "OutcomeJson.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/report/StatsText.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <map>

namespace losslens {

using json = nlohmann::json;

ShardSpec parseShard(std::string_view text) {
    const auto slash = text.find('/');
    const auto number = [&](std::string_view part, std::size_t& value) {
        const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
        return !part.empty() && error == std::errc() && end == part.data() + part.size();
    };
    ShardSpec shard;
    if (slash == std::string_view::npos || !number(text.substr(0, slash), shard.index) ||
        !number(text.substr(slash + 1), shard.count))
        throw std::invalid_argument("--shard " + std::string(text) +
                                    ": expected I/N, for example 0/4 (shards 0 to N-1)");
    if (shard.count == 0 || shard.index >= shard.count)
        throw std::invalid_argument(
            "--shard " + std::string(text) + ": I must be 0 to " +
            (shard.count == 0 ? std::string("N-1 with N >= 1") : std::to_string(shard.count - 1)));
    return shard;
}

std::string shardJson(const SetReport& report, ShardSpec shard, std::size_t stems) {
    json doc = json::parse(statsJson(report));
    doc["shard"] = {{"index", shard.index}, {"count", shard.count}, {"stems", stems}};
    const SetSummary& t = report.total;
    json variants = json::array();
    for (const auto& v : lossVariants())
        variants.push_back(std::string(v.name));
    doc["totals"] = {{"variants", variants},
                     {"samples", t.samples()},
                     {"valid_pixels", t.validPixels()},
                     {"background_pixels", t.backgroundPixels()},
                     {"removed_pixels", t.removedPixels()},
                     {"sums", t.sums()},
                     {"weights", t.weights()},
                     {"class_sums", t.classSums()},
                     {"class_reduced", t.classReduced()},
                     {"class_pixels", t.classPixels()}};
    return doc.dump(2) + "\n";
}

namespace {

MissingSource sourceNamed(const std::string& name) {
    return name == missingSourceName(MissingSource::Declared) ? MissingSource::Declared
                                                              : MissingSource::Absent;
}

// A sample as the stats object gives it: the means become sums over a weight of 1, so
// SampleSummary::mean returns them exactly.
SampleOutcome sampleFrom(const json& s) {
    SampleOutcome o;
    o.stem = s.at("stem").get<std::string>();
    o.ok = true;
    SampleSummary& summary = o.summary;
    summary.missing = s.at("missing").get<std::vector<int>>();
    summary.missingSource = sourceNamed(s.value("missing_source", std::string()));
    summary.validPixels = s.at("valid_pixels").get<std::int64_t>();
    summary.removedPixels = s.at("removed_pixels").get<std::int64_t>();
    summary.backgroundPixels = s.value("background_pixels", std::int64_t{0});
    for (const auto& v : lossVariants()) {
        summary.sums.push_back(s.at(std::string(v.name) + "_mean").get<double>());
        summary.weights.push_back(1.0);
    }
    return o;
}

} // namespace

void ShardCoverage::add(const std::string& part, std::size_t index, std::size_t count,
                        std::size_t stems) {
    if (m_first.empty()) {
        m_first = part;
        m_count = count;
        m_stems = stems;
    } else if (count != m_count || stems != m_stems) {
        throw MergeError(part + ": a shard of another set or split than " + m_first +
                         " (shards or stems differ)");
    }
    if (index >= count)
        throw MergeError(part + ": shard " + std::to_string(index) + " of " +
                         std::to_string(count));
    if (const auto [it, fresh] = m_seen.emplace(index, part); !fresh)
        throw MergeError(part + ": shard " + std::to_string(index) + " is also in " + it->second);
}

void ShardCoverage::checkComplete() const {
    for (std::size_t i = 0; i < m_count; ++i)
        if (!m_seen.contains(i))
            throw MergeError("shard " + std::to_string(i) + " of " + std::to_string(m_count) +
                             " is missing");
}

namespace detail {

bool addOutcomeNotes(const SampleOutcome& o, json& warnings, json& errors) {
    for (const auto& w : o.warnings)
        warnings.push_back({{"stem", o.stem}, {"message", w}});
    if (!o.ok)
        errors.push_back({{"stem", o.stem}, {"file", o.errorFile}, {"message", o.errorMessage}});
    return o.ok;
}

json parseShardPart(const ShardPart& part) {
    try {
        return json::parse(part.text);
    } catch (const json::exception& e) {
        throw MergeError(part.name + ": not JSON (" + e.what() + ")");
    }
}

void addShardErrors(const json& doc, std::vector<SampleOutcome>& samples) {
    for (const json& e : doc.at("errors")) {
        SampleOutcome o;
        o.stem = e.at("stem").get<std::string>();
        o.errorFile = e.at("file").get<std::string>();
        o.errorMessage = e.at("message").get<std::string>();
        samples.push_back(std::move(o));
    }
}

void attachShardWarnings(const json& doc, std::vector<SampleOutcome>& samples) {
    std::map<std::string, std::vector<std::string>> warnings; // per stem
    for (const json& w : doc.at("warnings"))
        if (w.contains("stem"))
            warnings[w.at("stem").get<std::string>()].push_back(w.at("message").get<std::string>());
    for (auto& o : samples)
        if (const auto it = warnings.find(o.stem); it != warnings.end() && o.warnings.empty())
            o.warnings = it->second;
}

} // namespace detail

namespace {

// A shard's "totals" as the summary SetSummary::fromTotals takes.
SampleSummary shardTotals(const json& t) {
    SampleSummary sums;
    sums.validPixels = t.at("valid_pixels").get<std::int64_t>();
    sums.backgroundPixels = t.at("background_pixels").get<std::int64_t>();
    sums.removedPixels = t.at("removed_pixels").get<std::int64_t>();
    sums.sums = t.at("sums").get<std::vector<double>>();
    sums.weights = t.at("weights").get<std::vector<double>>();
    sums.classSums = t.at("class_sums").get<std::vector<std::vector<double>>>();
    sums.classReduced = t.at("class_reduced").get<std::vector<std::vector<std::int64_t>>>();
    sums.classPixels = t.at("class_pixels").get<std::vector<std::int64_t>>();
    return sums;
}

} // namespace

SetReport mergeShards(const std::vector<ShardPart>& parts) {
    if (parts.empty())
        throw MergeError("nothing to merge");
    std::vector<std::string> variantNames;
    for (const auto& v : lossVariants())
        variantNames.emplace_back(v.name);
    SetReport report;
    ShardCoverage coverage;
    SetSummary total;
    for (std::size_t p = 0; p < parts.size(); ++p) {
        const ShardPart& part = parts[p];
        const json doc = detail::parseShardPart(part);
        try {
            if (!doc.contains("shard") || !doc.contains("totals"))
                throw MergeError(part.name +
                                 ": not a shard's output (made by stats --json --shard I/N)");
            const json& shard = doc.at("shard");
            const auto classes = doc.at("classes").get<std::vector<std::string>>();
            if (p == 0) {
                report.classNames = classes;
                for (const json& w : doc.at("warnings"))
                    if (!w.contains("stem"))
                        report.warnings.push_back(w.at("message").get<std::string>());
            } else if (classes != report.classNames) {
                throw MergeError(part.name + ": a shard of another set or split than " +
                                 parts.front().name + " (classes differ)");
            }
            coverage.add(part.name, shard.at("index").get<std::size_t>(),
                         shard.at("count").get<std::size_t>(),
                         shard.at("stems").get<std::size_t>());
            const json& t = doc.at("totals");
            if (t.at("variants").get<std::vector<std::string>>() != variantNames)
                throw MergeError(part.name + ": made by a losslens with other loss variants");
            const SampleSummary sums = shardTotals(t);
            total.merge(SetSummary::fromTotals(sums, t.at("samples").get<int>()));

            for (const json& s : doc.at("samples"))
                report.samples.push_back(sampleFrom(s));
            detail::addShardErrors(doc, report.samples);
            detail::attachShardWarnings(doc, report.samples);
        } catch (const json::exception& e) {
            throw MergeError(part.name + ": not a shard's output (" + e.what() + ")");
        }
    }
    coverage.checkComplete();
    // Stem order, as one pass over the set reports them.
    std::stable_sort(
        report.samples.begin(), report.samples.end(),
        [](const SampleOutcome& a, const SampleOutcome& b) { return a.stem < b.stem; });
    if (report.samples.size() != coverage.stems())
        throw MergeError("the shards hold " + std::to_string(report.samples.size()) +
                         " stems but the set has " + std::to_string(coverage.stems()));
    report.total = total;
    return report;
}

} // namespace losslens
