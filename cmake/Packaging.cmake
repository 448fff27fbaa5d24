# CPack: kvonce-trace-<version>-linux-<arch>.tar.gz and kvonce-trace_<version>_<debian arch>.deb,
# both of the runtime component only (the debug info ships as a file of its own, see
# scripts/package.sh). The .deb's Depends come from the binary's shared libraries
# (dpkg-shlibdeps), so they name runtime packages (libcurl4, libssl3, ...) and follow whatever
# the binary links, static libraries included (they add no dependency).
set(CPACK_PACKAGE_NAME kvonce-trace)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "kvonce-trace maintainers" CACHE STRING "Maintainer field of the .deb")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "prove from OpenTelemetry traces that a KvOnce service follows its specification")
set(CPACK_PACKAGE_FILE_NAME kvonce-trace-${PROJECT_VERSION}-linux-${CMAKE_SYSTEM_PROCESSOR})
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};kvonce-trace;runtime;/")
set(CPACK_GENERATOR TGZ DEB)
set(CPACK_STRIP_FILES OFF)  # already stripped, with the debug link kept
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# HTTPS fetches (S3, GCS, GitHub, presigned URLs) verify servers against the system's CAs.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS ca-certificates)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Reads the OpenTelemetry traces a KvOnce write-once key-value service emitted and proves\n\
that it follows its specification; one binary runs the whole CI job (fetch, verify, report).")
include(CPack)
