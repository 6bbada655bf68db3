#include "losslens/io/CocoRle.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace losslens {

namespace {

// Appends the 1s of [start, end) (column-major indices, increasing) to counts that have
// covered `pos` pixels so far, merging with a 1s run that ends where this one starts.
void appendOnes(RleCounts& counts, std::uint64_t& pos, std::uint64_t start, std::uint64_t end) {
    if (start == pos && !counts.empty() && counts.size() % 2 == 0) {
        counts.back() += static_cast<std::uint32_t>(end - start);
    } else {
        counts.push_back(static_cast<std::uint32_t>(start - pos));
        counts.push_back(static_cast<std::uint32_t>(end - start));
    }
    pos = end;
}

} // namespace

RleCounts rleFromRuns(std::span<const PixelRun> runs, int width, int height) {
    const std::uint64_t total = static_cast<std::uint64_t>(std::max(width, 0)) *
                                static_cast<std::uint64_t>(std::max(height, 0));
    if (total > std::numeric_limits<std::uint32_t>::max())
        throw std::invalid_argument("RLE: an image of more than 2^32 pixels");
    RleCounts counts;
    std::uint64_t pos = 0;
    if (!runs.empty()) {
        int top = height, bottom = 0, left = width, right = 0;
        for (const PixelRun& r : runs) {
            if (r.y < 0 || r.y >= height || r.x0 < 0 || r.x1 > width || r.x0 >= r.x1)
                throw std::invalid_argument("RLE: a run outside the image");
            top = std::min(top, r.y);
            bottom = std::max(bottom, r.y + 1);
            left = std::min(left, r.x0);
            right = std::max(right, r.x1);
        }
        // A sweep over the columns of the box: which rows are set in the current column.
        struct Event {
            int x;
            int y;
            bool on;
        };
        std::vector<Event> events;
        events.reserve(runs.size() * 2);
        for (const PixelRun& r : runs) {
            events.push_back({r.x0, r.y, true});
            events.push_back({r.x1, r.y, false});
        }
        std::sort(events.begin(), events.end(),
                  [](const Event& a, const Event& b) { return a.x < b.x; });
        std::vector<std::uint8_t> set(static_cast<std::size_t>(bottom - top), 0);
        std::size_t next = 0;
        for (int x = left; x < right; ++x) {
            for (; next < events.size() && events[next].x == x; ++next) {
                std::uint8_t& flag = set[static_cast<std::size_t>(events[next].y - top)];
                flag = static_cast<std::uint8_t>(flag + (events[next].on ? 1 : -1));
            }
            const std::uint64_t column = static_cast<std::uint64_t>(x) * height;
            for (int y = top; y < bottom;) {
                if (set[static_cast<std::size_t>(y - top)] == 0) {
                    ++y;
                    continue;
                }
                const int start = y;
                while (y < bottom && set[static_cast<std::size_t>(y - top)] != 0)
                    ++y;
                appendOnes(counts, pos, column + static_cast<std::uint64_t>(start),
                           column + static_cast<std::uint64_t>(y));
            }
        }
    }
    if (pos < total || counts.empty())
        counts.push_back(static_cast<std::uint32_t>(total - pos));
    return counts;
}

std::string rleToString(std::span<const std::uint32_t> counts) {
    std::string text;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        long long x = counts[i];
        if (i > 2)
            x -= static_cast<long long>(counts[i - 2]);
        bool more = true;
        while (more) {
            int c = static_cast<int>(x & 0x1f);
            x >>= 5; // arithmetic: a negative difference keeps its sign bits
            more = (c & 0x10) ? x != -1 : x != 0;
            if (more)
                c |= 0x20;
            text.push_back(static_cast<char>(c + 48));
        }
    }
    return text;
}

RleCounts rleFromString(std::string_view text) {
    RleCounts counts;
    std::size_t p = 0;
    while (p < text.size()) {
        long long x = 0;
        int k = 0;
        bool more = true;
        while (more) {
            if (p >= text.size())
                throw std::invalid_argument("RLE string ends inside a count");
            const int c = static_cast<unsigned char>(text[p]) - 48;
            if (c < 0 || c > 63)
                throw std::invalid_argument("RLE string has a character outside its alphabet");
            if (k >= 12)
                throw std::invalid_argument("RLE string has a count too long");
            x |= static_cast<long long>(c & 0x1f) << (5 * k);
            more = (c & 0x20) != 0;
            ++p;
            ++k;
            if (!more && (c & 0x10))
                x |= -(1LL << (5 * k)); // sign-extend, as pycocotools does
        }
        if (counts.size() > 2)
            x += counts[counts.size() - 2];
        if (x < 0 || x > std::numeric_limits<std::uint32_t>::max())
            throw std::invalid_argument("RLE string decodes to a count out of range");
        counts.push_back(static_cast<std::uint32_t>(x));
    }
    return counts;
}

std::vector<PixelRun> runsFromRle(std::span<const std::uint32_t> counts, int width, int height) {
    if (width < 0 || height < 0)
        throw std::invalid_argument("RLE: negative size");
    const std::uint64_t total =
        static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
    std::uint64_t sum = 0;
    for (const std::uint32_t c : counts)
        sum += c;
    if (sum != total)
        throw std::invalid_argument("RLE counts sum to " + std::to_string(sum) +
                                    ", not h*w = " + std::to_string(total));
    std::vector<std::uint8_t> mask(static_cast<std::size_t>(total), 0);
    std::uint64_t pos = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        if (i % 2 == 1)
            for (std::uint64_t j = pos; j < pos + counts[i]; ++j) {
                const std::uint64_t x = j / static_cast<std::uint64_t>(height);
                const std::uint64_t y = j % static_cast<std::uint64_t>(height);
                mask[static_cast<std::size_t>(y * static_cast<std::uint64_t>(width) + x)] = 1;
            }
        pos += counts[i];
    }
    std::vector<PixelRun> runs;
    for (int y = 0; y < height; ++y) {
        const std::uint8_t* row = mask.data() + static_cast<std::size_t>(y) * width;
        for (int x = 0; x < width;) {
            if (row[x] == 0) {
                ++x;
                continue;
            }
            const int start = x;
            while (x < width && row[x] != 0)
                ++x;
            runs.push_back({y, start, x});
        }
    }
    return runs;
}

} // namespace losslens
