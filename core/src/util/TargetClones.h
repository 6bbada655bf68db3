#pragma once

// Internal to core: LOSSLENS_CLONES compiles a plain loop for AVX-512 and AVX2 as well, chosen
// when the program starts (GCC and clang's target_clones): the core is built for the baseline
// x86-64 (SSE2: 4 floats a vector, no unsigned max), and the loss kernels' Highway dispatch is
// too much for a loop the compiler vectorises on its own. Not on templates (clang refuses),
// and not under a sanitizer: its run time would meet the clones' resolvers before it is ready.

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LOSSLENS_SANITIZED 1
#endif
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__) &&                  \
    !defined(__SANITIZE_THREAD__) && !defined(LOSSLENS_SANITIZED)
#define LOSSLENS_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define LOSSLENS_CLONES
#endif
