# Debian ships OpenCVConfig.cmake only in the meta package libopencv-dev, which pulls in
# about 140 packages (VTK, codecs, ...). The core needs two modules (core, imgproc; its image
# files go through libpng, libjpeg and libtiff), the tests write their inputs with a third
# (imgcodecs, when found), so when no config package is found it makes imported targets
# from their -dev packages' headers and libs.
find_package(OpenCV 4 QUIET CONFIG COMPONENTS core imgproc imgcodecs)
if(OpenCV_FOUND)
    return()
endif()

find_path(LOSSLENS_OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
foreach(module core imgproc imgcodecs)
    if(module STREQUAL "imgcodecs")
        find_library(LOSSLENS_OPENCV_${module}_LIBRARY opencv_${module})
        if(NOT LOSSLENS_OPENCV_${module}_LIBRARY)
            continue()
        endif()
    else()
        find_library(LOSSLENS_OPENCV_${module}_LIBRARY opencv_${module} REQUIRED)
    endif()
    if(NOT TARGET opencv_${module})
        add_library(opencv_${module} SHARED IMPORTED)
        set_target_properties(opencv_${module} PROPERTIES
            IMPORTED_LOCATION "${LOSSLENS_OPENCV_${module}_LIBRARY}"
            INTERFACE_INCLUDE_DIRECTORIES "${LOSSLENS_OPENCV_INCLUDE_DIR}")
    endif()
endforeach()
message(STATUS "OpenCV modules: ${LOSSLENS_OPENCV_core_LIBRARY} (without OpenCVConfig.cmake)")
