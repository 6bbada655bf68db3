#include "JpegImage.h"

#include "DisplayImage.h"

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <fstream>
// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>

namespace losslens {

namespace {

// libjpeg reports through an error manager: errors longjmp back here, messages (warnings
// such as a premature end of data) are collected instead of printed.
struct ErrorManager {
    jpeg_error_mgr pub{};
    std::jmp_buf jump{};
    std::vector<std::string> messages;
};

std::string messageOf(j_common_ptr info) {
    char text[JMSG_LENGTH_MAX] = {};
    (*info->err->format_message)(info, text);
    return text;
}

[[noreturn]] void onError(j_common_ptr info) {
    auto* manager = reinterpret_cast<ErrorManager*>(info->err);
    std::string text = messageOf(info);
    if (std::find(manager->messages.begin(), manager->messages.end(), text) ==
        manager->messages.end())
        manager->messages.push_back(std::move(text));
    std::longjmp(manager->jump, 1);
}

void onMessage(j_common_ptr info, int level) {
    auto* manager = reinterpret_cast<ErrorManager*>(info->err);
    // level -1: a warning (corrupt or truncated data); higher levels are trace messages.
    if (level >= 0 || manager->messages.size() >= 8)
        return;
    std::string text = messageOf(info);
    if (std::find(manager->messages.begin(), manager->messages.end(), text) ==
        manager->messages.end())
        manager->messages.push_back(std::move(text));
}

// The work that may longjmp: no C++ object with a destructor lives in this frame besides
// the ones the caller owns (the image and the manager).
bool decode(jpeg_decompress_struct& info, ErrorManager& manager, std::string_view bytes, int width,
            int height, ByteImage& image, bool& sizeMismatch, int& gotWidth, int& gotHeight) {
    if (setjmp(manager.jump) != 0)
        return false;
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(bytes.data()),
                 static_cast<unsigned long>(bytes.size()));
    (void)jpeg_read_header(&info, TRUE);
    gotWidth = static_cast<int>(info.image_width);
    gotHeight = static_cast<int>(info.image_height);
    if (gotWidth != width || gotHeight != height) {
        sizeMismatch = true; // nothing allocated for a size the label does not have
        return false;
    }
    info.out_color_space = JCS_RGB;
    (void)jpeg_start_decompress(&info);
    if (info.output_components != 3)
        return false;
    image = ByteImage(width, height, 3);
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = &image.at(0, static_cast<int>(info.output_scanline), 0);
        (void)jpeg_read_scanlines(&info, &row, 1);
    }
    (void)jpeg_finish_decompress(&info);
    return true;
}

// jpeg_read_header alone; may longjmp, like decode.
bool readHeader(jpeg_decompress_struct& info, ErrorManager& manager, std::string_view bytes) {
    if (setjmp(manager.jump) != 0)
        return false;
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(bytes.data()),
                 static_cast<unsigned long>(bytes.size()));
    return jpeg_read_header(&info, TRUE) == JPEG_HEADER_OK;
}

std::string reasonsOf(const ErrorManager& manager) {
    std::string reasons;
    for (const std::string& m : manager.messages)
        reasons += (reasons.empty() ? "" : "; ") + m;
    return reasons;
}

} // namespace

bool readJpegSize(std::string_view bytes, int& width, int& height, std::string& error) {
    jpeg_decompress_struct info{};
    ErrorManager manager;
    info.err = jpeg_std_error(&manager.pub);
    manager.pub.error_exit = onError;
    manager.pub.emit_message = onMessage;
    const bool ok = readHeader(info, manager, bytes);
    width = static_cast<int>(info.image_width);
    height = static_cast<int>(info.image_height);
    jpeg_destroy_decompress(&info);
    // A header libjpeg read while warning (data cut short before a frame) is not a header.
    if (ok && manager.messages.empty())
        return true;
    error = reasonsOf(manager);
    if (error.empty())
        error = "not an RGB JPEG";
    return false;
}

bool isJpegFile(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    unsigned char head[3] = {};
    in.read(reinterpret_cast<char*>(head), 3);
    return in.gcount() == 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF;
}

ByteImage decodeJpegImage(const std::filesystem::path& file, std::string_view bytes, int width,
                          int height, std::vector<std::string>& warnings) {
    jpeg_decompress_struct info{};
    ErrorManager manager;
    info.err = jpeg_std_error(&manager.pub);
    manager.pub.error_exit = onError;
    manager.pub.emit_message = onMessage;
    ByteImage image;
    bool sizeMismatch = false;
    int gotWidth = 0;
    int gotHeight = 0;
    const bool ok =
        decode(info, manager, bytes, width, height, image, sizeMismatch, gotWidth, gotHeight);
    jpeg_destroy_decompress(&info);
    const std::string reasons = reasonsOf(manager);
    if (sizeMismatch) {
        warnings.push_back(detail::displaySizeWarning(file, gotWidth, gotHeight, width, height));
        return {};
    }
    if (!ok) {
        warnings.push_back(file.string() + ": display image is unreadable (" +
                           (reasons.empty() ? std::string("not an RGB JPEG") : reasons) +
                           "); shown on grey");
        return {};
    }
    if (!reasons.empty())
        warnings.push_back(file.string() + ": display image: " + reasons +
                           " (the undecoded part is grey)");
    return image;
}

} // namespace losslens
