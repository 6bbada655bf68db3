#include "DisplayImage.h"

#include "ImageSize.h"
#include "JpegImage.h"

#include "losslens/io/FileBytes.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <optional>

namespace losslens::detail {

namespace fs = std::filesystem;

ByteImage readDisplayImage(const fs::path& file, int width, int height,
                           std::vector<std::string>& warnings) {
    // JPEG through libjpeg with our own error manager (its warnings are the sample's, not
    // stderr lines); every other format through OpenCV. The label's size bounds the read: a
    // JPEG larger than its pixels' raw RGB, or another file larger than uncompressed 16-bit
    // RGBA (8 bytes a pixel), plus room for metadata, is not a real image of this size.
    const bool jpeg = isJpegFile(file);
    std::vector<std::byte> bytes;
    try {
        bytes = readFileBytes(file, static_cast<std::int64_t>(width) * height * (jpeg ? 3 : 8) +
                                        (4 << 20));
    } catch (const std::exception& e) {
        warnings.push_back(std::string(e.what()) + "; display image shown on grey");
        return {};
    }
    if (jpeg)
        return decodeJpegImage(
            file, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
            width, height, warnings);
    // OpenCV only once the size its header declares is the label's: it would size a buffer
    // by any header up to 2^30 pixels.
    const std::optional<ImageSize> declared = declaredImageSize(bytes);
    if (!declared) {
        warnings.push_back(file.string() +
                           ": display image is unreadable (not a JPEG, PNG, BMP or TIFF file); "
                           "shown on grey");
        return {};
    }
    if (declared->width != width || declared->height != height) {
        warnings.push_back(file.string() + ": display image is " + std::to_string(declared->width) +
                           "x" + std::to_string(declared->height) + ", the label " +
                           std::to_string(width) + "x" + std::to_string(height) +
                           "; shown on grey");
        return {};
    }
    cv::Mat bgr;
    try {
        const cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8U, bytes.data());
        bgr = cv::imdecode(encoded, cv::IMREAD_COLOR);
    } catch (const cv::Exception&) {
        bgr.release();
    }
    if (bgr.empty() || bgr.cols != width || bgr.rows != height) {
        warnings.push_back(file.string() + ": display image is unreadable; shown on grey");
        return {};
    }
    ByteImage image(width, height, 3);
    for (int y = 0; y < height; ++y) {
        const auto* row = bgr.ptr<cv::Vec3b>(y);
        for (int x = 0; x < width; ++x) {
            image.at(x, y, 0) = row[x][2];
            image.at(x, y, 1) = row[x][1];
            image.at(x, y, 2) = row[x][0];
        }
    }
    return image;
}

} // namespace losslens::detail
