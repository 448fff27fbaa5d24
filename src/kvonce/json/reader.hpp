// A streaming pull reader for JSON text, the parser under both payload readers.
//
// Why not a DOM or nlohmann's SAX: payloads reach gigabytes, so the reader must hold one buffer,
// not the document; it must report byte offsets and lines; and it must hand out strings without
// allocating, because decoding attributes is the hot path. The caller drives it like a
// recursive-descent parser (begin_object / next_member / string / skip ...). Values the caller
// does not want are skipped without recursion, so hostile nesting cannot overflow the stack;
// copy_value() recurses and is bounded by ReadLimits::max_depth.
//
// Any sequence of JSON texts is accepted (JSON Lines, or documents back to back with or without
// whitespace): next_document() moves from one to the next. Strings must be valid UTF-8; a UTF-8
// byte-order mark at the start of the input is ignored. A \u escape of a lone UTF-16 surrogate
// decodes to that code unit's three-byte form (WTF-8), never an error.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/json/string_scan.hpp"

namespace kvonce::json {

enum class Kind { object, array, string, number, boolean, null };

namespace detail {
// The kind of value each first byte starts, plus one; 0 for a byte that starts none.
inline constexpr auto kKindOf = [] {
  std::array<unsigned char, 256> t{};
  const auto set = [&](char c, Kind k) {
    t[static_cast<unsigned char>(c)] = static_cast<unsigned char>(static_cast<int>(k) + 1);
  };
  set('{', Kind::object);
  set('[', Kind::array);
  set('"', Kind::string);
  set('t', Kind::boolean);
  set('f', Kind::boolean);
  set('n', Kind::null);
  set('-', Kind::number);
  for (char c = '0'; c <= '9'; ++c) set(c, Kind::number);
  return t;
}();
}  // namespace detail

class Reader {
 public:
  Reader(io::ByteSource& source, const io::ReadLimits& limits);
  // Reads JSON text already in memory, without copying it; `text` must outlive the reader.
  Reader(std::string_view text, const io::ReadLimits& limits);

  // Skips whitespace between documents; false at the end of the input.
  bool next_document();
  // The kind of the next value (after whitespace); an error if no value starts there.
  Kind peek();

  void begin_object();
  // Moves to the next member of the current object: true with its key (valid until the next
  // call), false after consuming the closing brace.
  bool next_member(std::string_view& key);
  // The fast path for members written as every exporter writes them: true, having consumed it,
  // when the next member's name is `quoted_name` (with its quotes and the colon, e.g.
  // "\"key\":") written exactly so, without white space or escapes; false, consuming nothing,
  // otherwise (next_member then reads the member, whatever its form).
  bool next_member_is(std::string_view quoted_name);
  void begin_array();
  // True when another element follows, false after consuming the closing bracket.
  bool next_element();

  // Scalars. A string view stays valid until the next call on the reader.
  std::string_view string();
  std::string_view number();  // the number's text, checked against the JSON grammar
  bool boolean();
  void null();

  void skip();                        // skips any value, iteratively
  void copy_value(std::string& out);  // appends the value as compact JSON text

  // Skips the white space JavaScript's String.prototype.trim removes (ASCII and U+00A0, U+2028,
  // U+3000, U+FEFF, ...; not '\n'), then: true at a newline or the end of input.
  bool at_line_end();
  std::uint64_t offset() const { return base_ + pos_; }  // byte offset of the next unread byte
  std::uint64_t line();                                  // 1-based line of the next unread byte
  const std::string& source_name() const { return source_ ? source_->name() : kMemoryName; }
  [[noreturn]] void error(const std::string& what);

  // Scans strings with `path` instead of the CPU's best (tests, the differential fuzz target);
  // false, and no change, when this CPU cannot run it.
  bool use_scan_path(ScanPath path);

