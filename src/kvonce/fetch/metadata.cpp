#include "kvonce/fetch/metadata.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "kvonce/cloud/object_store.hpp"
#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/crypto/crypto.hpp"
#include "kvonce/io/compression.hpp"
#include "kvonce/io/hashed_input.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::fetch {

std::vector<std::string> source_types() {
  std::vector<std::string> types{kSourceExplicit, kSourceEnvFile, kSourceArtifact, kSourceUrl};
  for (const cloud::StoreBackend& b : cloud::store_backends()) {
    types.emplace_back(b.source_type);
  }
  types.emplace_back(kSourceReceive);
  types.emplace_back(kSourceSample);
  return types;
}

bool is_source_type(std::string_view type) {
  for (const std::string& t : source_types()) {
    if (t == type) return true;
  }
  return false;
}

namespace {

using Json = nlohmann::ordered_json;

// Source details are built redacted; URLs are redacted once more here so that no caller can
// write a signature by mistake.
std::string safe_detail(const std::string& detail) {
  return net::redact_source(detail);
}

Json object_json(const ObjectMetadata& o) {
  Json j;
  j["sourceDetail"] = safe_detail(o.source_detail);
  j["path"] = o.path;
  j["sha256"] = o.sha256;
  j["sizeBytes"] = o.size_bytes;
  j["contentEncoding"] = o.content_encoding.empty() ? "identity" : o.content_encoding;
  j["attempts"] = o.attempts;
  return j;
}

}  // namespace

std::string metadata_json(const PayloadMetadata& m, std::chrono::system_clock::time_point when) {
  const std::string now = iso_of(when);
  Json j;
  j["sourceType"] = m.source_type;
  j["sourceDetail"] = safe_detail(m.source_detail);
  j["sha256"] = m.sha256;
  j["sizeBytes"] = m.size_bytes;
  j["fetchedAt"] = m.fetched_at.empty() ? now : m.fetched_at;
  j["contentEncoding"] = m.content_encoding.empty() ? "identity" : m.content_encoding;
  j["attempts"] = m.attempts;
  if (m.decompressed_bytes) j["decompressedBytes"] = *m.decompressed_bytes;
  if (m.event_count) j["eventCount"] = *m.event_count;
  if (!m.objects.empty()) {
    Json objects = Json::array();
    for (const auto& o : m.objects) objects.push_back(object_json(o));
    j["objects"] = std::move(objects);
  }
  j["generatedAt"] = now;
  j["tool"] = Json{{"name", "kvonce-trace"}, {"version", KVONCE_VERSION}};
  return j.dump(2) + "\n";
}

void write_metadata(const OutputPath& path, const PayloadMetadata& metadata,
                    std::chrono::system_clock::time_point now) {
  if (!path.dir()) ensure_directory(path.path().parent_path());
  write_file_atomically(path, metadata_json(metadata, now));
}

std::filesystem::path default_metadata_path(const std::filesystem::path& target) {
  return target.parent_path() / trace_dir::kMetadataFile;
}

std::string sniff_content_encoding(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char head[io::kCompressionMagicBytes] = {};
  in.read(head, sizeof head);
  const auto n = static_cast<std::size_t>(in.gcount());
  return io::content_encoding(io::sniff_compression(std::string_view(head, n)));
}

PayloadMetadata describe_local_file_unhashed(const std::filesystem::path& file,
                                             std::string source_type, std::string source_detail) {
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(ErrorKind::input, file.string() + ": cannot open: " + std::strerror(errno));
  PayloadMetadata m;
  m.source_type = std::move(source_type);
  m.source_detail = std::move(source_detail);
  char head[io::kCompressionMagicBytes] = {};
  in.read(head, sizeof head);
  const auto n = static_cast<std::size_t>(in.gcount());
  m.content_encoding = io::content_encoding(io::sniff_compression(std::string_view(head, n)));
  m.attempts = 1;
  return m;
}

PayloadMetadata describe_local_file(const std::filesystem::path& file, std::string source_type,
                                    std::string source_detail) {
  PayloadMetadata m =
      describe_local_file_unhashed(file, std::move(source_type), std::move(source_detail));
  m.sha256 = io::sha256_of_file(file.string(), m.size_bytes);
  return m;
}

}  // namespace kvonce::fetch
