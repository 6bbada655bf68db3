#include "losslens/io/FileBytes.h"

#include "losslens/io/DataError.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>

namespace losslens {

std::int64_t checkedFileSize(const std::filesystem::path& file, std::int64_t maxBytes) {
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (ec)
        throw DataError(file, "cannot read: " + ec.message());
    if (std::filesystem::is_directory(status))
        throw DataError(file, "is a directory, not a file");
    if (!std::filesystem::is_regular_file(status))
        throw DataError(file, "is not a regular file");
    const auto size = std::filesystem::file_size(file, ec);
    if (ec)
        throw DataError(file, "cannot read: " + ec.message());
    if (size == 0)
        throw DataError(file, "empty file");
    if (static_cast<std::int64_t>(size) > maxBytes)
        throw DataError(file, "file of " + std::to_string(size) + " bytes exceeds the limit of " +
                                  std::to_string(maxBytes));
    return static_cast<std::int64_t>(size);
}

std::vector<std::byte> readFileBytes(const std::filesystem::path& file, std::int64_t maxBytes) {
    std::vector<std::byte> bytes;
    readFileBytes(file, maxBytes, bytes);
    return bytes;
}

void readFileBytes(const std::filesystem::path& file, std::int64_t maxBytes,
                   std::vector<std::byte>& bytes) {
    const std::int64_t size =
        readFileHead(file, maxBytes, std::numeric_limits<std::size_t>::max(), bytes);
    if (static_cast<std::int64_t>(bytes.size()) != size)
        // Shrunk between the size check and the read (a writer is rewriting it).
        throw DataError(file, "changed while being read: " + std::to_string(bytes.size()) + " of " +
                                  std::to_string(size) + " bytes");
}

std::int64_t readFileHead(const std::filesystem::path& file, std::int64_t maxBytes,
                          std::size_t count, std::vector<std::byte>& bytes) {
    const std::int64_t whole = checkedFileSize(file, maxBytes);
    const std::size_t size = std::min(static_cast<std::size_t>(whole), count);
    bytes.resize(size);
    std::FILE* in = std::fopen(file.c_str(), "rbe");
    if (in == nullptr)
        throw DataError(file, "cannot read: " + std::string(std::strerror(errno)));
    std::setvbuf(in, nullptr, _IONBF, 0); // one read straight into `bytes`
    const std::size_t got = std::fread(bytes.data(), 1, size, in);
    std::fclose(in);
    bytes.resize(got);
    return whole;
}

void writeFileAtomically(const std::filesystem::path& target, std::string_view bytes,
                         bool overwrite) {
    if (!overwrite && std::filesystem::exists(target))
        throw FileExistsError(target);
    const std::filesystem::path folder =
        target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    std::string name(1, '.');
    name.append(target.filename().string()).append(".tmp-XXXXXX");
    std::string pattern = (folder / name).string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0)
        throw WriteError(target,
                         std::string("cannot create a temporary file: ") + std::strerror(errno));
    const std::string temp = pattern;
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int err = errno;
            ::close(fd);
            ::unlink(temp.c_str());
            throw WriteError(target, std::string("write failed: ") + std::strerror(err));
        }
        written += static_cast<std::size_t>(n);
    }
    ::fchmod(fd, 0644);
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        throw WriteError(target, std::string("write failed: ") + std::strerror(err));
    }
    if (overwrite) {
        if (::rename(temp.c_str(), target.c_str()) != 0) {
            const int err = errno;
            ::unlink(temp.c_str());
            throw WriteError(target, std::string("rename failed: ") + std::strerror(err));
        }
        return;
    }
    // No overwrite: link() refuses atomically when the target appeared meanwhile.
    if (::link(temp.c_str(), target.c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        if (err == EEXIST)
            throw FileExistsError(target);
        throw WriteError(target, std::string("cannot create: ") + std::strerror(err));
    }
    ::unlink(temp.c_str());
}

} // namespace losslens
