#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "kvonce/json/reader.hpp"
#include "kvonce/json/string_scan.hpp"
#include "kvonce/util/error.hpp"

#include "support/pieces.hpp"

using kvonce::Error;
using kvonce::json::plain_run_for;
using kvonce::json::Reader;
using kvonce::json::ScanPath;
using kvonce::test::Pieces;

namespace {

// Every path this build and CPU can run (portable and, on x86-64, SSE2 at least).
std::vector<ScanPath> runnable_paths() {
  std::vector<ScanPath> out;
  for (const ScanPath p : {ScanPath::portable, ScanPath::sse2, ScanPath::avx2, ScanPath::neon}) {
    if (plain_run_for(p)) out.push_back(p);
  }
  return out;
}

// Every document's compact copy, or the error's text.
std::string read_all(Reader& r) {
  std::string out;
  try {
    while (r.next_document()) {
      r.copy_value(out);
      out.push_back('\n');
    }
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  }
  return out;
}

std::string read_with(ScanPath path, const std::string& text, std::size_t step = 0) {
  if (step == 0) {
    Reader r(text, {});
    REQUIRE(r.use_scan_path(path));
    return read_all(r);
  }
  Pieces source(text, step);
  Reader r(source, {});
  REQUIRE(r.use_scan_path(path));
  return read_all(r);
}

}  // namespace

TEST_CASE("string scan: the best path is one this CPU runs") {
  CHECK(plain_run_for(kvonce::json::best_scan_path()) != nullptr);
  CHECK(plain_run_for(ScanPath::portable) != nullptr);
#if defined(__x86_64__)
  CHECK(plain_run_for(ScanPath::sse2) != nullptr);
  CHECK(plain_run_for(ScanPath::neon) == nullptr);
#endif
}

TEST_CASE("string scan: every path stops at a special byte at every position of a window") {
  // Windows from 1 to 70 bytes cover every lane of a 16- and 32-byte block, the overlapping
  // tail load and the byte loop under 16 bytes.
  const unsigned char specials[] = {'"', '\\', 0x00, 0x0a, 0x1f, 0x7f, 0x80, 0xc3, 0xff};
  for (const ScanPath path : runnable_paths()) {
    const auto run = plain_run_for(path);
    INFO("path " << kvonce::json::to_string(path));
    for (std::size_t len = 1; len <= 70; ++len) {
      std::string window(len, 'a');
      for (std::size_t k = 0; k < len; ++k) window[k] = static_cast<char>(0x20 + (k * 7) % 0x5f);
      for (char& c : window) {
        if (c == '"' || c == '\\') c = 'z';
      }
      CHECK(run(window.data(), len) == len);
      for (const unsigned char s : specials) {
        for (std::size_t k = 0; k < len; ++k) {
          std::string w = window;
          w[k] = static_cast<char>(s);
          const std::size_t expect = s == 0x7f ? len : k;  // DEL is a plain byte in JSON
          INFO("len " << len << " byte " << int(s) << " at " << k);
          REQUIRE(run(w.data(), len) == expect);
          // A second special byte after the first changes nothing.
          if (k + 1 < len) {
            w[k + 1] = '"';
            REQUIRE(run(w.data(), len) == (s == 0x7f ? k + 1 : k));
          }
        }
      }
    }
  }
}

TEST_CASE("string scan: the reader decodes alike on every path, escapes at every position") {
  const std::vector<ScanPath> paths = runnable_paths();
  const std::string escapes[] = {"\\n",
                                 "\\\"",
                                 "\\\\",
                                 "\\u00e9",
                                 "\\ud83d\\ude00",
                                 "\\ud83d",
                                 "\xc3\xa9",
                                 "\xf0\x9f\x98\x80"};
  for (std::size_t len = 0; len <= 40; ++len) {
    for (const std::string& e : escapes) {
      for (std::size_t k = 0; k <= len; ++k) {
        std::string body(len, 'x');
        body.insert(k, e);
        const std::string text = "[\"" + body + "\",\"" + body + body + "\"]";
        const std::string expect = read_with(ScanPath::portable, text);
        REQUIRE(expect.rfind("error", 0) == std::string::npos);
        for (const ScanPath path : paths) {
          INFO("path " << kvonce::json::to_string(path) << " text " << text);
          REQUIRE(read_with(path, text) == expect);
          REQUIRE(read_with(path, text, 1 + k % 5) == expect);
        }
      }
    }
  }
}

TEST_CASE("string scan: control bytes and invalid UTF-8 fail at their byte on every path") {
  const std::string bad[] = {
      std::string(1, '\0'), "\x01", "\x1f", "\t", "\n", "\x80", "\xc0\xaf", "\xed\xa0\x80",
      "\xf5\x80\x80\x80",   "\xc3"};
  for (std::size_t k = 0; k <= 40; ++k) {
    for (const std::string& b : bad) {
      const std::string text = "{\"k\":\"" + std::string(k, 'y') + b + std::string(20, 'y') + "\"}";
      const std::string expect = read_with(ScanPath::portable, text);
      REQUIRE(expect.rfind("error", 0) == 0);
      const std::string at = "at byte " + std::to_string(6 + k) + " ";
      INFO(expect);
      CHECK(expect.find(at) != std::string::npos);
      const std::string streamed = read_with(ScanPath::portable, text, 3);  // names "pieces"
      CHECK(streamed.find(at) != std::string::npos);
      for (const ScanPath path : runnable_paths()) {
        INFO("path " << kvonce::json::to_string(path));
        CHECK(read_with(path, text) == expect);
        CHECK(read_with(path, text, 3) == streamed);
      }
    }
  }
}

TEST_CASE("string scan: refills split long strings anywhere, on every path") {
  // Longer than the reader's 256 KiB buffer: the string is scanned across refills that move it.
  std::string body;
  for (std::size_t i = 0; body.size() < 300 * 1024; ++i) {
    body += "abcdefghijklmnopqrstuvwxyz0123456789";
    if (i % 97 == 0) body += "\\t\xc3\xa9";
  }
  const std::string text = "{\"a\":\"" + body + "\",\"b\":\"" + body.substr(0, 70) + "\"}\n";
  const std::string expect = read_with(ScanPath::portable, text);
  REQUIRE(expect.rfind("error", 0) == std::string::npos);
  for (const ScanPath path : runnable_paths()) {
    INFO("path " << kvonce::json::to_string(path));
    for (const std::size_t step : {1000, 4093, 65536, 262143}) {
      CHECK(read_with(path, text, step) == expect);
    }
  }
}

TEST_CASE("string scan: the string limit holds on every path") {
  kvonce::io::ReadLimits limits;
  limits.max_string_bytes = 40;
  for (const ScanPath path : runnable_paths()) {
    for (const std::size_t len : {40, 41, 100}) {
      const std::string text = "\"" + std::string(len, 'q') + "\"";
      Reader r(text, limits);
      REQUIRE(r.use_scan_path(path));
      REQUIRE(r.next_document());
      if (len <= 40) {
        CHECK(r.string().size() == len);
      } else {
        CHECK_THROWS_WITH(r.string(), Catch::Contains("is longer than 40 bytes"));
      }
    }
  }
}