 private:
  bool fill(std::size_t need);          // makes `need` bytes available from pos_; false at end
  std::uint64_t newlines_before_pos();  // newlines in data_[0, pos_)
  char peek_char();                     // after whitespace; '\0' at end of input
  char peek_char_slow();
  void expect(char c);
  [[noreturn]] void expected(char c);
  [[noreturn]] void no_value(char c);        // peek() found no value's first byte
  [[noreturn]] void no_element(char c);      // next_element() found neither ',' nor ']'
  [[noreturn]] void no_member(char c);       // next_member() found neither ',' nor '}'
  bool member_colon(std::string_view& key);  // the ':' after white space, or not yet buffered
  std::string_view literal_string();
  void decode_escapes(std::size_t start, std::size_t len);
  void decode_escape(std::size_t& i, std::string& out);
  void check_utf8(std::size_t& i);
  void copy_value_at(std::string& out, std::size_t depth);

  static inline const std::string kMemoryName = "<json text>";
  io::ByteSource* source_ = nullptr;  // null when reading text in memory
  io::ReadLimits limits_;
  PlainRunFn plain_run_ = plain_run_for(best_scan_path());
  // plain_run_ is the SSE2 or AVX2 scan, whose first 16 bytes literal_string tests inline.
  bool first16_ = best_scan_path() == ScanPath::sse2 || best_scan_path() == ScanPath::avx2;
  std::vector<char> storage_;
  char* data_ = nullptr;
  std::size_t pos_ = 0, end_ = 0, cap_ = 0;
  std::uint64_t base_ = 0;   // stream offset of data_[0]
  std::uint64_t lines_ = 0;  // newlines before data_[0]
  std::size_t counted_ = 0;  // data_[0, counted_) has its newlines in counted_lines_
  std::uint64_t counted_lines_ = 0;
  bool eof_ = false;
  std::vector<char> first_;       // per open container: no element read yet (1/0)
  std::vector<char> skip_stack_;  // containers open inside skip(), reused across calls
  std::string scratch_;           // the current member name
  std::string decoded_;           // a string value with escapes, decoded
};

// The hot paths, inline: the OTLP readers call them for every member and value.
inline char Reader::peek_char() {
  // A byte above the space is no white space.
  if (pos_<end_&& static_cast<unsigned char>(data_[pos_])> ' ') return data_[pos_];
  return peek_char_slow();
}

inline void Reader::expect(char c) {
  if (peek_char() != c) expected(c);
  ++pos_;
}

inline Kind Reader::peek() {
  const char c = peek_char();
  const unsigned char k = detail::kKindOf[static_cast<unsigned char>(c)];
  if (k == 0) no_value(c);
  return static_cast<Kind>(k - 1);
}

inline void Reader::begin_object() {
  expect('{');
  first_.push_back(true);
}

inline void Reader::begin_array() {
  expect('[');
  first_.push_back(true);
}

inline bool Reader::next_member(std::string_view& key) {
  char c = peek_char();
  if (c == '}') {
    ++pos_;
    first_.pop_back();
    return false;
  }
  if (first_.back()) {
    first_.back() = false;
  } else {
    if (c != ',') no_member(c);
    ++pos_;
    c = peek_char();
  }
  if (c != '"') error("expected a member name in double quotes");
  key = literal_string();
  if (pos_ < end_ && data_[pos_] == ':') {  // minified JSON
    ++pos_;
    return true;
  }
  return member_colon(key);
}

inline bool Reader::next_element() {
  const char c = peek_char();
  if (c == ']') {
    ++pos_;
    first_.pop_back();
    return false;
  }
  if (first_.back()) {
    first_.back() = false;
    return true;
  }
  if (c != ',') no_element(c);
  ++pos_;
  return true;
}

inline std::string_view Reader::string() {
  if (peek_char() != '"') error("expected a string");
  return literal_string();
}

inline bool Reader::next_member_is(std::string_view quoted_name) {
  const std::size_t comma = first_.back() ? 0 : 1;
  const std::size_t need = comma + quoted_name.size();
  if (end_ - pos_ < need && !fill(need)) return false;
  const char* p = data_ + pos_;
  if ((comma && *p != ',') || std::memcmp(p + comma, quoted_name.data(), quoted_name.size()) != 0)
    return false;
  pos_ += need;
  first_.back() = false;
  return true;
}

// Parses a whole JSON text held in memory into compact text (used for strings that hold JSON).
// Returns false when `text` is not exactly one JSON value.
bool reformat_compact(std::string_view text, std::string& out, const io::ReadLimits& limits);

}  // namespace kvonce::json
