#include "ReviewArgs.h"

#include "losslens/review/ReviewError.h"

#include <charconv>
#include <cmath>
#include <iostream>

namespace losslens::cli {

CandidateOptions candidateOptionsFrom(const ArgParser& parser) {
    CandidateOptions options;
    if (const auto text = parser.value("min-confidence")) {
        float v = 0.0f;
        const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
        if (ec != std::errc() || end != text->data() + text->size() || !std::isfinite(v) ||
            v < 0.0f || v > 1.0f)
            throw UsageError("--min-confidence must be a number from 0 to 1, got '" + *text + "'");
        options.minConfidence = v;
    }
    options.minArea = parser.integer("min-area", 16, 1, std::int64_t{1} << 40);
    return options;
}

ReviewLocation reviewLocationFrom(const std::string& dataset, const ArgParser& parser) {
    return reviewLocation(dataset, parser.value("review-db").value_or(std::string()));
}

DecisionsByStem readDecisions(const ReviewLocation& where) {
    try {
        if (auto store = ReviewStore::open(where.database, ReviewStore::Open::Existing))
            return store->decisionsByStem();
    } catch (const ReviewError& e) {
        std::cerr << "warning: review database " << e.what()
                  << "; left untouched, going on without review\n";
    }
    return {};
}

std::unique_ptr<ScoreIndex> openScoreIndex(const ReviewLocation& where, const Dataset& dataset,
                                           const ScoreIndex::Options& options,
                                           const ArgParser& parser) {
    if (parser.flag("no-index"))
        return nullptr;
    try {
        return std::make_unique<ScoreIndex>(where.database, dataset, options);
    } catch (const ReviewError& e) {
        std::cerr << "warning: score index off: " << e.what() << "; scoring every sample\n";
    }
    return nullptr;
}

void closeScoreIndex(std::unique_ptr<ScoreIndex>& index) {
    if (!index)
        return;
    index->flush();
    if (const std::string problem = index->problem(); !problem.empty())
        std::cerr << "warning: scores not kept: " << problem << "\n";
    index.reset();
}

std::string reviewDatabaseHelp(const std::string& dataset) {
    const ReviewLocation where = reviewLocation(dataset);
    return "Review database of " + dataset + ": " + where.database.string() +
           (where.inSet ? "\n" : " (the set's folder is read-only)\n");
}

} // namespace losslens::cli
