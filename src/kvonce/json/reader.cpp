#include "kvonce/json/reader.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <cstring>

#include "kvonce/json/special16.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

#if defined(__x86_64__)
#define KVONCE_READER_SSE2 1
#else
#define KVONCE_READER_SSE2 0
#endif

namespace kvonce::json {
namespace {

constexpr std::size_t kChunk = 256 * 1024;

// Byte classes inside a string literal.
enum : unsigned char { kPlain = 0, kQuote, kBackslash, kControl, kHigh };

constexpr auto kStringClass = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = kControl;
  for (int c = 0x80; c < 0x100; ++c) t[c] = kHigh;
  t['"'] = kQuote;
  t['\\'] = kBackslash;
  return t;
}();

// memchr is vectorised in glibc; minified payloads have few newlines, so this is near free.
std::uint64_t count_newlines(const char* p, const char* end) {
  std::uint64_t n = 0;
  while (p < end) {
    const void* hit = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
    if (!hit) break;
    ++n;
    p = static_cast<const char*>(hit) + 1;
  }
  return n;
}

bool is_ws(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Bytes of the white space String.prototype.trim removes at p (other than '\n', which ends a
// line): ASCII space, tab, VT, FF, CR, and U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029,
// U+202F, U+205F, U+3000, U+FEFF in UTF-8; 0 for anything else.
std::size_t js_space_length(const char* p, std::size_t avail) {
  if (avail == 0) return 0;
  const auto b = [&](std::size_t k) { return k < avail ? static_cast<unsigned char>(p[k]) : 0u; };
  switch (b(0)) {
    case ' ':
    case '\t':
    case '\v':
    case '\f':
    case '\r': return 1;
    case 0xC2: return b(1) == 0xA0 ? 2 : 0;
    case 0xE1: return b(1) == 0x9A && b(2) == 0x80 ? 3 : 0;
    case 0xE2:
      if (b(1) == 0x80) {
        const unsigned c = b(2);
        return (c >= 0x80 && c <= 0x8A) || c == 0xA8 || c == 0xA9 || c == 0xAF ? 3 : 0;
      }
      return b(1) == 0x81 && b(2) == 0x9F ? 3 : 0;
    case 0xE3: return b(1) == 0x80 && b(2) == 0x80 ? 3 : 0;
    case 0xEF: return b(1) == 0xBB && b(2) == 0xBF ? 3 : 0;
    default: return 0;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Reader::Reader(io::ByteSource& source, const io::ReadLimits& limits)
    : source_(&source),
      limits_(limits),
      storage_(kChunk),
      data_(storage_.data()),
      cap_(storage_.size()) {}

Reader::Reader(std::string_view text, const io::ReadLimits& limits)
    : limits_(limits),
      data_(const_cast<char*>(text.data())),
      end_(text.size()),
      cap_(text.size()),
      eof_(true) {}

bool Reader::fill(std::size_t need) {
  if (end_ - pos_ >= need) return true;
  if (eof_) return false;
  if (pos_ + need > cap_) {
    // Drop consumed bytes, counting their newlines for line numbers in messages.
    lines_ += newlines_before_pos();
    counted_ = 0;
    counted_lines_ = 0;
    std::memmove(data_, data_ + pos_, end_ - pos_);
    base_ += pos_;
    end_ -= pos_;
    pos_ = 0;
    if (need > cap_) {
      storage_.resize(std::max(need, cap_ * 2));
      data_ = storage_.data();
      cap_ = storage_.size();
    }
  }
  while (end_ - pos_ < need) {
    const std::size_t n = source_->read(data_ + end_, cap_ - end_);
    if (n == 0) {
      eof_ = true;
      return false;
    }
    end_ += n;
  }
  return true;
}

// Counts incrementally from where the last call stopped: the NDJSON reader asks for the line of
// every record, and recounting the buffer from its start each time cost up to 256 KiB of scanning
// per record (a 1,000,000-line file took minutes).
std::uint64_t Reader::newlines_before_pos() {
  if (pos_ < counted_) {  // only error paths move pos_ back
    counted_ = 0;
    counted_lines_ = 0;
  }
  counted_lines_ += count_newlines(data_ + counted_, data_ + pos_);
  counted_ = pos_;
  return counted_lines_;
}

std::uint64_t Reader::line() {
  return lines_ + newlines_before_pos() + 1;
}

void Reader::error(const std::string& what) {
  fail(ErrorKind::input, source_name() + ": invalid JSON at byte " + std::to_string(offset()) +
                             " (line " + std::to_string(line()) + "): " + what);
}

char Reader::peek_char_slow() {
  for (;;) {
    while (pos_ < end_ && is_ws(data_[pos_])) ++pos_;
    if (pos_ < end_) return data_[pos_];
    if (!fill(1)) return '\0';
  }
}

void Reader::expected(char c) {
  error(std::string("expected '") + c + "'");
}

bool Reader::next_document() {
  if (base_ == 0 && pos_ == 0 && fill(3) && std::memcmp(data_, "\xEF\xBB\xBF", 3) == 0) {
    pos_ = 3;
  }
  if (!first_.empty()) error("internal: next_document inside a value");
  return peek_char() != '\0' || pos_ < end_;
}

void Reader::no_value(char c) {
  if (c == '\0' && pos_ >= end_) error("unexpected end of input (truncated JSON?)");
  if (c == 'N' || c == 'I') error("NaN and Infinity are not JSON values");
  if (c == '}' || c == ']' || c == ',' || c == ':') error(std::string("unexpected '") + c + "'");
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(c));
  error(std::string("unexpected byte ") + hex);
}

void Reader::no_member(char c) {
  error(c == '\0' ? "unexpected end of input inside an object" : "expected ',' or '}'");
}

bool Reader::member_colon(std::string_view& key) {
  // The view points into the buffer; it stays valid unless a refill moves the buffer, which
  // only happens when the ':' is not buffered yet. Copy the key only in that rare case.
  std::size_t colon = pos_;
  while (colon < end_ && is_ws(data_[colon])) ++colon;
  if (colon < end_ && data_[colon] == ':') {
    pos_ = colon + 1;
    return true;
  }
  scratch_.assign(key);
  key = scratch_;
  expect(':');
  return true;
}

void Reader::no_element(char c) {
  error(c == '\0' ? "unexpected end of input inside an array" : "expected ',' or ']'");
}

// Scans a string literal starting at pos_ (the opening quote). Without escapes the result is a
// view into the buffer; with escapes it is decoded into decoded_.
std::string_view Reader::literal_string() {
  std::size_t rel = 1;  // relative to pos_: fill() may move the buffer
  bool escaped = false;
#if KVONCE_READER_SSE2
  // Most strings end within 16 bytes of plain text: with the SSE2 or AVX2 scan, whose first step
  // is this very test, the run is found here without a call through plain_run_.
  if (first16_ && end_ - pos_ > 16) {
    const unsigned mask = special16(data_ + pos_ + 1);
    rel = mask ? 1 + static_cast<std::size_t>(std::countr_zero(mask)) : 17;
    if (mask && data_[pos_ + rel] == '"' && rel - 1 <= limits_.max_string_bytes) {
      const std::string_view text(data_ + pos_ + 1, rel - 1);
      pos_ += rel + 1;
      return text;
    }
  }
#endif
  for (;;) {
    if (pos_ + rel >= end_ && !fill(rel + 1)) error("unexpected end of input inside a string");
    const char* p = data_ + pos_;
    const std::size_t avail = end_ - pos_;
    rel += plain_run_(p + rel, avail - rel);
    if (rel >= avail) {
      if (rel > limits_.max_string_bytes) {
        fail(ErrorKind::limit, source_name() + ": string at byte " + std::to_string(offset()) +
                                   " is longer than " + std::to_string(limits_.max_string_bytes) +
                                   " bytes");
      }
      continue;
    }
    const unsigned char cls = kStringClass[static_cast<unsigned char>(p[rel])];
    if (cls == kQuote) break;
    if (cls == kControl) {
      pos_ += rel;
      error("control character in a string (must be escaped)");
    }
    if (cls == kBackslash) {
      escaped = true;
      fill(rel + 12);  // the longest escape: \uD83D\uDE00
      rel += 2;
      continue;
    }
    fill(rel + 4);  // a UTF-8 sequence is at most 4 bytes
    check_utf8(rel);
  }
  const std::size_t start = pos_ + 1;
  const std::size_t len = rel - 1;
  if (len > limits_.max_string_bytes) {
    fail(ErrorKind::limit, source_name() + ": string at byte " + std::to_string(offset()) +
                               " is longer than " + std::to_string(limits_.max_string_bytes) +
                               " bytes");
  }
  pos_ += rel + 1;
  if (!escaped) return {data_ + start, len};
  decode_escapes(start, len);
  return decoded_;
}

// Decodes data_[start, start + len) into decoded_: the runs between escapes are appended whole.
void Reader::decode_escapes(std::size_t start, std::size_t len) {
  decoded_.clear();
  const std::size_t end = start + len;
  for (std::size_t i = start; i < end;) {
    const void* hit = std::memchr(data_ + i, '\\', end - i);
    const std::size_t run =
        hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - data_) - i : end - i;
    decoded_.append(data_ + i, run);
    i += run;
    if (i < end) decode_escape(i, decoded_);
  }
}

bool Reader::use_scan_path(ScanPath path) {
  const PlainRunFn fn = plain_run_for(path);
  if (fn) {
    plain_run_ = fn;
    first16_ = KVONCE_READER_SSE2 && (path == ScanPath::sse2 || path == ScanPath::avx2);
  }
  return fn != nullptr;
}

void Reader::decode_escape(std::size_t& i, std::string& out) {
  const char e = data_[i + 1];
  i += 2;
  switch (e) {
    case '"': out.push_back('"'); return;
    case '\\': out.push_back('\\'); return;
    case '/': out.push_back('/'); return;
    case 'b': out.push_back('\b'); return;
    case 'f': out.push_back('\f'); return;
    case 'n': out.push_back('\n'); return;
    case 'r': out.push_back('\r'); return;
    case 't': out.push_back('\t'); return;
    case 'u': break;
    default: pos_ = i - 2; error("invalid escape sequence in a string");
  }
  auto hex4 = [&](std::size_t at) -> int {
    int v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const int h = at + k < end_ ? hex_value(data_[at + k]) : -1;
      if (h < 0) {
        pos_ = at - 2;
        error("invalid \\u escape in a string");
      }
      v = v * 16 + h;
    }
    return v;
  };
  std::uint32_t cp = static_cast<std::uint32_t>(hex4(i));
  i += 4;
  if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < end_ && data_[i] == '\\' && data_[i + 1] == 'u') {
    const auto low = static_cast<std::uint32_t>(hex4(i + 2));
    if (low >= 0xDC00 && low <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      i += 6;
    }
  }
  // A lone surrogate (an SDK cut a string mid-emoji) is kept as its own code unit, as
  // JavaScript keeps it: "k\ud83d" and "k\ud83e" stay two keys. It is held as the three bytes
  // UTF-8 would give it (WTF-8), which append_json_string writes back as the same escape.
  append_utf8(out, cp);
}

// Validates one UTF-8 sequence at pos_ + rel (RFC 3629: no overlongs, no surrogates).
void Reader::check_utf8(std::size_t& rel) {
  const auto* s = reinterpret_cast<const unsigned char*>(data_ + pos_ + rel);
  const std::size_t avail = end_ - pos_ - rel;
  auto cont = [&](std::size_t k) { return k < avail && (s[k] & 0xC0) == 0x80; };
  std::size_t len = 0;
  if (s[0] >= 0xC2 && s[0] <= 0xDF) {
    len = cont(1) ? 2 : 0;
  } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
    const bool ok =
        cont(1) && cont(2) && !(s[0] == 0xE0 && s[1] < 0xA0) && !(s[0] == 0xED && s[1] >= 0xA0);
    len = ok ? 3 : 0;
  } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
    const bool ok = cont(1) && cont(2) && cont(3) && !(s[0] == 0xF0 && s[1] < 0x90) &&
                    !(s[0] == 0xF4 && s[1] >= 0x90);
    len = ok ? 4 : 0;
  }
  if (len == 0) {
    pos_ += rel;
    error("invalid UTF-8 in a string");
  }
  rel += len;
}

