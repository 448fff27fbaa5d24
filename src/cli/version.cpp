#include "cli/version.hpp"

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/io/gzip_source.hpp"
#include "kvonce/io/zstd_source.hpp"
#include "kvonce/net/http.hpp"
#include "kvonce/receive/connection.hpp"
#include "kvonce/transfer/zip_extract.hpp"

namespace kvonce::cli {

std::string version_text() {
  return std::string("kvonce-trace ") + KVONCE_VERSION + "\ncommit " + build_commit() +
         "\nlibcurl " + net::libcurl_runtime_version() + "\nOpenSSL " +
         crypto::openssl_runtime_version() + "\nzlib " + io::zlib_runtime_version() + "\nlibzip " +
         transfer::libzip_runtime_version() + "\nlibzstd " + io::zstd_runtime_version() +
         "\nlibnghttp2 " + receive::nghttp2_runtime_version() + "\nISA-L " +
         io::isal_build_version() + " (built with)";
}

}  // namespace kvonce::cli
