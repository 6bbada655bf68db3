// libFuzzer target: a COCO/LVIS annotations file (spec section 8) streamed into its index,
// then every image's declaration and label map (images up to 2^20 pixels, as a set's
// --max-pixels would allow): polygons, RLE lists and strings, crowd regions, LVIS lists.
// The reader takes a path (it reads byte ranges back when rasterising), so the input is
// written to a file of this process first.
#include "losslens/io/CocoAnnotations.h"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::filesystem::path file =
        std::filesystem::temp_directory_path() /
        ("losslens-fuzz-coco-" + std::to_string(::getpid()) + ".json");
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        const auto coco = losslens::CocoAnnotations::read(file);
        losslens::LabelMap labels;
        for (std::size_t i = 0; i < coco.images().size() && i < 32; ++i) {
            const auto& image = coco.images()[i];
            (void)coco.annotation(i);
            if (!image.problem.empty() || image.width <= 0 || image.height <= 0 ||
                std::int64_t{image.width} * image.height > (1 << 20))
                continue;
            try {
                coco.rasterize(i, labels, 65535);
            } catch (const std::exception&) {
            }
        }
    } catch (const std::exception&) {
    }
    return 0;
}
