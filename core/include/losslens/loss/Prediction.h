#pragma once

#include "losslens/loss/Raster.h"

#include <Eigen/Core>

namespace losslens {

// Per-pixel class probabilities, H x W x C float32, contiguous (pixel-major): each pixel's
// C probabilities are adjacent, so the loss kernel reads them in one streaming pass.
class Prediction {
public:
    using PixelMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

    Prediction() = default;
    Prediction(int width, int height, int classes)
        : m_raster(width, height, classes) {}
    explicit Prediction(Raster<float> raster)
        : m_raster(std::move(raster)) {}

    [[nodiscard]] int width() const noexcept { return m_raster.width(); }
    [[nodiscard]] int height() const noexcept { return m_raster.height(); }
    [[nodiscard]] int classes() const noexcept { return m_raster.channels(); }
    [[nodiscard]] std::size_t pixelCount() const noexcept { return m_raster.pixelCount(); }

    [[nodiscard]] float* data() noexcept { return m_raster.data(); }
    [[nodiscard]] const float* data() const noexcept { return m_raster.data(); }
    [[nodiscard]] float& at(int x, int y, int c) noexcept { return m_raster.at(x, y, c); }
    [[nodiscard]] float at(int x, int y, int c) const noexcept { return m_raster.at(x, y, c); }
    [[nodiscard]] const Raster<float>& raster() const noexcept { return m_raster; }
    // Hands the buffer over to be refilled (Dataset::load into a reused sample).
    [[nodiscard]] Raster<float>::Storage release() noexcept { return m_raster.release(); }

    // (H*W) x C view of the same memory: one row per pixel, one column per class.
    [[nodiscard]] Eigen::Map<const PixelMatrix> matrix() const {
        return {m_raster.data(), static_cast<Eigen::Index>(pixelCount()), classes()};
    }
    [[nodiscard]] Eigen::Map<PixelMatrix> matrix() {
        return {m_raster.data(), static_cast<Eigen::Index>(pixelCount()), classes()};
    }

private:
    Raster<float> m_raster;
};

} // namespace losslens
