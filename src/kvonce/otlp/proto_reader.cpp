#include "kvonce/otlp/proto_reader.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/otlp/any_value.hpp"
#include "kvonce/otlp/ids.hpp"
#include "kvonce/otlp/span_fields.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::otlp {
namespace {

// Field numbers of opentelemetry-proto v1.11.0 (unchanged since v1.0; field 1000 is from v0.x).
constexpr int kResourceSpans = 1;  // TracesData and ExportTraceServiceRequest
constexpr int kResource = 1, kScopeSpans = 2, kInstrumentationLibrarySpans = 1000;  // ResourceSpans
constexpr int kResourceAttributes = 1;                                              // Resource
constexpr int kSpans = 2;  // ScopeSpans and InstrumentationLibrarySpans
constexpr int kTraceId = 1, kSpanId = 2, kStartTime = 7, kEndTime = 8,
              kSpanAttributes = 9;   // Span
constexpr int kKey = 1, kValue = 2;  // KeyValue
constexpr int kStringValue = 1, kBoolValue = 2, kIntValue = 3, kDoubleValue = 4, kArrayValue = 5,
              kKvlistValue = 6, kBytesValue = 7;      // AnyValue
constexpr int kValues = 1;                            // ArrayValue and KeyValueList
constexpr int kTrace = 1, kStatus = 3, kMessage = 4;  // Tempo's TraceByIDResponse

enum Wire : int {
  kVarint = 0,
  kFixed64 = 1,
  kLen = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5
};

constexpr std::size_t kMaxValueDepth = 64;  // as the JSON reader
constexpr int kMaxGroupDepth = 64;          // nested unknown groups
constexpr std::uint64_t kNoIndex = ~0ULL;

// The wire type of each field of Span, LogRecord and Metric (index: field number; -1: none).
// Field numbers of opentelemetry-proto v1.11.0 (logs/v1/logs.proto, metrics/v1/metrics.proto).
constexpr int kNone = -1;
constexpr std::array<int, 17> kSpanWire = {kNone,   kLen,     kLen,     kLen, kLen,    kLen,
                                           kVarint, kFixed64, kFixed64, kLen, kVarint, kLen,
                                           kVarint, kLen,     kVarint,  kLen, kFixed32};
constexpr std::array<int, 17> kLogRecordWire = {kNone, kFixed64, kVarint,  kLen,  kNone, kLen,
                                                kLen,  kVarint,  kFixed32, kLen,  kLen,  kFixed64,
                                                kLen,  kNone,    kNone,    kNone, kNone};
constexpr std::array<int, 17> kMetricWire = {kNone, kLen,  kLen,  kLen,  kNone, kLen,
                                             kNone, kLen,  kNone, kLen,  kLen,  kLen,
                                             kLen,  kNone, kNone, kNone, kNone};

int wire_in(const std::array<int, 17>& table, int field) {
  return field > 0 && static_cast<std::size_t>(field) < table.size() ? table[field] : kNone;
}

// What a field of a "span" says the message is: "OTLP logs", "OTLP metrics", "OTLP logs or
// metrics" when its wire type contradicts Span's and fits a LogRecord's or a Metric's; null
// otherwise (a span's field, or one unknown to all three: skipped as protobuf does).
const char* foreign_signal(int field, int wire) {
  const int span = wire_in(kSpanWire, field);
  if (span == wire || span == kNone) return nullptr;
  const bool log = wire_in(kLogRecordWire, field) == wire;
  const bool metric = wire_in(kMetricWire, field) == wire;
  if (log && metric) return "OTLP logs or metrics";
  if (log) return "OTLP logs";
  return metric ? "OTLP metrics" : nullptr;
}

int field_of(std::uint32_t tag) {
  return static_cast<int>(tag >> 3);
}
int wire_of(std::uint32_t tag) {
  return static_cast<int>(tag & 7);
}

// The wire format over one buffer of the ByteSource's bytes: varints, fixed64 and fixed32 read by
// hand, strings handed out as views of the buffer, unknown fields skipped by their length. The
// current message's end (`limit_`, an offset from the start of the source) bounds every read, and
// `lim_` is where the buffered bytes stop being readable: the buffer's end or the limit. Reads
// fail (false) at the limit or at the input's end; a message whose length passes its enclosing
// message's end is read up to that end, as protobuf's CodedInputStream does.
class WireInput {
 public:
  static constexpr std::size_t kBufferBytes = 256 * 1024;
  static constexpr std::uint64_t kNoLimit = ~0ULL;

