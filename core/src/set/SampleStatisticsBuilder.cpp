#include "losslens/set/SampleStatisticsBuilder.h"

#include "util/TargetClones.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace losslens {

namespace {

constexpr std::size_t kChunk = 256; // pixels whose slots are found before they are counted
// h + q runs over 0 .. (kHistogramBins - 1) + (LossQuantiles::kBins - 1); one more slot for
// ignored pixels.
constexpr std::size_t kPairs = kHistogramBins + LossQuantiles::kBins - 1;
constexpr std::size_t kSlots = kPairs + 1;

// The histogram every sample's statistics use (SampleStatistics: fixed bins, so they add up).
LossHistogram::Binner statisticsBinner() {
    static const LossHistogram::Binner binner = LossHistogram::make(kHistogramBins).binner();
    return binner;
}

// Which (histogram bin, quantile bin) each h + q stands for. Both bins are non-decreasing in
// the value, so their sum is too and is constant only where both are: the first value whose
// sum reaches s (a binary search over the bits of non-negative floats, whose order is their
// values') is in the pair s names, if any value is (a sum the bins skip over names none, -1).
struct Pairs {
    std::int32_t histogram[kPairs];
    std::int32_t quantile[kPairs];
};

const Pairs& pairs() {
    static const Pairs table = [] {
        Pairs p{};
        const LossHistogram::Binner binner = statisticsBinner();
        const auto at = [&](std::uint32_t bits) {
            const float v = std::bit_cast<float>(bits);
            return std::pair{binner(v), LossQuantiles::binOf(v)};
        };
        for (std::size_t s = 0; s < kPairs; ++s) {
            std::uint32_t lo = 0;          // bits of +0
            std::uint32_t hi = 0x7f800000; // bits of +infinity: the largest sum
            while (lo < hi) {
                const std::uint32_t mid = lo + (hi - lo) / 2;
                const auto [h, q] = at(mid);
                if (static_cast<std::size_t>(h + q) >= s)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            const auto [h, q] = at(lo);
            const bool named = static_cast<std::size_t>(h + q) == s;
            p.histogram[s] = named ? h : -1;
            p.quantile[s] = named ? q : -1;
        }
        return p;
    }();
    return table;
}

// Each value's slot, h + q, and an ignored pixel's the last. Two plain loops, each of which
// the compiler vectorises.
LOSSLENS_CLONES void findSlots(const float* v, const std::uint16_t* y, std::size_t n,
                               std::uint16_t ignore, bool ignoreIsLabel,
                               LossHistogram::Binner binner, std::int32_t* slots) {
    for (std::size_t i = 0; i < n; ++i)
        slots[i] = binner(v[i]) + LossQuantiles::binOf(v[i]);
    if (!ignoreIsLabel)
        return;
    for (std::size_t i = 0; i < n; ++i)
        slots[i] = y[i] == ignore ? static_cast<std::int32_t>(kPairs) : slots[i];
}

// The maxima below compare float bits as integers: for values >= 0 (losses, and absolute
// differences) the order is the same, and an integer maximum vectorises where a float one
// does not (without -ffast-math the compiler keeps a float reduction's order, one at a time).
constexpr std::uint32_t kMagnitude = 0x7fffffffu;

// The largest v[i] * valid[i], at least `start` (all >= 0).
LOSSLENS_CLONES float largestValid(const float* v, const float* valid, std::size_t n, float start) {
    std::uint32_t top = std::bit_cast<std::uint32_t>(start) & kMagnitude;
    for (std::size_t i = 0; i < n; ++i)
        top = std::max(top, std::bit_cast<std::uint32_t>(v[i] * valid[i]) & kMagnitude);
    return std::bit_cast<float>(top);
}

// The largest v[i], at least `start` (all >= 0): a block with no ignored pixel.
LOSSLENS_CLONES float largest(const float* v, std::size_t n, float start) {
    std::uint32_t top = std::bit_cast<std::uint32_t>(start) & kMagnitude;
    for (std::size_t i = 0; i < n; ++i)
        top = std::max(top, std::bit_cast<std::uint32_t>(v[i]) & kMagnitude);
    return std::bit_cast<float>(top);
}

// The largest |v[i] - w[i]|, at least `start` (>= 0): a block with no ignored pixel.
LOSSLENS_CLONES float largestDifference(const float* v, const float* w, std::size_t n,
                                        float start) {
    std::uint32_t top = std::bit_cast<std::uint32_t>(start) & kMagnitude;
    for (std::size_t i = 0; i < n; ++i)
        top = std::max(top, std::bit_cast<std::uint32_t>(v[i] - w[i]) & kMagnitude);
    return std::bit_cast<float>(top);
}

// Whether any of y[0..n) is `ignore`: a count of them, which the compiler vectorises (an OR
// of bools it does not).
LOSSLENS_CLONES bool anyIs(const std::uint16_t* y, std::size_t n, std::uint16_t ignore) {
    std::uint32_t count = 0;
    for (std::size_t i = 0; i < n; ++i)
        count += y[i] == ignore ? 1u : 0u;
    return count != 0;
}

// The largest |v[i] * valid[i] - w[i] * valid[i]|, at least `start` (>= 0): the valid
// pixels' difference, each map masked as it is read (no masked copy of every map).
LOSSLENS_CLONES float largestDifference(const float* v, const float* w, const float* valid,
                                        std::size_t n, float start) {
    std::uint32_t top = std::bit_cast<std::uint32_t>(start) & kMagnitude;
    for (std::size_t i = 0; i < n; ++i)
        top = std::max(top, std::bit_cast<std::uint32_t>(v[i] * valid[i] - w[i] * valid[i]) &
                                kMagnitude);
    return std::bit_cast<float>(top);
}

// Adds 1 to tables[(i % 4) * slots + bins[i]] for each i: four tables in turn, so
// consecutive equal bins are independent increments.
inline __attribute__((always_inline)) void countInTurn(const std::int32_t* bins, std::size_t n,
                                                       std::uint16_t* tables, std::size_t slots) {
    std::uint16_t* t0 = tables;
    std::uint16_t* t1 = tables + slots;
    std::uint16_t* t2 = tables + 2 * slots;
    std::uint16_t* t3 = tables + 3 * slots;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        ++t0[bins[i]];
        ++t1[bins[i + 1]];
        ++t2[bins[i + 2]];
        ++t3[bins[i + 3]];
    }
    for (; i < n; ++i)
        ++t0[bins[i]];
}

// Whether bins[0..7] all equal `first` (x86-64's SSE2: four an instruction).
bool allEqual(const std::int32_t* bins, std::int32_t first) {
#if defined(__SSE2__)
    const __m128i wanted = _mm_set1_epi32(first);
    const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bins));
    const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bins + 4));
    const __m128i equal =
        _mm_and_si128(_mm_cmpeq_epi32(low, wanted), _mm_cmpeq_epi32(high, wanted));
    return _mm_movemask_epi8(equal) == 0xffff;
