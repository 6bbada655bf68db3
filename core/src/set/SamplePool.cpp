#include "losslens/set/SamplePool.h"

namespace losslens {

std::unique_ptr<LoadedSample> SamplePool::take() {
    std::lock_guard lock(m_mutex);
    if (m_idle.empty())
        return std::make_unique<LoadedSample>();
    std::unique_ptr<LoadedSample> sample = std::move(m_idle.back());
    m_idle.pop_back();
    return sample;
}

void SamplePool::give(std::unique_ptr<LoadedSample> sample) {
    std::lock_guard lock(m_mutex);
    m_idle.push_back(std::move(sample));
}

} // namespace losslens
