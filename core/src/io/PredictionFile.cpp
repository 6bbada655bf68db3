#include "losslens/io/PredictionFile.h"

#include "losslens/io/DataError.h"
#include "losslens/io/NpyFile.h"
#include "losslens/io/NpzFile.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace losslens {

namespace {

// Every kind of prediction file: its extension, its reader and its completeness check.
struct Kind {
    const char* extension;
    std::unique_ptr<PredictionFile> (*open)(const std::filesystem::path&, const DataLimits&);
    FileState (*state)(const std::filesystem::path&);
};

template <typename Reader>
std::unique_ptr<PredictionFile> openAs(const std::filesystem::path& file,
                                       const DataLimits& limits) {
    return std::make_unique<Reader>(file, limits);
}

constexpr std::array kKinds{
    Kind{".npy", &openAs<NpyFile>, &npyState},
    Kind{".npz", &openAs<NpzFile>, &npzState},
};

std::string lowerExtension(const std::filesystem::path& file) {
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

const Kind* kindOf(const std::filesystem::path& file) {
    const std::string ext = lowerExtension(file);
    for (const Kind& kind : kKinds)
        if (ext == kind.extension)
            return &kind;
    return nullptr;
}

} // namespace

std::unique_ptr<PredictionFile> PredictionFile::open(const std::filesystem::path& file,
                                                     const DataLimits& limits) {
    const Kind* kind = kindOf(file);
    if (kind == nullptr) {
        std::string known;
        for (const Kind& k : kKinds)
            known += (known.empty() ? "" : " or ") + std::string(k.extension);
        throw DataError(file, "is not a prediction file (" + known + ")");
    }
    return kind->open(file, limits);
}

const std::vector<std::string>& predictionExtensions() {
    static const std::vector<std::string> extensions = [] {
        std::vector<std::string> list;
        for (const Kind& kind : kKinds)
            list.emplace_back(kind.extension);
        return list;
    }();
    return extensions;
}

bool isPredictionFileName(const std::filesystem::path& file) {
    const std::string name = file.filename().string();
    return !name.empty() && name.front() != '.' && kindOf(file) != nullptr;
}

FileState predictionFileState(const std::filesystem::path& file) {
    const Kind* kind = kindOf(file);
    return kind != nullptr ? kind->state(file) : FileState::Bad;
}

NpyArray readPrediction(const std::filesystem::path& file, const DataLimits& limits) {
    const std::unique_ptr<PredictionFile> prediction = PredictionFile::open(file, limits);
    NpyArray array;
    prediction->readInto(array.data);
    array.shape = prediction->header().shape;
    return array;
}

} // namespace losslens
