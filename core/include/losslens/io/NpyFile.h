#pragma once

#include "losslens/io/PredictionFile.h"

#include <filesystem>

namespace losslens {

// An open .npy file whose size was checked against the limits and whose header was read and
// validated, the data not yet read: one open of the file for the header and the data.
// Native float32 in C order is read straight into the array; other types are converted a
// block at a time (never a second copy of the whole file), Fortran order is reordered from
// the file's bytes in memory. Throws DataError naming the file.
class NpyFile final : public PredictionFile {
public:
    NpyFile(const std::filesystem::path& file, const DataLimits& limits);
    ~NpyFile() override;

    [[nodiscard]] const NpyHeader& header() const noexcept override { return m_header; }
    [[nodiscard]] std::int64_t fileSize() const noexcept { return m_size; }
    [[nodiscard]] bool sizeMatches() const override;
    [[nodiscard]] std::int64_t readingCost() const override;
    void readInto(Raster<float>::Storage& data) override;
    void readInto(std::vector<float>& data) override;
    [[nodiscard]] bool readHalvesInto(Raster<std::uint16_t>::Storage& halves) override;

private:
    // The element count, after checking the header's claims against the file's real size
    // and the limits (before any buffer is sized by them).
    [[nodiscard]] std::int64_t checkedCount() const;
    template <typename Floats> void read(Floats& data);
    void readAt(std::int64_t offset, void* to, std::int64_t count) const;
    template <typename T> void readBlocks(T* to, std::size_t count) const;

    std::filesystem::path m_file;
    DataLimits m_limits;
    int m_fd = -1;
    std::int64_t m_size = 0;
    NpyHeader m_header;
};

// Whether a .npy file is whole yet, from its header and size alone: Incomplete for an empty
// file, a header cut short or data shorter than the header says; Bad for a file that is
// unreadable or not a .npy a writer could finish. Reads about 128 bytes, never the data.
[[nodiscard]] FileState npyState(const std::filesystem::path& file);

} // namespace losslens
