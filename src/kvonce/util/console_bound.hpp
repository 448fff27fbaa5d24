// The bound on what the tool writes to a console stream. A CI log is read by people and kept,
// and a small payload can ask for a huge one (a long key or trace id repeated in every issue
// line: a 2.8 KB payload printed 230 MB). Files have --max-output-bytes; the console has this.
#pragma once

#include <cstddef>
#include <cstdint>
#include <streambuf>
#include <string>

namespace kvonce {

// The defaults: a line keeps its first 64 KiB, a stream its first 16 MiB.
inline constexpr std::size_t kMaxConsoleLineBytes = 64 << 10;
inline constexpr std::uint64_t kMaxConsoleBytes = 16ULL << 20;

// A streambuf that passes text on to `target` within the bounds. A longer line is cut: its end
// says so ("… (N bytes cut)") before its line break ('\n' or '\r'). Past the stream's bound
// nothing more is written until finish(), which says how much was left out. Unbuffered, so what
// is written reaches `target` in order with anything written to it directly. A failed write to
// `target` fails the stream, as it would have unbounded.
class ConsoleBound final : public std::streambuf {
 public:
  explicit ConsoleBound(std::streambuf* target, std::size_t max_line = kMaxConsoleLineBytes,
                        std::uint64_t max_total = kMaxConsoleBytes);

  // Ends a cut line and, when the stream's bound was reached, writes one line saying how many
  // bytes were not shown. Writing continues after it within the line bound only, so the last
  // words of a run (its error) are never lost.
  void finish();

  std::uint64_t written() const { return total_; }     // bytes passed on, notes included
  std::uint64_t left_out() const { return dropped_; }  // bytes not shown past the stream bound

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  void segment(const char* s, std::size_t n);  // text without line breaks
  void line_break(char c);
  void emit(const char* s, std::size_t n);  // within the stream's bound
  void end_cut_line();

  std::streambuf* target_;
  std::size_t max_line_;
  std::uint64_t max_total_;
  std::size_t line_ = 0;        // bytes of the current line shown
  std::uint64_t line_cut_ = 0;  // bytes of the current line cut
  std::uint64_t total_ = 0;     // bytes passed on
  std::uint64_t dropped_ = 0;   // bytes past the stream's bound
  bool at_line_start_ = true;   // the last byte passed on ended a line
  bool full_ = false;           // the stream's bound was reached
  bool finished_ = false;       // past finish(): no stream bound
  bool failed_ = false;         // `target` refused bytes
};

}  // namespace kvonce