#else
    std::int32_t other = 0;
    for (std::size_t j = 1; j < 8; ++j)
        other |= bins[j] ^ first;
    return other == 0;
#endif
}

// countInTurn where a loss map's smoothness puts most runs of eight neighbouring pixels in
// one bin (88% of a histogram's on the demo set, 97% on a 21-class set): such a run is one
// add of 8, and consecutive runs of one bin are summed in a register and stored
// when the bin changes (one increment per pixel was most of the statistics' time, and an add
// to the entry the previous run added to waits for that store).
void countRuns(const std::int32_t* bins, std::size_t n, std::uint16_t* tables, std::size_t slots) {
    constexpr std::size_t kRun = 8;
    std::int32_t runBin = 0;
    std::uint32_t runCount = 0; // at most a chunk's values: no overflow before the store
    std::size_t i = 0;
    for (; i + kRun <= n; i += kRun) {
        const std::int32_t first = bins[i];
        if (!allEqual(bins + i, first)) {
            countInTurn(bins + i, kRun, tables, slots);
            continue;
        }
        if (first != runBin) {
            tables[runBin] = static_cast<std::uint16_t>(tables[runBin] + runCount);
            runBin = first;
            runCount = 0;
        }
        runCount += kRun;
    }
    tables[runBin] = static_cast<std::uint16_t>(tables[runBin] + runCount);
    countInTurn(bins + i, n - i, tables, slots);
}

