#pragma once

#include "losslens/demo/DemoGenerator.h"
#include "losslens/set/SetProcessor.h"

#include <filesystem>

namespace losslens {

// Writes the demo set in the spec's folder layout: images/<stem>.png, labels/<stem>.png,
// predictions/<stem>.npy (float32, H x W x 4) and dataset.json (classes, and under "demo"
// the options and which annotations were removed). Samples are generated one at a time
// on `process.jobs` threads, so memory does not grow with the count. Every file is written
// atomically; without `overwrite`, existing files are left alone and FileExistsError thrown.
void writeDemoDataset(const std::filesystem::path& root, const DemoOptions& options, bool overwrite,
                      const ProcessOptions& process = {});

} // namespace losslens