  explicit WireInput(io::ByteSource& source)
      : source_(source), buf_(new char[kBufferBytes]), p_(buf_.get()), end_(buf_.get()), lim_(p_) {}

  std::uint64_t position() const { return buf_pos_ + static_cast<std::uint64_t>(p_ - buf_.get()); }
  std::uint64_t left() const { return limit_ - position(); }  // bytes before the current limit
  // The bytes buffered before the current limit, [cursor(), readable_end()), for a caller that
  // parses a small message in place and then moves past it (skip_to, within those bytes).
  const char* cursor() const { return p_; }
  const char* readable_end() const { return lim_; }
  void skip_to(const char* p) { p_ = p; }
  bool at_top() const { return limit_ == kNoLimit; }
  bool source_failed() const { return source_failed_; }

  // Bounds the reads to the next `length` bytes (or the current limit, if that comes first);
  // returns the limit to restore with pop_limit.
  std::uint64_t push_limit(std::uint64_t length) {
    const std::uint64_t old = limit_;
    if (length < old - position()) limit_ = position() + length;
    clip();
    return old;
  }
  void pop_limit(std::uint64_t old) {
    limit_ = old;
    clip();
  }

  enum class TagRead { ok, end, eof, bad };

  // The common case of tag(): a one-byte tag in the buffer.
  bool tag_fast(std::uint32_t& out) {
    if (p_ < lim_) {
      const auto b = static_cast<unsigned char>(*p_);
      if (b - 1u < 0x7fu) {
        ++p_;
        out = b;
        return true;
      }
    }
    return false;
  }

  // The next field's tag: `end` at the limit, `eof` where the input ends before it, `bad` for a
  // tag of 0 or one whose varint does not end.
  TagRead tag(std::uint32_t& out) { return tag_fast(out) ? TagRead::ok : tag_slow(out); }

  [[gnu::always_inline]] bool varint(std::uint64_t& out) {
    if (p_ < lim_) {
      const auto b = static_cast<unsigned char>(*p_);
      if (b < 0x80) {
        ++p_;
        out = b;
        return true;
      }
    }
    return varint_long(out);
  }

  bool fixed64(std::uint64_t& out) {
    if (lim_ - p_ < 8 && !ensure(8)) return false;
    unsigned char b[8];
    std::memcpy(b, p_, 8);
    p_ += 8;
    out = 0;
    for (int i = 7; i >= 0; --i) out = out << 8 | b[i];
    return true;
  }

  bool fixed32(std::uint32_t& out) {
    if (lim_ - p_ < 4 && !ensure(4)) return false;
    unsigned char b[4];
    std::memcpy(b, p_, 4);
    p_ += 4;
    out = static_cast<std::uint32_t>(b[0]) | static_cast<std::uint32_t>(b[1]) << 8 |
          static_cast<std::uint32_t>(b[2]) << 16 | static_cast<std::uint32_t>(b[3]) << 24;
    return true;
  }

  // `n` bytes: a view of the buffer, or of `spill` for a string longer than the buffer. The view
  // lasts until the next read.
  bool bytes(std::uint64_t n, std::string& spill, std::string_view& out) {
    if (static_cast<std::uint64_t>(lim_ - p_) >= n) {
      out = std::string_view(p_, static_cast<std::size_t>(n));
      p_ += n;
      return true;
    }
    if (n > left()) return false;
    if (n <= kBufferBytes) {
      if (!fill(static_cast<std::size_t>(n))) return false;
      out = std::string_view(p_, static_cast<std::size_t>(n));
      p_ += n;
      return true;
    }
    spill.clear();
    for (std::uint64_t rest = n; rest > 0;) {
      if (p_ == end_ && !refill()) return false;
      const std::size_t take = static_cast<std::size_t>(
          std::min<std::uint64_t>(rest, static_cast<std::uint64_t>(end_ - p_)));
      spill.append(p_, take);
      p_ += take;
      rest -= take;
    }
    out = spill;
    return true;
  }

