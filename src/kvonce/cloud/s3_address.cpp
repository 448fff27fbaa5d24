// S3 endpoint, addressing style and region from options and the environment.
#include "kvonce/cloud/s3_address.hpp"

#include "kvonce/cloud/sigv4.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::cloud {
namespace {

std::optional<std::string> first_of(const Environment& env,
                                    std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (auto value = env(name)) return value;
  }
  return std::nullopt;
}

bool is_ip_literal(std::string_view host) {
  if (host.find(':') != std::string_view::npos) return true;  // IPv6
  for (const char c : host) {
    if (!(c == '.' || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

// Lower-case DNS labels of 3..63 characters in all, as S3 requires for virtual-hosted names.
bool dns_compatible(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  if (bucket.front() == '.' || bucket.back() == '.' || bucket.front() == '-' ||
      bucket.find("..") != std::string_view::npos) {
    return false;
  }
  for (const char c : bucket) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  }
  return true;
}

}  // namespace

bool parse_bool_setting(const std::string& value, const std::string& what) {
  const std::string v = to_lower_ascii(trim(value));
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  fail(ErrorKind::usage, what + "='" + value + "': expected true or false");
}

std::string S3Address::url(std::string_view encoded_path, std::string_view query) const {
  std::string out = scheme + "://" + host + base_path + std::string(encoded_path);
  if (!query.empty()) out += "?" + std::string(query);
  return out;
}

S3Address resolve_s3_address(const StoreSettings& options, const Environment& env,
                             const std::string& bucket) {
  S3Address out;
  out.region = options.region.value_or(
      first_of(env, {"KVONCE_OTLP_S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"})
          .value_or("us-east-1"));
  std::optional<bool> use_ssl = options.use_ssl;
  if (!use_ssl) {
    if (auto v = env("KVONCE_OTLP_S3_USE_SSL"))
      use_ssl = parse_bool_setting(*v, "KVONCE_OTLP_S3_USE_SSL");
  }
  std::optional<bool> force_path = options.force_path_style;
  if (!force_path) {
    if (auto v = env("KVONCE_OTLP_S3_FORCE_PATH_STYLE")) {
      force_path = parse_bool_setting(*v, "KVONCE_OTLP_S3_FORCE_PATH_STYLE");
    }
  }
  const std::string default_scheme = use_ssl.value_or(true) ? "https" : "http";
  std::string endpoint = options.endpoint.value_or(
      first_of(env, {"KVONCE_OTLP_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"})
          .value_or("s3." + out.region + ".amazonaws.com"));
  if (endpoint.find("://") == std::string::npos) endpoint = default_scheme + "://" + endpoint;

  const auto url = net::parse_url(endpoint);
  if (!url || (url->scheme != "https" && url->scheme != "http") || !url->userinfo.empty() ||
      !url->query.empty() || (!url->path.empty() && url->path != "/")) {
    fail(ErrorKind::usage, "S3 endpoint '" + net::redact_url(endpoint) +
                               "': expected http(s)://host[:port] without path or credentials");
  }
  out.scheme = url->scheme;
  const bool default_port = !url->port || (out.scheme == "https" && *url->port == 443) ||
                            (out.scheme == "http" && *url->port == 80);
  const std::string port = default_port ? "" : ":" + std::to_string(*url->port);

  out.path_style = force_path.value_or(false) || is_ip_literal(url->host) ||
                   url->host == "localhost" || !dns_compatible(bucket) ||
                   (out.scheme == "https" && bucket.find('.') != std::string::npos);
  if (out.path_style) {
    out.host = url->host_for_url() + port;
    out.base_path = "/" + uri_encode(bucket);
  } else {
    out.host = bucket + "." + url->host + port;
  }
  return out;
}

}  // namespace kvonce::cloud
