#include "losslens/io/NpzFile.h"

#include "losslens/io/DataError.h"

#include "Describe.h"
#include "FileCheck.h"
#include "NpyFormat.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <sys/stat.h>
#include <type_traits>
#include <unistd.h>
#include <zip.h>

namespace losslens {

namespace {

constexpr std::string_view kPredictionMember = "prediction.npy";

std::string zipReason(int code) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    return text;
}

// Opens `file` read-only for libzip; the descriptor is the archive's once this returns it.
// Non-blocking, so a FIFO is refused, not waited on. Throws the reason (no file name).
zip_t* openArchive(const std::filesystem::path& file, const DataLimits& limits, int* zipError) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        throw std::runtime_error("cannot read: " + std::string(std::strerror(errno)));
    std::int64_t size = 0;
    if (const std::string problem = detail::openFileProblem(fd, limits.maxFileBytes, size);
        !problem.empty()) {
        ::close(fd);
        throw std::runtime_error(problem);
    }
    zip_t* archive = zip_fdopen(fd, ZIP_RDONLY | ZIP_CHECKCONS, zipError);
    if (archive == nullptr)
        ::close(fd); // zip_fdopen owns the descriptor only when it succeeds
    return archive;
}

// The member holding the prediction: the one named `prediction`, else the only one.
// Returns its index, or throws the reason.
zip_uint64_t findMember(zip_t* archive) {
    const zip_int64_t count = zip_get_num_entries(archive, 0);
    std::vector<std::string> names;
    for (zip_int64_t i = 0; i < count; ++i) {
        const char* name = zip_get_name(archive, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
        names.emplace_back(name != nullptr ? name : "");
        if (names.back() == kPredictionMember)
            return static_cast<zip_uint64_t>(i);
    }
    if (count == 1)
        return 0;
    if (count <= 0)
        throw std::runtime_error("holds no array (an empty archive)");
    std::string list;
    for (std::size_t i = 0; i < names.size() && i < 5; ++i)
        list += (i ? ", " : "") + names[i];
    if (names.size() > 5)
        list += ", ...";
    throw std::runtime_error("holds " + std::to_string(count) + " arrays (" + list +
                             ") and none named \"prediction\": save one array, or name the "
                             "prediction (np.savez(file, prediction=array))");
}

} // namespace

NpzFile::NpzFile(const std::filesystem::path& file, const DataLimits& limits)
    : m_file(file)
    , m_limits(limits) {
    int code = 0;
    try {
        m_archive = openArchive(file, limits, &code);
    } catch (const std::exception& e) {
        throw DataError(file, e.what());
    }
    if (m_archive == nullptr)
        throw DataError(file, "is not a readable .npz (zip) archive: " + zipReason(code));
    try {
        zip_uint64_t index = 0;
        try {
            index = findMember(m_archive);
        } catch (const std::exception& e) {
            fail(e.what());
        }
        const char* name = zip_get_name(m_archive, index, ZIP_FL_ENC_RAW);
        m_member = name != nullptr ? name : "";
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(m_archive, index, 0, &st) != 0)
            fail("member " + m_member + ": " + zip_strerror(m_archive));
        if ((st.valid & ZIP_STAT_SIZE) == 0)
            fail("member " + m_member + " does not state its size");
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && st.encryption_method != ZIP_EM_NONE)
            fail("member " + m_member + " is encrypted");
        if ((st.valid & ZIP_STAT_COMP_METHOD) != 0 && st.comp_method != ZIP_CM_STORE &&
            st.comp_method != ZIP_CM_DEFLATE)
            fail("member " + m_member + " is compressed with zip method " +
                 std::to_string(st.comp_method) +
                 "; np.savez stores and np.savez_compressed deflates, both are read");
        if (st.size > static_cast<zip_uint64_t>(limits.maxFileBytes))
            fail("member " + m_member + " holds " + std::to_string(st.size) +
                 " bytes uncompressed, more than the limit of " +
                 std::to_string(limits.maxFileBytes));
        m_memberSize = static_cast<std::int64_t>(st.size);
        m_stream = zip_fopen_index(m_archive, index, 0);
        if (m_stream == nullptr)
            fail("member " + m_member + ": " + zip_strerror(m_archive));
        // The .npy header: its length is in bytes 8-11, so two reads.
        m_head.resize(static_cast<std::size_t>(std::min<std::int64_t>(m_memberSize, 12)));
        readNext(m_head.data(), static_cast<std::int64_t>(m_head.size()));
        if (m_head.size() >= 10) {
            const bool v1 = std::to_integer<int>(m_head[6]) == 1;
            std::size_t length = std::to_integer<std::size_t>(m_head[8]) |
                                 (std::to_integer<std::size_t>(m_head[9]) << 8);
            if (!v1 && m_head.size() >= 12)
                length |= (std::to_integer<std::size_t>(m_head[10]) << 16) |
                          (std::to_integer<std::size_t>(m_head[11]) << 24);
            const std::size_t wanted = std::min<std::size_t>(
                static_cast<std::size_t>(m_memberSize),
                (v1 ? 10 : 12) + std::min(length, detail::kMaxNpyHeaderLength));
            const std::size_t had = m_head.size();
            if (wanted > had) {
                m_head.resize(wanted);
                readNext(m_head.data() + had, static_cast<std::int64_t>(wanted - had));
            }
        }
        try {
            m_header = parseNpyHeader(m_head);
            (void)m_header.elementCount(); // overflow is a header error
        } catch (const std::exception& e) {
            fail("member " + m_member + ": " + e.what());
        }
    } catch (...) {
        if (m_stream != nullptr)
            zip_fclose(m_stream);
        zip_discard(m_archive);
        throw;
    }
}

