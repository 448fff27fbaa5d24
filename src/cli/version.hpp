// What `kvonce-trace --version` prints: this build, and the libraries the process really runs with
// (a binary built on one system may run against newer shared libraries on another).
#pragma once

#include <string>

namespace kvonce::cli {

// The git commit the binary was built from ("<40 hex>", "<40 hex>-dirty" for uncommitted changes,
// or "unknown" outside a git checkout). Defined in a file generated at build time.
const char* build_commit();

// "kvonce-trace <version>", then one line each: the commit, libcurl, OpenSSL, zlib, libzip.
std::string version_text();

}  // namespace kvonce::cli
