#include "PngImage.h"

#include "PngRead.h"

#include <csetjmp>

namespace losslens::detail {

namespace {

// Only POD locals across setjmp; `image` was sized by the caller from the checked header.
bool decodeRows(PngReadState& state, int width, int height, ByteImage& image) {
    png_structp png =
        png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, pngErrorCallback, pngWarningCallback);
    if (png == nullptr)
        return false;
    png_infop info = png_create_info_struct(png);
    if (info == nullptr) {
        png_destroy_read_struct(&png, nullptr, nullptr);
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, nullptr);
        return false;
    }
    configureHostilePngReading(png, state);
    png_read_info(png, info);
    if (png_get_image_width(png, info) != static_cast<png_uint_32>(width) ||
        png_get_image_height(png, info) != static_cast<png_uint_32>(height)) {
        std::snprintf(state.error, sizeof state.error, "size changed while read");
        png_destroy_read_struct(&png, &info, nullptr);
        return false;
    }
    png_set_expand(png);      // palette to RGB, grey below 8 bits to 8
    png_set_strip_16(png);    // 16 bits a channel to 8
    png_set_strip_alpha(png); // as OpenCV's IMREAD_COLOR: alpha dropped, not composited
    png_set_gray_to_rgb(png);
    const int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != static_cast<png_size_t>(width) * 3) {
        std::snprintf(state.error, sizeof state.error, "unexpected PNG row layout");
        png_destroy_read_struct(&png, &info, nullptr);
        return false;
    }
    const auto stride = static_cast<std::size_t>(width) * 3;
    for (int pass = 0; pass < passes; ++pass)
        for (int y = 0; y < height; ++y)
            png_read_row(png, image.data() + static_cast<std::size_t>(y) * stride, nullptr);
    png_read_end(png, nullptr);
    png_destroy_read_struct(&png, &info, nullptr);
    return true;
}

} // namespace

ByteImage decodePngImage(std::span<const std::byte> bytes, int width, int height,
                         std::string& error) {
    if (bytes.size() < 8 ||
        png_sig_cmp(reinterpret_cast<png_const_bytep>(bytes.data()), 0, 8) != 0) {
        error = "not a PNG file";
        return {};
    }
    PngReadState state;
    state.bytes = bytes;
    ByteImage image(width, height, 3);
    if (!decodeRows(state, width, height, image)) {
        error = state.error[0] != '\0' ? std::string("corrupt PNG: ") + state.error
                                       : std::string("libpng could not start");
        return {};
    }
    return image;
}

} // namespace losslens::detail
