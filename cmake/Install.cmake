# Install layout and packaging: `cmake --install` lays out the two programs with their desktop
# entry, icons, AppStream metadata and man pages (component "app"), and core's headers,
# static library and an exported CMake package so another project can
# find_package(LossLens) and link losslens::core (component "dev"). `cpack -G DEB` makes
# losslens and losslens-dev .deb packages, the first with dependencies from dpkg-shlibdeps.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LOSSLENS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/LossLens)
set(LOSSLENS_APP_ID io.github.losslens.LossLens)

install(TARGETS losslens_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT app)
if(LOSSLENS_BUILD_UI)
    install(TARGETS losslens_app RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT app)
    install(FILES resources/${LOSSLENS_APP_ID}.desktop
            DESTINATION ${CMAKE_INSTALL_DATADIR}/applications COMPONENT app)
    install(FILES resources/${LOSSLENS_APP_ID}.metainfo.xml
            DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo COMPONENT app)
    foreach(size 16 24 32 48 64 128 256)
        install(FILES resources/icons/hicolor/${size}x${size}/apps/losslens.png
                DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
                COMPONENT app)
    endforeach()
    install(FILES resources/icons/losslens.svg
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps COMPONENT app)
    install(FILES resources/man/losslens.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
            COMPONENT app)
endif()
install(FILES resources/man/losslens-cli.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
        COMPONENT app)

# The library side: headers, the static library and the targets it links (the warning and
# sanitizer INTERFACE targets carry nothing a consumer compiles with; they are exported
# because a static library's private links travel with it).
install(DIRECTORY core/include/losslens DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(TARGETS losslens_core losslens_warnings losslens_sanitizers EXPORT LossLensTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT LossLensTargets NAMESPACE losslens:: DESTINATION ${LOSSLENS_CMAKE_DIR}
        COMPONENT dev)
configure_package_config_file(cmake/LossLensConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/LossLensConfig.cmake
                              INSTALL_DESTINATION ${LOSSLENS_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/LossLensConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/LossLensConfig.cmake
              ${PROJECT_BINARY_DIR}/LossLensConfigVersion.cmake cmake/OpenCVModules.cmake
        DESTINATION ${LOSSLENS_CMAKE_DIR} COMPONENT dev)

set(CPACK_PACKAGE_NAME losslens)
set(CPACK_PACKAGE_VENDOR "The LossLens developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Inspector for segmentation losses where annotations are missing")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/losslens/losslens")
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL app dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER
    "The LossLens developers <maintainers@users.noreply.r-seed-b301838f.example>")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_APP_PACKAGE_NAME losslens)
set(CPACK_DEBIAN_APP_PACKAGE_SHLIBDEPS ON)
# Qt loads its platform plugins at run time, so dpkg-shlibdeps cannot see them.
set(CPACK_DEBIAN_APP_PACKAGE_DEPENDS "qt6-qpa-plugins")
set(CPACK_DEBIAN_DEV_PACKAGE_NAME losslens-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libeigen3-dev, libopencv-core-dev, libopencv-imgproc-dev, libpng-dev, libjpeg-dev, libtiff-dev, libhwy-dev, nlohmann-json3-dev, libzip-dev, libdeflate-dev, libsqlite3-dev, pkg-config")
set(CPACK_COMPONENT_APP_DESCRIPTION
    "LossLens shows per-pixel segmentation loss maps (standard, missing-annotation aware and more) over the image, with losslens-cli for headless statistics and exports.")
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "The LossLens core library (loss maps, data sets, reports) with its headers and CMake package: find_package(LossLens) and link losslens::core.")
include(CPack)
