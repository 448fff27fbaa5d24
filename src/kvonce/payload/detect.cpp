#include "kvonce/payload/detect.hpp"

#include <array>

#include "kvonce/io/compression.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/js_trim.hpp"

namespace kvonce::payload {
namespace {

constexpr std::size_t kTextCheckBytes = 512;

unsigned byte_at(std::string_view s, std::size_t i) {
  return static_cast<unsigned char>(s[i]);
}

bool is_space(unsigned c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view without_bom(std::string_view s) {
  return s.substr(0, 3) == "\xef\xbb\xbf" ? s.substr(3) : s;
}

// JSON text starts with a JSON value after white space and holds no raw control character. The
// second test tells JSON Lines that begin with an empty line (0x0a) from protobuf, whose first
// byte is also 0x0a: protobuf's tags and lengths are control bytes within the first few bytes.
// The white space is what String.prototype.trim removes around an NDJSON line (VT, FF, U+00A0,
// U+2028, ...), and an NDJSON line may hold any JSON value (5, "x", true), as the JavaScript
// projector read them.
bool is_json_text(std::string_view head) {
  const std::string_view rest = js_trim(without_bom(head));
  if (rest.empty() ||
      std::string_view("{[\"-0123456789tfn").find(rest[0]) == std::string_view::npos) {
    return false;
  }
  for (std::size_t k = 0; k < head.size() && k < kTextCheckBytes; ++k) {
    const unsigned c = byte_at(head, k);
    if (c < 0x20 && !is_space(c) && c != '\v' && c != '\f') return false;
  }
  return true;
}

bool is_blank(std::string_view head) {
  return js_trim(head).empty();
}

// A TracesData / ExportTraceServiceRequest starts with field 1 (resource_spans), length-delimited.
bool is_protobuf(std::string_view head) {
  return !head.empty() && byte_at(head, 0) == 0x0a;
}

bool is_record_start(std::string_view record) {
  return is_json_text(record) || is_protobuf(record) ||
         io::sniff_compression(record) != io::Compression::none;
}

// The first record's message, as far as `head` holds it (the next length must not be taken for
// a control byte inside JSON text).
std::string_view first_record(std::string_view head) {
  const std::size_t length =
      byte_at(head, 0) << 24 | byte_at(head, 1) << 16 | byte_at(head, 2) << 8 | byte_at(head, 3);
  return head.substr(4, length);
}

// The Collector's records: a 4-byte big-endian length, then the message. A length below 128 MiB
// starts with a byte below 0x08, which neither JSON text nor a protobuf tag can.
bool is_length_prefixed(std::string_view head) {
  if (head.size() < 5 || byte_at(head, 0) >= 0x08) return false;
  return is_record_start(first_record(head));
}

[[noreturn]] void unknown(const std::string& name, std::string_view head) {
  fail(ErrorKind::input,
       name + ": not JSON, protobuf, gzip or zstd: " + io::describe_start(without_bom(head)));
}

}  // namespace

const char* to_string(Framing framing) {
  return framing == Framing::length_prefixed ? "length-prefixed" : "stream";
}

const char* to_string(Encoding encoding) {
  return encoding == Encoding::protobuf ? "protobuf" : "json";
}

Detected detect_content(std::string_view head, const std::string& name) {
  Detected d;
  if (is_blank(head)) {
    d.empty = true;
  } else if (is_json_text(head)) {
    d.encoding = Encoding::json;
  } else if (is_protobuf(head)) {
    d.encoding = Encoding::protobuf;
  } else if (is_length_prefixed(head)) {
    d.framing = Framing::length_prefixed;
    d.encoding = is_json_text(first_record(head)) ? Encoding::json : Encoding::protobuf;
  } else {
    unknown(name, head);
  }
  return d;
}

Encoding detect_record(std::string_view record, const std::string& name) {
  if (is_json_text(record)) return Encoding::json;
  if (record.empty() || is_protobuf(record)) return Encoding::protobuf;  // empty: a message
  unknown(name, record);
}

bool looks_like_otlp_json(std::string_view head) {
  static constexpr std::array<std::string_view, 6> kMembers = {"\"resourceSpans\"",
                                                               "\"resource_spans\"",
                                                               "\"scopeSpans\"",
                                                               "\"scope_spans\"",
                                                               "\"instrumentationLibrarySpans\"",
                                                               "\"instrumentation_library_spans\""};
  for (const std::string_view m : kMembers) {
    if (head.find(m) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace kvonce::payload