  bool skip(std::uint64_t n) {
    if (static_cast<std::uint64_t>(lim_ - p_) >= n) {
      p_ += n;
      return true;
    }
    if (n > left()) return false;
    for (std::uint64_t rest = n; rest > 0;) {
      if (p_ == end_ && !refill()) return false;
      const std::size_t take = static_cast<std::size_t>(
          std::min<std::uint64_t>(rest, static_cast<std::uint64_t>(end_ - p_)));
      p_ += take;
      rest -= take;
    }
    return true;
  }

 private:
  // A varint of more than one byte, or one at the buffer's end.
  [[gnu::noinline]] bool varint_long(std::uint64_t& out) {
    if (lim_ - p_ < 10) return varint_slow(out);
    return decode_varint(p_ + 10, out);
  }

  // Decodes the varint at p_ from bytes before `end` (at most ten of them are read); false when
  // it does not end there.
  bool decode_varint(const char* end, std::uint64_t& out) {
    const char* q = p_;
    std::uint64_t r = 0;
    for (int shift = 0; shift < 70 && q < end; shift += 7) {
      const std::uint64_t b = static_cast<unsigned char>(*q++);
      r |= (b & 0x7f) << shift;
      if (b < 0x80) {
        p_ = q;
        out = r;
        return true;
      }
    }
    return false;
  }

  TagRead tag_slow(std::uint32_t& out) {
    if (left() == 0) return TagRead::end;
    if (p_ == end_ && !fill(1)) return TagRead::eof;
    std::uint64_t v = 0;
    if (!varint(v) || static_cast<std::uint32_t>(v) == 0) return TagRead::bad;
    out = static_cast<std::uint32_t>(v);  // as protobuf, a tag keeps its low 32 bits
    return TagRead::ok;
  }

  bool varint_slow(std::uint64_t& out) {
    fill(static_cast<std::size_t>(std::min<std::uint64_t>(10, left())));
    return decode_varint(lim_, out);
  }

  // `n` bytes readable before the limit, or false.
  bool ensure(std::size_t n) { return left() >= n && fill(n); }

  // Makes at least `n` (at most kBufferBytes) bytes buffered from p_; false if the input ends
  // first. The bytes left are moved to the buffer's start.
  bool fill(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) >= n) return true;
    if (eof_) return false;
    char* const buf = buf_.get();
    const std::size_t have = static_cast<std::size_t>(end_ - p_);
    std::memmove(buf, p_, have);
    buf_pos_ += static_cast<std::uint64_t>(p_ - buf);
    p_ = buf;
    end_ = buf + have;
    bool ok = true;
    while (static_cast<std::size_t>(end_ - p_) < n) {
      const std::size_t got = read(end_, kBufferBytes - static_cast<std::size_t>(end_ - buf));
      if (got == 0) {
        ok = false;
        break;
      }
      end_ += got;
    }
    clip();
    return ok;
  }

  // Replaces the buffer, all of it read, with the next bytes; false at the input's end.
  bool refill() {
    char* const buf = buf_.get();
    buf_pos_ += static_cast<std::uint64_t>(end_ - buf);
    p_ = end_ = buf;
    end_ += read(buf, kBufferBytes);
    clip();
    return end_ != buf;
  }

  std::size_t read(char* to, std::size_t size) {
    if (eof_) return 0;
    std::size_t got = 0;
    try {
      got = source_.read(to, size);
    } catch (...) {
      source_failed_ = true;
      throw;
    }
    if (got == 0) eof_ = true;
    return got;
  }

  void clip() {
    const std::uint64_t to_limit = limit_ - buf_pos_;
    const auto buffered = static_cast<std::uint64_t>(end_ - buf_.get());
    lim_ = to_limit < buffered ? buf_.get() + to_limit : end_;
  }

  io::ByteSource& source_;
  std::unique_ptr<char[]> buf_;
  const char* p_;              // the next byte
  char* end_;                  // the end of the buffered bytes
  const char* lim_;            // min(end_, the limit)
  std::uint64_t buf_pos_ = 0;  // the offset of buf_[0] from the source's start
  std::uint64_t limit_ = kNoLimit;
  bool eof_ = false;
  bool source_failed_ = false;
};

// Whether every byte is ASCII: eight bytes at a time, the last eight overlapping the others.
bool ascii(std::string_view s) {
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  std::uint64_t any = 0, word = 0;
  if (s.size() < 8) {
    for (const char c : s) any |= static_cast<unsigned char>(c);
    return (any & 0x80) == 0;
  }
  for (std::size_t i = 0; i + 8 <= s.size(); i += 8) {
    std::memcpy(&word, s.data() + i, 8);
    any |= word;
  }
  std::memcpy(&word, s.data() + s.size() - 8, 8);
  return ((any | word) & kHighs) == 0;
}

