#include "losslens/demo/DemoDataset.h"

#include "losslens/io/DatasetConfig.h"
#include "losslens/io/FileBytes.h"
#include "losslens/io/LabelPng.h"
#include "losslens/io/NpyArray.h"
#include "losslens/report/Colormap.h"

#include <nlohmann/json.hpp>

#include <exception>
#include <map>
#include <mutex>

namespace losslens {

namespace fs = std::filesystem;

void writeDemoDataset(const fs::path& root, const DemoOptions& options, bool overwrite,
                      const ProcessOptions& process) {
    const auto removals = demoRemovals(options); // validates the options
    for (const char* sub : {"images", "labels", "predictions"}) {
        std::error_code ec;
        fs::create_directories(root / sub, ec);
        if (ec)
            throw std::runtime_error((root / sub).string() + ": cannot create: " + ec.message());
    }
    DatasetConfig config;
    config.classes = demoClasses();
    config.layout = PredictionLayout::HWC;
    // Background covers most of a demo image; a lower weight for it gives the weighted
    // variant something to show (the usual inverse-frequency idea, rounded).
    config.classWeights = {0.25f, 1.0f, 1.0f, 1.0f};
    nlohmann::json doc = nlohmann::json::parse(config.toJson());
    nlohmann::json removed = nlohmann::json::object();
    std::map<std::string, std::vector<int>> absentByStem;

    std::mutex mutex;
    std::exception_ptr failure;
    std::size_t done = 0;
    parallelFor(
        static_cast<std::size_t>(options.count), process.jobs,
        [&](std::size_t n) {
            try {
                DemoSample sample = generateDemoSample(options, static_cast<int>(n));
                removeAnnotations(sample, removals[n]);
                const std::int64_t shape[] = {sample.prediction.height(), sample.prediction.width(),
                                              kDemoClasses};
                writeFileAtomically(root / "predictions" / (sample.stem + ".npy"),
                                    encodeNpyFloat32(sample.prediction.raster().values(), shape),
                                    overwrite);
                writeFileAtomically(root / "labels" / (sample.stem + ".png"),
                                    encodeLabelPng(sample.labels), overwrite);
                writeFileAtomically(root / "images" / (sample.stem + ".png"),
                                    encodeRgbPng(sample.image), overwrite);
                std::lock_guard lock(mutex);
                if (!sample.removed.empty())
                    removed[sample.stem] = sample.removed;
                if (!sample.absent.empty())
                    absentByStem[sample.stem] = sample.absent;
                ++done;
                if (process.progress)
                    process.progress(done, static_cast<std::size_t>(options.count));
            } catch (...) {
                std::lock_guard lock(mutex);
                if (!failure)
                    failure = std::current_exception();
            }
        },
        process.cancel);
    if (failure)
        std::rethrow_exception(failure);
    if (options.labelSets) {
        nlohmann::json sets = nlohmann::json::array();
        for (const auto& [match, annotated] : demoLabelSets(removals))
            sets.push_back({{"match", match}, {"annotated", annotated}});
        doc["label_sets"] = std::move(sets);
    }
    nlohmann::json absent = nlohmann::json::object();
    for (const auto& [stem, classes] : absentByStem)
        absent[stem] = classes;
    doc["demo"] = {{"count", options.count},
                   {"size", options.size},
                   {"missing", options.missing},
                   {"seed", options.seed},
                   {"label_sets", options.labelSets},
                   {"removed", removed},
                   {"absent", absent}};
    writeFileAtomically(root / "dataset.json", doc.dump(2) + "\n", overwrite);
}

} // namespace losslens
