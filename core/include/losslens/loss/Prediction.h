#pragma once

#include "losslens/loss/Raster.h"

#include <Eigen/Core>

#include <cstdint>
#include <stdexcept>

namespace losslens {

// Per-pixel class probabilities, H x W x C, contiguous (pixel-major): each pixel's C
// probabilities are adjacent, so the loss kernel reads them in one streaming pass.
//
// Held as float32, or as the float16 bits a file stored (IEEE binary16, this machine's byte
// order). A float16 prediction is half the bytes to read and keep: the loss pass widens it a
// block at a time in cache (computeLoss, summarizeLoss and computeLossAt read either), where
// a float32 copy of the whole array would cost a pass over memory and its pages. Only a
// loader asked for it makes one (Dataset::load with Precision::AsStored); every other reader
// of the values (data(), at(), matrix()) needs float32 and gets a logic_error otherwise.
class Prediction {
public:
    using PixelMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    using Halves = Raster<std::uint16_t>;

    Prediction() = default;
    Prediction(int width, int height, int classes)
        : m_raster(width, height, classes) {}
    explicit Prediction(Raster<float> raster)
        : m_raster(std::move(raster)) {}
    // float16 bits, H x W x C.
    [[nodiscard]] static Prediction fromHalves(Halves halves) {
        Prediction prediction;
        prediction.m_halves = std::move(halves);
        prediction.m_half = true;
        return prediction;
    }

    [[nodiscard]] bool isFloat16() const noexcept { return m_half; }
    [[nodiscard]] int width() const noexcept {
        return m_half ? m_halves.width() : m_raster.width();
    }
    [[nodiscard]] int height() const noexcept {
        return m_half ? m_halves.height() : m_raster.height();
    }
    [[nodiscard]] int classes() const noexcept {
        return m_half ? m_halves.channels() : m_raster.channels();
    }
    [[nodiscard]] std::size_t pixelCount() const noexcept {
        return m_half ? m_halves.pixelCount() : m_raster.pixelCount();
    }

    [[nodiscard]] float* data() { return floats().data(); }
    [[nodiscard]] const float* data() const { return floats().data(); }
    [[nodiscard]] float& at(int x, int y, int c) { return floats().at(x, y, c); }
    [[nodiscard]] float at(int x, int y, int c) const { return floats().at(x, y, c); }
    [[nodiscard]] const Raster<float>& raster() const { return floats(); }
    // The float16 bits of a float16 prediction (null for a float32 one).
    [[nodiscard]] const std::uint16_t* halves() const noexcept {
        return m_half ? m_halves.data() : nullptr;
    }
    // Hand the buffers over to be refilled (Dataset::load into a reused sample); each keeps
    // its own, so a scan alternating float32 and float16 files allocates neither again.
    [[nodiscard]] Raster<float>::Storage release() noexcept { return m_raster.release(); }
    [[nodiscard]] Halves::Storage releaseHalves() noexcept {
        m_half = false;
        return m_halves.release();
    }

    // (H*W) x C view of the same memory: one row per pixel, one column per class.
    [[nodiscard]] Eigen::Map<const PixelMatrix> matrix() const {
        return {floats().data(), static_cast<Eigen::Index>(pixelCount()), classes()};
    }
    [[nodiscard]] Eigen::Map<PixelMatrix> matrix() {
        return {floats().data(), static_cast<Eigen::Index>(pixelCount()), classes()};
    }

private:
    [[nodiscard]] Raster<float>& floats() {
        if (m_half)
            throw std::logic_error("a float16 prediction read as float32");
        return m_raster;
    }
    [[nodiscard]] const Raster<float>& floats() const {
        if (m_half)
            throw std::logic_error("a float16 prediction read as float32");
        return m_raster;
    }

    Raster<float> m_raster;
    Halves m_halves;
    bool m_half = false;
};

} // namespace losslens
