# `cmake --install`: the stripped binary, its man page (help2man, from --help), the JSON schemas,
# the docs (component runtime), and the separate debug info under lib/debug (component debug).
# Sanitizer and fuzzing builds are never installed, so they do not come here.
include(GNUInstallDirs)
find_program(KVONCE_OBJCOPY NAMES objcopy REQUIRED)
find_program(KVONCE_READELF NAMES readelf REQUIRED)
find_program(KVONCE_HELP2MAN help2man)
find_program(KVONCE_GZIP gzip REQUIRED)

set(dist ${CMAKE_BINARY_DIR}/dist)
add_custom_command(
  OUTPUT ${dist}/bin/kvonce-trace ${dist}/bin/kvonce-trace.debug
  COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:kvonce-trace> -DOUT_DIR=${dist}/bin
          -DOBJCOPY=${KVONCE_OBJCOPY} -DREADELF=${KVONCE_READELF}
          -P ${PROJECT_SOURCE_DIR}/cmake/SplitDebug.cmake
  DEPENDS kvonce-trace ${PROJECT_SOURCE_DIR}/cmake/SplitDebug.cmake
  COMMENT "Splitting the debug info off kvonce-trace"
  VERBATIM)
# -N: no pointer to a Texinfo manual (there is none). gzip -n keeps the page reproducible.
# Without help2man (scripts/install-deps.sh installs it) the build goes on without a man page,
# and scripts/test-packages.sh fails on the package that lacks it.
set(man_page "")
if(KVONCE_HELP2MAN)
  set(man_page ${dist}/kvonce-trace.1.gz)
  add_custom_command(
    OUTPUT ${man_page}
    COMMAND ${KVONCE_HELP2MAN} -N --section=1
            "--name=prove from OpenTelemetry traces that a KvOnce service follows its specification"
            --output=${dist}/kvonce-trace.1 $<TARGET_FILE:kvonce-trace>
    COMMAND ${KVONCE_GZIP} -9nf ${dist}/kvonce-trace.1
    DEPENDS kvonce-trace
    COMMENT "Generating the man page from kvonce-trace --help"
    VERBATIM)
  install(FILES ${man_page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime)
else()
  message(WARNING "help2man not found: no man page is built or installed")
endif()
add_custom_target(kvonce-trace-dist ALL
                  DEPENDS ${dist}/bin/kvonce-trace ${dist}/bin/kvonce-trace.debug ${man_page})

install(PROGRAMS ${dist}/bin/kvonce-trace DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/schemas/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/kvonce-trace/schemas COMPONENT runtime
        FILES_MATCHING PATTERN "*.json")
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR}
        COMPONENT runtime)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        COMPONENT runtime)
# The repository has no license file yet; once it has one, it is installed beside the docs.
foreach(license LICENSE LICENSE.md LICENSE.txt COPYING)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${license})
    install(FILES ${PROJECT_SOURCE_DIR}/${license} DESTINATION ${CMAKE_INSTALL_DOCDIR}
            COMPONENT runtime)
  endif()
endforeach()
install(DIRECTORY ${dist}/bin/debug/ DESTINATION lib/debug COMPONENT debug)

include(cmake/Packaging.cmake)
