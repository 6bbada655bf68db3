#pragma once

#include "losslens/ui/SampleData.h"

#include <cstddef>
#include <list>
#include <utility>

namespace losslens {

// A small least-recently-used cache of scored samples, so memory stays bounded however
// large the set is, while moving back and forth between neighbours is instant.
class SampleCache {
public:
    explicit SampleCache(std::size_t capacity = 8)
        : m_capacity(capacity == 0 ? 1 : capacity) {}

    [[nodiscard]] SampleDataPtr get(std::size_t entry) {
        for (auto it = m_items.begin(); it != m_items.end(); ++it)
            if (it->first == entry) {
                m_items.splice(m_items.begin(), m_items, it);
                return m_items.front().second;
            }
        return nullptr;
    }
    void put(std::size_t entry, SampleDataPtr data) {
        for (auto it = m_items.begin(); it != m_items.end(); ++it)
            if (it->first == entry) {
                m_items.erase(it);
                break;
            }
        m_items.emplace_front(entry, std::move(data));
        while (m_items.size() > m_capacity)
            m_items.pop_back();
    }
    void clear() { m_items.clear(); }
    [[nodiscard]] std::size_t size() const { return m_items.size(); }
    [[nodiscard]] std::size_t capacity() const { return m_capacity; }

private:
    std::size_t m_capacity;
    std::list<std::pair<std::size_t, SampleDataPtr>> m_items;
};

} // namespace losslens
