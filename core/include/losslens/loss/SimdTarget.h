#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace losslens {

// The SIMD target the loss kernels run on. One binary carries every target of its
// architecture (on x86: avx3 = AVX-512, avx2, sse4, ssse3 and emu128, a portable fallback)
// and picks the best the CPU supports; a benchmark can pin a lower one to measure it on a
// faster machine. Names are Highway's target names in lower case.

// The targets this binary has and this CPU runs, best first.
[[nodiscard]] std::vector<std::string> simdTargets();
// The target the kernels run on now.
[[nodiscard]] std::string simdTarget();
// Pins the kernels to `name` (one of simdTargets()), or back to the best with "best".
// Returns false, changing nothing, for a name this CPU or binary does not have. Process-wide:
// call it before starting work, not while other threads compute.
[[nodiscard]] bool useSimdTarget(std::string_view name);

} // namespace losslens
