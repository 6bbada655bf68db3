#include "session/MemoryPolicy.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace losslens {

void returnLargeBuffersToTheSystem() {
#if defined(__GLIBC__)
    // 1 MiB: far below a 256 x 256 loss map, far above the small allocations of Qt.
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

void releaseFreedMemory() {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

} // namespace losslens
