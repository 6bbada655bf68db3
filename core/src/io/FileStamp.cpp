#include "losslens/io/FileStamp.h"

#include <sys/stat.h>

namespace losslens {

FileStamp fileStamp(const std::filesystem::path& file) noexcept {
    struct stat st {};
    if (file.empty() || ::stat(file.c_str(), &st) != 0)
        return {};
    return {static_cast<std::int64_t>(st.st_size),
            std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec};
}

} // namespace losslens
