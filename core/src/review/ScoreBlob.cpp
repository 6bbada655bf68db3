#include "ScoreBlob.h"

#include "losslens/set/SampleStatistics.h"

#include <bit>
#include <cstring>
#include <string>

namespace losslens::detail {

namespace {

// Bumped whenever what is written changes: older rows then decode as misses.
constexpr std::uint8_t kOutcomeFormat = 1;
constexpr std::uint8_t kCandidatesFormat = 1;

class Writer {
public:
    void u(std::uint64_t v) {
        while (v >= 0x80) {
            m_bytes.push_back(static_cast<std::uint8_t>(v | 0x80));
            v >>= 7;
        }
        m_bytes.push_back(static_cast<std::uint8_t>(v));
    }
    void i(std::int64_t v) { // zigzag
        u((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
    }
    void f64(double v) { raw(std::bit_cast<std::uint64_t>(v), 8); }
    void f32(float v) { raw(std::bit_cast<std::uint32_t>(v), 4); }
    void text(const std::string& s) {
        u(s.size());
        m_bytes.insert(m_bytes.end(), s.begin(), s.end());
    }
    template <typename T, typename F> void list(const std::vector<T>& v, F each) {
        u(v.size());
        for (const T& x : v)
            each(x);
    }
    std::vector<std::uint8_t> take() { return std::move(m_bytes); }

private:
    void raw(std::uint64_t bits, int bytes) {
        for (int b = 0; b < bytes; ++b)
            m_bytes.push_back(static_cast<std::uint8_t>(bits >> (8 * b)));
    }
    std::vector<std::uint8_t> m_bytes;
};

// Every read checks what is left; once anything is wrong, `ok` stays false and reads give 0.
class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> bytes)
        : m_bytes(bytes) {}
    bool ok = true;
    [[nodiscard]] bool atEnd() const { return m_at == m_bytes.size(); }

    std::uint64_t u() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!ok || m_at >= m_bytes.size())
                return fail();
            const std::uint8_t b = m_bytes[m_at++];
            v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
                return v;
        }
        return fail();
    }
    std::int64_t i() {
        const std::uint64_t z = u();
        return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
    }
    int small() { // an int that must fit one
        const std::int64_t v = i();
        if (v < INT32_MIN || v > INT32_MAX)
            return static_cast<int>(fail());
        return static_cast<int>(v);
    }
    double f64() { return std::bit_cast<double>(static_cast<std::uint64_t>(raw(8))); }
    float f32() { return std::bit_cast<float>(static_cast<std::uint32_t>(raw(4))); }
    std::string text() {
        const std::uint64_t n = count(1);
        std::string s(reinterpret_cast<const char*>(m_bytes.data() + m_at), n);
        m_at += n;
        return s;
    }
    // A count of items of at least `itemBytes` bytes each: never more than the bytes left
    // could hold, so no vector is sized by a damaged row.
    std::size_t count(std::size_t itemBytes) {
        const std::uint64_t n = u();
        if (!ok || n > (m_bytes.size() - m_at) / itemBytes)
            return static_cast<std::size_t>(fail());
        return static_cast<std::size_t>(n);
    }
    template <typename T, typename F> void list(std::vector<T>& v, std::size_t itemBytes, F each) {
        const std::size_t n = count(itemBytes);
        v.clear();
        v.reserve(n);
        for (std::size_t k = 0; k < n && ok; ++k)
            v.push_back(each());
    }

private:
    std::uint64_t fail() {
        ok = false;
        return 0;
    }
    std::uint64_t raw(int bytes) {
        if (!ok || m_bytes.size() - m_at < static_cast<std::size_t>(bytes))
            return fail();
        std::uint64_t bits = 0;
        for (int b = 0; b < bytes; ++b)
            bits |= static_cast<std::uint64_t>(m_bytes[m_at++]) << (8 * b);
        return bits;
    }
    std::span<const std::uint8_t> m_bytes;
    std::size_t m_at = 0;
};

void writeStatistics(Writer& w, const SampleStatistics& s) {
    w.f32(s.maxLoss);
    w.list(s.maxDifferences, [&](float v) { w.f32(v); });
    w.list(s.histograms, [&](const LossHistogram& h) {
        w.f32(h.lo);
        w.f32(h.hi);
        w.list(h.counts, [&](std::int64_t c) { w.i(c); });
    });
    // Most of the fine grid is empty: (bin, count) pairs of the bins that are not.
    const auto& counts = s.quantiles.counts();
    std::size_t used = 0;
    for (const std::int64_t c : counts)
        used += c != 0 ? 1 : 0;
    w.u(used);
    for (std::size_t b = 0; b < counts.size(); ++b)
        if (counts[b] != 0) {
            w.u(b);
            w.i(counts[b]);
        }
}

