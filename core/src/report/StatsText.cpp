#include "losslens/report/StatsText.h"
#include "report/OutcomeJson.h"

#include "CsvText.h"

#include "losslens/loss/LossVariant.h"
#include "losslens/set/VariantComparison.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace losslens {

namespace {

using nlohmann::json;

std::string missingNames(const SampleOutcome& o, const std::vector<std::string>& names) {
    std::string text;
    for (int c : o.summary.missing) {
        if (!text.empty())
            text += ' ';
        text += static_cast<std::size_t>(c) < names.size() ? names[static_cast<std::size_t>(c)]
                                                           : std::to_string(c);
    }
    return text;
}

bool anyDeclared(const SetReport& report) {
    return std::any_of(report.samples.begin(), report.samples.end(), [](const SampleOutcome& o) {
        return o.ok && o.summary.missingSource == MissingSource::Declared;
    });
}

} // namespace

std::string compactMissing(const std::vector<int>& missing, const std::vector<std::string>& names,
                           std::size_t width) {
    if (missing.empty())
        return "-";
    std::string byName;
    std::string byId;
    for (const int c : missing) {
        const auto i = static_cast<std::size_t>(c);
        if (!byId.empty()) {
            byName += ',';
            byId += ',';
        }
        byName += i < names.size() ? names[i] : std::to_string(c);
        byId += std::to_string(c);
    }
    if (byName.size() <= width)
        return byName;
    if (byId.size() <= width)
        return byId;
    // A count, then the ids that fit before an ellipsis.
    std::string text = std::to_string(missing.size());
    text += ": ";
    const std::size_t head = text.size();
    for (const int c : missing) {
        const std::string id = std::to_string(c);
        const std::size_t comma = text.size() > head ? 1 : 0;
        if (text.size() + comma + id.size() + 2 > width) // room for ",…" (the ellipsis is 1 column)
            break;
        if (comma != 0)
            text += ',';
        text += id;
    }
    text += text.size() > head ? ",…" : "…";
    return text;
}

namespace {
json statsObject(const SetReport& report);
} // namespace

std::string statsJson(const SetReport& report) {
    return statsObject(report).dump(2) + "\n";
}

std::string statsJsonRuns(const std::vector<RunReport>& runs) {
    json doc;
    doc["classes"] = runs.empty() ? std::vector<std::string>{} : runs.front().report.classNames;
    json byRun = json::object();
    for (const RunReport& run : runs) {
        json full = statsObject(run.report);
        json one;
        for (const char* key : {"samples", "errors", "warnings", "mean", "per_class"})
            one[key] = std::move(full[key]);
        byRun[run.name] = std::move(one);
    }
    doc["runs"] = std::move(byRun);
    return doc.dump(2) + "\n";
}

std::string runsComparisonTable(const std::vector<RunReport>& runs) {
    const auto variants = lossVariants();
    std::ostringstream out;
    char line[256];
    out << "Runs compared: set mean per variant\n";
    std::snprintf(line, sizeof line, "%-16s", "run");
    out << line;
    for (const auto& v : variants) {
        std::snprintf(line, sizeof line, " %10.10s", std::string(v.name).c_str());
        out << line;
    }
    out << "   samples  failed\n";
    for (const RunReport& run : runs) {
        std::snprintf(line, sizeof line, "%-16.16s", run.name.c_str());
        out << line;
        for (std::size_t v = 0; v < variants.size(); ++v) {
            std::snprintf(line, sizeof line, " %10.5f", run.report.total.mean(v));
            out << line;
        }
        std::snprintf(line, sizeof line, "  %8zu  %6zu\n", run.report.samples.size(),
                      run.report.failedCount());
        out << line;
    }
    return out.str();
}

