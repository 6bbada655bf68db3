#include "losslens/io/DatasetConfig.h"

#include "losslens/io/DataError.h"
#include "losslens/io/FileBytes.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace losslens {

namespace {

using nlohmann::json;

std::array<std::uint8_t, 3> parseColour(const std::string& text, std::size_t index) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    bool ok = text.size() == 7 && text[0] == '#';
    std::array<std::uint8_t, 3> rgb{};
    for (std::size_t i = 0; ok && i < 3; ++i) {
        const int hi = hex(text[1 + 2 * i]);
        const int lo = hex(text[2 + 2 * i]);
        ok = hi >= 0 && lo >= 0;
        rgb[i] = static_cast<std::uint8_t>(ok ? hi * 16 + lo : 0);
    }
    if (!ok)
        throw std::runtime_error("classes[" + std::to_string(index) + "].color '" + text +
                                 "' is not #rrggbb");
    return rgb;
}

std::string entryName(std::size_t index, const json& entry) {
    std::string name = "label_sets[" + std::to_string(index) + "]";
    if (entry.is_object())
        if (const auto match = entry.find("match"); match != entry.end() && match->is_string())
            name += " (match \"" + match->get<std::string>() + "\")";
    return name;
}

// One list of class ids or names of a label_sets entry (`key`: "annotated" or
// "not_exhaustive"). Names need `classes`; ids must name a class once C is known (here, when
// `classes` is given; otherwise Dataset::load checks them against the prediction).
std::vector<int> parseClassList(const json& list, const std::string& name, const char* key,
                                const std::vector<ClassInfo>& classes, int maxClasses) {
    if (!list.is_array())
        throw std::runtime_error(name + ": '" + key + "' must be a list of class ids or names");
    std::vector<int> ids;
    for (std::size_t j = 0; j < list.size(); ++j) {
        const json& item = list[j];
        if (item.is_string()) {
            const std::string className = item.get<std::string>();
            const auto it =
                std::find_if(classes.begin(), classes.end(),
                             [&](const ClassInfo& info) { return info.name == className; });
            if (it == classes.end())
                throw std::runtime_error(
                    name + ": unknown class name '" + className + "'" +
                    (classes.empty() ? std::string(" (dataset.json has no 'classes' to name; "
                                                   "use class ids)")
                                     : std::string(" (not in 'classes')")));
            ids.push_back(static_cast<int>(it - classes.begin()));
        } else if (item.is_number_integer()) {
            const long long id = item.get<long long>();
            const long long limit =
                classes.empty() ? maxClasses : static_cast<long long>(classes.size());
            if (id < 0 || id >= limit)
                throw std::runtime_error(name + ": class id " + std::to_string(id) +
                                         " is outside 0.." + std::to_string(limit - 1) +
                                         (classes.empty()
                                              ? std::string(" (the class limit)")
                                              : std::string(" ('classes' lists ") +
                                                    std::to_string(classes.size()) + ")"));
            ids.push_back(static_cast<int>(id));
        } else {
            std::string where = key;
            where.append("[").append(std::to_string(j)).append("]");
            throw std::runtime_error(name + ": " + where + " must be a class id or a class name");
        }
    }
    return ids;
}

// label_sets (spec section 4): a list of {"match": stem or glob, "annotated": [ids or
// names]}, each optionally with "not_exhaustive": [ids or names].
LabelSets parseLabelSets(const json& list, const std::vector<ClassInfo>& classes, int maxClasses) {
    if (!list.is_array())
        throw std::runtime_error("'label_sets' must be a list of {\"match\": stem or glob, "
                                 "\"annotated\": [class ids or names]}");
    LabelSets sets;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const json& entry = list[i];
        const std::string name = entryName(i, entry);
        if (!entry.is_object())
            throw std::runtime_error(name + " must be an object {\"match\": stem or glob, "
                                            "\"annotated\": [class ids or names]}");
        const auto match = entry.find("match");
        if (match == entry.end() || !match->is_string() || match->get<std::string>().empty())
            throw std::runtime_error(name + ": 'match' must be a non-empty string (a stem, or a "
                                            "glob with * and ?)");
        const auto annotated = entry.find("annotated");
        if (annotated == entry.end())
            throw std::runtime_error(name + ": 'annotated' must be a list of class ids or names");
        LabelSets::Entry parsed;
        parsed.match = match->get<std::string>();
        parsed.annotated = parseClassList(*annotated, name, "annotated", classes, maxClasses);
        if (const auto ne = entry.find("not_exhaustive"); ne != entry.end())
            parsed.notExhaustive = parseClassList(*ne, name, "not_exhaustive", classes, maxClasses);
        sets.add(std::move(parsed));
    }
    return sets;
}

} // namespace

