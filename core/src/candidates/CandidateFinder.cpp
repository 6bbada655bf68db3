// Candidates by runs: each row's candidate pixels become runs of one class, a run joins the
// previous row's runs of the same class that touch it (8-connectivity: columns overlapping
// once widened by one), and a union-find over runs makes the components. Sums are kept in
// fixed point (2^-47 steps, exact for every float above 2^-24) so a component's score does
// not depend on the order its pixels were added: two identical objects tie exactly and the
// spec's tie rule, not rounding, orders them.
#include "losslens/candidates/CandidateFinder.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace losslens {

namespace {

__extension__ using Sum = __int128;

constexpr double kSumScale = 140737488355328.0; // 2^47
constexpr float kEps = 1e-7f;

Sum fixedPoint(double value) {
    const double scaled = std::clamp(value, 0.0, 65536.0) * kSumScale;
    // Below 2^52 truncating scaled + 0.5 is llround's rounding (half away from zero) without
    // the library call, but for the largest double below 1/2, whose sum rounds up to 1 (what
    // clang-tidy's incorrect-roundings warns of): any fixed rounding keeps the sums exact and
    // independent of the order. Every value a pixel adds (p_k <= 1, -log p_0 <= 16.2) is here.
    if (scaled < 4503599627370496.0)
        // NOLINTNEXTLINE(bugprone-incorrect-roundings)
        return static_cast<Sum>(static_cast<std::int64_t>(scaled + 0.5));
    return static_cast<Sum>(std::llround(scaled));
}

double fromFixedPoint(Sum sum) {
    return static_cast<double>(sum) / kSumScale;
}

struct Run {
    int y = 0;
    int x0 = 0;
    int x1 = 0;
    int k = 0;
    std::size_t parent = 0;
    Sum confidence = 0; // sum of p_k over the run
    Sum penalty = 0;    // sum of -log clamp(p_0) over the run
};

std::size_t findRoot(std::vector<Run>& runs, std::size_t i) {
    while (runs[i].parent != i) {
        runs[i].parent = runs[runs[i].parent].parent;
        i = runs[i].parent;
    }
    return i;
}

// The earlier run stays the root, so a component's root is its first run in raster order.
void join(std::vector<Run>& runs, std::size_t a, std::size_t b) {
    a = findRoot(runs, a);
    b = findRoot(runs, b);
    if (a == b)
        return;
    if (b < a)
        std::swap(a, b);
    runs[b].parent = a;
}

// Joins each run of the current row [cur, end) to the touching runs of the same class in the
// previous row [prev, cur). Both rows' runs are in column order.
void joinRows(std::vector<Run>& runs, std::size_t prev, std::size_t cur, std::size_t end) {
    std::size_t first = prev;
    for (std::size_t j = cur; j < end; ++j) {
        const Run b = runs[j];
        while (first < cur && runs[first].x1 < b.x0)
            ++first; // wholly left of b's neighbourhood, and of every later run's
        for (std::size_t i = first; i < cur && runs[i].x0 <= b.x1; ++i)
            if (runs[i].k == b.k)
                join(runs, i, j);
    }
}

// The first class of largest probability (the loaders refuse NaN), without a branch per class:
// random probabilities made each comparison a coin toss for the branch predictor, and 21
// classes a pixel were most of the window's candidate search.
int firstLargestPortable(const float* p, int classes, float& best) {
    int k = 0;
    best = p[0];
    for (int c = 1; c < classes; ++c) {
        const bool larger = p[c] > best;
        best = larger ? p[c] : best;
        k = larger ? c : k;
    }
    return k;
}

#if defined(__x86_64__) && defined(__GNUC__)
// Eight classes an instruction for the maximum, then the first class that equals it (equal
// floats compare equal, -0 and +0 included, as the portable loop treats them). classes >= 8.
__attribute__((target("avx2"))) int firstLargestAvx2(const float* p, int classes, float& best) {
    __m256 top = _mm256_loadu_ps(p);
    int c = 8;
    for (; c + 8 <= classes; c += 8)
        top = _mm256_max_ps(top, _mm256_loadu_ps(p + c));
    __m128 half = _mm_max_ps(_mm256_castps256_ps128(top), _mm256_extractf128_ps(top, 1));
    half = _mm_max_ps(half, _mm_movehl_ps(half, half));
    half = _mm_max_ss(half, _mm_shuffle_ps(half, half, 1));
    best = _mm_cvtss_f32(half);
    for (int t = c; t < classes; ++t)
        best = p[t] > best ? p[t] : best;
    const __m256 wanted = _mm256_set1_ps(best);
    for (c = 0; c + 8 <= classes; c += 8) {
        const int hits =
            _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(p + c), wanted, _CMP_EQ_OQ));
        if (hits != 0)
            return c + __builtin_ctz(static_cast<unsigned>(hits));
    }
    for (; c < classes; ++c)
        if (p[c] == best)
            return c;
    return 0; // not reached: best is one of the values
}
#endif

