#include "losslens/set/SampleStatisticsBuilder.h"

#include "util/TargetClones.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace losslens {

namespace {

constexpr std::size_t kChunk = 256; // pixels whose bins are found before they are counted
constexpr std::size_t kHistogramSlots = kHistogramBins + 1;
constexpr std::size_t kQuantileSlots = LossQuantiles::kBins + 1;

// Each value's histogram and quantile bin; an ignored pixel's are the tables' last slots.
// Two plain loops, each of which the compiler vectorises.
LOSSLENS_CLONES void findBins(const float* v, const std::uint16_t* y, std::size_t n,
                              std::uint16_t ignore, bool ignoreIsLabel,
                              LossHistogram::Binner binner, std::int32_t* histogram,
                              std::int32_t* quantile) {
    for (std::size_t i = 0; i < n; ++i) {
        histogram[i] = binner(v[i]);
        quantile[i] = LossQuantiles::binOf(v[i]);
    }
    if (!ignoreIsLabel)
        return;
    for (std::size_t i = 0; i < n; ++i) {
        const bool skip = y[i] == ignore;
        histogram[i] = skip ? static_cast<std::int32_t>(kHistogramBins) : histogram[i];
        quantile[i] = skip ? LossQuantiles::kBins : quantile[i];
    }
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

// Adds `weight` to tables[(i % 4) * slots + bins[i]] for each i: four tables in turn, so
// consecutive equal bins are independent increments.
inline __attribute__((always_inline)) void countInTurn(const std::int32_t* bins, std::size_t n,
                                                       std::uint16_t* tables, std::size_t slots,
                                                       std::uint16_t weight = 1) {
    std::uint16_t* t0 = tables;
    std::uint16_t* t1 = tables + slots;
    std::uint16_t* t2 = tables + 2 * slots;
    std::uint16_t* t3 = tables + 3 * slots;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        t0[bins[i]] = static_cast<std::uint16_t>(t0[bins[i]] + weight);
        t1[bins[i + 1]] = static_cast<std::uint16_t>(t1[bins[i + 1]] + weight);
        t2[bins[i + 2]] = static_cast<std::uint16_t>(t2[bins[i + 2]] + weight);
        t3[bins[i + 3]] = static_cast<std::uint16_t>(t3[bins[i + 3]] + weight);
    }
    for (; i < n; ++i)
        t0[bins[i]] = static_cast<std::uint16_t>(t0[bins[i]] + weight);
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
// add of 8 x weight, and consecutive runs of one bin are summed in a register and stored
// when the bin changes (one increment per pixel was most of the statistics' time, and an add
// to the entry the previous run added to waits for that store).
void countRuns(const std::int32_t* bins, std::size_t n, std::uint16_t* tables, std::size_t slots,
               std::uint16_t weight = 1) {
    constexpr std::size_t kRun = 8;
    const auto runWeight = static_cast<std::uint32_t>(kRun * weight);
    std::int32_t runBin = 0;
    std::uint32_t runCount = 0; // at most a chunk's values: no overflow before the store
    std::size_t i = 0;
    for (; i + kRun <= n; i += kRun) {
        const std::int32_t first = bins[i];
        if (!allEqual(bins + i, first)) {
            countInTurn(bins + i, kRun, tables, slots, weight);
            continue;
        }
        if (first != runBin) {
            tables[runBin] = static_cast<std::uint16_t>(tables[runBin] + runCount);
            runBin = first;
            runCount = 0;
        }
        runCount += runWeight;
    }
    tables[runBin] = static_cast<std::uint16_t>(tables[runBin] + runCount);
    countInTurn(bins + i, n - i, tables, slots, weight);
}

// Whether two blocks of a map hold the same values (bit for bit).
bool sameBlock(const float* a, const float* b, std::size_t n) {
    return std::memcmp(a, b, n * sizeof(float)) == 0;
}

} // namespace

SampleStatisticsBuilder::SampleStatisticsBuilder(std::size_t variants, int ignoreIndex)
    : m_variants(variants)
    , m_ignoreIndex(ignoreIndex) {
    m_statistics.maxDifferences.assign(variants * variants, 0.0f);
    m_statistics.histograms.assign(variants, LossHistogram::make(kHistogramBins));
    m_binner = LossHistogram::make(kHistogramBins).binner();
    m_histogramCounts.assign(variants * kWays * kHistogramSlots, 0);
    m_quantileCounts.assign(kWays * kQuantileSlots, 0);
    m_groupCounts.assign(kWays * kHistogramSlots, 0);
    m_bins.resize(2 * kChunk);
}

void SampleStatisticsBuilder::add(const LossBlock& block) {
    const std::size_t n = block.size();
    const std::uint16_t* y = block.labels.data();
    const std::size_t count = std::min(m_variants, block.maps.size());
    const bool ignoreIsLabel = m_ignoreIndex >= 0 && m_ignoreIndex <= 0xffff;
    const auto ignore = static_cast<std::uint16_t>(ignoreIsLabel ? m_ignoreIndex : 0);
    // 0 at ignore_index pixels, else 1: a map times it has its ignored pixels at 0, and
    // losses are >= 0, so a 0 changes no maximum and the maxima below are plain loops.
    m_valid.resize(n);
    for (std::size_t i = 0; i < n; ++i)
        m_valid[i] = !ignoreIsLabel || y[i] != ignore ? 1.0f : 0.0f;
    std::int32_t* histogramBins = m_bins.data();
    std::int32_t* quantileBins = m_bins.data() + kChunk;
    // Variants whose block equals an earlier one's (standard, partial, marginal and weighted
    // agree wherever nothing is removed or merged): their values are binned once, counted
    // into each one's histogram and, with their number as the weight, into the pooled
    // quantiles (binning and counting every variant was 40% of the window's scan of a set of
    // small samples).
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
        std::uint16_t weight = 0;
        for (std::size_t b = a; b < count; ++b)
            weight = static_cast<std::uint16_t>(weight + (m_sameAs[b] == a ? 1 : 0));
        // A group of equal blocks is counted once, into its own tables, then added to each
        // member's histogram (counting each member's copy was half the statistics' time).
        std::uint16_t* tables = weight == 1 ? m_histogramCounts.data() + a * kWays * kHistogramSlots
                                            : m_groupCounts.data();
        const auto addGroup = [&] {
            if (weight == 1)
                return;
            for (std::size_t bin = 0; bin < kHistogramSlots; ++bin) {
                std::uint16_t sum = 0;
                for (std::size_t way = 0; way < kWays; ++way)
                    sum = static_cast<std::uint16_t>(sum + tables[way * kHistogramSlots + bin]);
                for (std::size_t b = a; b < count; ++b)
                    if (m_sameAs[b] == a) {
                        std::uint16_t& to = m_histogramCounts[b * kWays * kHistogramSlots + bin];
                        to = static_cast<std::uint16_t>(to + sum);
                    }
            }
            std::fill(m_groupCounts.begin(), m_groupCounts.end(), 0);
        };
        for (std::size_t start = 0; start < n; start += kChunk) {
            const std::size_t chunk = std::min(kChunk, n - start);
            // No count passes 65,535: each holds at most the values counted since the fold
            // (the group's counts reach their tables before it).
            if (m_unfolded + chunk * weight > 0xffff) {
                addGroup();
                fold();
            }
            m_unfolded += chunk * weight;
            findBins(va + start, y + start, chunk, ignore, ignoreIsLabel, m_binner, histogramBins,
                     quantileBins);
            countRuns(histogramBins, chunk, tables, kHistogramSlots);
            countRuns(quantileBins, chunk, m_quantileCounts.data(), kQuantileSlots, weight);
        }
        addGroup();
        m_statistics.maxLoss = largestValid(va, m_valid.data(), n, m_statistics.maxLoss);
    }
    // The largest difference of each pair of distinct blocks, once: a pair of equal blocks
    // differs by 0, and a variant equal to another differs from the rest as that one does.
    m_blockDifferences.assign(count * count, 0.0f);
    for (std::size_t a = 0; a < count; ++a)
        for (std::size_t b = a + 1; b < count; ++b)
            if (block.maps[a] != nullptr && block.maps[b] != nullptr && m_sameAs[a] == a &&
                m_sameAs[b] == b)
                m_blockDifferences[a * count + b] =
                    largestDifference(block.maps[a], block.maps[b], m_valid.data(), n, 0.0f);
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

void SampleStatisticsBuilder::fold() {
    for (std::size_t a = 0; a < m_statistics.histograms.size(); ++a) {
        std::vector<std::int64_t>& counts = m_statistics.histograms[a].counts;
        const std::uint16_t* tables = m_histogramCounts.data() + a * kWays * kHistogramSlots;
        for (std::size_t bin = 0; bin < counts.size(); ++bin)
            for (std::size_t way = 0; way < kWays; ++way)
                counts[bin] += tables[way * kHistogramSlots + bin];
    }
    for (int bin = 0; bin < LossQuantiles::kBins; ++bin) {
        std::int64_t sum = 0;
        for (std::size_t way = 0; way < kWays; ++way)
            sum += m_quantileCounts[way * kQuantileSlots + static_cast<std::size_t>(bin)];
        if (sum != 0)
            m_statistics.quantiles.addToBin(bin, sum);
    }
    std::fill(m_histogramCounts.begin(), m_histogramCounts.end(), 0);
    std::fill(m_quantileCounts.begin(), m_quantileCounts.end(), 0);
    m_unfolded = 0;
}

SampleStatistics SampleStatisticsBuilder::take() {
    fold();
    return std::exchange(m_statistics, SampleStatistics());
}

} // namespace losslens
