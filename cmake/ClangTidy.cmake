# clang-tidy on LossLens's own code while it compiles: cmake --preset tidy, then
# cmake --build build-tidy (about three times a normal build; not part of scripts/test).
# The checks are the root .clang-tidy's; tests and third-party code are not checked.
option(LOSSLENS_CLANG_TIDY "Run clang-tidy (.clang-tidy's checks) on core, ui and app" OFF)
if(LOSSLENS_CLANG_TIDY)
    find_program(LOSSLENS_CLANG_TIDY_EXE NAMES clang-tidy clang-tidy-14 REQUIRED)
endif()

# Lints `target`'s sources when LOSSLENS_CLANG_TIDY is on (a finding fails the build under
# LOSSLENS_WARNINGS_AS_ERRORS, as compiler warnings do).
function(losslens_clang_tidy target)
    if(NOT LOSSLENS_CLANG_TIDY)
        return()
    endif()
    set(command "${LOSSLENS_CLANG_TIDY_EXE}")
    if(LOSSLENS_WARNINGS_AS_ERRORS)
        list(APPEND command "--warnings-as-errors=*")
    endif()
    set_target_properties(${target} PROPERTIES CXX_CLANG_TIDY "${command}")
endfunction()
