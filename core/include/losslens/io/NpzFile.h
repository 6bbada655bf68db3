#pragma once

#include "losslens/io/PredictionFile.h"

#include <filesystem>
#include <memory>

struct zip;
struct zip_file;

namespace losslens {

// A prediction in a .npz archive (spec section 8): np.savez's stored members or
// np.savez_compressed's deflated ones, zip64 included, read through libzip. The array is the
// archive's only member or the one named `prediction`; it is a .npy stream, read a block at
// a time and converted as NpyFile does, so a compressed prediction costs its array and a
// small inflate window, never the uncompressed member as well. The member's declared size
// is checked against the limits and against the array its header describes before any buffer
// is sized by it; the archive's CRC is checked once the data is read. Throws DataError naming
// the file.
class NpzFile final : public PredictionFile {
public:
    NpzFile(const std::filesystem::path& file, const DataLimits& limits);
    ~NpzFile() override;

    [[nodiscard]] const NpyHeader& header() const noexcept override { return m_header; }
    [[nodiscard]] bool sizeMatches() const override;
    [[nodiscard]] std::int64_t readingCost() const override;
    void readInto(Raster<float>::Storage& data) override;
    void readInto(std::vector<float>& data) override;
    // The member holding the array ("prediction.npy", "arr_0.npy").
    [[nodiscard]] const std::string& memberName() const noexcept { return m_member; }

private:
    template <typename Floats> void read(Floats& data);
    void readNext(void* to, std::int64_t count);
    [[noreturn]] void fail(const std::string& reason) const;

    std::filesystem::path m_file;
    DataLimits m_limits;
    zip* m_archive = nullptr;
    zip_file* m_stream = nullptr;
    std::string m_member;
    std::int64_t m_memberSize = 0; // uncompressed
    std::int64_t m_position = 0;   // bytes of the member read so far
    std::vector<std::byte> m_head; // the member's bytes up to the data
    NpyHeader m_header;
};

// Whether a .npz is whole yet: Incomplete while it is empty or its central directory is not
// written yet (a writer appends it last); Bad when no writer could make it a prediction (not
// a zip, no array to read); Complete otherwise. Reads the directory, never an array.
[[nodiscard]] FileState npzState(const std::filesystem::path& file);

} // namespace losslens
