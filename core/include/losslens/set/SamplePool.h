#pragma once

#include "losslens/io/Dataset.h"

#include <memory>
#include <mutex>
#include <vector>

namespace losslens {

// The LoadedSamples a scan's workers refill sample after sample (ProcessOptions::samples),
// kept when the scan ends so the next scan of the same job starts in buffers already
// touched: an export scans its set twice (the heatmaps' range, then the files), and a
// fresh 66 MB prediction buffer's first touch cost 0.1-0.2 s on this project's VMs.
// Thread-safe; holds at most one sample per worker that ran at once.
class SamplePool {
public:
    // An idle sample, or a new empty one.
    [[nodiscard]] std::unique_ptr<LoadedSample> take();
    void give(std::unique_ptr<LoadedSample> sample);

private:
    std::mutex m_mutex;
    std::vector<std::unique_ptr<LoadedSample>> m_idle;
};

} // namespace losslens
