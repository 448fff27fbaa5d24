// The fetch step: choose the source, bring the payload to the target, write the metadata.
#include "kvonce/fetch/fetch.hpp"

#include <array>

#include "kvonce/cloud/object_store.hpp"
#include "kvonce/fetch/local_file.hpp"
#include "kvonce/github/artifacts.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/payload/sample.hpp"
#include "kvonce/transfer/verified_file.hpp"
#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/console_text.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::fetch {
namespace fs = std::filesystem;
namespace {

bool in_github_actions(const Environment& env) {
  return env("GITHUB_ACTIONS") == "true";
}

enum class Kind { file, env_file, artifact_dir, artifact, url, store, sample };

struct Source {
  Kind kind;
  std::string value;
  std::string_view scheme = {};  // a store flag's scheme (--s3: "s3"); empty: any store's
};

// Object-store URLs (s3://, gs://, ...) are store sources, whatever flag or variable carried them.
Source by_scheme(Kind http_kind, const std::string& value) {
  return {cloud::backend_for_uri(value) ? Kind::store : http_kind, value};
}

Source choose_source(const FetchOptions& o, const Environment& env) {
  check_source_variables(env);  // whichever source wins: an empty one in CI is a mistake
  const std::optional<std::string> sample_flag =
      o.sample ? std::optional<std::string>("") : std::nullopt;
  const std::array<std::pair<const std::optional<std::string>*, const char*>, 7> flags{
      {{&o.file, "--file"},
       {&o.artifact_dir, "--artifact-dir"},
       {&o.artifact, "--artifact"},
       {&o.url, "--url"},
       {&o.s3, "--s3"},
       {&o.gcs, "--gcs"},
       {&sample_flag, "--sample"}}};
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
  if (o.s3) return {Kind::store, *o.s3, "s3"};
  if (o.gcs) return {Kind::store, *o.gcs, "gs"};
  if (o.sample) return {Kind::sample, std::string(payload::kEmbeddedSampleName)};
  if (auto v = env("KVONCE_OTLP_PAYLOAD")) return {Kind::env_file, *v};
  if (auto v = env("KVONCE_PAYLOAD_ARTIFACT")) return {Kind::artifact, *v};
  if (auto v = env("KVONCE_OTLP_PAYLOAD_URL")) return by_scheme(Kind::url, *v);
  if (auto v = env("KVONCE_OTLP_S3_URI")) return {Kind::store, *v, "s3"};
  check_sample_allowed(env);
  return {Kind::sample, std::string(payload::kEmbeddedSampleName)};
}

transfer::DownloadPolicy policy_from(const FetchOptions& o) {
  if (o.retries < 0) fail(ErrorKind::usage, "--retries must be 0 or more");
  if (o.timeout_seconds < 0) fail(ErrorKind::usage, "--timeout must be 0 (none) or more seconds");
  transfer::DownloadPolicy p;
  p.max_bytes = o.max_bytes;
  if (o.expect_sha256) p.expect_sha256 = transfer::normalise_sha256(*o.expect_sha256);
  p.retries = o.retries;
  p.timeout_ms = static_cast<long>(o.timeout_seconds * 1000.0);
  p.connect_timeout_ms =
      p.timeout_ms > 0 ? std::min(p.connect_timeout_ms, p.timeout_ms) : p.connect_timeout_ms;
  p.allow_plain_http = o.allow_http;
  p.log = o.log;
  p.clock = o.clock;
  return p;
}

// The declared encoding, else what the stored bytes are.
std::string encoding_of(const transfer::DownloadResult& d, const fs::path& file) {
  if (!d.content_encoding.empty()) return to_lower_ascii(d.content_encoding);
  return sniff_content_encoding(file);
}

PayloadMetadata single(std::string type, std::string detail, const transfer::DownloadResult& d,
                       const OutputPath& file) {
  PayloadMetadata m;
  m.source_type = std::move(type);
  m.source_detail = std::move(detail);
  m.sha256 = d.sha256;
  m.size_bytes = d.size_bytes;
  m.content_encoding = encoding_of(d, file.path());
  m.attempts = d.attempts;
  return m;
}

PayloadMetadata write_sample(const OutputPath& target, const transfer::DownloadPolicy& policy) {
  transfer::VerifiedFile file(target, policy.max_bytes, payload::kEmbeddedSampleName);
  file.write(payload::embedded_sample());
  transfer::DownloadResult d;
  d.sha256 = file.commit(policy.expect_sha256);
  d.size_bytes = file.size();
  d.attempts = 1;
  return single(kSourceSample, payload::kEmbeddedSampleName, d, target);
}

PayloadMetadata from_objects(std::string_view type, const cloud::ObjectUri& prefix,
                             const std::vector<cloud::ObjectFetch>& objects, const fs::path& dir) {
  PayloadMetadata m;
  m.source_type = type;
  m.source_detail = prefix.str();
  m.attempts = 0;
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
                          net::HttpTransport& transport, const OutputPath& target,
                          const transfer::DownloadPolicy& policy) {
  net::check_outbound(url, net::outbound_policy_from(env, allow_http));
  const std::string label = net::redact_url(url);
  const transfer::DownloadResult d = transfer::download_to_file(
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
                             net::HttpTransport& transport, const OutputPath& target,
                             const transfer::DownloadPolicy& policy) {
  const std::string text = o.date ? cloud::with_date_prefix(source.value, *o.date) : source.value;
  // A store flag insists on its scheme (--s3 gs://... is refused); a URL picks the store.
  const cloud::ObjectUri uri = source.scheme.empty() ? cloud::parse_store_uri(text)
                                                     : cloud::parse_object_uri(text, source.scheme);
  if (uri.is_prefix() && o.expect_sha256) {
    fail(ErrorKind::usage, "--expect-sha256 names one object; it cannot apply to a prefix");
  }
  const cloud::StoreBackend& backend = *cloud::backend_for_uri(uri.str());
  const cloud::StoreSettings settings{o.region,      o.endpoint,   o.path_style, std::nullopt,
                                      o.gcs_api_url, std::nullopt, o.resolve};
  const auto store = backend.open(env, settings, policy);
  if (uri.is_prefix()) {
    // The target is a directory; the objects' names in it come from the listing.
    const OutputDir dir =
        target.dir() ? target.dir()->sub(target.rel()) : OutputDir::as_named(target.path());
    return from_objects(backend.source_type, uri,
                        cloud::fetch_store_prefix(*store, uri, transport, dir), target.path());
  }
  const auto r = cloud::fetch_store_object(*store, uri, transport, target);
  return single(std::string(backend.source_type), r.source_detail, r.download, target);
}

PayloadMetadata fetch_source(const Source& source, const FetchOptions& o, const Environment& env,
                             net::HttpTransport& transport, const OutputPath& target,
                             const transfer::DownloadPolicy& policy) {
  if (o.date && source.kind != Kind::store) {
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
      const auto r = github::fetch_artifact(source.value, o.run_id, env, transport, target, policy);
      return single(kSourceArtifact, r.source_detail, r.download, target);
    }
    case Kind::url: return fetch_url(source.value, env, o.allow_http, transport, target, policy);
    case Kind::store: return fetch_object(source, o, env, transport, target, policy);
    case Kind::sample: return write_sample(target, policy);
  }
  fail(ErrorKind::internal, "unknown payload source");
}

// A path under `tree` as a name in it; else the user's path.
OutputPath output_path(const std::optional<OutputDir>& tree, const fs::path& path) {
  if (!tree) return OutputPath(path);
  return OutputPath(*tree, tree->relative(path));
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

void check_source_variables(const Environment& env) {
  if (!in_github_actions(env)) return;
  for (const char* name : kSourceVariables) {
    if (env.set_but_empty(name)) {
      fail(ErrorKind::usage, std::string(name) +
                                 " is set but empty (an empty secret or input?): name a payload, "
                                 "or leave the variable unset");
    }
  }
}

void check_sample_allowed(const Environment& env) {
  if (!in_github_actions(env)) return;
  fail(ErrorKind::usage,
       "no payload source given: in GitHub Actions the embedded sample is verified only with "
       "--sample (the action's and the workflow's `sample` input); name the payload with a "
       "source flag or variable");
}

FetchResult fetch(const FetchOptions& options, const Environment& env,
                  net::HttpTransport& transport) {
  FetchResult result;
  result.target = checked_target(options.target);
  const transfer::DownloadPolicy policy = policy_from(options);
  const Source source = choose_source(options, env);
  result.metadata_path =
      options.metadata ? *options.metadata : default_metadata_path(result.target);
  const OutputPath target = output_path(options.tree, result.target);
  const OutputPath metadata_path =
      options.tree || options.metadata
          ? output_path(options.tree, result.metadata_path)
          : target.sibling(result.metadata_path.filename().string());  // a name fetch chose
  // The metadata file is opened before the payload is replaced, so a metadata path that cannot
  // be written fails the fetch with both files as they were; should writing it fail after all,
  // the previous metadata (which describes the replaced payload) is removed.
  if (!metadata_path.dir()) ensure_directory(result.metadata_path.parent_path());
  AtomicFile metadata(metadata_path);
  result.metadata = fetch_source(source, options, env, transport, target, policy);
  try {
    metadata.write(metadata_json(result.metadata, now(options.clock)));
    metadata.commit();
  } catch (const Error&) {
    remove_output(metadata_path);
    throw;
  }
  return result;
}

FetchResult fetch(const FetchOptions& options, const Environment& env) {
  const auto transport =
      net::make_curl_transport(net::outbound_policy_from(env, options.allow_http));
  return fetch(options, env, *transport);
}

std::string fetch_summary_text(const FetchResult& r) {
  const PayloadMetadata& m = r.metadata;
  std::string text = "fetched " + console_escape(m.source_type) + " " +
                     console_escape(m.source_detail) + " -> " + console_escape(r.target.string()) +
                     " (" + std::to_string(m.size_bytes) + " bytes";
  if (!m.objects.empty()) text += " in " + std::to_string(m.objects.size()) + " objects";
  if (!m.sha256.empty()) text += ", sha256 " + console_escape(m.sha256);
  if (m.content_encoding == "gzip" || m.content_encoding == "zstd")
    text += ", " + m.content_encoding;
  text += ", " + std::to_string(m.attempts) + (m.attempts == 1 ? " attempt" : " attempts") + ")\n";
  text += "metadata: " + console_escape(r.metadata_path.string()) + "\n";
  return text;
}

}  // namespace kvonce::fetch
