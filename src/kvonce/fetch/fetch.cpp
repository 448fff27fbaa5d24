// The fetch step: choose the source, bring the payload to the target, write the metadata.
#include "kvonce/fetch/fetch.hpp"

#include <array>

#include "kvonce/cloud/gcs.hpp"
#include "kvonce/cloud/object_uri.hpp"
#include "kvonce/cloud/s3.hpp"
#include "kvonce/fetch/github_artifact.hpp"
#include "kvonce/fetch/local_file.hpp"
#include "kvonce/fetch/verified_file.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/payload/sample.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::fetch {
namespace fs = std::filesystem;
namespace {

enum class Kind { file, env_file, artifact_dir, artifact, url, s3, gcs, sample };

struct Source {
  Kind kind;
  std::string value;
};

// s3:// and gs:// URLs are object-store sources, whatever flag or variable carried them.
Source by_scheme(Kind http_kind, const std::string& value) {
  const std::string lower = to_lower_ascii(value.substr(0, 5));
  if (lower.starts_with("s3://")) return {Kind::s3, value};
  if (lower.starts_with("gs://")) return {Kind::gcs, value};
  return {http_kind, value};
}

Source choose_source(const FetchOptions& o, const Environment& env) {
  const std::array<std::pair<const std::optional<std::string>*, const char*>, 6> flags{
      {{&o.file, "--file"},
       {&o.artifact_dir, "--artifact-dir"},
       {&o.artifact, "--artifact"},
       {&o.url, "--url"},
       {&o.s3, "--s3"},
       {&o.gcs, "--gcs"}}};
  std::string given;
  for (const auto& [value, name] : flags) {
    if (*value) given += (given.empty() ? "" : ", ") + std::string(name);
  }
  if (given.find(',') != std::string::npos) {
    fail(ErrorKind::usage, "give one payload source, not several (" + given + ")");
  }
  if (o.file) return {Kind::file, *o.file};
  if (o.artifact_dir) return {Kind::artifact_dir, *o.artifact_dir};
  if (o.artifact) return {Kind::artifact, *o.artifact};
  if (o.url) return by_scheme(Kind::url, *o.url);
  if (o.s3) return {Kind::s3, *o.s3};
  if (o.gcs) return {Kind::gcs, *o.gcs};
  if (auto v = env("KVONCE_OTLP_PAYLOAD")) return {Kind::env_file, *v};
  if (auto v = env("KVONCE_PAYLOAD_ARTIFACT")) return {Kind::artifact, *v};
  if (auto v = env("KVONCE_OTLP_PAYLOAD_URL")) return by_scheme(Kind::url, *v);
  if (auto v = env("KVONCE_OTLP_S3_URI")) return {Kind::s3, *v};
  return {Kind::sample, std::string(payload::kEmbeddedSampleName)};
}

DownloadPolicy policy_from(const FetchOptions& o) {
  if (o.retries < 0) fail(ErrorKind::usage, "--retries must be 0 or more");
  if (o.timeout_seconds < 0) fail(ErrorKind::usage, "--timeout must be 0 (none) or more seconds");
  DownloadPolicy p;
  p.max_bytes = o.max_bytes;
  if (o.expect_sha256) p.expect_sha256 = normalise_sha256(*o.expect_sha256);
  p.retries = o.retries;
  p.timeout_ms = static_cast<long>(o.timeout_seconds * 1000.0);
  p.connect_timeout_ms =
      p.timeout_ms > 0 ? std::min(p.connect_timeout_ms, p.timeout_ms) : p.connect_timeout_ms;
  p.allow_plain_http = o.allow_http;
  p.log = o.log;
  return p;
}

// The declared encoding, else what the stored bytes are.
std::string encoding_of(const DownloadResult& d, const fs::path& file) {
  if (!d.content_encoding.empty()) return to_lower_ascii(d.content_encoding);
  return sniff_content_encoding(file);
}

PayloadMetadata single(const char* type, std::string detail, const DownloadResult& d,
                       const fs::path& file) {
  PayloadMetadata m;
  m.source_type = type;
  m.source_detail = std::move(detail);
  m.sha256 = d.sha256;
  m.size_bytes = d.size_bytes;
  m.content_encoding = encoding_of(d, file);
  m.attempts = d.attempts;
  return m;
}

PayloadMetadata write_sample(const fs::path& target, const DownloadPolicy& policy) {
  VerifiedFile file(target, policy.max_bytes, payload::kEmbeddedSampleName);
  file.write(payload::embedded_sample());
  DownloadResult d;
  d.sha256 = file.commit(policy.expect_sha256);
  d.size_bytes = file.size();
  d.attempts = 1;
  return single(kSourceSample, payload::kEmbeddedSampleName, d, target);
}

PayloadMetadata from_objects(const char* type, const std::string& uri,
                             const std::vector<cloud::ObjectFetch>& objects, const fs::path& dir) {
  PayloadMetadata m;
  m.source_type = type;
  m.source_detail = uri;
  m.attempts = 0;
  const cloud::ObjectUri prefix =
      cloud::parse_object_uri(uri, std::string_view(type) == kSourceS3 ? "s3" : "gs");
  for (const auto& o : objects) {
    ObjectMetadata entry;
    entry.source_detail = o.source_detail;
    const auto object = cloud::parse_object_uri(o.source_detail, prefix.scheme);
    entry.path = cloud::local_path_for(dir, prefix.key, object.key).string();
    entry.sha256 = o.download.sha256;
    entry.size_bytes = o.download.size_bytes;
    entry.content_encoding = encoding_of(o.download, entry.path);
    entry.attempts = o.download.attempts;
    m.size_bytes += entry.size_bytes;
    m.attempts += entry.attempts;
    m.objects.push_back(std::move(entry));
  }
  m.content_encoding = "";
  return m;
}

PayloadMetadata fetch_url(const std::string& url, const Environment& env, bool allow_http,
                          net::HttpTransport& transport, const fs::path& target,
                          const DownloadPolicy& policy) {
  net::check_outbound(url, net::outbound_policy_from(env, allow_http));
  const std::string label = net::redact_url(url);
  const DownloadResult d = download_to_file(
      transport,
      [&] {
        net::HttpRequest request;
        request.url = url;
        request.follow_redirects = true;
        return request;
      },
      target, policy, label);
  return single(kSourceUrl, label, d, target);
}

PayloadMetadata fetch_object(const Source& source, const FetchOptions& o, const Environment& env,
                             net::HttpTransport& transport, const fs::path& target,
                             const DownloadPolicy& policy) {
  const bool s3 = source.kind == Kind::s3;
  const std::string uri = o.date ? cloud::with_date_prefix(source.value, *o.date) : source.value;
  const bool prefix = cloud::parse_object_uri(uri, s3 ? "s3" : "gs").is_prefix();
  if (prefix && o.expect_sha256) {
    fail(ErrorKind::usage, "--expect-sha256 names one object; it cannot apply to a prefix");
  }
  if (s3) {
    cloud::S3Options s3o{uri, o.region, o.endpoint, o.path_style, std::nullopt, o.resolve};
    if (prefix) {
      return from_objects(kSourceS3, uri,
                          cloud::fetch_s3_prefix(s3o, env, transport, target, policy), target);
    }
    const auto r = cloud::fetch_s3_object(s3o, env, transport, target, policy);
    return single(kSourceS3, r.source_detail, r.download, target);
  }
  cloud::GcsOptions gcso;
  gcso.uri = uri;
  gcso.api_url = o.gcs_api_url;
  gcso.resolve = o.resolve;
  if (prefix) {
    return from_objects(kSourceGcs, uri,
                        cloud::fetch_gcs_prefix(gcso, env, transport, target, policy), target);
  }
  const auto r = cloud::fetch_gcs_object(gcso, env, transport, target, policy);
  return single(kSourceGcs, r.source_detail, r.download, target);
}

PayloadMetadata fetch_source(const Source& source, const FetchOptions& o, const Environment& env,
                             net::HttpTransport& transport, const fs::path& target,
                             const DownloadPolicy& policy) {
  if (o.date && source.kind != Kind::s3 && source.kind != Kind::gcs) {
    fail(ErrorKind::usage, "--date applies to s3:// and gs:// sources only");
  }
  if (o.run_id && source.kind != Kind::artifact) {
    fail(ErrorKind::usage, "--run-id applies to --artifact only");
  }
  switch (source.kind) {
    case Kind::file:
    case Kind::env_file: {
      const auto d = copy_local_file(source.value, target, policy);
      return single(source.kind == Kind::file ? kSourceExplicit : kSourceEnvFile, source.value, d,
                    target);
    }
    case Kind::artifact_dir: {
      const fs::path payload = find_payload_in_directory(source.value);
      const auto d = copy_local_file(payload, target, policy);
      return single(kSourceArtifact, payload.string(), d, target);
    }
    case Kind::artifact: {
      const auto r = fetch_github_artifact(source.value, o.run_id, env, transport, target, policy);
      return single(kSourceArtifact, r.source_detail, r.download, target);
    }
    case Kind::url: return fetch_url(source.value, env, o.allow_http, transport, target, policy);
    case Kind::s3:
    case Kind::gcs: return fetch_object(source, o, env, transport, target, policy);
    case Kind::sample: return write_sample(target, policy);
  }
  fail(ErrorKind::internal, "unknown payload source");
}

fs::path checked_target(const fs::path& target) {
  if (target.empty() || target == "-") {
    fail(ErrorKind::usage, "--target must name a file (standard output is not supported)");
  }
  fs::path t = target.lexically_normal();
  if (!t.has_filename()) t = t.parent_path();  // "dir/" -> "dir"
  return t;
}

}  // namespace

