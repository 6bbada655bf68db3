#pragma once

#include <mutex>
#include <utility>
#include <vector>

namespace losslens {

// What a background job's workers hand the GUI thread: pushed from any worker, taken whole
// by the GUI thread's drain (JobRunner::tick), so each side holds the lock for a swap.
template <typename T> class JobOutbox {
public:
    void push(T item) {
        std::lock_guard lock(m_mutex);
        m_items.push_back(std::move(item));
    }
    [[nodiscard]] std::vector<T> take() {
        std::vector<T> taken;
        std::lock_guard lock(m_mutex);
        taken.swap(m_items);
        return taken;
    }

private:
    std::mutex m_mutex;
    std::vector<T> m_items;
};

} // namespace losslens
