#include "kvonce/util/console_bound.hpp"

#include <algorithm>

namespace kvonce {
namespace {

bool is_line_break(char c) {
  return c == '\n' || c == '\r';
}

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xc0) == 0x80;
}

}  // namespace

ConsoleBound::ConsoleBound(std::streambuf* target, std::size_t max_line, std::uint64_t max_total)
    : target_(target), max_line_(max_line), max_total_(max_total) {}

void ConsoleBound::emit(const char* s, std::size_t n) {
  if (failed_ || n == 0) return;
  // Past the bound, everything is left out (not only what does not fit), so what is shown ends
  // at a piece the tool wrote whole.
  if (!finished_ && (full_ || total_ + n > max_total_)) {
    full_ = true;
    dropped_ += n;
    return;
  }
  if (target_->sputn(s, static_cast<std::streamsize>(n)) != static_cast<std::streamsize>(n)) {
    failed_ = true;
    return;
  }
  total_ += n;
  at_line_start_ = is_line_break(s[n - 1]);
}

void ConsoleBound::segment(const char* s, std::size_t n) {
  if (line_cut_ > 0) {
    line_cut_ += n;
    return;
  }
  const std::size_t room = max_line_ - line_;
  std::size_t take = std::min(n, room);
  if (take < n) {
    while (take > 0 && is_continuation(s[take])) --take;  // a whole UTF-8 character or none
    line_cut_ = n - take;
  }
  emit(s, take);
  line_ += take;
}

void ConsoleBound::end_cut_line() {
  if (line_cut_ == 0) return;
  const std::string note = "\u2026 (" + std::to_string(line_cut_) + " bytes cut)";
  line_cut_ = 0;
  emit(note.data(), note.size());
}

void ConsoleBound::line_break(char c) {
  end_cut_line();
  emit(&c, 1);
  line_ = 0;
}

std::streamsize ConsoleBound::xsputn(const char* s, std::streamsize count) {
  const char* end = s + count;
  while (s < end) {
    const char* brk = std::find_if(s, end, is_line_break);
    segment(s, static_cast<std::size_t>(brk - s));
    if (brk == end) break;
    line_break(*brk);
    s = brk + 1;
  }
  return failed_ ? 0 : count;
}

ConsoleBound::int_type ConsoleBound::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  const char ch = traits_type::to_char_type(c);
  xsputn(&ch, 1);
  return failed_ ? traits_type::eof() : c;
}

int ConsoleBound::sync() {
  if (failed_) return -1;
  return target_->pubsync();
}

void ConsoleBound::finish() {
  end_cut_line();
  if (dropped_ > 0 && !finished_) {
    finished_ = true;
    const std::string note = std::string(at_line_start_ ? "" : "\n") + "\u2026 (" +
                             std::to_string(dropped_) + " more bytes not shown: a console stream " +
                             "stops at " + std::to_string(max_total_) + " bytes)\n";
    emit(note.data(), note.size());
    line_ = 0;
  }
  finished_ = true;
}

}  // namespace kvonce
