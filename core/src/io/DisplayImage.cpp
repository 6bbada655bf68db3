#include "DisplayImage.h"

#include "BmpImage.h"
#include "ImageSize.h"
#include "JpegImage.h"
#include "PngImage.h"
#include "TiffImage.h"

#include "losslens/io/FileBytes.h"

#include <cstring>

#include <optional>

namespace losslens::detail {

namespace fs = std::filesystem;

namespace {

bool startsWith(std::span<const std::byte> bytes, const char* magic, std::size_t n) {
    return bytes.size() >= n && std::memcmp(bytes.data(), magic, n) == 0;
}

bool isJpeg(std::span<const std::byte> bytes) {
    return startsWith(bytes, "\xff\xd8\xff", 3);
}

// The most bytes a real display image of width x height takes: a JPEG larger than its
// pixels' raw RGB, or another file larger than uncompressed 16-bit RGBA (8 bytes a pixel),
// plus room for metadata, is not one.
std::int64_t largestFile(int width, int height, bool jpeg) {
    return static_cast<std::int64_t>(width) * height * (jpeg ? 3 : 8) + (4 << 20);
}

} // namespace

std::string displaySizeWarning(const fs::path& file, long long width, long long height,
                               int labelWidth, int labelHeight) {
    return file.string() + ": display image is " + std::to_string(width) + "x" +
           std::to_string(height) + ", the label " + std::to_string(labelWidth) + "x" +
           std::to_string(labelHeight) + "; shown on grey";
}

bool checkDisplayHeader(const fs::path& file, std::span<const std::byte> bytes, int width,
                        int height, std::string& warning) {
    long long gotWidth = 0;
    long long gotHeight = 0;
    if (isJpeg(bytes)) {
        int w = 0;
        int h = 0;
        std::string error;
        if (!readJpegSize(
                std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), w, h,
                error)) {
            warning =
                file.string() + ": display image is unreadable (" + error + "); shown on grey";
            return false;
        }
        gotWidth = w;
        gotHeight = h;
    } else if (const std::optional<ImageSize> declared = declaredImageSize(bytes)) {
        gotWidth = declared->width;
        gotHeight = declared->height;
    } else {
        warning =
            file.string() +
            ": display image is unreadable (not a JPEG, PNG, BMP or TIFF file); shown on grey";
        return false;
    }
    if (gotWidth == width && gotHeight == height)
        return true;
    warning = displaySizeWarning(file, gotWidth, gotHeight, width, height);
    return false;
}

void checkDisplayImage(const fs::path& file, int width, int height,
                       std::vector<std::string>& warnings) {
    std::vector<std::byte> bytes;
    std::int64_t size = 0;
    try {
        // The first 4 KiB (a PNG's, BMP's or plain JPEG's header is in them; copying a
        // small image whole was a tenth of the check in a scan of 128² samples), with the
        // size limit of the file's kind once it is known.
        size = readFileHead(file, largestFile(width, height, false), 4 << 10, bytes);
        if (isJpeg(bytes) && size > largestFile(width, height, true))
            (void)checkedFileSize(file, largestFile(width, height, true)); // throws
    } catch (const std::exception& e) {
        warnings.push_back(std::string(e.what()) + "; display image shown on grey");
        return;
    }
    std::string warning;
    if (checkDisplayHeader(file, bytes, width, height, warning))
        return;
    if (static_cast<std::int64_t>(bytes.size()) < size && size > (4 << 10)) {
        // A camera JPEG's metadata can put its frame header tens of KiB in: 64 KiB, then
        // the whole file.
        try {
            (void)readFileHead(file, largestFile(width, height, isJpeg(bytes)), 64 << 10, bytes);
        } catch (const std::exception& e) {
            warnings.push_back(std::string(e.what()) + "; display image shown on grey");
            return;
        }
        if (checkDisplayHeader(file, bytes, width, height, warning))
            return;
    }
    if (static_cast<std::int64_t>(bytes.size()) < size) {
        // The header may run past the first bytes: read it all, as the decoder would.
        try {
            readFileBytes(file, largestFile(width, height, isJpeg(bytes)), bytes);
        } catch (const std::exception& e) {
            warnings.push_back(std::string(e.what()) + "; display image shown on grey");
            return;
        }
        if (checkDisplayHeader(file, bytes, width, height, warning))
            return;
    }
    warnings.push_back(warning);
}

ByteImage readDisplayImage(const fs::path& file, int width, int height,
                           std::vector<std::string>& warnings) {
    // JPEG through libjpeg with our own error manager (its warnings are the sample's, not
    // stderr lines), PNG through libpng, TIFF through libtiff, BMP by hand: not OpenCV's
    // codecs, whose libraries (GDAL, OpenEXR, ...) took 110 ms to load in every process that
    // links core, a `losslens-cli stats` of a small set included. The label's size bounds the
    // read (largestFile).
    const bool jpeg = isJpegFile(file);
    std::vector<std::byte> bytes;
    try {
        bytes = readFileBytes(file, largestFile(width, height, jpeg));
    } catch (const std::exception& e) {
        warnings.push_back(std::string(e.what()) + "; display image shown on grey");
        return {};
    }
    return decodeDisplayImage(file, bytes, width, height, warnings);
}

ByteImage decodeDisplayImage(const fs::path& file, std::span<const std::byte> bytes, int width,
                             int height, std::vector<std::string>& warnings) {
    if (isJpeg(bytes))
        return decodeJpegImage(
            file, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
            width, height, warnings);
    // A decoder only once the size its header declares is the label's.
    const std::optional<ImageSize> declared = declaredImageSize(bytes);
    if (!declared) {
        warnings.push_back(file.string() +
                           ": display image is unreadable (not a JPEG, PNG, BMP or TIFF file); "
                           "shown on grey");
        return {};
    }
    if (declared->width != width || declared->height != height) {
        warnings.push_back(
            displaySizeWarning(file, declared->width, declared->height, width, height));
        return {};
    }
    std::string error;
    ByteImage image;
    if (startsWith(bytes, "\x89PNG", 4))
        image = decodePngImage(bytes, width, height, error);
    else if (startsWith(bytes, "BM", 2))
        image = decodeBmpImage(bytes, width, height, error);
    else
        image = decodeTiffImage(bytes, width, height, error); // II*\0 or MM\0*
    if (image.empty())
        warnings.push_back(file.string() + ": display image is unreadable (" + error +
                           "); shown on grey");
    return image;
}

} // namespace losslens::detail
