// URL parsing, outbound policy and redaction (see url.hpp).
#include "kvonce/net/url.hpp"

#include <array>
#include <cctype>
#include <cstring>

#include <arpa/inet.h>

#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::net {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool valid_scheme(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (const char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

// Splits "host[:port]" or "[v6]:port" into url.host / url.port.
bool parse_host_port(std::string_view hp, Url& url) {
  std::string_view port_text;
  if (!hp.empty() && hp.front() == '[') {
    const auto close = hp.find(']');
    if (close == std::string_view::npos) return false;
    url.host = to_lower_ascii(hp.substr(1, close - 1));
    const auto rest = hp.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port_text = rest.substr(1);
    }
  } else {
    const auto colon = hp.rfind(':');
    url.host = to_lower_ascii(hp.substr(0, colon));
    if (colon != std::string_view::npos) port_text = hp.substr(colon + 1);
    // ':' belongs in a host only inside brackets (IPv6). Accepting "h:1]:80" made redact_url()
    // print "[h:1]]:80", which no longer parses as the same URL (found by fuzzing).
    if (url.host.find_first_of(":[]") != std::string::npos) return false;
  }
  if (url.host.empty() || url.host.find('[') != std::string::npos) return false;
  if (!port_text.empty()) {
    if (port_text.size() > 5) return false;
    int port = 0;
    for (const char c : port_text) {
      if (c < '0' || c > '9') return false;
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return false;
    url.port = port;
  }
  return true;
}

bool host_matches(std::string_view host, std::string_view pattern) {
  if (pattern.starts_with("*.")) {
    const auto suffix = pattern.substr(1);  // ".example.com"
    return host.size() > suffix.size() && host.ends_with(suffix);
  }
  return host == pattern;
}

std::string strip_trailing_dot(std::string host) {
  if (!host.empty() && host.back() == '.') host.pop_back();
  return host;
}

}  // namespace

int Url::effective_port() const {
  if (port) return *port;
  if (scheme == "https") return 443;
  if (scheme == "http") return 80;
  return 0;
}

std::string Url::host_for_url() const {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string Url::origin() const {
  return scheme + "://" + host_for_url() + ":" + std::to_string(effective_port());
}

std::optional<Url> parse_url(std::string_view text) {
  const auto sep = text.find("://");
  if (sep == std::string_view::npos || !valid_scheme(text.substr(0, sep))) return std::nullopt;
  Url url;
  url.scheme = to_lower_ascii(text.substr(0, sep));
  std::string_view rest = text.substr(sep + 3);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
    url.fragment = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    url.query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) url.path = std::string(rest.substr(slash));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    url.userinfo = std::string(authority.substr(0, at));
    authority = authority.substr(at + 1);
  }
  for (const char c : authority) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '\\') return std::nullopt;
  }
  if (!parse_host_port(authority, url)) return std::nullopt;
  return url;
}

bool is_loopback_host(std::string_view host_text) {
  std::string host = strip_trailing_dot(to_lower_ascii(host_text));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    if (std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0) return true;
    // IPv4-mapped ::ffff:127.x.x.x
    static constexpr std::array<unsigned char, 12> kMapped{0, 0, 0, 0, 0,    0,
                                                           0, 0, 0, 0, 0xff, 0xff};
    return std::memcmp(v6.s6_addr, kMapped.data(), kMapped.size()) == 0 && v6.s6_addr[12] == 127;
  }
  return false;
}

