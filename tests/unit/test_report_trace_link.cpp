// Trace-link templates: what is accepted, what is refused, and how values are encoded.
#include <catch2/catch.hpp>

#include "kvonce/report/trace_link.hpp"
#include "kvonce/util/error.hpp"

using namespace kvonce;
using namespace kvonce::report;

namespace {

std::string usage_error(std::string_view text, std::string_view source = "--trace-link") {
  try {
    TraceLinkTemplate::parse(text, source);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::usage);
    return e.what();
  }
  FAIL("accepted: " << text);
  return {};
}

}  // namespace

TEST_CASE("trace links: the three documented templates") {
  const auto jaeger = TraceLinkTemplate::parse("https://jaeger.example/trace/{traceId}", "x");
  CHECK(jaeger.url("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7") ==
        "https://jaeger.example/trace/4bf92f3577b34da6a3ce929d0e0e4736");
  const auto honeycomb = TraceLinkTemplate::parse(
      "https://ui.honeycomb.io/team/environments/ci/trace?trace_id={traceId}&span={spanId}", "x");
  CHECK(honeycomb.url("ab", "cd") ==
        "https://ui.honeycomb.io/team/environments/ci/trace?trace_id=ab&span=cd");
  const auto tempo = TraceLinkTemplate::parse(
      "https://grafana.example/"
      "explore?left=%7B%22queries%22:%5B%7B%22query%22:%22{traceId}%22%7D%5D%7D",
      "x");
  CHECK(
      tempo.url("ab", "") ==
      "https://grafana.example/explore?left=%7B%22queries%22:%5B%7B%22query%22:%22ab%22%7D%5D%7D");
}

TEST_CASE("trace links: values are percent-encoded, whatever the payload put in them") {
  const auto t = TraceLinkTemplate::parse("https://t.example/trace/{traceId}?span={spanId}", "x");
  CHECK(t.url("a/b?c#d", "x y&z=1") == "https://t.example/trace/a%2Fb%3Fc%23d?span=x%20y%26z%3D1");
  CHECK(t.url(")](javascript:alert(1))", "|<b>") ==
        "https://t.example/trace/%29%5D%28javascript%3Aalert%281%29%29?span=%7C%3Cb%3E");
}

TEST_CASE("trace links: a placeholder without a value yields no link") {
  const auto t = TraceLinkTemplate::parse("https://t.example/{traceId}/{spanId}", "x");
  CHECK(t.url("abc", "").empty());
  CHECK(t.url("", "def").empty());
  CHECK(trace_link(std::optional<TraceLinkTemplate>(), "abc", "def").empty());
  CHECK(trace_link(t, "abc", "def") == "https://t.example/abc/def");
}

TEST_CASE("trace links: characters that could break Markdown or HTML are encoded in the template") {
  const auto t = TraceLinkTemplate::parse("https://t.example/a(b)|c'd;e\\f^{traceId}", "x");
  CHECK(t.url("1", "") == "https://t.example/a%28b%29%7Cc%27d%3Be%5Cf%5E1");
  CHECK(md_link("`1`", t.url("1", "")) == "[`1`](https://t.example/a%28b%29%7Cc%27d%3Be%5Cf%5E1)");
  CHECK(md_link("x", "").empty());
}

TEST_CASE("trace links: http:// only to loopback hosts") {
  CHECK(TraceLinkTemplate::parse("http://127.0.0.1:16686/trace/{traceId}", "x").url("a", "") ==
        "http://127.0.0.1:16686/trace/a");
  CHECK(TraceLinkTemplate::parse("http://localhost/trace/{traceId}", "x").url("a", "") ==
        "http://localhost/trace/a");
  CHECK(TraceLinkTemplate::parse("http://[::1]:3000/t/{traceId}", "x").url("a", "") ==
        "http://[::1]:3000/t/a");
  CHECK_THAT(usage_error("http://jaeger.example/trace/{traceId}"),
             Catch::StartsWith("--trace-link: a link must be https://"));
}

TEST_CASE("trace links: refused templates name their source") {
  CHECK_THAT(usage_error("javascript:alert(1)//{traceId}", "KVONCE_TRACE_LINK"),
             Catch::StartsWith("KVONCE_TRACE_LINK: "));
  CHECK_THAT(usage_error("ftp://t.example/{traceId}"), Catch::Contains("https://"));
  CHECK_THAT(usage_error("/trace/{traceId}"), Catch::Contains("not an absolute URL"));
  CHECK_THAT(usage_error("https://u:p@t.example/{traceId}"), Catch::Contains("user:password@"));
  CHECK_THAT(usage_error("https://{traceId}.example/"), Catch::Contains("not the host"));
  CHECK_THAT(usage_error("https://t.example/{trace}"),
             Catch::Contains("unknown placeholder {trace}"));
  CHECK_THAT(usage_error("https://t.example/{traceId"), Catch::Contains("unmatched brace"));
  CHECK_THAT(usage_error("https://t.example/}{traceId}"), Catch::Contains("unmatched brace"));
  CHECK_THAT(usage_error("https://t.example/trace"), Catch::Contains("neither {traceId}"));
  CHECK_THAT(usage_error("https://t.example/ {traceId}"), Catch::Contains("blanks"));
  CHECK_THAT(usage_error("https://t.example/\n{traceId}"), Catch::Contains("control"));
}

TEST_CASE("trace links: the option wins over the variable") {
  const Environment env =
      environment_from({{"KVONCE_TRACE_LINK", "https://env.example/{traceId}"}});
  CHECK(trace_link_from(std::nullopt, env)->url("a", "") == "https://env.example/a");
  CHECK(trace_link_from(std::string("https://opt.example/{traceId}"), env)->url("a", "") ==
        "https://opt.example/a");
  CHECK_FALSE(trace_link_from(std::nullopt, environment_from({})).has_value());
  CHECK_THROWS_AS(
      trace_link_from(std::nullopt,
                      environment_from({{"KVONCE_TRACE_LINK", "http://e.example/{traceId}"}})),
      Error);
}