// flags[x] = 1 where pixel x of a row is labelled background and a later class has a larger
// probability than background: exactly where the first largest class is an object. Each
// pixel's comparisons are independent (no chain through a running maximum) and, with the
// class count known when compiled, a few instructions; the search for the largest class ran
// on every background pixel, a quarter of the window's scan of a set of small samples.
template <int kC>
void beatenBackground(const std::uint16_t* label, const float* p, int width, std::uint8_t* flags) {
    for (int x = 0; x < width; ++x, p += kC) {
        bool beaten = false;
        for (int c = 1; c < kC; ++c)
            beaten |= p[c] > p[0];
        flags[x] = static_cast<std::uint8_t>(beaten & (label[x] == 0));
    }
}

bool noneOfEight(const std::uint8_t* flags) {
    std::uint64_t eight = 0;
    std::memcpy(&eight, flags, sizeof eight);
    return eight == 0;
}

#if defined(__x86_64__) && defined(__GNUC__)
// Eight classes an instruction against background's probability. classes >= 9.
__attribute__((target("avx2"))) void beatenBackgroundAvx2(const std::uint16_t* label,
                                                          const float* p, int width, int classes,
                                                          std::uint8_t* flags) {
    const auto stride = static_cast<std::size_t>(classes);
    for (int x = 0; x < width; ++x, p += stride) {
        const __m256 background = _mm256_set1_ps(p[0]);
        __m256 larger = _mm256_setzero_ps();
        int c = 1;
        for (; c + 8 <= classes; c += 8)
            larger =
                _mm256_or_ps(larger, _mm256_cmp_ps(_mm256_loadu_ps(p + c), background, _CMP_GT_OQ));
        bool beaten = _mm256_movemask_ps(larger) != 0;
        for (; c < classes; ++c)
            beaten |= p[c] > p[0];
        flags[x] = static_cast<std::uint8_t>(beaten & (label[x] == 0));
    }
}
#endif

void beatenBackground(const std::uint16_t* label, const float* p, int width, int classes,
                      std::uint8_t* flags) {
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool avx2 = __builtin_cpu_supports("avx2");
    if (avx2 && classes >= 9)
        return beatenBackgroundAvx2(label, p, width, classes, flags);
#endif
    switch (classes) {
    case 2:
        return beatenBackground<2>(label, p, width, flags);
    case 3:
        return beatenBackground<3>(label, p, width, flags);
    case 4:
        return beatenBackground<4>(label, p, width, flags);
    default:
        break;
    }
    const auto stride = static_cast<std::size_t>(classes);
    for (int x = 0; x < width; ++x, p += stride) {
        bool beaten = false;
        for (int c = 1; c < classes; ++c)
            beaten |= p[c] > p[0];
        flags[x] = static_cast<std::uint8_t>(beaten & (label[x] == 0));
    }
}