// Whether two blocks of a map hold the same values (bit for bit).
bool sameBlock(const float* a, const float* b, std::size_t n) {
    return std::memcmp(a, b, n * sizeof(float)) == 0;
}

} // namespace

SampleStatisticsBuilder::SampleStatisticsBuilder(std::size_t variants, int ignoreIndex) {
    reset(variants, ignoreIndex);
}

void SampleStatisticsBuilder::reset(std::size_t variants, int ignoreIndex) {
    if (variants > 64)
        throw std::length_error("sample statistics: more than 64 loss variants");
    m_variants = variants;
    m_ignoreIndex = ignoreIndex;
    m_statistics = SampleStatistics();
    m_statistics.maxDifferences.assign(variants * variants, 0.0f);
    m_statistics.histograms.assign(variants, LossHistogram::make(kHistogramBins));
    m_binner = statisticsBinner();
    (void)pairs();
    // Tables the last take() folded are zeros; a sample that failed midway left counts.
    for (std::size_t t = 0; t < m_tables.size(); ++t)
        if (m_tables[t].unfolded != 0)
            std::fill_n(m_counts.begin() + static_cast<std::ptrdiff_t>(t * kWays * kSlots),
                        kWays * kSlots, std::uint16_t{0});
    m_tables.clear();
    m_slots.resize(kChunk);
}

std::size_t SampleStatisticsBuilder::tablesOf(std::uint64_t members) {
    for (std::size_t t = 0; t < m_tables.size(); ++t)
        if (m_tables[t].members == members)
            return t;
    m_tables.push_back({members, 0});
    if (m_counts.size() < m_tables.size() * kWays * kSlots)
        m_counts.resize(m_tables.size() * kWays * kSlots, 0); // zeros, as folds leave them
    return m_tables.size() - 1;
}

