# Run at build time (cmake -P): splits BINARY into OUT_DIR/kvonce-trace (stripped, with a
# .gnu_debuglink) and OUT_DIR/kvonce-trace.debug (compressed debug info), and files a copy of the
# latter under OUT_DIR/debug/.build-id/xx/yyyy.debug, where gdb looks for it once it is installed
# under /usr/lib/debug. What is installed and packaged is the stripped copy: the build tree keeps
# the binary the tests ran, and no third compile is needed for a release.
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE "${OUT_DIR}")
file(MAKE_DIRECTORY "${OUT_DIR}/debug")
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE failed OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(failed)
    message(FATAL_ERROR "${ARGN}: ${out}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()
set(debug "${OUT_DIR}/kvonce-trace.debug")
run("${OBJCOPY}" --only-keep-debug --compress-debug-sections=zlib "${BINARY}" "${debug}")
run("${OBJCOPY}" --strip-all "--add-gnu-debuglink=${debug}" "${BINARY}" "${OUT_DIR}/kvonce-trace")
run("${READELF}" --notes "${BINARY}")
if(run_output MATCHES "Build ID: ([0-9a-f][0-9a-f])([0-9a-f]+)")
  file(MAKE_DIRECTORY "${OUT_DIR}/debug/.build-id/${CMAKE_MATCH_1}")
  file(COPY_FILE "${debug}" "${OUT_DIR}/debug/.build-id/${CMAKE_MATCH_1}/${CMAKE_MATCH_2}.debug")
endif()
