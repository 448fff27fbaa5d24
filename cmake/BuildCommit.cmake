# Run at build time (cmake -P): writes OUT, defining kvonce::cli::build_commit(), from the commit
# of SOURCE_DIR, or from COMMIT when given (builds from a tarball or a container without .git).
# configure_file rewrites OUT only when the text changes, so a new commit relinks the binary and
# an unchanged one rebuilds nothing.
cmake_minimum_required(VERSION 3.25)
if(NOT COMMIT)
  execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse HEAD
                  OUTPUT_VARIABLE COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE head_failed ERROR_QUIET)
  if(head_failed)
    set(COMMIT unknown)
  else()
    execute_process(COMMAND git -C "${SOURCE_DIR}" status --porcelain --untracked-files=no
                    OUTPUT_VARIABLE changes ERROR_QUIET)
    if(changes)
      string(APPEND COMMIT -dirty)
    endif()
  endif()
endif()
if(NOT COMMIT MATCHES "^[0-9A-Za-z._-]+$")
  message(FATAL_ERROR "KVONCE_GIT_COMMIT must be a commit id, not '${COMMIT}'")
endif()
file(WRITE "${OUT}.in" "#include \"cli/version.hpp\"\n\nconst char* kvonce::cli::build_commit() { return \"@COMMIT@\"; }\n")
configure_file("${OUT}.in" "${OUT}" @ONLY)
