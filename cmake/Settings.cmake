# Compile settings shared by every target: warnings and optional sanitizers.
add_library(kvonce_settings INTERFACE)
target_compile_options(kvonce_settings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                                 -Wno-sign-conversion)
if(KVONCE_WERROR)
  target_compile_options(kvonce_settings INTERFACE -Werror)
endif()
# GCC 12 at -O3 (Release) reports -Wrestrict inside libstdc++ for `"text" + std::string`
# (GCC bug 105329, fixed in GCC 13): a false positive that would fail a -Werror Release build.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(kvonce_settings INTERFACE -Wno-restrict)
endif()
if(KVONCE_SANITIZE)
  target_compile_options(kvonce_settings INTERFACE -fsanitize=address,undefined
                                                   -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(kvonce_settings INTERFACE -fsanitize=address,undefined)
endif()
if(KVONCE_FUZZ)
  # Coverage instrumentation for libFuzzer everywhere; the fuzz targets add -fsanitize=fuzzer.
  target_compile_options(kvonce_settings INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                                                   -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(kvonce_settings INTERFACE -fsanitize=address,undefined)
endif()
