#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace losslens {

namespace detail {
// Buffers from this size on are mapped straight from the system in 2 MiB pages (see
// RasterAllocator); smaller ones come from operator new.
inline constexpr std::size_t kLargeBufferBytes = std::size_t{2} << 20;
[[nodiscard]] void* allocateRasterBytes(std::size_t bytes);
void freeRasterBytes(void* p, std::size_t bytes) noexcept;
} // namespace detail

// The allocator of every raster: predictions, loss maps, masks, label maps. Two choices,
// both measured on a set of 30 x 1024x768x21 float32 predictions (66 MB each) read one after
// the other on a 2-core VM, where a first touch of a fresh 4 KiB page costs about 17 µs:
// - A buffer of 2 MiB or more is its own anonymous mapping, aligned to and advised for
//   transparent huge pages, and goes back to the system when freed. Reading the set into
//   fresh 4 KiB-page buffers took 8.0 s; into fresh huge-page buffers 0.58 s; into one
//   reused buffer 0.54 s (np.load, which also asks for huge pages, 0.86 s). A freed
//   prediction or map is never kept in the C library's heaps either (the window's memory).
// - Values are not zero-filled when a buffer is sized (`resize`): every reader writes them.
//   A raster made with a fill value (Raster(w, h, c, fill)) is still filled.
template <typename T> class RasterAllocator {
public:
    using value_type = T;

    RasterAllocator() = default;
    template <typename U> RasterAllocator(const RasterAllocator<U>& /*other*/) noexcept {}

    [[nodiscard]] T* allocate(std::size_t n) {
        if (n > static_cast<std::size_t>(-1) / sizeof(T))
            throw std::bad_array_new_length();
        return static_cast<T*>(detail::allocateRasterBytes(n * sizeof(T)));
    }
    void deallocate(T* p, std::size_t n) noexcept { detail::freeRasterBytes(p, n * sizeof(T)); }

    // Default-initialises: no zero fill for arithmetic types.
    template <typename U>
    void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
        ::new (static_cast<void*>(p)) U;
    }
    template <typename U, typename... Args> void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }

    friend bool operator==(const RasterAllocator& /*a*/, const RasterAllocator& /*b*/) {
        return true;
    }
};

} // namespace losslens