std::string_view layoutName(PredictionLayout layout) {
    switch (layout) {
    case PredictionLayout::HWC:
        return "HWC";
    case PredictionLayout::CHW:
        return "CHW";
    default:
        return "auto";
    }
}

std::string_view kindName(PredictionKind kind) {
    return kind == PredictionKind::Logits ? "logits" : "probabilities";
}

namespace {

// "classes": each a name, or {"name", "color"}; unnamed fields keep their defaults.
std::vector<ClassInfo> parseClasses(const json& list) {
    std::vector<ClassInfo> classes;
    const auto defaults = defaultClasses(static_cast<int>(list.size()));
    for (std::size_t i = 0; i < list.size(); ++i) {
        const json& entry = list[i];
        ClassInfo info = defaults[i];
        if (entry.is_string()) {
            info.name = entry.get<std::string>();
        } else if (entry.is_object()) {
            if (const auto name = entry.find("name"); name != entry.end()) {
                if (!name->is_string())
                    throw std::runtime_error("classes[" + std::to_string(i) +
                                             "].name must be a string");
                info.name = name->get<std::string>();
            }
            if (const auto colour = entry.find("color"); colour != entry.end()) {
                if (!colour->is_string())
                    throw std::runtime_error("classes[" + std::to_string(i) +
                                             "].color must be a string like #rrggbb");
                info.color = parseColour(colour->get<std::string>(), i);
            }
        } else {
            throw std::runtime_error("classes[" + std::to_string(i) +
                                     "] must be an object {\"name\", \"color\"}");
        }
        classes.push_back(std::move(info));
    }
    return classes;
}

// "class_weights": one number from 0 to 1e6 per class.
std::vector<float> parseClassWeights(const json& list) {
    std::vector<float> weights;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const json& w = list[i];
        if (!w.is_number() || !(w.get<double>() >= 0.0) || w.get<double>() > 1e6)
            throw std::runtime_error("class_weights[" + std::to_string(i) +
                                     "] must be a number from 0 to 1e6");
        weights.push_back(w.get<float>());
    }
    return weights;
}

// "prediction_layout" and "prediction_kind".
void parsePredictionFormat(const json& doc, DatasetConfig& config) {
    if (const auto it = doc.find("prediction_layout"); it != doc.end()) {
        const std::string value = it->is_string() ? it->get<std::string>() : "";
        if (value == "HWC")
            config.layout = PredictionLayout::HWC;
        else if (value == "CHW")
            config.layout = PredictionLayout::CHW;
        else if (value == "auto")
            config.layout = PredictionLayout::Auto;
        else
            throw std::runtime_error("'prediction_layout' must be \"HWC\", \"CHW\" or \"auto\"");
    }
    if (const auto it = doc.find("prediction_kind"); it != doc.end()) {
        const std::string value = it->is_string() ? it->get<std::string>() : "";
        if (value == "probabilities")
            config.kind = PredictionKind::Probabilities;
        else if (value == "logits")
            config.kind = PredictionKind::Logits;
        else
            throw std::runtime_error("'prediction_kind' must be \"probabilities\" or \"logits\"");
    }
}

} // namespace

