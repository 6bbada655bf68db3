#include "losslens/io/FileBytes.h"

#include "losslens/io/DataError.h"

#include "FileCheck.h"

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

namespace detail {

std::string openFileProblem(int fd, std::int64_t maxBytes, std::int64_t& size) {
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return "cannot read: " + std::string(std::strerror(errno));
    if (S_ISDIR(st.st_mode))
        return "is a directory, not a file";
    if (!S_ISREG(st.st_mode))
        return "is not a regular file";
    if (st.st_size == 0)
        return "empty file";
    if (st.st_size > maxBytes)
        return "file of " + std::to_string(st.st_size) + " bytes exceeds the limit of " +
               std::to_string(maxBytes);
    size = static_cast<std::int64_t>(st.st_size);
    return {};
}

} // namespace detail

namespace {

// The file opened for reading and checked (a regular file, not empty, within maxBytes): its
// descriptor, which the caller closes, and its size. Non-blocking, so a FIFO is refused, not
// waited on; regular files ignore the flag.
int openChecked(const std::filesystem::path& file, std::int64_t maxBytes, std::int64_t& size) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        throw DataError(file, "cannot read: " + std::string(std::strerror(errno)));
    const std::string problem = detail::openFileProblem(fd, maxBytes, size);
    if (!problem.empty()) {
        ::close(fd);
        throw DataError(file, problem);
    }
    return fd;
}

} // namespace

std::int64_t checkedFileSize(const std::filesystem::path& file, std::int64_t maxBytes) {
    std::int64_t size = 0;
    ::close(openChecked(file, maxBytes, size));
    return size;
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
    // One open for the checks and the read (two were a fifth of the window's per-sample file
    // work on a set of small samples: every label and display image is read through here).
    std::int64_t whole = 0;
    const int fd = openChecked(file, maxBytes, whole);
    const std::size_t size = std::min(static_cast<std::size_t>(whole), count);
    bytes.resize(size);
    std::size_t got = 0;
    while (got < size) {
        const ssize_t n = ::read(fd, bytes.data() + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            throw DataError(file, "cannot read: " + std::string(std::strerror(error)));
        }
        if (n == 0)
            break; // shrunk since the size was taken: the caller compares
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
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