// A row's flags from the pass's marks: the same pixels beatenBackground finds (labelled 0,
// first largest class not 0), without reading the row's probabilities.
void markedRow(const CandidatePixels& marked, std::size_t first, int width, std::uint8_t* flags) {
    const auto n = static_cast<std::size_t>(width);
    std::size_t x = 0;
    while (x < n) {
        const std::size_t at = first + x;
        if (at % 64 == 0 && x + 64 <= n && marked.word(at / 64) == 0) {
            std::memset(flags + x, 0, 64); // the common case: no candidate pixel in 64
            x += 64;
            continue;
        }
        flags[x] = marked.test(at) ? 1 : 0;
        ++x;
    }
}

int firstLargest(const float* p, int classes, float& best) {
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool avx2 = __builtin_cpu_supports("avx2");
    if (avx2 && classes >= 8)
        return firstLargestAvx2(p, classes, best);
#endif
    return firstLargestPortable(p, classes, best);
}

} // namespace

namespace {

// Background-labelled pixels whose argmax is a class (not background) with at least the
// confidence asked for, as runs along each row, joined to the touching runs of the row above.
void candidateRuns(const LabelMap& labels, const Prediction& prediction,
                   const CandidateOptions& options, const CandidatePixels* marked,
                   std::vector<Run>& runs) {
    const int width = labels.width();
    const int height = labels.height();
    const int classes = prediction.classes();
    runs.clear();
    const std::size_t stride = static_cast<std::size_t>(classes);
    std::size_t previousRow = 0;
    // Kept per thread: no allocation per sample in a scan's steady state.
    thread_local std::vector<std::uint8_t> flags;
    flags.resize(static_cast<std::size_t>(width));
    for (int y = 0; y < height; ++y) {
        const std::size_t rowStart = runs.size();
        const std::uint16_t* label = labels.data() + static_cast<std::size_t>(y) * width;
        const float* row = prediction.data() + static_cast<std::size_t>(y) * width * stride;
        if (marked != nullptr)
            markedRow(*marked, static_cast<std::size_t>(y) * static_cast<std::size_t>(width), width,
                      flags.data());
        else
            beatenBackground(label, row, width, classes, flags.data());
        bool open = false;
        for (int x = 0; x < width; ++x) {
            if (flags[static_cast<std::size_t>(x)] == 0) {
                // Eight pixels at a time through a row's stretches of no candidate.
                while (x + 8 <= width && noneOfEight(flags.data() + x))
                    x += 8;
                open = false;
                if (x >= width || flags[static_cast<std::size_t>(x)] == 0)
                    continue;
            }
            const float* probs = row + static_cast<std::size_t>(x) * stride;
            float best = 0.0f;
            const int k = firstLargest(probs, classes, best);
            if (k == 0 || !(best >= options.minConfidence)) {
                open = false;
                continue;
            }
            if (!open || runs.back().k != k) {
                runs.push_back({y, x, x, k, runs.size(), 0, 0});
                open = true;
            }
            Run& run = runs.back();
            run.x1 = x + 1;
            run.confidence += fixedPoint(static_cast<double>(best));
            const float q0 = std::clamp(probs[0], kEps, 1.0f - kEps);
            run.penalty += fixedPoint(-std::log(static_cast<double>(q0)));
        }
        if (y > 0)
            joinRows(runs, previousRow, rowStart, runs.size());
        previousRow = rowStart;
    }
}

// A connected region of one class being gathered from its runs.
struct Component {
    Candidate candidate;
    Sum confidence = 0;
    Sum penalty = 0;
    int right = 0;
    int bottom = 0;
};

// Runs whose buffers a thread keeps for its next sample (a few MB): a small sample reuses
// them; a big one allocates its own, so no thread holds a big sample's memory afterwards.
constexpr std::size_t kKeptRuns = std::size_t{1} << 16;

// The components of at least minArea pixels in order of their first run, each run handed to
// its root's component. Areas are summed at the roots first, so the many specks below
// minArea are never built (each was a Candidate and a runs vector grown run by run, and
// their allocations were a fifth of the finder's time on small samples).
std::vector<Component> componentsOf(std::vector<Run>& runs, int width, std::int64_t minArea) {
    // Per run: its root; at a root, its component's area, run count and (once built) index.
    struct Tally {
        std::size_t root = 0;
        std::int64_t area = 0;
        std::size_t runs = 0;
        std::size_t component = 0;
    };
    thread_local std::vector<Tally> tally; // kept per thread, as the runs
    tally.assign(runs.size(), Tally{});
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const std::size_t root = findRoot(runs, i);
        tally[i].root = root;
        tally[root].area += runs[i].x1 - runs[i].x0;
        ++tally[root].runs;
    }
    std::vector<Component> components;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const std::size_t root = tally[i].root;
        if (tally[root].area < minArea)
            continue;
        const Run& run = runs[i];
        if (root == i) {
            tally[i].component = components.size();
            Component component;
            component.candidate.classId = run.k;
            component.candidate.firstPixel = static_cast<std::int64_t>(run.y) * width + run.x0;
            component.candidate.bbox = {run.x0, run.y, 0, 0};
            component.candidate.runs.reserve(tally[i].runs);
            component.right = run.x1;
            component.bottom = run.y + 1;
            components.push_back(std::move(component));
        }
        Component& c = components[tally[root].component];
        c.candidate.area += run.x1 - run.x0;
        c.candidate.bbox.x = std::min(c.candidate.bbox.x, run.x0);
        c.right = std::max(c.right, run.x1);
        c.bottom = run.y + 1;
        c.confidence += run.confidence;
        c.penalty += run.penalty;
        c.candidate.runs.push_back({run.y, run.x0, run.x1});
    }
    if (tally.capacity() > kKeptRuns)
        tally = {};
    return components;
}

} // namespace