SampleStatistics readStatistics(Reader& r) {
    SampleStatistics s;
    s.maxLoss = r.f32();
    r.list(s.maxDifferences, 4, [&] { return r.f32(); });
    r.list(s.histograms, 9, [&] {
        LossHistogram h;
        h.lo = r.f32();
        h.hi = r.f32();
        r.list(h.counts, 1, [&] { return r.i(); });
        return h;
    });
    const std::size_t used = r.count(2);
    for (std::size_t k = 0; k < used && r.ok; ++k) {
        const std::uint64_t bin = r.u();
        const std::int64_t count = r.i();
        if (bin >= static_cast<std::uint64_t>(LossQuantiles::kBins) || count <= 0) {
            r.ok = false;
            break;
        }
        s.quantiles.addToBin(static_cast<int>(bin), count);
    }
    return s;
}

} // namespace

std::vector<std::uint8_t> encodeOutcome(const SampleOutcome& outcome) {
    Writer w;
    w.u(kOutcomeFormat);
    const SampleSummary& s = outcome.summary;
    w.i(s.classes);
    w.list(s.missing, [&](int c) { w.i(c); });
    w.i(static_cast<std::int64_t>(s.missingSource));
    w.i(s.validPixels);
    w.i(s.backgroundPixels);
    w.i(s.removedPixels);
    const auto doubles = [&](const std::vector<double>& v) {
        w.list(v, [&](double d) { w.f64(d); });
    };
    const auto integers = [&](const std::vector<std::int64_t>& v) {
        w.list(v, [&](std::int64_t x) { w.i(x); });
    };
    doubles(s.sums);
    doubles(s.weights);
    w.list(s.classSums, doubles);
    w.list(s.classReduced, integers);
    integers(s.classPixels);
    w.list(outcome.warnings, [&](const std::string& t) { w.text(t); });
    const bool statistics = outcome.statistics.histograms.size() > 0;
    w.u(statistics ? 1 : 0);
    if (statistics)
        writeStatistics(w, outcome.statistics);
    return w.take();
}

bool decodeOutcome(std::span<const std::uint8_t> blob, bool statistics, SampleOutcome& outcome) {
    Reader r(blob);
    if (r.u() != kOutcomeFormat)
        return false;
    SampleSummary s;
    s.classes = r.small();
    r.list(s.missing, 1, [&] { return r.small(); });
    const int source = r.small();
    if (source < 0 || source > static_cast<int>(MissingSource::Declared))
        return false;
    s.missingSource = static_cast<MissingSource>(source);
    s.validPixels = r.i();
    s.backgroundPixels = r.i();
    s.removedPixels = r.i();
    const auto doubles = [&] {
        std::vector<double> v;
        r.list(v, 8, [&] { return r.f64(); });
        return v;
    };
    const auto integers = [&] {
        std::vector<std::int64_t> v;
        r.list(v, 1, [&] { return r.i(); });
        return v;
    };
    s.sums = doubles();
    s.weights = doubles();
    r.list(s.classSums, 1, doubles);
    r.list(s.classReduced, 1, integers);
    s.classPixels = integers();
    std::vector<std::string> warnings;
    r.list(warnings, 1, [&] { return r.text(); });
    const bool has = r.u() == 1;
    SampleStatistics stats;
    if (has)
        stats = readStatistics(r);
    if (!r.ok || !r.atEnd() || (statistics && !has))
        return false;
    outcome.ok = true;
    outcome.summary = std::move(s);
    outcome.warnings = std::move(warnings);
    outcome.statistics = statistics ? std::move(stats) : SampleStatistics();
    return true;
}

std::vector<std::uint8_t> encodeCandidates(const KeptCandidates& kept) {
    Writer w;
    w.u(kCandidatesFormat);
    w.i(kept.width);
    w.i(kept.height);
    w.list(kept.found, [&](const Candidate& c) {
        w.i(c.id);
        w.i(c.classId);
        w.i(c.area);
        w.i(c.bbox.x);
        w.i(c.bbox.y);
        w.i(c.bbox.w);
        w.i(c.bbox.h);
        w.f64(c.confidence);
        w.f64(c.penalty);
        w.u(c.missing ? 1 : 0);
        w.i(c.firstPixel);
        w.i(c.imageWidth);
        w.i(c.imageHeight);
        w.list(c.runs, [&](const PixelRun& run) {
            w.i(run.y);
            w.i(run.x0);
            w.i(run.x1);
        });
    });
    return w.take();
}

bool decodeCandidates(std::span<const std::uint8_t> blob, KeptCandidates& kept) {
    Reader r(blob);
    if (r.u() != kCandidatesFormat)
        return false;
    KeptCandidates out;
    out.width = r.small();
    out.height = r.small();
    r.list(out.found, 20, [&] {
        Candidate c;
        c.id = r.small();
        c.classId = r.small();
        c.area = r.i();
        c.bbox = {r.small(), r.small(), r.small(), r.small()};
        c.confidence = r.f64();
        c.penalty = r.f64();
        c.missing = r.u() == 1;
        c.firstPixel = r.i();
        c.imageWidth = r.small();
        c.imageHeight = r.small();
        r.list(c.runs, 3, [&] {
            PixelRun run;
            run.y = r.small();
            run.x0 = r.small();
            run.x1 = r.small();
            return run;
        });
        return c;
    });
    if (!r.ok || !r.atEnd())
        return false;
    kept = std::move(out);
    return true;
}

} // namespace losslens::detail