bool valid_utf8(std::string_view s) {
  // Names and values are mostly ASCII, told without looking at each byte.
  if (ascii(s)) return true;
  std::size_t i = 0;
  for (std::uint64_t word; i + 8 <= s.size(); i += 8) {
    std::memcpy(&word, s.data() + i, 8);
    if (word & 0x8080808080808080ULL) break;
  }
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf)
      n = 1, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
      n = 2, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
      n = 3, cp = c & 0x07;
    else
      return false;
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = cp << 6 | (d & 0x3f);
    }
    const std::uint32_t min = n == 1 ? 0x80 : n == 2 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

// proto3 JSON writes the non-finite doubles as strings; finite ones as JavaScript prints them.
void set_double(AnyValue& out, double d) {
  if (std::isnan(d)) return set_scalar(out, AnyValue::Kind::floating, "NaN", true);
  if (std::isinf(d)) {
    return set_scalar(out, AnyValue::Kind::floating, d > 0 ? "Infinity" : "-Infinity", true);
  }
  set_scalar(out, AnyValue::Kind::floating, format_number(d), false);
}

struct PathStep {
  const char* name;
  std::uint64_t index;
};

// The fields being read, for messages: a stack that keeps its storage.
class Path {
 public:
  Path() : steps_(16) {}
  void push(const char* name, std::uint64_t index) {
    if (size_ == steps_.size()) steps_.resize(2 * size_);
    steps_[size_++] = {name, index};
  }
  void pop() { --size_; }
  std::size_t size() const { return size_; }
  void resize(std::size_t size) { size_ = size; }
  const PathStep* begin() const { return steps_.data(); }
  const PathStep* end() const { return steps_.data() + size_; }

 private:
  std::vector<PathStep> steps_;
  std::size_t size_ = 0;
};

class Walker {
 public:
  Walker(io::ByteSource& source, const io::ReadLimits& limits, std::uint64_t base, SpanSink& spans,
         ProtoEnvelope* envelope)
      : source_(source),
        limits_(limits),
        base_(base),
        spans_(spans),
        in_(source),
        envelope_(envelope) {}

  void run() {
    ++spans_.stats().documents;
    std::uint64_t resource_index = 0;
    for (;;) {
      const std::uint32_t tag = next_tag();
      if (tag == 0) break;
      if (envelope_) {
        read_envelope_field(tag, resource_index);
      } else if (field_of(tag) == kResourceSpans && wire_of(tag) == kLen) {
        nested("resource_spans", resource_index++, [&] { read_resource_spans(); });
      } else {
        skip_field(tag, 0);
      }
    }
    // A KeyValue that did not parse was kept back in case the rest named the payload logs.
    if (deferred_) std::rethrow_exception(deferred_);
  }

 private:
  std::uint64_t position() const { return base_ + in_.position(); }

  std::string path() const {
    std::string out;
    for (const PathStep& step : path_) {
      if (!out.empty()) out.push_back('.');
      out += step.name;
      if (step.index != kNoIndex) out += "[" + std::to_string(step.index) + "]";
    }
    return out.empty() ? "the top level" : out;
  }

  // The offset of the field that does not end: where a truncated input was cut is unknown.
  [[noreturn]] void truncated() {
    fail(ErrorKind::input, source_.name() + ": protobuf record truncated at byte " +
                               std::to_string(field_start_) + " (in " + path() +
                               "): the field starting there does not end");
  }

  [[noreturn]] void invalid(const std::string& what) {
    fail(ErrorKind::input, source_.name() + ": invalid protobuf at byte " +
                               std::to_string(field_start_) + " (in " + path() + "): " + what);
  }

  // The next tag of the current message, or 0 at its end (the end of its bytes).
  [[gnu::always_inline]] std::uint32_t next_tag() {
    field_start_ = position();
    std::uint32_t tag = 0;
    if (in_.tag_fast(tag)) return tag;
    return next_tag_slow();
  }