OutboundPolicy outbound_policy_from(const Environment& env, bool allow_plain_http) {
  OutboundPolicy policy;
  policy.allow_plain_http = allow_plain_http;
  if (const auto hosts = env("KVONCE_ALLOWED_HOSTS")) {
    std::string_view rest = *hosts;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto item = trim(rest.substr(0, comma));
      if (!item.empty()) policy.allowed_hosts.push_back(strip_trailing_dot(to_lower_ascii(item)));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  return policy;
}

std::optional<std::string> outbound_violation(const Url& url, const OutboundPolicy& policy) {
  if (!url.userinfo.empty()) {
    return std::string(
        "credentials in the URL (user:password@) are not accepted; use the "
        "source's token or credential variables");
  }
  const bool loopback = is_loopback_host(url.host);
  if (url.scheme == "http") {
    if (!loopback && !policy.allow_plain_http) {
      return "plain http:// to " + url.host_for_url() +
             " is refused (https only except loopback hosts; --allow-http to override)";
    }
  } else if (url.scheme != "https") {
    return "scheme " + url.scheme + ":// is not supported (https, or http to loopback hosts)";
  }
  if (!policy.allowed_hosts.empty()) {
    const std::string host = strip_trailing_dot(url.host);
    bool allowed = false;
    for (const auto& pattern : policy.allowed_hosts)
      allowed = allowed || host_matches(host, pattern);
    if (!allowed) return "host " + url.host_for_url() + " is not in KVONCE_ALLOWED_HOSTS";
  }
  return std::nullopt;
}

std::optional<std::string> outbound_violation(std::string_view text, const OutboundPolicy& policy) {
  const auto url = parse_url(text);
  if (!url) return std::string("not an absolute URL (scheme://host/path)");
  return outbound_violation(*url, policy);
}

void check_outbound(std::string_view url, const OutboundPolicy& policy) {
  if (const auto reason = outbound_violation(url, policy)) {
    fail(ErrorKind::usage, redact_url(url) + ": " + *reason);
  }
}

bool is_secret_query_parameter(std::string_view raw_name) {
  const std::string name = to_lower_ascii(percent_decode(raw_name, true));
  static constexpr std::array<std::string_view, 16> kExact{"sig",
                                                           "key",
                                                           "code",
                                                           "auth",
                                                           "apikey",
                                                           "api_key",
                                                           "x-amz-signature",
                                                           "x-amz-credential",
                                                           "x-amz-security-token",
                                                           "x-goog-signature",
                                                           "x-goog-credential",
                                                           "awsaccesskeyid",
                                                           "googleaccessid",
                                                           "authorization",
                                                           "jwt",
                                                           "session"};
  for (const auto exact : kExact) {
    if (name == exact) return true;
  }
  static constexpr std::array<std::string_view, 5> kParts{"token", "secret", "signature",
                                                          "password", "credential"};
  for (const auto part : kParts) {
    if (name.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string redact_url(std::string_view text) {
  const auto url = parse_url(text);
  if (!url) {
    std::string_view cut = text.substr(0, text.find_first_of("?#"));
    if (const auto at = cut.rfind('@'); at != std::string_view::npos) {
      const auto sep = cut.find("://");
      const auto start = sep == std::string_view::npos ? 0 : sep + 3;
      return std::string(cut.substr(0, start)) + std::string(cut.substr(at + 1));
    }
    return std::string(cut);
  }
  std::string out = url->scheme + "://" + url->host_for_url();
  if (url->port) out += ":" + std::to_string(*url->port);
  out += url->path;
  // Servers split parameters on ';' as well as '&' (HTML 4, many frameworks): both separate.
  std::string kept;
  std::string_view rest = url->query;
  char separator = '&';  // the one before the current parameter
  while (!rest.empty()) {
    const auto end = rest.find_first_of("&;");
    const auto param = rest.substr(0, end);
    const auto name = param.substr(0, param.find('='));
    if (!param.empty() && !is_secret_query_parameter(name)) {
      if (!kept.empty()) kept += separator;
      kept += param;
    }
    if (end == std::string_view::npos) break;
    separator = rest[end];
    rest = rest.substr(end + 1);
  }
  if (!kept.empty()) out += "?" + kept;
  return out;
}

std::string redact_source(std::string_view detail) {
  return detail.find("://") != std::string_view::npos ? redact_url(detail) : std::string(detail);
}

std::string percent_encode(std::string_view text, std::string_view keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || keep.find(ch) != std::string_view::npos) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string percent_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_as_space && c == '+' ? ' ' : c);
  }
  return out;
}

}  // namespace kvonce::net
