// URLs: parsing, the outbound policy every request obeys, and redaction for messages and
// metadata.
//
// Outbound policy: HTTPS only, except loopback hosts (127.0.0.0/8, ::1, localhost) which may use
// plain HTTP, or any host when allow_plain_http is set (--allow-http); no userinfo
// (user:password@) in a URL; when KVONCE_ALLOWED_HOSTS is set (comma-separated host names,
// case-insensitive, "*.example.com" for subdomains) every host contacted, redirects included,
// must be in it. The curl transport checks every hop against the policy.
//
// redact_url() is the only form in which a URL may be printed, logged or written: it drops the
// userinfo, the fragment and every query parameter that signs or authorises a request.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/util/environment.hpp"

namespace kvonce::net {

struct Url {
  std::string scheme;    // lower-cased: "https"
  std::string userinfo;  // "" when absent
  std::string host;      // lower-cased, IPv6 without brackets
  std::optional<int> port;
  std::string path;      // "/..." as written (still percent-encoded); "" when absent
  std::string query;     // without '?', "" when absent
  std::string fragment;  // without '#'

  int effective_port() const;  // port, else 443 for https, 80 for http, 0 otherwise
  std::string origin() const;  // "https://host:port" (port always given), for same-origin checks
  std::string host_for_url() const;  // host, bracketed when IPv6
};

// Parses an absolute URL "scheme://[userinfo@]host[:port][/path][?query][#fragment]".
// nullopt when it is not one (no scheme, no host, bad port).
std::optional<Url> parse_url(std::string_view text);

// 127.0.0.0/8, ::1 (and ::ffff:127.x.x.x), "localhost" (any case, trailing dot allowed).
bool is_loopback_host(std::string_view host);

struct OutboundPolicy {
  bool allow_plain_http = false;           // http:// also beyond loopback hosts
  std::vector<std::string> allowed_hosts;  // empty = any host
};

// The policy from KVONCE_ALLOWED_HOSTS and the --allow-http flag.
OutboundPolicy outbound_policy_from(const Environment& env, bool allow_plain_http);

// Why `url` may not be requested under `policy`, or nullopt when it may. The reason never quotes
// the URL's secrets (it names scheme and host only).
std::optional<std::string> outbound_violation(const Url& url, const OutboundPolicy& policy);
std::optional<std::string> outbound_violation(std::string_view url, const OutboundPolicy& policy);

// Throws Error(usage) "<redacted url>: <reason>" when the URL is not allowed.
void check_outbound(std::string_view url, const OutboundPolicy& policy);

// True for query parameter names that carry a signature, credential or token (case-insensitive):
// X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token, X-Goog-Signature, X-Goog-Credential,
// sig, signature, token, access_token, key, code, ... and any name containing "token",
// "secret", "signature", "password" or "credential".
bool is_secret_query_parameter(std::string_view name);

// The URL without userinfo, fragment and secret query parameters (separated by '&' or ';');
// scheme, host, port, path and the remaining parameters are kept. Text that does not parse as a URL
// loses everything after the first '?' or '#' and before an '@'.
std::string redact_url(std::string_view url);

// A payload's origin as it may be shown or stored: redact_url() when it holds a URL ("://"),
// else the text (a file name) as it is. Applied on write and again on read.
std::string redact_source(std::string_view detail);

// RFC 3986 percent-encoding of everything but unreserved characters and those in `keep`.
std::string percent_encode(std::string_view text, std::string_view keep = {});
// Decodes %XX sequences (and '+' as space when plus_as_space); invalid sequences stay as they are.
std::string percent_decode(std::string_view text, bool plus_as_space = false);

}  // namespace kvonce::net