  [[gnu::noinline]] std::uint32_t next_tag_slow() {
    std::uint32_t tag = 0;
    switch (in_.tag(tag)) {
      case WireInput::TagRead::ok: return tag;
      case WireInput::TagRead::end: return 0;
      case WireInput::TagRead::eof:
        if (!in_.at_top()) truncated();  // the input ended inside a message
        return 0;
      case WireInput::TagRead::bad: break;
    }
    invalid("a field tag of 0 or an unterminated varint");
  }

  // A length prefix (its low 32 bits, as protobuf reads one).
  [[gnu::always_inline]] std::uint64_t read_length() {
    std::uint64_t v = 0;
    if (!in_.varint(v)) truncated();
    const auto length = static_cast<std::uint32_t>(v);
    if (length > static_cast<std::uint32_t>(INT_MAX)) truncated();
    return length;
  }

  // Reads a length-delimited field as a message: `body` loops over its tags.
  template <class Body>
  void nested(const char* name, std::uint64_t index, Body&& body) {
    const std::uint64_t length = read_length();
    path_.push(name, index);
    const std::uint64_t limit = in_.push_limit(length);
    body();
    in_.pop_limit(limit);
    path_.pop();
  }

  // A string or bytes field: a view that lasts until the next read.
  std::string_view read_bytes() {
    std::uint64_t v = 0;
    if (!in_.varint(v)) truncated();
    const auto length = static_cast<std::uint32_t>(v);
    if (length > limits_.max_string_bytes) {
      fail(ErrorKind::limit, source_.name() + ": string at byte " + std::to_string(position()) +
                                 " (in " + path() + ") is longer than " +
                                 std::to_string(limits_.max_string_bytes) + " bytes");
    }
    std::string_view out;
    if (length > static_cast<std::uint32_t>(INT_MAX) || !in_.bytes(length, spill_, out)) {
      truncated();
    }
    return out;
  }

  void skip_field(std::uint32_t tag, int depth) {
    std::uint64_t v64 = 0;
    std::uint32_t v32 = 0;
    switch (wire_of(tag)) {
      case kVarint:
        if (!in_.varint(v64)) truncated();
        return;
      case kFixed64:
        if (!in_.fixed64(v64)) truncated();
        return;
      case kLen:
        if (!in_.skip(read_length())) truncated();
        return;
      case kStartGroup: return skip_group(field_of(tag), depth + 1);
      case kEndGroup: invalid("an end-group tag without its start");
      case kFixed32:
        if (!in_.fixed32(v32)) truncated();
        return;
      default: invalid("wire type " + std::to_string(wire_of(tag)));
    }
  }

  // Groups (a deprecated encoding) may still appear as unknown fields.
  void skip_group(int field, int depth) {
    if (depth > kMaxGroupDepth) invalid("groups nested deeper than 64 levels");
    for (;;) {
      field_start_ = position();
      std::uint32_t tag = 0;
      const WireInput::TagRead read = in_.tag(tag);
      if (read == WireInput::TagRead::end || read == WireInput::TagRead::eof) truncated();
      if (read == WireInput::TagRead::bad) invalid("a field tag of 0 or an unterminated varint");
      if (wire_of(tag) == kEndGroup) {
        if (field_of(tag) != field) invalid("an end-group tag that closes another group");
        return;
      }
      skip_field(tag, depth);
    }
  }

  // One field of a TraceByIDResponse: the trace (a TracesData), its status and message.
  void read_envelope_field(std::uint32_t tag, std::uint64_t& resource_index) {
    const int field = field_of(tag), wire = wire_of(tag);
    if (field == kTrace && wire == kLen) {
      nested("trace", kNoIndex, [&] {
        while (const std::uint32_t t = next_tag()) {
          if (field_of(t) == kResourceSpans && wire_of(t) == kLen) {
            envelope_->trace_found = true;
            nested("resource_spans", resource_index++, [&] { read_resource_spans(); });
          } else {
            skip_field(t, 0);
          }
        }
      });
    } else if (field == kStatus && wire == kVarint) {
      if (!in_.varint(envelope_->status)) truncated();
    } else if (field == kMessage && wire == kLen) {
      envelope_->message = read_bytes();
      if (!valid_utf8(envelope_->message)) envelope_->message.clear();
    } else {
      skip_field(tag, 0);
    }
  }

