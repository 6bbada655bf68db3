# Sanitizers (the asan preset): AddressSanitizer + UndefinedBehaviorSanitizer on every
# LossLens target, through an INTERFACE target that core links PUBLIC.
option(LOSSLENS_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
# ThreadSanitizer (the tsan preset, clang): the threads of the set pipeline and export.
option(LOSSLENS_TSAN "Build with ThreadSanitizer" OFF)
# Fuzzing (the fuzz preset, clang): coverage instrumentation for libFuzzer plus ASan/UBSan.
option(LOSSLENS_FUZZ "Build the libFuzzer targets (needs clang)" OFF)

add_library(losslens_sanitizers INTERFACE)
add_library(losslens::sanitizers ALIAS losslens_sanitizers)
set_target_properties(losslens_sanitizers PROPERTIES EXPORT_NAME sanitizers)
if(LOSSLENS_SANITIZE)
    target_compile_options(losslens_sanitizers INTERFACE
        -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    target_link_options(losslens_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
if(LOSSLENS_TSAN)
    target_compile_options(losslens_sanitizers INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
    target_link_options(losslens_sanitizers INTERFACE -fsanitize=thread)
endif()
if(LOSSLENS_FUZZ)
    target_compile_options(losslens_sanitizers INTERFACE
        -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
    target_link_options(losslens_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