std::string_view Reader::number() {
  if (peek() != Kind::number) error("expected a number");
  std::size_t rel = 0;
  auto at = [&](std::size_t k) -> char {
    if (pos_ + k >= end_ && !fill(k + 1)) return '\0';
    return data_[pos_ + k];
  };
  auto digits = [&] {
    const std::size_t start = rel;
    while (is_digit(at(rel))) {
      if (++rel > limits_.max_string_bytes) error("number is too long");
    }
    return rel > start;
  };
  if (at(rel) == '-') ++rel;
  if (at(rel) == '0') {
    ++rel;
  } else if (!digits()) {
    error("invalid number");
  }
  if (at(rel) == '.') {
    ++rel;
    if (!digits()) error("invalid number: digits must follow '.'");
  }
  if (at(rel) == 'e' || at(rel) == 'E') {
    ++rel;
    if (at(rel) == '+' || at(rel) == '-') ++rel;
    if (!digits()) error("invalid number: digits must follow the exponent");
  }
  const std::string_view text(data_ + pos_, rel);
  pos_ += rel;
  return text;
}

bool Reader::boolean() {
  const char c = peek_char();
  const std::string_view word = c == 't' ? "true" : "false";
  if (!fill(word.size()) || std::memcmp(data_ + pos_, word.data(), word.size()) != 0) {
    error("invalid literal (expected true or false)");
  }
  pos_ += word.size();
  return c == 't';
}

