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

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_tag(std::string& out, int field, int wire) {
  put_varint(out, static_cast<std::uint64_t>(field) << 3 | static_cast<unsigned>(wire));
}

void put_fixed64(std::string& out, int field, std::uint64_t v) {
  put_tag(out, field, 1);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

void put_be64(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}

// KeyValue{key, AnyValue{string_value | int_value}} as Span.attributes (9) or Resource.attributes
// (1).
void proto_string_attribute(std::string& out, int field, std::string_view name,
                            std::string_view text) {
  std::string value, kv;
  append_len_field(value, 1, text);
  append_len_field(kv, 1, name);
  append_len_field(kv, 2, value);
  append_len_field(out, field, kv);
}

void proto_int_attribute(std::string& out, int field, std::string_view name, std::uint64_t v) {
  std::string value, kv;
  put_tag(value, 3, 0);
  put_varint(value, v);
  append_len_field(kv, 1, name);
  append_len_field(kv, 2, value);
  append_len_field(out, field, kv);
}

std::string padded(std::uint64_t v, std::uint64_t digits) {
  std::string out;
  append_padded(out, v, digits);
  return out;
}

}  // namespace

void append_len_field(std::string& out, int field, std::string_view payload) {
  put_tag(out, field, 2);
  put_varint(out, payload.size());
  out += payload;
}

void append_span_proto(std::string& out, const SpanText& style, const PlannedEvent& e,
                       std::uint64_t index, std::uint64_t start_ns) {
  const std::uint64_t span_id = hash_of(style.salt, kSpanId, index);
  std::string id;
  put_be64(id, hash_of(style.salt, kTraceHi, e.trace));
  put_be64(id, hash_of(style.salt, kTraceLo, e.trace));
  append_len_field(out, 1, id);
  id.clear();
  put_be64(id, span_id);
  append_len_field(out, 2, id);
  append_len_field(out, 5, e.type == EventType::retry ? "kvonce.retry" : "kvonce.put");
  put_tag(out, 6, 0);
  put_varint(out, 2);
  put_fixed64(out, 7, start_ns);
  put_fixed64(out, 8, start_ns + 1'000'000 + span_id % 2'000'000);
  proto_string_attribute(out, 9, "http.request.method", "PUT");
  proto_string_attribute(out, 9, "http.route", "/kv/{key}");
  const std::uint64_t status = e.type == EventType::success ? 201
                               : e.type == EventType::retry ? 503
                                                            : 409;
  proto_int_attribute(out, 9, "http.response.status_code", status);
  std::string client;
  append_client(client, e.key);
  proto_string_attribute(out, 9, "net.peer.name", client);
  proto_int_attribute(out, 9, "net.peer.port", 32768 + span_id % 28000);
  const std::string_view type = e.type == EventType::success ? "success"
                                : e.type == EventType::retry ? "retry"
                                                             : "failure";
  proto_string_attribute(out, 9, "kvonce.event.type", type);
  proto_string_attribute(out, 9, "kvonce.event.key", "key-" + padded(e.key, style.key_digits));
  if (e.with_value) {
    std::string value = "v-";
    append_hex(value, hash_of(style.salt, kValue, e.key), 16);
    proto_string_attribute(out, 9, "kvonce.event.value", value);
  }
  if (e.type != EventType::success) {
    proto_string_attribute(out, 9, "kvonce.event.reason",
                           e.type == EventType::retry ? "timeout" : "duplicate");
  }
  proto_string_attribute(out, 9, "kvonce.event.actor", client);
  if (e.attempts >= 0) {
    std::string list, kvlist, value, kv;
    proto_int_attribute(list, 1, "attempts", static_cast<std::uint64_t>(e.attempts));
    append_len_field(value, 6, list);
    append_len_field(kv, 1, "kvonce.event.context");
    append_len_field(kv, 2, value);
    append_len_field(out, 9, kv);
  }
  std::string status_message;
  put_tag(status_message, 3, 0);
  put_varint(status_message, e.type == EventType::success ? 1 : 2);
  append_len_field(out, 15, status_message);
}

void append_resource_proto(std::string& out, std::uint64_t resource, std::string_view spans) {
  std::string attrs, scope, scope_spans, rs;
  proto_string_attribute(attrs, 1, "service.name", "kvonce-service");
  proto_string_attribute(attrs, 1, "service.instance.id", "kvonce-" + std::to_string(resource % 4));
  proto_string_attribute(attrs, 1, "telemetry.sdk.language", "go");
  append_len_field(scope, 1, "kvonce");
  append_len_field(scope, 2, "1.0.0");
  append_len_field(scope_spans, 1, scope);
  scope_spans += spans;
  append_len_field(rs, 1, attrs);
  append_len_field(rs, 2, scope_spans);
  append_len_field(rs, 3, "https://opentelemetry.io/schemas/1.21.0");
  append_len_field(out, 1, rs);
}

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
