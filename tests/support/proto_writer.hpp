// A few lines of protobuf wire format for tests that need inputs protoc's text format cannot
// express (fields out of order, truncations, invalid wire types) or many random messages.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace kvonce::test::pb {

inline std::string varint(std::uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}

inline std::string tag(int field, int wire) {
  return varint(static_cast<std::uint64_t>(field) << 3 | static_cast<unsigned>(wire));
}

// A length-delimited field: a string, bytes or a nested message.
inline std::string len(int field, std::string_view payload) {
  return tag(field, 2) + varint(payload.size()) + std::string(payload);
}

inline std::string fixed64(int field, std::uint64_t v) {
  std::string out = tag(field, 1);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  return out;
}

inline std::string fixed32(int field, std::uint32_t v) {
  std::string out = tag(field, 5);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  return out;
}

inline std::string uint(int field, std::uint64_t v) {
  return tag(field, 0) + varint(v);
}

inline std::string dbl(int field, double d) {
  std::uint64_t v = 0;
  std::memcpy(&v, &d, sizeof v);
  return fixed64(field, v);
}

// OTLP messages (field numbers of opentelemetry-proto v1.11.0).
inline std::string string_value(std::string_view s) {
  return len(1, s);
}
inline std::string attr(std::string_view key, const std::string& any_value) {
  return len(1, key) + len(2, any_value);
}
inline std::string str_attr(std::string_view key, std::string_view value) {
  return attr(key, string_value(value));
}
inline std::string span_attr(const std::string& key_value) {
  return len(9, key_value);
}
// A TracesData with one ResourceSpans: `resource` holds the Resource's fields (attributes as
// len(1, KeyValue)), `spans` the ScopeSpans' fields (spans as len(2, Span)).
inline std::string resource_spans(const std::string& resource, const std::string& spans) {
  return len(1, len(1, resource) + len(2, spans));
}

}  // namespace kvonce::test::pb
