// libFuzzer target: URL parsing, the outbound policy and redaction (src/kvonce/net/url.hpp).
// Redaction is the only form in which URLs reach messages: its output must never show userinfo,
// a fragment or a secret query parameter, and a URL must keep its origin and path and be a fixed
// point of redaction. Percent-encoding must round-trip.
#include <string>

#include "kvonce/net/url.hpp"

#include "fuzz_support.hpp"

using namespace kvonce;

namespace {

// Parameters are separated by '&' or ';', as servers read them.
void check_no_secret_parameters(std::string_view query) {
  while (!query.empty()) {
    const auto end = query.find_first_of("&;");
    const auto param = query.substr(0, end);
    FUZZ_CHECK(!net::is_secret_query_parameter(param.substr(0, param.find('='))));
    query = end == std::string_view::npos ? std::string_view{} : query.substr(end + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string redacted = net::redact_url(text);
  // Whatever the input, what redaction prints holds no userinfo, fragment or secret parameter.
  if (const auto shown = net::parse_url(redacted)) {
    FUZZ_CHECK(shown->userinfo.empty() && shown->fragment.empty());
    check_no_secret_parameters(shown->query);
  }
  if (const auto url = net::parse_url(text)) {
    (void)url->effective_port();
    (void)url->origin();
    net::OutboundPolicy policy;
    (void)net::outbound_violation(*url, policy);
    policy.allowed_hosts = {"*.example.com", "localhost"};
    (void)net::outbound_violation(*url, policy);
    // A URL keeps its origin and path, and redacting it again changes nothing.
    const auto again = net::parse_url(redacted);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->scheme == url->scheme && again->host == url->host);
    FUZZ_CHECK(again->port == url->port && again->path == url->path);
    FUZZ_CHECK(net::redact_url(redacted) == redacted);
  } else {
    FUZZ_CHECK(redacted.find_first_of("?#") == std::string::npos);
  }
  FUZZ_CHECK(net::percent_decode(net::percent_encode(text)) == text);
  (void)net::percent_decode(text, size % 2 == 0);
  return 0;
}