void SampleStatisticsBuilder::add(const LossBlock& block) {
    const std::size_t n = block.size();
    const std::uint16_t* y = block.labels.data();
    const std::size_t count = std::min(m_variants, block.maps.size());
    const bool ignoreIsLabel = m_ignoreIndex >= 0 && m_ignoreIndex <= 0xffff;
    const auto ignore = static_cast<std::uint16_t>(ignoreIsLabel ? m_ignoreIndex : 0);
    // 0 at ignore_index pixels, else 1: a map times it has its ignored pixels at 0, and
    // losses are >= 0, so a 0 changes no maximum and the maxima below are plain loops. A
    // block with no ignored pixel (most, and every one of a set without ignore_index in its
    // labels) needs none: filling it was a seventh of the statistics' time.
    const bool masked = ignoreIsLabel && anyIs(y, n, ignore);
    if (masked) {
        m_valid.resize(n);
        for (std::size_t i = 0; i < n; ++i)
            m_valid[i] = y[i] != ignore ? 1.0f : 0.0f;
    }
    // Variants whose block equals an earlier one's (standard, partial, marginal and weighted
    // agree wherever nothing is removed or merged) form a group: its values are counted
    // once, into the tables of its members (binning and counting every variant was 40% of
    // the window's scan of a set of small samples).
    // Blocks the pass already found equal to the standard's form one group without being
    // compared again (a compare of equal blocks reads both whole: 10% of the statistics);
    // the rest are compared with the other groups only.
    m_sameAs.assign(count, count);
    const auto standardLike = [&](std::size_t a) {
        return a < block.sameAsStandard.size() && block.sameAsStandard[a] != 0;
    };
    std::size_t standardGroup = count; // its first member
    for (std::size_t a = 0; a < count; ++a) {
        if (block.maps[a] == nullptr)
            continue;
        if (standardLike(a)) {
            standardGroup = std::min(standardGroup, a);
            m_sameAs[a] = standardGroup;
            continue;
        }
        for (std::size_t e = 0; e < a; ++e)
            if (m_sameAs[e] == e && e != standardGroup &&
                sameBlock(block.maps[a], block.maps[e], n)) {
                m_sameAs[a] = e;
                break;
            }
        if (m_sameAs[a] == count)
            m_sameAs[a] = a;
    }
    for (std::size_t a = 0; a < count; ++a) {
        const float* va = block.maps[a];
        if (va == nullptr || m_sameAs[a] != a)
            continue;
        std::uint64_t members = 0;
        for (std::size_t b = a; b < count; ++b)
            if (m_sameAs[b] == a)
                members |= std::uint64_t{1} << b;
        const std::size_t t = tablesOf(members);
        for (std::size_t start = 0; start < n; start += kChunk) {
            const std::size_t chunk = std::min(kChunk, n - start);
            // No count passes 65,535: each holds at most the values counted since the fold.
            if (m_tables[t].unfolded + chunk > 0xffff)
                fold(t);
            m_tables[t].unfolded += chunk;
            findSlots(va + start, y + start, chunk, ignore, ignoreIsLabel, m_binner,
                      m_slots.data());
            countRuns(m_slots.data(), chunk, m_counts.data() + t * kWays * kSlots, kSlots);
        }
        m_statistics.maxLoss = masked ? largestValid(va, m_valid.data(), n, m_statistics.maxLoss)
                                      : largest(va, n, m_statistics.maxLoss);
    }
    // The largest difference of each pair of distinct blocks, once: a pair of equal blocks
    // differs by 0, and a variant equal to another differs from the rest as that one does.
    m_blockDifferences.assign(count * count, 0.0f);
    for (std::size_t a = 0; a < count; ++a)
        for (std::size_t b = a + 1; b < count; ++b)
            if (block.maps[a] != nullptr && block.maps[b] != nullptr && m_sameAs[a] == a &&
                m_sameAs[b] == b)
                m_blockDifferences[a * count + b] =
                    masked
                        ? largestDifference(block.maps[a], block.maps[b], m_valid.data(), n, 0.0f)
                        : largestDifference(block.maps[a], block.maps[b], n, 0.0f);
    for (std::size_t a = 0; a < count; ++a)
        for (std::size_t b = a + 1; b < count; ++b) {
            if (block.maps[a] == nullptr || block.maps[b] == nullptr)
                continue;
            const std::size_t ra = std::min(m_sameAs[a], m_sameAs[b]);
            const std::size_t rb = std::max(m_sameAs[a], m_sameAs[b]);
            float& ab = m_statistics.maxDifferences[a * m_variants + b];
            ab = std::max(ab, m_blockDifferences[ra * count + rb]);
            m_statistics.maxDifferences[b * m_variants + a] = ab;
        }
}

// Each slot's count into the histogram of every member and, once per member, into the
// pooled quantiles; the tables are left at zero.
void SampleStatisticsBuilder::fold(std::size_t t) {
    const Pairs& p = pairs();
    const std::uint64_t members = m_tables[t].members;
    const auto weight = static_cast<std::int64_t>(std::popcount(members));
    std::uint16_t* tables = m_counts.data() + t * kWays * kSlots;
    for (std::size_t s = 0; s < kPairs; ++s) {
        std::int64_t sum = 0;
        for (std::size_t way = 0; way < kWays; ++way)
            sum += tables[way * kSlots + s];
        if (sum == 0 || p.histogram[s] < 0)
            continue;
        const auto h = static_cast<std::size_t>(p.histogram[s]);
        for (std::uint64_t left = members; left != 0; left &= left - 1)
            m_statistics.histograms[static_cast<std::size_t>(std::countr_zero(left))].counts[h] +=
                sum;
        m_statistics.quantiles.addToBin(p.quantile[s], sum * weight);
    }
    std::fill(tables, tables + kWays * kSlots, std::uint16_t{0});
    m_tables[t].unfolded = 0;
}

SampleStatistics SampleStatisticsBuilder::take() {
    for (std::size_t t = 0; t < m_tables.size(); ++t)
        fold(t);
    m_tables.clear();
    return std::exchange(m_statistics, SampleStatistics());
}

} // namespace losslens