  void read_resource_spans() {
    spans_.begin_resource();
    std::uint64_t scope = 0, scope_spans = 0, library_spans = 0;
    while (const std::uint32_t tag = next_tag()) {
      const int field = field_of(tag);
      if (wire_of(tag) != kLen) {
        skip_field(tag, 0);
      } else if (field == kResource) {
        nested("resource", kNoIndex, [&] { read_resource(); });
        spans_.resource_read(source_.name(), problems_);
      } else if (field == kScopeSpans) {
        nested("scope_spans", scope_spans++, [&] { read_scope_spans(scope); });
        ++scope;
      } else if (field == kInstrumentationLibrarySpans) {
        nested("instrumentation_library_spans", library_spans++, [&] { read_scope_spans(scope); });
        ++scope;
      } else {
        skip_field(tag, 0);
      }
    }
    spans_.end_resource();
  }

  void read_resource() {
    std::uint64_t index = 0;
    while (const std::uint32_t tag = next_tag()) {
      if (field_of(tag) == kResourceAttributes && wire_of(tag) == kLen) {
        nested("attributes", index++, [&] { read_attribute(spans_.resource()); });
      } else {
        skip_field(tag, 0);
      }
    }
  }

  void read_scope_spans(std::uint64_t scope) {
    std::uint64_t index = 0;
    while (const std::uint32_t tag = next_tag()) {
      if (field_of(tag) == kSpans && wire_of(tag) == kLen) {
        const std::uint64_t span_index = index++;
        nested("spans", span_index, [&] {
          read_span(spans_.begin_span(scope, span_index, position()));
          spans_.finish_span(source_.name(), problems_);
        });
      } else {
        skip_field(tag, 0);
      }
    }
  }

  void read_span(SpanFields& span) {
    std::uint64_t attributes = 0;
    while (const std::uint32_t tag = next_tag()) {
      const int field = field_of(tag), wire = wire_of(tag);
      if (field == kTraceId && wire == kLen) {
        id_from_bytes(read_bytes(), span.trace_id);
        spans_.ids_read();  // starts fetching the ids' slot of the spans already read
      } else if (field == kSpanId && wire == kLen) {
        id_from_bytes(read_bytes(), span.span_id);
        spans_.ids_read();
      } else if (field == kStartTime && wire == kFixed64) {
        std::uint64_t ns = 0;
        if (!in_.fixed64(ns)) truncated();
        span.start_ns = ns;
        span.has_start_time = true;
      } else if (field == kEndTime && wire == kFixed64) {
        std::uint64_t ns = 0;
        if (!in_.fixed64(ns)) truncated();
        span.end_ns = ns;
        span.has_end_time = true;
      } else if (field == kSpanAttributes && wire == kLen) {
        if (!read_plain_attribute(span.attributes)) read_span_attribute(span, attributes);
        ++attributes;
      } else {
        if (const char* foreign = foreign_signal(field, wire)) refuse_foreign(foreign, field, wire);
        skip_field(tag, 0);
      }
    }
  }

  [[noreturn]] void refuse_foreign(const char* what, int field, int wire) {
    fail(ErrorKind::input,
         source_.name() + ": " + what + ", not traces: field " + std::to_string(field) +
             " at byte " + std::to_string(field_start_) + " (in " + path() + ") has wire type " +
             std::to_string(wire) + ", which a Span's field " + std::to_string(field) +
             " cannot have (send traces, or point the logs or metrics exporter elsewhere)");
  }

