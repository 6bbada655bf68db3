#include "FileCheck.h"
#include "losslens/io/DataError.h"
#include "losslens/io/FileBytes.h"
#include "losslens/io/NpyArray.h"
#include "losslens/io/NpyFile.h"

#include "Describe.h"
#include "NpyFormat.h"
#include "loss/HalfFloat.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <sys/stat.h>
#include <type_traits>
#include <unistd.h>

namespace losslens {

namespace detail {

bool isNativeFloat16(const NpyHeader& h) {
    const bool native =
        h.byteOrder == '|' || (h.byteOrder == '<') == (std::endian::native == std::endian::little);
    return h.kind == 'f' && h.itemSize == 2 && native;
}

float readElement(const std::byte* p, const NpyHeader& h) {
    unsigned char b[8];
    std::memcpy(b, p, static_cast<std::size_t>(h.itemSize));
    const bool swap = (h.byteOrder == '>') != (std::endian::native == std::endian::big);
    if (swap)
        for (int i = 0; i < h.itemSize / 2; ++i)
            std::swap(b[i], b[h.itemSize - 1 - i]);
    switch (h.itemSize) {
    case 2: {
        std::uint16_t v;
        std::memcpy(&v, b, 2);
        return halfToFloat(v);
    }
    case 4: {
        float v;
        std::memcpy(&v, b, 4);
        return v;
    }
    default: {
        double v;
        std::memcpy(&v, b, 8);
        return static_cast<float>(v);
    }
    }
}

using detail::shapeText;

// float32 in this machine's byte order and C order: the data is the array, byte for byte.
bool isNativeFloat32(const NpyHeader& h) {
    const bool native =
        h.byteOrder == '|' || (h.byteOrder == '<') == (std::endian::native == std::endian::little);
    return h.kind == 'f' && h.itemSize == 4 && native && (!h.fortranOrder || h.shape.size() < 2);
}

void checkDataSize(const NpyHeader& header, std::int64_t available) {
    const std::int64_t claimed = header.elementCount() * header.itemSize;
    if (claimed > available)
        fail("truncated: the header claims shape " + shapeText(header.shape) + " (" +
             std::to_string(claimed) + " data bytes) but the file holds " +
             std::to_string(available));
    if (claimed < available)
        fail("the file holds " + std::to_string(available - claimed) +
             " bytes after the data its header describes");
}

void convertElements(const NpyHeader& header, const std::byte* in, float* out, std::size_t n) {
    if (isNativeFloat16(header)) {
        halvesToFloats(in, out, n);
        return;
    }
    const auto itemSize = static_cast<std::size_t>(header.itemSize);
    for (std::size_t i = 0; i < n; ++i)
        out[i] = readElement(in + i * itemSize, header);
}

} // namespace detail

namespace {

using detail::checkDataSize;
using detail::fail;
using detail::halvesToFloats;
using detail::isNativeFloat16;
using detail::isNativeFloat32;
using detail::kMaxNpyHeaderLength;
using detail::readElement;

} // namespace

NpyArray decodeNpy(std::span<const std::byte> bytes, const DataLimits& limits) {
    const NpyHeader header = parseNpyHeader(bytes);
    const std::int64_t count = header.elementCount();
    checkDataSize(header, static_cast<std::int64_t>(bytes.size() - header.dataOffset));
    if (count > limits.maxPixels * limits.maxClasses)
        fail("array of " + std::to_string(count) + " elements exceeds the limits");

    NpyArray array;
    array.shape = header.shape;
    array.data.resize(static_cast<std::size_t>(count));
    const std::byte* data = bytes.data() + header.dataOffset;
    const auto itemSize = static_cast<std::size_t>(header.itemSize);
    if (isNativeFloat32(header)) {
        std::memcpy(array.data.data(), data, array.data.size() * sizeof(float));
        return array;
    }
    if (!header.fortranOrder || header.shape.size() < 2) {
        if (isNativeFloat16(header)) {
            halvesToFloats(data, array.data.data(), array.data.size());
            return array;
        }
        for (std::size_t i = 0; i < array.data.size(); ++i)
            array.data[i] = readElement(data + i * itemSize, header);
        return array;
    }
    // Fortran order: the first axis varies fastest in the file. Walk the file in order,
    // keeping the multi-index, and place each element at its C-order position.
    const std::size_t rank = header.shape.size();
    std::vector<std::size_t> cStride(rank, 1);
    for (std::size_t a = rank - 1; a-- > 0;)
        cStride[a] = cStride[a + 1] * static_cast<std::size_t>(header.shape[a + 1]);
    std::vector<std::int64_t> index(rank, 0);
    for (std::size_t f = 0; f < array.data.size(); ++f) {
        std::size_t c = 0;
        for (std::size_t a = 0; a < rank; ++a)
            c += static_cast<std::size_t>(index[a]) * cStride[a];
        array.data[c] = readElement(data + f * itemSize, header);
        for (std::size_t a = 0; a < rank; ++a) {
            if (++index[a] < header.shape[a])
                break;
            index[a] = 0;
        }
    }
    return array;
}

NpyFile::NpyFile(const std::filesystem::path& file, const DataLimits& limits)
    : m_file(file)
    , m_limits(limits) {
    // One open for the checks and the reads. Non-blocking, so a FIFO is refused, not waited
    // on; regular files ignore the flag.
    m_fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (m_fd < 0)
        throw DataError(file, "cannot read: " + std::string(std::strerror(errno)));
    if (const std::string problem = detail::openFileProblem(m_fd, limits.maxFileBytes, m_size);
        !problem.empty()) {
        ::close(m_fd);
        throw DataError(file, problem);
    }
    try {
        // The header alone: its length is in bytes 8-11, so two small reads.
        std::byte head[12] = {};
        const auto first = static_cast<std::size_t>(std::min<std::int64_t>(m_size, 12));
        readAt(0, head, static_cast<std::int64_t>(first));
        std::vector<std::byte> whole(head, head + first);
        if (first >= 10) {
            const bool v1 = std::to_integer<int>(head[6]) == 1;
            std::size_t length = std::to_integer<std::size_t>(head[8]) |
                                 (std::to_integer<std::size_t>(head[9]) << 8);
            if (!v1 && first >= 12)
                length |= (std::to_integer<std::size_t>(head[10]) << 16) |
                          (std::to_integer<std::size_t>(head[11]) << 24);
            const std::size_t wanted =
                std::min<std::size_t>(static_cast<std::size_t>(m_size),
                                      (v1 ? 10 : 12) + std::min(length, kMaxNpyHeaderLength));
            whole.resize(wanted);
            readAt(0, whole.data(), static_cast<std::int64_t>(wanted));
        }
        try {
            m_header = parseNpyHeader(whole);
            (void)m_header.elementCount(); // overflow is a header error
        } catch (const std::exception& e) {
            throw DataError(m_file, e.what());
        }
    } catch (...) {
        ::close(m_fd);
        throw;
    }
}

NpyFile::~NpyFile() {
    ::close(m_fd);
}

void NpyFile::readAt(std::int64_t offset, void* to, std::int64_t count) const {
    auto* out = static_cast<char*>(to);
    std::int64_t done = 0;
    while (done < count) {
        const ssize_t n = ::pread(m_fd, out + done, static_cast<std::size_t>(count - done),
                                  static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw DataError(m_file, "cannot read: " + std::string(std::strerror(errno)));
        if (n == 0) // shrunk since it was opened (a writer is rewriting it)
            throw DataError(m_file, "changed while being read: " + std::to_string(done) + " of " +
                                        std::to_string(count) + " bytes at " +
                                        std::to_string(offset));
        done += n;
    }
}

std::int64_t NpyFile::readingCost() const {
    return m_header.fortranOrder && m_header.shape.size() >= 2 ? m_size : 0;
}

bool NpyFile::sizeMatches() const {
    return m_header.elementCount() * m_header.itemSize ==
           m_size - static_cast<std::int64_t>(m_header.dataOffset);
}

std::int64_t NpyFile::checkedCount() const {
    const std::int64_t count = m_header.elementCount();
    try {
        checkDataSize(m_header, m_size - static_cast<std::int64_t>(m_header.dataOffset));
        if (count > m_limits.maxPixels * m_limits.maxClasses)
            fail("array of " + std::to_string(count) + " elements exceeds the limits");
    } catch (const std::exception& e) {
        throw DataError(m_file, e.what());
    }
    return count;
}

bool NpyFile::readHalvesInto(Raster<std::uint16_t>::Storage& halves) {
    if (!isNativeFloat16(m_header) || (m_header.fortranOrder && m_header.shape.size() >= 2))
        return false;
    const std::int64_t count = checkedCount();
    halves.resize(static_cast<std::size_t>(count));
    readBlocks(halves.data(), halves.size());
    return true;
}

void NpyFile::readInto(Raster<float>::Storage& data) {
    read(data);
}

void NpyFile::readInto(std::vector<float>& data) {
    read(data);
}

template <typename Floats> void NpyFile::read(Floats& data) {
    const NpyHeader& header = m_header;
    if (header.fortranOrder && header.shape.size() >= 2) {
        // Fortran order is reordered from the whole file in memory (the file and the array;
        // the file is gone before the array is copied anywhere).
        NpyArray array;
        try {
            array = decodeNpy(readFileBytes(m_file, m_limits.maxFileBytes), m_limits);
        } catch (const DataError&) {
            throw;
        } catch (const std::exception& e) {
            throw DataError(m_file, e.what());
        }
        if constexpr (std::is_same_v<Floats, std::vector<float>>)
            data = std::move(array.data);
        else
            data.assign(array.data.begin(), array.data.end());
        return;
    }
    // C order: the data straight into the array (float32 in native order) or converted a
    // block at a time (float16, float64, the other byte order); never a second copy of the
    // whole file in memory. The file's real size (bounded by maxFileBytes) is what the
    // header's claims are checked against before the buffer is sized by them.
    const std::int64_t count = checkedCount();
    data.resize(static_cast<std::size_t>(count));
    const auto offset = static_cast<std::int64_t>(header.dataOffset);
    if (isNativeFloat32(header)) {
        readBlocks(data.data(), data.size());
        return;
    }
    // 256 KiB blocks, kept per thread: converted while in cache, and no allocation per file.
    const auto itemSize = static_cast<std::size_t>(header.itemSize);
    thread_local std::vector<std::byte> buffer(std::size_t{1} << 18);
    const std::size_t chunk = buffer.size() / itemSize;
    for (std::size_t start = 0; start < data.size(); start += chunk) {
        const std::size_t n = std::min(chunk, data.size() - start);
        readAt(offset + static_cast<std::int64_t>(start * itemSize), buffer.data(),
               static_cast<std::int64_t>(n * itemSize));
        if (isNativeFloat16(header))
            halvesToFloats(buffer.data(), data.data() + start, n);
        else
            for (std::size_t i = 0; i < n; ++i)
                data[start + i] = readElement(buffer.data() + i * itemSize, header);
        blockPlaced(start + n);
    }
}

// The file's values straight into `to`, 256 KiB at a time, each block announced while it is
// in cache (the value check reads it there: one read of the prediction from memory).
template <typename T> void NpyFile::readBlocks(T* to, std::size_t count) const {
    constexpr std::size_t kBlock = (std::size_t{256} << 10) / sizeof(T);
    const auto offset = static_cast<std::int64_t>(m_header.dataOffset);
    for (std::size_t start = 0; start < count; start += kBlock) {
        const std::size_t n = std::min(kBlock, count - start);
        readAt(offset + static_cast<std::int64_t>(start * sizeof(T)), to + start,
               static_cast<std::int64_t>(n * sizeof(T)));
        blockPlaced(start + n);
    }
}

FileState npyState(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return FileState::Bad;
    struct stat st {};
    FileState state = FileState::Bad;
    // The first bytes: magic, version and the header's length; most headers fit in them.
    std::vector<std::byte> head(256);
    const auto readFrom0 = [&](std::size_t count) {
        head.resize(count);
        std::size_t done = 0;
        while (done < count) {
            const ssize_t n =
                ::pread(fd, head.data() + done, count - done, static_cast<off_t>(done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            done += static_cast<std::size_t>(n);
        }
        head.resize(done);
    };
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        const auto size = static_cast<std::int64_t>(st.st_size);
        readFrom0(static_cast<std::size_t>(std::min<std::int64_t>(size, 256)));
        static constexpr char kMagic[] = "\x93NUMPY";
        const std::size_t known = std::min<std::size_t>(head.size(), 6);
        if (size == 0)
            state = FileState::Incomplete; // just created: its writer has not written yet
        else if (std::memcmp(head.data(), kMagic, known) != 0)
            state = FileState::Bad;
        else if (head.size() < 12)
            state = FileState::Incomplete;
        else {
            const auto byte = [&](std::size_t i) { return std::to_integer<std::int64_t>(head[i]); };
            const bool v1 = byte(6) == 1;
            std::int64_t length = byte(8) | byte(9) << 8;
            if (!v1)
                length |= byte(10) << 16 | byte(11) << 24;
            const std::int64_t headerEnd = (v1 ? 10 : 12) + length;
            if (length > static_cast<std::int64_t>(kMaxNpyHeaderLength))
                state = FileState::Bad;
            else if (size < headerEnd)
                state = FileState::Incomplete;
            else {
                if (static_cast<std::int64_t>(head.size()) < headerEnd)
                    readFrom0(static_cast<std::size_t>(headerEnd));
                if (static_cast<std::int64_t>(head.size()) < headerEnd)
                    state = FileState::Incomplete; // shrunk meanwhile: being rewritten
                else
                    try {
                        const NpyHeader header = parseNpyHeader(head);
                        const std::int64_t expected = static_cast<std::int64_t>(header.dataOffset) +
                                                      header.elementCount() * header.itemSize;
                        state = size < expected ? FileState::Incomplete : FileState::Complete;
                    } catch (const std::exception&) {
                        state = FileState::Bad; // a header numpy would not write: scoring says why
                    }
            }
        }
    }
    ::close(fd);
    return state;
}

NpyArray readNpy(const std::filesystem::path& file, const DataLimits& limits) {
    NpyFile npy(file, limits);
    NpyArray array;
    npy.readInto(array.data);
    array.shape = npy.header().shape;
    return array;
}

} // namespace losslens
