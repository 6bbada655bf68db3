#pragma once

// A variant's kernel written inside HWY_NAMESPACE (compiled for every SIMD target by
// foreach_target) exported as the plain LossKernel the registry holds: it dispatches to the
// target the CPU (or useSimdTarget) picks. Use once per variant file, under HWY_ONCE.

#include "losslens/loss/LossContext.h"

#include <hwy/highway.h>

#include <span>

#define LOSSLENS_DYNAMIC_KERNEL(Kernel, function)                                                  \
    HWY_EXPORT(Kernel);                                                                            \
    void function(const LossContext& context, std::span<float> out) {                              \
        HWY_DYNAMIC_DISPATCH(Kernel)(context, out);                                                \
    }
