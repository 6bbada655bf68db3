#include "losslens/loss/RasterAllocator.h"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace losslens::detail {

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

std::size_t roundedUp(std::size_t bytes) {
    return (bytes + kHugePage - 1) & ~(kHugePage - 1);
}

} // namespace

void* allocateRasterBytes(std::size_t bytes) {
#if defined(__linux__)
    if (bytes >= kLargeBufferBytes) {
        if (bytes > static_cast<std::size_t>(-1) - 2 * kHugePage)
            throw std::bad_alloc();
        // Map one huge page more than needed, then unmap the ends so the buffer starts on a
        // 2 MiB boundary: the kernel backs only aligned 2 MiB ranges with huge pages.
        const std::size_t size = roundedUp(bytes);
        void* mapped = mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mapped == MAP_FAILED)
            throw std::bad_alloc();
        const auto start = reinterpret_cast<std::uintptr_t>(mapped);
        const std::uintptr_t aligned = (start + kHugePage - 1) & ~(kHugePage - 1);
        if (aligned > start)
            munmap(mapped, aligned - start);
        if (const std::size_t tail = kHugePage - (aligned - start); tail > 0)
            munmap(reinterpret_cast<void*>(aligned + size), tail);
        void* p = reinterpret_cast<void*>(aligned);
#if defined(MADV_HUGEPAGE)
        // Advice only: where huge pages are off, the mapping works with small pages.
        (void)madvise(p, size, MADV_HUGEPAGE);
#endif
        return p;
    }
#endif
    return ::operator new(bytes);
}

void freeRasterBytes(void* p, std::size_t bytes) noexcept {
    if (p == nullptr)
        return;
#if defined(__linux__)
    if (bytes >= kLargeBufferBytes) {
        munmap(p, roundedUp(bytes));
        return;
    }
#endif
    ::operator delete(p);
}

} // namespace losslens::detail