  // The KeyValue exporters write for most attributes, whole in the buffer: its key (1 to 127
  // bytes of UTF-8), then its value, with nothing after; the value is skipped when the mapping
  // does not read the key, and otherwise read when it is a string_value of at most 127 bytes of
  // UTF-8, alone. Read in place, as read_span_attribute would read it, without its limits and
  // path (nothing in it can fail); false, with nothing read, for anything else, which
  // read_span_attribute then reads.
  bool read_plain_attribute(AttributeSet& out) {
    const auto* p = reinterpret_cast<const unsigned char*>(in_.cursor());
    const auto* const buffered = reinterpret_cast<const unsigned char*>(in_.readable_end());
    if (buffered - p < 4) return false;
    // The KeyValue's length: one or two varint bytes.
    std::size_t length = p[0];
    const unsigned char* q = p + 1;
    if (length >= 0x80) {
      if (p[1] >= 0x80) return false;
      length = (length & 0x7f) | std::size_t{p[1]} << 7;
      ++q;
    }
    if (length > static_cast<std::size_t>(buffered - q)) return false;
    const unsigned char* const end = q + length;
    // key = 1 (length-delimited), then value = 2 (length-delimited) up to the end.
    if (end - q < 4 || q[0] != (kKey << 3 | kLen) || q[1] >= 0x80) return false;
    const std::string_view name(reinterpret_cast<const char*>(q + 2), q[1]);
    q += 2 + name.size();
    if (end - q < 2 || q[0] != (kValue << 3 | kLen) || q[1] >= 0x80 || q[1] != end - q - 2) {
      return false;
    }
    if (name.empty() || name.size() > limits_.max_string_bytes || !valid_utf8(name)) return false;
    const Slot slot = slot_for(name);
    if (slot != kUnused) {
      // AnyValue = string_value (1, length-delimited) and nothing else.
      const unsigned char* const value = q + 2;
      if (end - value < 2 || value[0] != (kStringValue << 3 | kLen) || value[1] >= 0x80 ||
          value[1] != end - value - 2) {
        return false;
      }
      const std::string_view text(reinterpret_cast<const char*>(value + 2), value[1]);
      if (text.size() > limits_.max_string_bytes || !valid_utf8(text)) return false;
      name_.assign(name);
      AnyValue& scratch = out.scratch();
      scratch.clear();
      if (text_only(slot)) {
        set_text(scratch, text);
      } else {
        set_scalar(scratch, AnyValue::Kind::string, text, true);
      }
      store_attribute(out, name_, slot, problems_);
    }
    in_.skip_to(reinterpret_cast<const char*>(end));
    return true;
  }

  // A span's attribute. A LogRecord's trace_id is its field 9 too: bytes that do not parse as a
  // KeyValue are an error only once the rest of the payload has not shown it to be logs (the
  // error is kept, the field skipped, and the error thrown at the end of the message).
  void read_span_attribute(SpanFields& span, std::uint64_t index) {
    const std::uint64_t length = read_length();
    const std::size_t depth = path_.size();
    const std::uint64_t end = position() + length;
    path_.push("attributes", index);
    const std::uint64_t limit = in_.push_limit(length);
    try {
      read_attribute(span.attributes);
    } catch (const Error& e) {
      if (in_.source_failed()) throw;
      // A misread KeyValue may also claim a string longer than the limit.
      if ((e.kind() != ErrorKind::input && e.kind() != ErrorKind::limit) || end < position()) {
        throw;
      }
      in_.pop_limit(limit);
      path_.resize(depth);
      if (!in_.skip(end - position())) throw;
      if (!deferred_) deferred_ = std::current_exception();
      return;
    }
    in_.pop_limit(limit);
    path_.pop();
  }

  // One KeyValue: only the attributes the mapping reads are decoded (as the JSON reader does).
  void read_attribute(AttributeSet& out) {
    bool have_name = false, have_value = false;
    Slot slot = kUnused;
    while (const std::uint32_t tag = next_tag()) {
      const int field = field_of(tag), wire = wire_of(tag);
      if (field == kKey && wire == kLen) {
        const std::string_view name = read_bytes();
        have_name = valid_utf8(name);
        slot = have_name ? slot_for(name) : kUnused;
        if (slot != kUnused) name_.assign(name);
      } else if (field == kValue && wire == kLen) {
        if (have_name && slot == kUnused) {
          skip_field(tag, 0);  // the hot path: most attributes are not ours
          have_value = false;
          continue;
        }
        nested("value", kNoIndex, [&] { read_any_value(out.scratch(), 0); });
        have_value = true;
      } else {
        skip_field(tag, 0);
      }
    }
    if (!have_name || slot == kUnused || !have_value) return;
    store_attribute(out, name_, slot, problems_);
  }

  void read_any_value(AnyValue& out, std::size_t depth) {
    out.clear();
    if (depth > kMaxValueDepth) {
      invalid("attribute value nested deeper than " + std::to_string(kMaxValueDepth) + " levels");
    }
    while (const std::uint32_t tag = next_tag()) {
      read_value_field(tag, out, depth);
    }
  }