std::vector<Candidate> findCandidates(const LabelMap& labels, const Prediction& prediction,
                                      int ignoreIndex, std::span<const std::uint8_t> missing,
                                      const CandidateOptions& options,
                                      const CandidatePixels* marked) {
    const int width = labels.width();
    const int height = labels.height();
    const int classes = prediction.classes();
    if (ignoreIndex == 0 || prediction.width() != width || prediction.height() != height ||
        classes < 2)
        return {};
    if (marked != nullptr && !marked->complete(labels.pixelCount()))
        marked = nullptr;
    // Kept per thread: no allocation per sample in a scan's steady state.
    thread_local std::vector<Run> runs;
    candidateRuns(labels, prediction, options, marked, runs);
    std::vector<Component> components = componentsOf(runs, width, options.minArea);
    if (runs.capacity() > kKeptRuns)
        runs = {}; // a big sample's runs are not held by the thread

    std::vector<Candidate> found;
    found.reserve(components.size());
    for (Component& c : components) {
        Candidate& candidate = c.candidate;
        candidate.bbox.w = c.right - candidate.bbox.x;
        candidate.bbox.h = c.bottom - candidate.bbox.y;
        candidate.confidence = fromFixedPoint(c.confidence) / static_cast<double>(candidate.area);
        candidate.penalty = fromFixedPoint(c.penalty);
        const auto k = static_cast<std::size_t>(candidate.classId);
        candidate.missing = k < missing.size() && missing[k] != 0;
        candidate.imageWidth = width;
        candidate.imageHeight = height;
        found.push_back(std::move(candidate));
    }
    std::sort(found.begin(), found.end(), rankedBefore);
    for (std::size_t i = 0; i < found.size(); ++i)
        found[i].id = static_cast<int>(i) + 1;
    return found;
}

std::vector<Candidate> candidatesOf(const LoadedSample& sample, const std::vector<int>& missing,
                                    const std::string& stem, const std::string& run,
                                    const CandidateOptions& options,
                                    const CandidatePixels* marked) {
    std::vector<std::uint8_t> mask(static_cast<std::size_t>(sample.prediction.classes()), 0);
    for (const int c : missing)
        if (c > 0 && c < static_cast<int>(mask.size()))
            mask[static_cast<std::size_t>(c)] = 1;
    std::vector<Candidate> found =
        findCandidates(sample.labels, sample.prediction, sample.ignoreIndex, mask, options, marked);
    for (Candidate& c : found) {
        c.stem = stem;
        c.run = run;
    }
    return found;
}

} // namespace losslens
