#include "payload_text.hpp"

#include <charconv>
#include <string_view>

namespace kvonce::bench {
namespace {

constexpr std::uint64_t kClients = 16;

// Ids and values of each kind from their own stream, so a value never repeats a span id.
enum Domain : std::uint64_t { kSpanId = 1, kTraceHi, kTraceLo, kValue };
std::uint64_t hash_of(std::uint64_t salt, Domain domain, std::uint64_t n) {
  return mix64(mix64(salt + domain) ^ n);  // a bijection of n for each salt and domain
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(end - buf));
}

void append_padded(std::string& out, std::uint64_t v, std::uint64_t digits) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  const auto len = static_cast<std::uint64_t>(end - buf);
  if (len < digits) out.append(static_cast<std::size_t>(digits - len), '0');
  out.append(buf, static_cast<std::size_t>(len));
}

// {"key":"<name>","value":{"stringValue":"<text>"}} and its intValue twin; names and values
// generated here never need escaping.
void string_attribute(std::string& out, std::string_view name, std::string_view text) {
  out += "{\"key\":\"";
  out += name;
  out += "\",\"value\":{\"stringValue\":\"";
  out += text;
  out += "\"}},";
}

void int_attribute(std::string& out, std::string_view name, std::uint64_t v) {
  out += "{\"key\":\"";
  out += name;
  out += "\",\"value\":{\"intValue\":\"";
  append_uint(out, v);
  out += "\"}},";
}

void append_client(std::string& out, std::uint64_t key) {
  out += "client-";
  append_uint(out, key % kClients);
}

// The attributes an HTTP server instrumentation puts on every span.
void http_attributes(std::string& out, const PlannedEvent& e, std::uint64_t port) {
  string_attribute(out, "http.request.method", "PUT");
  string_attribute(out, "http.route", "/kv/{key}");
  const std::uint64_t status = e.type == EventType::success ? 201
                               : e.type == EventType::retry ? 503
                                                            : 409;
  int_attribute(out, "http.response.status_code", status);
  std::string peer;
  append_client(peer, e.key);
  string_attribute(out, "net.peer.name", peer);
  int_attribute(out, "net.peer.port", port);
}

void kvonce_attributes(std::string& out, const SpanText& style, const PlannedEvent& e) {
  const std::string_view type = e.type == EventType::success ? "success"
                                : e.type == EventType::retry ? "retry"
                                                             : "failure";
  string_attribute(out, "kvonce.event.type", type);
  out += R"({"key":"kvonce.event.key","value":{"stringValue":"key-)";
  append_padded(out, e.key, style.key_digits);
  out += "\"}},";
  if (e.with_value) {
    out += R"({"key":"kvonce.event.value","value":{"stringValue":"v-)";
    append_hex(out, hash_of(style.salt, kValue, e.key), 16);
    out += "\"}},";
  }
  if (e.type != EventType::success) {
    string_attribute(out, "kvonce.event.reason",
                     e.type == EventType::retry ? "timeout" : "duplicate");
  }
  std::string actor;
  append_client(actor, e.key);
  string_attribute(out, "kvonce.event.actor", actor);
  if (e.attempts >= 0) {
    out += R"({"key":"kvonce.event.context","value":{"kvlistValue":{"values":[)";
    out += R"({"key":"attempts","value":{"intValue":")";
    append_uint(out, static_cast<std::uint64_t>(e.attempts));
    out += "\"}}]}}},";
  }
}

}  // namespace

void append_hex(std::string& out, std::uint64_t value, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out.push_back(kHex[(value >> shift) & 0xF]);
  }
}

void append_span(std::string& out, const SpanText& style, const PlannedEvent& e,
                 std::uint64_t index, std::uint64_t start_ns) {
  // Distinct span numbers give distinct span ids: no span is dropped as exported twice.
  const std::uint64_t span_id = hash_of(style.salt, kSpanId, index);
  const std::uint64_t trace_hi = hash_of(style.salt, kTraceHi, e.trace);
  const std::uint64_t trace_lo = hash_of(style.salt, kTraceLo, e.trace);
  out += "{\"traceId\":\"";
  append_hex(out, trace_hi, 16);
  append_hex(out, trace_lo, 16);
  out += "\",\"spanId\":\"";
  append_hex(out, span_id, 16);
  // Root spans: the exporter omits the empty parentSpanId.
  out += "\",\"name\":\"";
  out += e.type == EventType::retry ? "kvonce.retry" : "kvonce.put";
  out += "\",\"kind\":2,\"startTimeUnixNano\":\"";
  append_uint(out, start_ns);
  out += "\",\"endTimeUnixNano\":\"";
  append_uint(out, start_ns + 1'000'000 + span_id % 2'000'000);
  out += "\",\"attributes\":[";
  http_attributes(out, e, 32768 + span_id % 28000);
  kvonce_attributes(out, style, e);
  out.back() = ']';  // replaces the last attribute's comma
  if (e.type == EventType::success) {
    out += ",\"status\":{\"code\":1}}";
  } else {
    out += ",\"status\":{\"code\":2}}";
  }
}

void append_resource_open(std::string& out, std::uint64_t resource) {
  out +=
      R"({"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"kvonce-service"}},)";
  out += R"({"key":"service.instance.id","value":{"stringValue":"kvonce-)";
  append_uint(out, resource % 4);
  out += R"("}},{"key":"telemetry.sdk.language","value":{"stringValue":"go"}}]},)";
  out += R"("scopeSpans":[{"scope":{"name":"kvonce","version":"1.0.0"},"spans":[)";
}

void append_resource_close(std::string& out) {
  out += R"(]}],"schemaUrl":"https://opentelemetry.io/schemas/1.21.0"})";
}

}  // namespace kvonce::bench