NpzFile::~NpzFile() {
    if (m_stream != nullptr)
        zip_fclose(m_stream);
    zip_discard(m_archive);
}

void NpzFile::fail(const std::string& reason) const {
    throw DataError(m_file, reason);
}

void NpzFile::readNext(void* to, std::int64_t count) {
    auto* out = static_cast<char*>(to);
    std::int64_t done = 0;
    while (done < count) {
        const zip_int64_t n =
            zip_fread(m_stream, out + done, static_cast<zip_uint64_t>(count - done));
        if (n < 0)
            fail("member " + m_member + " cannot be read: " + zip_file_strerror(m_stream));
        if (n == 0)
            fail("member " + m_member + " ends after " + std::to_string(m_position + done) +
                 " bytes, before the " + std::to_string(m_position + count) + " it needs");
        done += n;
    }
    m_position += done;
}

bool NpzFile::sizeMatches() const {
    return m_header.elementCount() * m_header.itemSize ==
           m_memberSize - static_cast<std::int64_t>(m_header.dataOffset);
}

std::int64_t NpzFile::readingCost() const {
    return m_header.fortranOrder && m_header.shape.size() >= 2 ? m_memberSize : 0;
}

void NpzFile::readInto(Raster<float>::Storage& data) {
    read(data);
}

void NpzFile::readInto(std::vector<float>& data) {
    read(data);
}

template <typename Floats> void NpzFile::read(Floats& data) {
    if (m_position != static_cast<std::int64_t>(m_head.size()))
        fail("member " + m_member + " was read already");
    const NpyHeader& header = m_header;
    const std::int64_t count = header.elementCount();
    const auto offset = static_cast<std::int64_t>(header.dataOffset);
    try {
        detail::checkDataSize(header, m_memberSize - offset);
        if (count > m_limits.maxPixels * m_limits.maxClasses)
            detail::fail("array of " + std::to_string(count) + " elements exceeds the limits");
    } catch (const std::exception& e) {
        fail("member " + m_member + ": " + e.what());
    }
    const auto itemSize = static_cast<std::size_t>(header.itemSize);
    if (header.fortranOrder && header.shape.size() >= 2) {
        // Reordered from the member's bytes in memory, as NpyFile does with the file's.
        std::vector<std::byte> whole(static_cast<std::size_t>(m_memberSize));
        std::copy(m_head.begin(), m_head.end(), whole.begin());
        readNext(whole.data() + m_head.size(),
                 m_memberSize - static_cast<std::int64_t>(m_head.size()));
        NpyArray array;
        try {
            array = decodeNpy(whole, m_limits);
        } catch (const std::exception& e) {
            fail("member " + m_member + ": " + e.what());
        }
        if constexpr (std::is_same_v<Floats, std::vector<float>>)
            data = std::move(array.data);
        else
            data.assign(array.data.begin(), array.data.end());
    } else {
        data.resize(static_cast<std::size_t>(count));
        if (detail::isNativeFloat32(header)) {
            readNext(data.data(), count * static_cast<std::int64_t>(sizeof(float)));
        } else {
            thread_local std::vector<std::byte> buffer(std::size_t{1} << 18);
            const std::size_t chunk = buffer.size() / itemSize;
            for (std::size_t start = 0; start < data.size(); start += chunk) {
                const std::size_t n = std::min(chunk, data.size() - start);
                readNext(buffer.data(), static_cast<std::int64_t>(n * itemSize));
                detail::convertElements(header, buffer.data(), data.data() + start, n);
            }
        }
    }
    // The end of the member: libzip checks its CRC when the stream reports its end.
    char extra = 0;
    const zip_int64_t more = zip_fread(m_stream, &extra, 1);
    if (more < 0)
        fail("member " + m_member + " is damaged: " + zip_file_strerror(m_stream));
    if (more > 0)
        fail("member " + m_member + " holds more bytes than its size in the archive says");
}

FileState npzState(const std::filesystem::path& file) {
    int code = 0;
    zip_t* archive = nullptr;
    try {
        archive = openArchive(file, DataLimits{}, &code);
    } catch (const std::exception& e) {
        return std::string_view(e.what()) == "empty file" ? FileState::Incomplete : FileState::Bad;
    }
    if (archive == nullptr) {
        // No central directory yet (a writer appends it last) or cut inside it: a zip being
        // written starts with a local file header.
        if (code != ZIP_ER_NOZIP && code != ZIP_ER_INCONS && code != ZIP_ER_EOF)
            return FileState::Bad;
        char magic[4] = {};
        const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
            return FileState::Bad;
        const ssize_t n = ::pread(fd, magic, sizeof magic, 0);
        ::close(fd);
        return n > 0 && std::memcmp(magic, "PK\x03\x04", static_cast<std::size_t>(n)) == 0
                   ? FileState::Incomplete
                   : FileState::Bad;
    }
    FileState state = FileState::Complete;
    try {
        (void)findMember(archive);
    } catch (const std::exception&) {
        state = FileState::Bad;
    }
    zip_discard(archive);
    return state;
}

} // namespace losslens
