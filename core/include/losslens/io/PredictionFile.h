#pragma once

#include "losslens/io/DataLimits.h"
#include "losslens/io/NpyArray.h"
#include "losslens/loss/Raster.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace losslens {

// The one place that knows which files hold a prediction (spec sections 2 and 8): a .npy
// array, or a .npz archive (np.savez, np.savez_compressed) holding one array or one named
// `prediction`. The set's listing, its memory budget, its loader and the window's set watcher
// all ask here, so a further file kind is one new reader class and one line in
// PredictionFile.cpp's table.
//
// An open prediction file: its array's header read and validated, the data not yet read, so a
// loader can check the memory the sample will need before reading it. Throws DataError
// naming the file.
class PredictionFile {
public:
    virtual ~PredictionFile() = default;
    PredictionFile(const PredictionFile&) = delete;
    PredictionFile& operator=(const PredictionFile&) = delete;

    // Opens `file` with the reader its extension names; DataError for any other extension.
    [[nodiscard]] static std::unique_ptr<PredictionFile> open(const std::filesystem::path& file,
                                                              const DataLimits& limits);

    // The array's shape, dtype and order.
    [[nodiscard]] virtual const NpyHeader& header() const noexcept = 0;
    // Whether the stored array holds exactly the data its header describes; readInto reports
    // either kind of mismatch with its reason.
    [[nodiscard]] virtual bool sizeMatches() const = 0;
    // Bytes held besides the float32 array while reading it (a Fortran-order array is
    // reordered from its raw bytes in memory; C order is read a block at a time: 0).
    [[nodiscard]] virtual std::int64_t readingCost() const = 0;
    // The array as float32 in C order into `data`: resized without a zero fill, its buffer
    // reused when it is large enough. Checks the element count against the limits first.
    virtual void readInto(Raster<float>::Storage& data) = 0;
    virtual void readInto(std::vector<float>& data) = 0;
    // A float16 array in this machine's byte order and C order, as its bits into `halves`
    // (resized without a zero fill, its buffer reused): true. Any other array: false, nothing
    // read (readInto widens it). The same checks as readInto first.
    [[nodiscard]] virtual bool readHalvesInto(Raster<std::uint16_t>::Storage& /*halves*/) {
        return false;
    }
    // Called while readInto or readHalvesInto fills the buffer, after each block a reader
    // places, with how many leading values of the array are in place: a caller can look at a
    // block while it is still in cache. A reader that holds the whole array before placing
    // it calls it once at the end, or never.
    using BlockSink = std::function<void(std::size_t valuesPlaced)>;
    void onBlockRead(BlockSink sink) { m_blockSink = std::move(sink); }

protected:
    PredictionFile() = default;
    void blockPlaced(std::size_t values) const {
        if (m_blockSink)
            m_blockSink(values);
    }

private:
    BlockSink m_blockSink;
};

// Whether a file can be written to completion yet, from what a watcher can see cheaply
// while a writer may still be writing it: Incomplete for an empty file or one cut short (a
// .npy shorter than its header says, a .npz without its central directory yet); Bad for a
// file no writer could finish; Complete otherwise. Never reads a whole array.
enum class FileState { Complete, Incomplete, Bad };

// The extensions a prediction file may have, lower case with the dot (".npy", ".npz").
[[nodiscard]] const std::vector<std::string>& predictionExtensions();
// Whether `file`'s name is a prediction file's: not hidden, one of those extensions (in any
// case).
[[nodiscard]] bool isPredictionFileName(const std::filesystem::path& file);
// What predictionFileState says about `file`, by its kind; Bad for a name of no kind.
[[nodiscard]] FileState predictionFileState(const std::filesystem::path& file);
// A whole prediction file as float32 in C order, with its shape.
[[nodiscard]] NpyArray readPrediction(const std::filesystem::path& file,
                                      const DataLimits& limits = {});

} // namespace losslens