void Reader::null() {
  if (peek_char() != 'n' || !fill(4) || std::memcmp(data_ + pos_, "null", 4) != 0) {
    error("invalid literal (expected null)");
  }
  pos_ += 4;
}

void Reader::skip() {
  // An explicit stack instead of recursion: skipped values may be nested arbitrarily deep.
  std::vector<char>& open = skip_stack_;
  open.clear();
  for (;;) {
    switch (peek()) {
      case Kind::object:
        begin_object();
        open.push_back('{');
        break;
      case Kind::array:
        begin_array();
        open.push_back('[');
        break;
      case Kind::string: literal_string(); break;
      case Kind::number: number(); break;
      case Kind::boolean: boolean(); break;
      case Kind::null: null(); break;
    }
    for (;;) {
      if (open.empty()) return;
      std::string_view key;
      const bool more = open.back() == '{' ? next_member(key) : next_element();
      if (more) break;
      open.pop_back();
    }
  }
}

void Reader::copy_value(std::string& out) {
  copy_value_at(out, 0);
}

void Reader::copy_value_at(std::string& out, std::size_t depth) {
  if (depth > limits_.max_depth) {
    error("value nested deeper than " + std::to_string(limits_.max_depth) + " levels");
  }
  switch (peek()) {
    case Kind::object: {
      begin_object();
      out.push_back('{');
      std::string_view key;
      bool first = true;
      while (next_member(key)) {
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, key);
        out.push_back(':');
        copy_value_at(out, depth + 1);
      }
      out.push_back('}');
      return;
    }
    case Kind::array: {
      begin_array();
      out.push_back('[');
      bool first = true;
      while (next_element()) {
        if (!first) out.push_back(',');
        first = false;
        copy_value_at(out, depth + 1);
      }
      out.push_back(']');
      return;
    }
    case Kind::string: append_json_string(out, literal_string()); return;
    case Kind::number: out.append(number()); return;
    case Kind::boolean: out.append(boolean() ? "true" : "false"); return;
    case Kind::null:
      null();
      out.append("null");
      return;
  }
}

bool Reader::at_line_end() {
  for (;;) {
    fill(3);  // the longest white space other than ASCII is three bytes
    const std::size_t n = js_space_length(data_ + pos_, end_ - pos_);
    if (n > 0) {
      pos_ += n;
      continue;
    }
    return pos_ >= end_ || data_[pos_] == '\n';
  }
}

bool reformat_compact(std::string_view text, std::string& out, const io::ReadLimits& limits) {
  Reader reader(text, limits);
  const std::size_t mark = out.size();
  try {
    if (!reader.next_document()) return false;
    reader.copy_value(out);
    if (reader.next_document()) throw Error(ErrorKind::input, "trailing data");
    return true;
  } catch (const Error&) {
    out.resize(mark);
    return false;
  }
}

}  // namespace kvonce::json
