#pragma once

#include "session/SampleData.h"

#include <cstddef>
#include <list>
#include <tuple>

namespace losslens {

// A small least-recently-used cache of scored samples, bounded both in count and in bytes,
// so memory stays bounded however large the set and its samples are (a 2048 x 2048 x 21
// sample holds about half a gigabyte), while moving back and forth between neighbours is
// instant. The most recent sample is always kept, even when it alone exceeds the budget.
class SampleCache {
public:
    static constexpr std::size_t kDefaultBudget = std::size_t{640} << 20;

    explicit SampleCache(std::size_t capacity = 8, std::size_t byteBudget = kDefaultBudget)
        : m_capacity(capacity == 0 ? 1 : capacity)
        , m_budget(byteBudget) {}

    [[nodiscard]] SampleDataPtr get(std::size_t entry) {
        for (auto it = m_items.begin(); it != m_items.end(); ++it)
            if (std::get<0>(*it) == entry) {
                m_items.splice(m_items.begin(), m_items, it);
                return std::get<1>(m_items.front());
            }
        return nullptr;
    }
    void put(std::size_t entry, SampleDataPtr data) {
        for (auto it = m_items.begin(); it != m_items.end(); ++it)
            if (std::get<0>(*it) == entry) {
                m_bytes -= std::get<2>(*it);
                m_items.erase(it);
                break;
            }
        const std::size_t bytes = data ? data->bytes() : 0;
        m_items.emplace_front(entry, std::move(data), bytes);
        m_bytes += bytes;
        while (m_items.size() > m_capacity || (m_items.size() > 1 && m_bytes > m_budget)) {
            m_bytes -= std::get<2>(m_items.back());
            m_items.pop_back();
        }
    }
    void clear() {
        m_items.clear();
        m_bytes = 0;
    }
    [[nodiscard]] std::size_t size() const { return m_items.size(); }
    [[nodiscard]] std::size_t capacity() const { return m_capacity; }
    [[nodiscard]] std::size_t bytes() const { return m_bytes; }
    [[nodiscard]] std::size_t byteBudget() const { return m_budget; }

private:
    std::size_t m_capacity;
    std::size_t m_budget;
    std::size_t m_bytes = 0;
    std::list<std::tuple<std::size_t, SampleDataPtr, std::size_t>> m_items;
};

} // namespace losslens