FetchResult fetch(const FetchOptions& options, const Environment& env,
                  net::HttpTransport& transport) {
  FetchResult result;
  result.target = checked_target(options.target);
  const DownloadPolicy policy = policy_from(options);
  const Source source = choose_source(options, env);
  result.metadata = fetch_source(source, options, env, transport, result.target, policy);
  result.metadata_path =
      options.metadata ? *options.metadata : default_metadata_path(result.target);
  write_metadata(result.metadata_path, result.metadata);
  return result;
}

FetchResult fetch(const FetchOptions& options, const Environment& env) {
  const auto transport =
      net::make_curl_transport(net::outbound_policy_from(env, options.allow_http));
  return fetch(options, env, *transport);
}

std::string fetch_summary_text(const FetchResult& r) {
  const PayloadMetadata& m = r.metadata;
  std::string text = "fetched " + m.source_type + " " + m.source_detail + " -> " +
                     r.target.string() + " (" + std::to_string(m.size_bytes) + " bytes";
  if (!m.objects.empty()) text += " in " + std::to_string(m.objects.size()) + " objects";
  if (!m.sha256.empty()) text += ", sha256 " + m.sha256;
  if (m.content_encoding == "gzip" || m.content_encoding == "zstd")
    text += ", " + m.content_encoding;
  text += ", " + std::to_string(m.attempts) + (m.attempts == 1 ? " attempt" : " attempts") + ")\n";
  text += "metadata: " + r.metadata_path.string() + "\n";
  return text;
}

}  // namespace kvonce::fetch
