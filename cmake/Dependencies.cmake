# Every third-party dependency is found here, from the system (Debian 12 packages).
find_package(ZLIB 1.2.11 REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)
find_package(CURL 7.88 REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(CLI11 2.1 REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip>=1.7)
pkg_check_modules(LIBZSTD REQUIRED IMPORTED_TARGET libzstd>=1.4)
# `receive`: HTTP/2 (h2c gRPC) through libnghttp2's server session; Ubuntu 22.04 has 1.43.
pkg_check_modules(LIBNGHTTP2 REQUIRED IMPORTED_TARGET libnghttp2>=1.43)
# `receive`: Boost.Asio (the listeners' event loop) and Boost.Beast (HTTP/1.1), header-only.
find_package(Boost 1.74 REQUIRED)
# ISA-L's igzip inflates gzip payloads (io/isal_gzip_source.cpp); zlib still compresses.
pkg_check_modules(LIBISAL REQUIRED IMPORTED_TARGET libisal>=2.25)
# OTLP protobuf is read by the tool's own wire reader (otlp/proto_reader.cpp): no protobuf
# library is linked. protoc encodes the tests' fixtures (tests/CMakeLists.txt).
if(KVONCE_BUILD_TESTS)
  find_package(Catch2 2.13 REQUIRED)
endif()
if(KVONCE_BUILD_BENCH)
  find_package(benchmark 1.7 REQUIRED)
endif()