namespace {

json statsObject(const SetReport& report) {
    const auto variants = lossVariants();
    json doc;
    doc["classes"] = report.classNames;
    json samples = json::array();
    json errors = json::array();
    json warnings = json::array();
    for (const auto& w : report.warnings)
        warnings.push_back({{"message", w}});
    for (const auto& o : report.samples) {
        if (!detail::addOutcomeNotes(o, warnings, errors))
            continue;
        json s;
        s["stem"] = o.stem;
        s["missing"] = o.summary.missing;
        s["missing_source"] = std::string(missingSourceName(o.summary.missingSource));
        s["valid_pixels"] = o.summary.validPixels;
        for (std::size_t v = 0; v < variants.size(); ++v)
            s[std::string(variants[v].name) + "_mean"] = o.summary.mean(v);
        s["removed_pixels"] = o.summary.removedPixels;
        s["background_pixels"] = o.summary.backgroundPixels;
        samples.push_back(std::move(s));
    }
    doc["samples"] = std::move(samples);
    doc["errors"] = std::move(errors);
    doc["warnings"] = std::move(warnings);
    json mean;
    for (std::size_t v = 0; v < variants.size(); ++v)
        mean[std::string(variants[v].name)] = report.total.mean(v);
    doc["mean"] = std::move(mean);
    doc["valid_pixels"] = report.total.validPixels();
    doc["removed_pixels"] = report.total.removedPixels();
    const VariantComparison comparison = compareVariants(report.total, report.classNames);
    json perClass;
    perClass["pixels"] = comparison.classPixels;
    // A class with no labelled pixel in the set has no mean: null, not a perfect 0.
    const auto orNull = [&](const std::vector<double>& values) {
        json out = json::array();
        for (std::size_t c = 0; c < values.size(); ++c)
            out.push_back(c < comparison.classPixels.size() && comparison.classPixels[c] > 0
                              ? json(values[c])
                              : json(nullptr));
        return out;
    };
    for (const auto& row : comparison.rows)
        perClass[row.variant] = {{"mean", orNull(row.classMean)},
                                 {"reduced_share", orNull(row.reducedShare)}};
    doc["per_class"] = std::move(perClass);
    return doc;
}

} // namespace

std::string statsCsv(const SetReport& report) {
    const auto variants = lossVariants();
    std::ostringstream out;
    out << "stem,status,missing,missing_source,valid_pixels,background_pixels,removed_pixels";
    for (const auto& v : variants)
        out << ',' << v.name << "_mean";
    out << ",file,message\n";
    for (const auto& o : report.samples) {
        out << csvField(o.stem) << ',' << (o.ok ? "ok" : "error") << ',';
        if (o.ok) {
            out << csvField(missingNames(o, report.classNames)) << ','
                << missingSourceName(o.summary.missingSource) << ',' << o.summary.validPixels << ','
                << o.summary.backgroundPixels << ',' << o.summary.removedPixels;
            for (std::size_t v = 0; v < variants.size(); ++v)
                out << ',' << csvNumber(o.summary.mean(v));
            out << ",,\n";
        } else {
            out << ",,,,";
            for (std::size_t v = 0; v < variants.size(); ++v)
                out << ',';
            out << ',' << csvField(o.errorFile) << ',' << csvField(o.errorMessage) << '\n';
        }
    }
    return out.str();
}