DatasetConfig DatasetConfig::parse(std::string_view text, int maxClasses,
                                   const std::vector<std::string>* classNames) {
    json doc;
    try {
        doc = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        throw std::runtime_error(std::string("malformed JSON: ") + e.what());
    }
    if (!doc.is_object())
        throw std::runtime_error("expected a JSON object at the top level");
    DatasetConfig config;
    if (const auto it = doc.find("classes"); it != doc.end()) {
        if (!it->is_array())
            throw std::runtime_error("'classes' must be a list");
        if (it->size() > static_cast<std::size_t>(maxClasses))
            throw std::runtime_error("'classes' lists " + std::to_string(it->size()) +
                                     " classes, more than the limit of " +
                                     std::to_string(maxClasses));
        config.classes = parseClasses(*it);
    }
    if (const auto it = doc.find("ignore_index"); it != doc.end()) {
        if (!it->is_number_integer() || it->get<long long>() < 0 || it->get<long long>() > 65535)
            throw std::runtime_error("'ignore_index' must be an integer from 0 to 65535");
        config.ignoreIndex = it->get<int>();
        config.ignoreIndexGiven = true;
    }
    parsePredictionFormat(doc, config);
    if (const auto it = doc.find("focal_gamma"); it != doc.end()) {
        if (!it->is_number() || !(it->get<double>() >= 0.0) || it->get<double>() > 100.0)
            throw std::runtime_error("'focal_gamma' must be a number from 0 to 100");
        config.focalGamma = it->get<float>();
    }
    if (const auto it = doc.find("class_weights"); it != doc.end()) {
        if (!it->is_array())
            throw std::runtime_error("'class_weights' must be a list of numbers");
        if (it->size() > static_cast<std::size_t>(maxClasses))
            throw std::runtime_error("'class_weights' lists " + std::to_string(it->size()) +
                                     " weights, more than the limit of " +
                                     std::to_string(maxClasses) + " classes");
        config.classWeights = parseClassWeights(*it);
        if (!config.classes.empty() && config.classWeights.size() != config.classes.size())
            throw std::runtime_error(
                "'class_weights' has " + std::to_string(config.classWeights.size()) +
                " entries but 'classes' lists " + std::to_string(config.classes.size()));
    }
    if (const auto it = doc.find("annotations"); it != doc.end()) {
        if (!it->is_string() || it->get<std::string>().empty())
            throw std::runtime_error("'annotations' must name a COCO instances file, relative to "
                                     "the data set (e.g. \"annotations.json\")");
        config.annotations = it->get<std::string>();
        if (std::filesystem::path(config.annotations).is_absolute())
            throw std::runtime_error("'annotations' must be relative to the data set, not \"" +
                                     config.annotations + "\"");
    }
    if (classNames != nullptr) {
        if (!config.classes.empty() && config.classes.size() != classNames->size())
            throw std::runtime_error(
                "'classes' lists " + std::to_string(config.classes.size()) +
                " classes but the annotations file gives " + std::to_string(classNames->size()) +
                " (background and its categories): leave 'classes' out, or list them all");
        const auto defaults = defaultClasses(static_cast<int>(classNames->size()));
        if (config.classes.empty())
            config.classes = defaults;
        for (std::size_t i = 0; i < classNames->size(); ++i)
            config.classes[i].name = (*classNames)[i];
    }
    // With an annotations file the classes come from it: label_sets are read on the second
    // pass, when Dataset::open hands over its class names.
    if (const auto it = doc.find("label_sets");
        it != doc.end() && (config.annotations.empty() || classNames != nullptr))
        config.labelSets = parseLabelSets(*it, config.classes, maxClasses);
    return config;
}

LossConfig DatasetConfig::lossConfig() const {
    LossConfig loss;
    loss.ignoreIndex = ignoreIndex;
    loss.focalGamma = focalGamma;
    loss.classWeights = classWeights;
    return loss;
}

DatasetConfig DatasetConfig::load(const std::filesystem::path& datasetRoot, int maxClasses,
                                  const std::vector<std::string>* classNames) {
    const auto file = datasetRoot / "dataset.json";
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        return {};
    const auto bytes = readFileBytes(file, std::int64_t{16} << 20);
    try {
        return parse(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                     maxClasses, classNames);
    } catch (const DataError&) {
        throw;
    } catch (const std::exception& e) {
        throw DataError(file, e.what());
    }
}

std::string DatasetConfig::toJson() const {
    json doc;
    json classList = json::array();
    for (const auto& c : classes) {
        char colour[8];
        std::snprintf(colour, sizeof colour, "#%02x%02x%02x", c.color[0], c.color[1], c.color[2]);
        classList.push_back({{"name", c.name}, {"color", colour}});
    }
    doc["classes"] = classList;
    doc["ignore_index"] = ignoreIndex;
    doc["prediction_layout"] = std::string(layoutName(layout));
    doc["prediction_kind"] = std::string(kindName(kind));
    doc["focal_gamma"] = focalGamma;
    if (!classWeights.empty())
        doc["class_weights"] = classWeights;
    if (!annotations.empty())
        doc["annotations"] = annotations;
    if (!labelSets.empty()) {
        json sets = json::array();
        for (const auto& entry : labelSets.entries()) {
            json item = {{"match", entry.match}, {"annotated", entry.annotated}};
            if (!entry.notExhaustive.empty())
                item["not_exhaustive"] = entry.notExhaustive;
            sets.push_back(std::move(item));
        }
        doc["label_sets"] = std::move(sets);
    }
    return doc.dump(2) + "\n";
}

std::vector<ClassInfo> DatasetConfig::classesFor(int count) const {
    std::vector<ClassInfo> result = defaultClasses(count);
    for (std::size_t i = 0; i < result.size() && i < classes.size(); ++i)
        result[i] = classes[i];
    return result;
}

} // namespace losslens