  // One field of an AnyValue's oneof; as in protobuf, the last one read wins.
  void read_value_field(std::uint32_t tag, AnyValue& out, std::size_t depth) {
    const int field = field_of(tag), wire = wire_of(tag);
    std::uint64_t v = 0;
    if ((field == kStringValue || field == kBytesValue) && wire == kLen) {
      const std::string_view bytes = read_bytes();
      if (field == kBytesValue) {
        return set_scalar(out, AnyValue::Kind::bytes, crypto::base64_encode(bytes), true);
      }
      if (valid_utf8(bytes)) return set_scalar(out, AnyValue::Kind::string, bytes, true);
      out.clear();
      // The text is not quoted: attribute values may be personal data (see any_value.cpp).
      out.problem = "string_value of " + std::to_string(bytes.size()) + " bytes is not valid UTF-8";
    } else if ((field == kBoolValue || field == kIntValue) && wire == kVarint) {
      if (!in_.varint(v)) truncated();
      if (field == kBoolValue) {
        return set_scalar(out, AnyValue::Kind::boolean, v ? "true" : "false", false);
      }
      char buf[24];
      const auto end = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(v)).ptr;
      set_scalar(out, AnyValue::Kind::integer, std::string_view(buf, end - buf), false);
    } else if (field == kDoubleValue && wire == kFixed64) {
      if (!in_.fixed64(v)) truncated();
      double d = 0;
      static_assert(sizeof d == sizeof v);
      std::memcpy(&d, &v, sizeof d);
      set_double(out, d);
    } else if ((field == kArrayValue || field == kKvlistValue) && wire == kLen) {
      out.clear();
      const bool array = field == kArrayValue;
      out.kind = array ? AnyValue::Kind::array : AnyValue::Kind::kvlist;
      out.json = array ? "[" : "{";
      nested(array ? "array_value" : "kvlist_value", kNoIndex,
             [&] { read_list(out.json, array, depth); });
      out.json.push_back(array ? ']' : '}');
    } else {
      skip_field(tag, 0);
    }
  }

  // ArrayValue / KeyValueList: field 1 repeated; as the JSON reader does, an array element with
  // an empty value is null (the converter's JSON.stringify wrote undefined so) and a list member
  // with one is left out.
  void read_list(std::string& json, bool array, std::size_t depth) {
    // Reused per depth, so that a kvlist context on every span allocates nothing once sized.
    while (list_scratch_.size() <= depth) list_scratch_.emplace_back();
    AnyValue& element = list_scratch_[depth].element;
    std::string& key = list_scratch_[depth].key;
    std::uint64_t index = 0;
    while (const std::uint32_t tag = next_tag()) {
      if (field_of(tag) != kValues || wire_of(tag) != kLen) {
        skip_field(tag, 0);
        continue;
      }
      bool has_key = array;
      nested("values", index++, [&] {
        if (array) return read_any_value(element, depth + 1);
        element.clear();
        while (const std::uint32_t t = next_tag()) {
          if (field_of(t) == kKey && wire_of(t) == kLen) {
            key.assign(read_bytes());
            has_key = valid_utf8(key);
          } else if (field_of(t) == kValue && wire_of(t) == kLen) {
            nested("value", kNoIndex, [&] { read_any_value(element, depth + 1); });
          } else {
            skip_field(t, 0);
          }
        }
      });
      if (!has_key || (!array && element.kind == AnyValue::Kind::absent)) continue;
      if (array && element.kind == AnyValue::Kind::absent) element.json = "null";
      if (json.size() > 1) json.push_back(',');
      if (!array) {
        append_json_string(json, key);
        json.push_back(':');
      }
      json += element.json;
    }
  }

  io::ByteSource& source_;
  io::ReadLimits limits_;
  std::uint64_t base_;
  std::uint64_t field_start_ = 0;  // where the field being read starts
  SpanSink& spans_;
  WireInput in_;
  ProtoEnvelope* envelope_;
  std::exception_ptr deferred_;  // the first KeyValue that did not parse
  Path path_;
  std::vector<std::string> problems_;
  std::string spill_, name_;  // spill_: a string longer than the input's buffer
  struct ListScratch {
    AnyValue element;
    std::string key;
  };
  std::deque<ListScratch> list_scratch_;  // a deque: outer depths stay put as inner ones grow
};

}  // namespace

void read_protobuf(io::ByteSource& source, const io::ReadLimits& limits, std::uint64_t base_offset,
                   SpanSink& spans, ProtoEnvelope* envelope) {
  Walker(source, limits, base_offset, spans, envelope).run();
}

}  // namespace kvonce::otlp