namespace {

constexpr std::size_t kMissingWidth = 22;

// One sample's row of the stats table (or its error).
void sampleRow(std::ostringstream& out, const SampleOutcome& o,
               const std::vector<std::string>& classNames, bool sources, std::size_t variants) {
    char line[512];
    if (!o.ok) {
        std::snprintf(line, sizeof line, "%-24s ERROR %s: %s\n", o.stem.c_str(),
                      o.errorFile.c_str(), o.errorMessage.c_str());
        out << line;
        return;
    }
    const std::string missing = compactMissing(o.summary.missing, classNames, kMissingWidth);
    // The ellipsis is 3 bytes in UTF-8 but one column wide: pad by columns.
    const std::size_t columns = missing.size() - (missing.find("…") != std::string::npos ? 2 : 0);
    std::snprintf(line, sizeof line, "%-24s %s%s", o.stem.c_str(), missing.c_str(),
                  std::string(kMissingWidth - std::min(kMissingWidth, columns), ' ').c_str());
    out << line;
    if (sources) {
        std::snprintf(line, sizeof line, " %-8s",
                      std::string(missingSourceName(o.summary.missingSource)).c_str());
        out << line;
    }
    std::snprintf(line, sizeof line, " %10lld", static_cast<long long>(o.summary.validPixels));
    out << line;
    for (std::size_t v = 0; v < variants; ++v) {
        std::snprintf(line, sizeof line, " %10.6f", o.summary.mean(v));
        out << line;
    }
    const double share = o.summary.backgroundPixels > 0
                             ? 100.0 * static_cast<double>(o.summary.removedPixels) /
                                   static_cast<double>(o.summary.backgroundPixels)
                             : 0.0;
    std::snprintf(line, sizeof line, "  %lld (%.1f%%)\n",
                  static_cast<long long>(o.summary.removedPixels), share);
    out << line;
}

// The per-class block under the table: one row per class with pixels, the variants across
// in blocks as wide as the terminal.
void classTable(std::ostringstream& out, const SetReport& report, int width) {
    char line[512];
    const VariantComparison comparison = compareVariants(report.total, report.classNames);
    if (comparison.classNames.empty())
        return;
    out << "\nPer class over the set: mean loss and share of pixels let off\n"
           "(let off: standard loss above ln 2, the variant's under half of it;\n"
           " n/a: no pixel of the class in the set)\n";
    // One row per class, the variants across, in blocks as wide as the terminal. With many
    // classes (LVIS has 1,203) only those with pixels in the set are listed: the others are
    // all n/a.
    const std::vector<std::size_t> listed = listedClasses(comparison);
    std::size_t nameWidth = 14;
    for (const std::size_t c : listed)
        nameWidth = std::max(nameWidth, std::min<std::size_t>(32, comparison.classNames[c].size()));
    if (listed.size() < comparison.classNames.size()) {
        std::snprintf(line, sizeof line,
                      "(%zu of the %zu classes have no pixel in the set and are not listed; "
                      "--json has every class)\n",
                      comparison.classNames.size() - listed.size(), comparison.classNames.size());
        out << line;
    }
    const int nameColumns = static_cast<int>(nameWidth);
    const int classColumns = nameColumns + 12; // name and pixel count
    constexpr int kVariantColumns = 18;
    const std::size_t perBlock = static_cast<std::size_t>(
        std::max(1, (std::max(width, 40) - classColumns) / kVariantColumns));
    for (std::size_t first = 0; first < comparison.rows.size(); first += perBlock) {
        const std::size_t last = std::min(comparison.rows.size(), first + perBlock);
        if (first > 0)
            out << '\n';
        std::snprintf(line, sizeof line, "%-*s %11s", nameColumns, "class", "pixels");
        out << line;
        for (std::size_t r = first; r < last; ++r) {
            std::snprintf(line, sizeof line, " %17.17s", comparison.rows[r].variant.c_str());
            out << line;
        }
        out << '\n';
        for (const std::size_t c : listed) {
            const std::int64_t pixels =
                c < comparison.classPixels.size() ? comparison.classPixels[c] : 0;
            std::snprintf(line, sizeof line, "%-*.*s %11lld", nameColumns, nameColumns,
                          comparison.classNames[c].c_str(), static_cast<long long>(pixels));
            out << line;
            for (std::size_t r = first; r < last; ++r) {
                const auto& row = comparison.rows[r];
                if (pixels > 0)
                    std::snprintf(line, sizeof line, " %9.5f %6.1f%%", row.classMean[c],
                                  100.0 * row.reducedShare[c]);
                else
                    std::snprintf(line, sizeof line, " %17s", "n/a");
                out << line;
            }
            out << '\n';
        }
    }
}

} // namespace

std::string statsTable(const SetReport& report, int width) {
    const auto variants = lossVariants();
    // The source column only when some sample has a declaration (spec section 4).
    const bool sources = anyDeclared(report);
    std::ostringstream out;
    char line[512];
    std::snprintf(line, sizeof line, "%-24s %-22s%s %10s", "stem", "missing",
                  sources ? " from    " : "", "valid px");
    out << line;
    for (const auto& v : variants) {
        std::snprintf(line, sizeof line, " %10.10s", std::string(v.name).c_str());
        out << line;
    }
    out << "  removed px (% of bg)\n";
    for (const auto& o : report.samples)
        sampleRow(out, o, report.classNames, sources, variants.size());
    std::snprintf(line, sizeof line, "%-24s %-22s%s %10lld", "set mean (pixel-weighted)", "",
                  sources ? "         " : "", static_cast<long long>(report.total.validPixels()));
    out << line;
    for (std::size_t v = 0; v < variants.size(); ++v) {
        std::snprintf(line, sizeof line, " %10.6f", report.total.mean(v));
        out << line;
    }
    std::snprintf(line, sizeof line, "  %lld\n",
                  static_cast<long long>(report.total.removedPixels()));
    out << line;
    std::snprintf(line, sizeof line, "%zu sample(s), %zu failed\n", report.samples.size(),
                  report.failedCount());
    out << line;
    classTable(out, report, width);
    return out.str();
}

} // namespace losslens
