# Warnings live on one INTERFACE target that every LossLens target links PRIVATE, so
# third-party code and consumers of our libraries never inherit them.
option(LOSSLENS_WARNINGS_AS_ERRORS "Treat compiler warnings as errors (CI turns it on)" OFF)

add_library(losslens_warnings INTERFACE)
add_library(losslens::warnings ALIAS losslens_warnings)
set_target_properties(losslens_warnings PROPERTIES EXPORT_NAME warnings)
target_compile_options(losslens_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
    -Wunused -Woverloaded-virtual -Wdouble-promotion -Wformat=2
    -Wimplicit-fallthrough
    # GCC only: vector code the target cannot do in registers (expanded piecewise).
    $<$<CXX_COMPILER_ID:GNU>:-Wvector-operation-performance>
    $<$<BOOL:${LOSSLENS_WARNINGS_AS_ERRORS}>:-Werror>)
