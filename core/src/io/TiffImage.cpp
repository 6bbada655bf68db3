#include "TiffImage.h"

#include <tiffio.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <vector>

namespace losslens::detail {

namespace {

struct MemoryFile {
    std::span<const std::byte> bytes;
    toff_t at = 0;
};

tsize_t readProc(thandle_t handle, tdata_t to, tsize_t size) {
    auto* file = static_cast<MemoryFile*>(handle);
    if (size <= 0 || file->at >= file->bytes.size())
        return 0;
    const auto n = std::min<toff_t>(static_cast<toff_t>(size), file->bytes.size() - file->at);
    std::memcpy(to, file->bytes.data() + file->at, n);
    file->at += n;
    return static_cast<tsize_t>(n);
}

tsize_t writeProc(thandle_t /*handle*/, tdata_t /*from*/, tsize_t /*size*/) {
    return 0; // read only
}

toff_t seekProc(thandle_t handle, toff_t offset, int whence) {
    auto* file = static_cast<MemoryFile*>(handle);
    const toff_t base = whence == SEEK_CUR ? file->at : whence == SEEK_END ? file->bytes.size() : 0;
    file->at = base + offset;
    return file->at;
}

int closeProc(thandle_t /*handle*/) {
    return 0;
}

toff_t sizeProc(thandle_t handle) {
    return static_cast<MemoryFile*>(handle)->bytes.size();
}

int mapProc(thandle_t /*handle*/, tdata_t* /*base*/, toff_t* /*size*/) {
    return 0; // no mapping: reads go through readProc
}

void unmapProc(thandle_t /*handle*/, tdata_t /*base*/, toff_t /*size*/) {}

} // namespace

ByteImage decodeTiffImage(std::span<const std::byte> bytes, int width, int height,
                          std::string& error) {
    // libtiff prints its warnings and errors on stderr by default: a sample's unreadable
    // image is a warning of that sample, said once in its own words.
    static std::once_flag quiet;
    std::call_once(quiet, [] {
        TIFFSetErrorHandler(nullptr);
        TIFFSetWarningHandler(nullptr);
    });
    MemoryFile file{bytes, 0};
    TIFF* tif = TIFFClientOpen("display image", "rm", &file, readProc, writeProc, seekProc,
                               closeProc, sizeProc, mapProc, unmapProc);
    if (tif == nullptr) {
        error = "libtiff cannot read it";
        return {};
    }
    std::uint32_t w = 0;
    std::uint32_t h = 0;
    TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w);
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h);
    if (w != static_cast<std::uint32_t>(width) || h != static_cast<std::uint32_t>(height)) {
        TIFFClose(tif);
        error = "TIFF size is not the label's";
        return {};
    }
    std::vector<std::uint32_t> rgba(static_cast<std::size_t>(width) * height);
    const int ok = TIFFReadRGBAImageOriented(tif, w, h, rgba.data(), ORIENTATION_TOPLEFT, 0);
    TIFFClose(tif);
    if (ok == 0) {
        error = "libtiff cannot decode it";
        return {};
    }
    ByteImage image(width, height, 3);
    std::uint8_t* out = image.data();
    for (const std::uint32_t pixel : rgba) {
        *out++ = static_cast<std::uint8_t>(TIFFGetR(pixel));
        *out++ = static_cast<std::uint8_t>(TIFFGetG(pixel));
        *out++ = static_cast<std::uint8_t>(TIFFGetB(pixel));
    }
    return image;
}

} // namespace losslens::detail
