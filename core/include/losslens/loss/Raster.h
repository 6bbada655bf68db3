#pragma once

#include "losslens/loss/RasterAllocator.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

namespace losslens {

// A dense row-major H x W x channels buffer. The loss maps, label maps and display
// images all share this one owner so that views (Eigen maps, cv::Mat headers, QImage)
// can be laid over the same memory without copies.
template <typename T> class Raster {
public:
    // Values are not zero-filled when sized, and large buffers use huge pages
    // (RasterAllocator).
    using Storage = std::vector<T, RasterAllocator<T>>;

    Raster() = default;
    Raster(int width, int height, int channels = 1, T fill = T{})
        : m_width(width)
        , m_height(height)
        , m_channels(channels) {
        if (width < 0 || height < 0 || channels < 1)
            throw std::invalid_argument("Raster: negative size or no channel");
        m_data.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) *
                          static_cast<std::size_t>(channels),
                      fill);
    }

    // Adopts `data`, which must hold width * height * channels values.
    Raster(int width, int height, int channels, Storage&& data)
        : m_width(width)
        , m_height(height)
        , m_channels(channels)
        , m_data(std::move(data)) {
        if (width < 0 || height < 0 || channels < 1 ||
            m_data.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) *
                                 static_cast<std::size_t>(channels))
            throw std::invalid_argument("Raster: data size does not match the shape");
    }

    [[nodiscard]] int width() const noexcept { return m_width; }
    [[nodiscard]] int height() const noexcept { return m_height; }
    [[nodiscard]] int channels() const noexcept { return m_channels; }
    [[nodiscard]] std::size_t pixelCount() const noexcept {
        return static_cast<std::size_t>(m_width) * static_cast<std::size_t>(m_height);
    }
    [[nodiscard]] bool empty() const noexcept { return m_data.empty(); }

    [[nodiscard]] T* data() noexcept { return m_data.data(); }
    [[nodiscard]] const T* data() const noexcept { return m_data.data(); }
    [[nodiscard]] std::span<T> values() noexcept { return m_data; }
    [[nodiscard]] std::span<const T> values() const noexcept { return m_data; }
    // Hands the buffer over (to be refilled by a reader that reuses it), leaving this empty.
    [[nodiscard]] Storage release() noexcept {
        m_width = 0;
        m_height = 0;
        m_channels = 1;
        return std::move(m_data);
    }

    [[nodiscard]] T& at(int x, int y, int c = 0) noexcept { return m_data[index(x, y, c)]; }
    [[nodiscard]] const T& at(int x, int y, int c = 0) const noexcept {
        return m_data[index(x, y, c)];
    }

private:
    [[nodiscard]] std::size_t index(int x, int y, int c) const noexcept {
        return (static_cast<std::size_t>(y) * static_cast<std::size_t>(m_width) +
                static_cast<std::size_t>(x)) *
                   static_cast<std::size_t>(m_channels) +
               static_cast<std::size_t>(c);
    }

    int m_width = 0;
    int m_height = 0;
    int m_channels = 1;
    Storage m_data;
};

// Class indices per pixel; 16 bits covers 8- and 16-bit label PNGs and ignore_index 255.
using LabelMap = Raster<std::uint16_t>;
// Per-pixel loss values, one channel.
using LossMap = Raster<float>;
// 8-bit masks (w0, removed penalty) and RGB display images.
using ByteImage = Raster<std::uint8_t>;

} // namespace losslens
