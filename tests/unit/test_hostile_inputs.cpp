// Hostile inputs: each is generated here (no large fixtures) and must end in a clear outcome,
// never a crash, a hang or unbounded memory. Exit codes are checked through the in-process CLI.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kvonce/io/gzip_source.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
namespace fs = std::filesystem;

namespace {

constexpr unsigned long long T0 = 1760000000000000000ULL;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

struct Loaded {
  EventStore store;
  ReadStats stats;
};

Loaded load(const std::string& text, payload::Format format, const io::ReadLimits& limits = {}) {
  Loaded l;
  std::vector<std::unique_ptr<io::ByteSource>> in;
  in.push_back(io::from_memory(text, "hostile"));
  l.stats = payload::load_events(std::move(in), format, limits, l.store).stats;
  return l;
}

// The Error a load throws; fails the test when it does not throw one.
Error load_error(const std::string& text, payload::Format format,
                 const io::ReadLimits& limits = {}) {
  try {
    load(text, format, limits);
  } catch (const Error& e) {
    return e;
  }
  FAIL("the input was accepted");
  return Error(ErrorKind::internal, "unreachable");
}

std::string nd_line(const std::string& timestamp, const std::string& type, const std::string& key,
                    const std::string& extra = "") {
  return R"({"timestamp":")" + timestamp + R"(","type":")" + type + R"(","key":")" + key + "\"" +
         extra + "}\n";
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// Files left in a directory that are temporaries of an atomic write.
std::vector<std::string> temporaries(const TempDir& dir) {
  std::vector<std::string> out;
  for (const std::string& f : dir.files()) {
    if (f.find(".tmp-") != std::string::npos) out.push_back(f);
  }
  return out;
}

nlohmann::json validation(const fs::path& dir) {
  return nlohmann::json::parse(read_file(dir / "kvonce-validation.json"));
}

std::vector<std::string> issue_types(const nlohmann::json& v) {
  std::vector<std::string> out;
  for (const auto& i : v["issues"]) out.push_back(i["type"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("hostile input: JSON nested 100,000 levels deep") {
  constexpr std::size_t kDepth = 100000;
  const std::string deep_array = repeat("[", kDepth) + repeat("]", kDepth);

  SECTION("inside an unknown member it is skipped, the span still counts") {
    std::string span = kv_span(T0, "retry", "k");
    span.insert(1, "\"junk\":" + deep_array + ",");
    const Loaded l = load(otlp_doc({span}), payload::Format::otlp);
    CHECK(l.store.size() == 1);
    const Loaded n = load(nd_line("2025-01-01T00:00:00Z", "retry", "k", ",\"junk\":" + deep_array),
                          payload::Format::ndjson);
    CHECK(n.store.size() == 1);
  }
  SECTION("inside an attribute value we decode it is an input error") {
    const std::string deep_value =
        repeat(R"({"arrayValue":{"values":[)", kDepth) + repeat("]}}", kDepth);
    TempDir dir;
    write_file(dir / "deep.json",
               otlp_doc({kv_span(T0, "success", "k", raw_attr("kvonce.event.value", deep_value))}));
    const auto r =
        run_cli({"verify", "-i", (dir / "deep.json").string(), "-d", (dir / "out").string()});
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("attribute value nested deeper than 64 levels") &&
                          Catch::Contains("deep.json"));
    CHECK_FALSE(fs::exists(dir / "out"));
  }
  SECTION("as an NDJSON value it is an input error") {
    const Error e =
        load_error(nd_line("2025-01-01T00:00:00Z", "success", "k", ",\"value\":" + deep_array),
                   payload::Format::ndjson);
    CHECK(e.kind() == ErrorKind::input);
    CHECK_THAT(e.what(), Catch::Contains("nested deeper than 256 levels"));
  }
  SECTION("inside a context string holding JSON it stays a string and counts as no attempts") {
    const std::string text = "{\"attempts\":" + deep_array + "}";
    TempDir dir;
    const std::string attr =
        raw_attr("kvonce.event.context", "{\"stringValue\":" + json_quote(text) + "}");
    write_file(dir / "ctx.json", otlp_doc({kv_span(T0, "retry", "k", attr)}));
    const auto r =
        run_cli({"verify", "-i", (dir / "ctx.json").string(), "-d", (dir / "out").string()});
    CHECK(r.exit_code == 1);
    CHECK(issue_types(validation(dir / "out")) ==
          std::vector<std::string>{"retry-context-missing"});
  }
}

TEST_CASE("hostile input: a 50 MB string") {
  TempDir dir;
  const std::string big(50u << 20, 'x');
  write_file(dir / "big.ndjson",
             nd_line("2025-01-01T00:00:00Z", "success", "k", ",\"value\":\"" + big + "\""));
  const std::string out = (dir / "out.ndjson").string();

  SECTION("with --max-string-bytes below it: a limit error, no output") {
    const auto r = run_cli({"prepare", "-i", (dir / "big.ndjson").string(), "-o", out,
                            "--max-string-bytes", "10000000"});
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.err, Catch::Contains("big.ndjson: string at byte") &&
                          Catch::Contains("longer than 10000000 bytes"));
    CHECK(dir.files() == std::vector<std::string>{"big.ndjson"});
  }
  SECTION("with the limit above it: accepted whole") {
    const auto r = run_cli({"prepare", "-i", (dir / "big.ndjson").string(), "-o", out});
    REQUIRE(r.exit_code == 0);
    const std::string written = read_file(out);
    CHECK(written.find("\"value\":\"" + big + "\"}") != std::string::npos);
  }
}

TEST_CASE("hostile input: 1,000,000 distinct keys") {
  // Under ASan every allocation is tracked: a tenth of the keys keeps the sanitizer run short
  // while still exercising the same code paths.
  const std::size_t keys = kSanitized ? 100000 : 1000000;
  TempDir dir;
  std::string text;
  text.reserve(keys * 90);
  for (std::size_t i = 0; i < keys; ++i) {
    text += R"({"timestamp":"2025-01-01T00:00:00Z","type":"success","key":"k)";
    text += std::to_string(i);
    text += R"(","value":1,"context":1})";
    text += '\n';
  }
  write_file(dir / "keys.ndjson", text);
  text = std::string();
  const auto r =
      run_cli({"verify", "-i", (dir / "keys.ndjson").string(), "-d", (dir / "out").string()});
  CHECK(r.exit_code == 0);
  const auto v = validation(dir / "out");
  CHECK(v["keyCount"] == keys);
  CHECK(v["eventCount"] == keys);
}

TEST_CASE("hostile input: a corrupt line after a million short ones is named by its line") {
  // Regression: line numbers were recounted from the buffer start for every record, so a file of
  // many short lines took minutes; they are now counted incrementally across buffer refills.
  std::string text = repeat("{}\n", 1000000) + "{\"a\":tru}\n";
  const Error e = load_error(text, payload::Format::ndjson);
  CHECK(e.kind() == ErrorKind::input);
  CHECK_THAT(e.what(), Catch::Contains("line 1000001") && Catch::Contains("at byte 3000005 "));
  text = repeat("{}\r\n\n", 300000) + "[";
  CHECK_THAT(load_error(text, payload::Format::ndjson).what(), Catch::Contains("line 600001"));
}

TEST_CASE("hostile input: invalid UTF-8 names the byte offset") {
  const std::string prefix = R"({"timestamp":"2025-01-01T00:00:00Z","type":"success","key":"ab)";
  const std::size_t at = prefix.size();  // the offending byte follows the prefix
  for (const std::string& bad :
       {std::string("\x80"), std::string("\xC0\xAF"), std::string("\xED\xA0\x80"),
        std::string("\xE2\x82"), std::string("\xF8\x88\x80\x80\x80"),
        std::string("\xF4\x90\x80\x80"), std::string("\xFF")}) {
    CAPTURE(bad);
    const Error e = load_error(prefix + bad + "\"}\n", payload::Format::ndjson);
    CHECK(e.kind() == ErrorKind::input);
    CHECK_THAT(e.what(), Catch::Contains("invalid UTF-8") &&
                             Catch::Contains("at byte " + std::to_string(at) + " "));
  }
  SECTION("in a member name and in an OTLP attribute") {
    CHECK_THAT(load_error("{\"k\xC3\":1}", payload::Format::ndjson).what(),
               Catch::Contains("invalid UTF-8") && Catch::Contains("at byte 3 "));
    const std::string doc = otlp_doc({kv_span(T0, "success", "k\xE9y")});
    CHECK_THAT(load_error(doc, payload::Format::otlp).what(),
               Catch::Contains("invalid UTF-8") &&
                   Catch::Contains("at byte " + std::to_string(doc.find('\xE9')) + " "));
  }
  SECTION("outside a string, and through the CLI") {
    CHECK_THAT(load_error("{\"a\":\xFF}", payload::Format::ndjson).what(),
               Catch::Contains("unexpected byte 0xff") && Catch::Contains("at byte 5 "));
    TempDir dir;
    write_file(dir / "bad.ndjson", prefix + "\xC3\x28\"}\n");
    const auto r =
        run_cli({"verify", "-i", (dir / "bad.ndjson").string(), "-d", (dir / "out").string()});
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("bad.ndjson") && Catch::Contains("invalid UTF-8") &&
                          Catch::Contains("at byte " + std::to_string(at) + " "));
    CHECK_FALSE(fs::exists(dir / "out"));
  }
}

TEST_CASE("hostile input: NaN, Infinity and numbers beyond int64") {
  auto value_span = [](const std::string& any_value) {
    return otlp_doc({kv_span(T0, "success", "k", raw_attr("kvonce.event.value", any_value))});
  };
  SECTION("an intValue beyond int64 is kept, as the JavaScript converter kept it") {
    for (const auto& [v, json] : std::vector<std::pair<std::string, std::string>>{
             {R"({"intValue":"9223372036854775808"})", "9223372036854775808"},
             {R"({"intValue":"-9223372036854775809"})", "-9223372036854775809"},
             {R"({"intValue":1e19})", "10000000000000000000"},
             {R"({"intValue":"99999999999999999999999999"})", "99999999999999999999999999"}}) {
      CAPTURE(v);
      const Loaded l = load(value_span(v), payload::Format::otlp);
      REQUIRE(l.store.size() == 1);
      CHECK(l.store[0].value == json);
      CHECK(l.stats.warnings.empty());
    }
  }
  SECTION("int64's own bounds are kept exactly") {
    CHECK(load(value_span(R"({"intValue":"-9223372036854775808"})"), payload::Format::otlp)
              .store[0]
              .value == "-9223372036854775808");
  }
  SECTION("NaN and Infinity literals are input errors; proto3's strings are values") {
    for (const char* v : {R"({"doubleValue":NaN})", R"({"doubleValue":Infinity})",
                          R"({"doubleValue":-Infinity})", R"({"doubleValue":nan})"}) {
      CAPTURE(v);
      CHECK(load_error(value_span(v), payload::Format::otlp).kind() == ErrorKind::input);
    }
    CHECK_THAT(load_error(value_span(R"({"doubleValue":NaN})"), payload::Format::otlp).what(),
               Catch::Contains("NaN and Infinity are not JSON values"));
    CHECK(load(value_span(R"({"doubleValue":"NaN"})"), payload::Format::otlp).store[0].value ==
          "\"NaN\"");
    CHECK(load_error(nd_line("2025-01-01T00:00:00Z", "success", "k", ",\"value\":NaN"),
                     payload::Format::ndjson)
              .kind() == ErrorKind::input);
  }
  SECTION("huge JSON numbers in NDJSON are kept verbatim") {
    for (const char* v :
         {"123456789012345678901234567890", "1e400", "-0.0000000000000000001e-400"}) {
      const Loaded l =
          load(nd_line("2025-01-01T00:00:00Z", "success", "k", std::string(",\"value\":") + v),
               payload::Format::ndjson);
      CHECK(l.store[0].value == v);
    }
  }
}

TEST_CASE("hostile input: timestamps out of range leave NDJSON events untimed, skip spans") {
  SECTION("NDJSON: years 0000..9999 are times in their order, others are no time") {
    std::string text;
    for (const char* ts : {"10000-01-01T00:00:00Z", "0000-01-01T00:30:00+01:00",
                           "-0001-01-01T00:00:00Z", "9999-12-31T23:30:00-01:00"}) {
      text += nd_line(ts, "retry", "none");
    }
    for (const char* ts : {"2554-07-21T23:34:33.709551616Z", "9999-12-31T23:59:59.999999999Z",
                           "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z",
                           "0000-01-01T00:00:00Z", "2554-07-21T23:34:33.709551615Z"}) {
      text += nd_line(ts, "retry", ts);
    }
    Loaded l = load(text, payload::Format::ndjson);
    REQUIRE(l.store.size() == 10);
    for (std::size_t i = 0; i < 4; ++i) CHECK_FALSE(l.store[i].timed);
    for (std::size_t i = 4; i < 10; ++i) CHECK(l.store[i].timed);
    CHECK(l.store[6].time_ns == 0);
    CHECK(l.store[7].time_ns == -1'000'000);
    CHECK(l.store[9].time_ns == UINT64_MAX);
    CHECK(l.stats.bad_timestamp == 0);
    l.store.sort_by_time();
    // An instant past 2^64 ns is its millisecond, as NDJSON writes it (no timeUnixNano holds it),
    // so it comes before the last nanosecond a timeUnixNano can name.
    const std::vector<std::string> order = {
        "0000-01-01T00:00:00Z",           "1969-12-31T23:59:59.999Z",
        "1970-01-01T00:00:00Z",           "2554-07-21T23:34:33.709551616Z",
        "2554-07-21T23:34:33.709551615Z", "9999-12-31T23:59:59.999999999Z"};
    for (std::size_t i = 0; i < order.size(); ++i) CHECK(l.store[i].key == order[i]);
    CHECK_FALSE(l.store[6].timed);
    // Written back with their times; timeUnixNano only within 1970..2554.
    std::string line;
    append_event_line(line, l.store[0]);
    CHECK_THAT(line, Catch::Contains("\"timestamp\":\"0000-01-01T00:00:00.000Z\"") &&
                         !Catch::Contains("timeUnixNano"));
    line.clear();
    append_event_line(line, l.store[1]);
    CHECK_THAT(line, Catch::Contains("\"timestamp\":\"1969-12-31T23:59:59.999Z\"") &&
                         !Catch::Contains("timeUnixNano"));
    line.clear();
    append_event_line(line, l.store[3]);  // its millisecond is within a timeUnixNano's range
    CHECK_THAT(line, Catch::Contains("\"timestamp\":\"2554-07-21T23:34:33.709Z\"") &&
                         Catch::Contains("\"timeUnixNano\":\"18446744073709000000\""));
    line.clear();
    append_event_line(line, l.store[4]);
    CHECK_THAT(line, Catch::Contains("\"timeUnixNano\":\"18446744073709551615\""));
    line.clear();
    append_event_line(line, l.store[5]);
    CHECK_THAT(line, Catch::Contains("\"timestamp\":\"9999-12-31T23:59:59.999Z\""));
  }
  SECTION("OTLP: startTimeUnixNano -1 and 2^64") {
    std::string doc = otlp_doc({kv_span(T0, "retry", "a"), kv_span(T0, "retry", "b")});
    doc.replace(doc.find(std::to_string(T0)), 19, "-1");
    doc.replace(doc.find(std::to_string(T0)), 19, "18446744073709551616");
    const Loaded l = load(doc, payload::Format::otlp);
    CHECK(l.store.empty());
    CHECK(l.stats.bad_timestamp == 2);
    REQUIRE(l.stats.warnings.size() == 2);
    CHECK_THAT(l.stats.warnings[0], Catch::Contains("\"-1\" is not an unsigned 64-bit integer") &&
                                        Catch::Contains("span skipped"));
    CHECK_THAT(l.stats.warnings[1], Catch::Contains("\"18446744073709551616\""));
  }
}

TEST_CASE("hostile input: attempts of 2^63 are integers, never the expected one") {
  TempDir dir;
  write_file(dir / "a.ndjson",
             nd_line("2025-01-01T00:00:01Z", "retry", "k",
                     R"(,"context":{"attempts":9223372036854775808})") +
                 nd_line("2025-01-01T00:00:02Z", "success", "k",
                         R"(,"value":1,"context":{"attempts":9223372036854775808})") +
                 nd_line("2025-01-01T00:00:03Z", "success", "m",
                         R"(,"value":1,"context":-9223372036854775808)"));
  const auto r = run_cli({"verify", "-i", (dir / "a.ndjson").string(), "-d", (dir / "out").string(),
                          "--order", "time"});
  CHECK(r.exit_code == 1);
  CHECK(issue_types(validation(dir / "out")) ==
        std::vector<std::string>{"retry-attempt-out-of-sequence", "success-attempt-mismatch",
                                 "success-attempt-mismatch"});
  CHECK_THAT(r.out, Catch::Contains("retry 1 carries attempts 9223372036854775808, expected 1"));
  CHECK_THAT(r.out, Catch::Contains("carries attempts -9223372036854775808, expected 1"));
  // Under real time (spec's default) no order gives them a position either.
  const auto realtime =
      run_cli({"verify", "-i", (dir / "a.ndjson").string(), "-d", (dir / "rt").string()});
  CHECK(realtime.exit_code == 1);
  // One order-dependent issue per key: k's at its retry, which ends first.
  CHECK(issue_types(validation(dir / "rt")) ==
        std::vector<std::string>{"retry-attempt-out-of-sequence", "success-attempt-mismatch"});
  CHECK_THAT(realtime.out,
             Catch::Contains("the retry carrying attempts 9223372036854775808 (at ") &&
                 Catch::Contains("matches no position in any order"));
  const auto compat = run_cli({"verify", "-i", (dir / "a.ndjson").string(), "-d",
                               (dir / "compat").string(), "--profile", "compat"});
  CHECK((compat.exit_code == 0 || compat.exit_code == 1));
  CHECK(fs::exists(dir / "compat/kvonce-validation.json"));

  SECTION("as an OTLP intValue inside a kvlist context it is an integer beyond int64") {
    const std::string ctx =
        R"({"kvlistValue":{"values":[{"key":"attempts","value":{"intValue":"9223372036854775808"}}]}})";
    write_file(dir / "a.json", otlp_doc({kv_span(T0, "success", "k",
                                                 str_attr("kvonce.event.value", "v") + "," +
                                                     raw_attr("kvonce.event.context", ctx))}));
    const auto o = run_cli(
        {"verify", "-i", (dir / "a.json").string(), "-d", (dir / "o").string(), "--order", "time"});
    CHECK(o.exit_code == 1);
    const auto v = validation(dir / "o");
    CHECK(issue_types(v) == std::vector<std::string>{"success-attempt-mismatch"});
    CHECK_THAT(o.out, Catch::Contains("success carries attempts 9223372036854775808, expected 1"));
    CHECK(read_file(dir / "o/kvonce-events.ndjson")
              .find(R"("context":{"attempts":9223372036854775808})") != std::string::npos);
  }
}

TEST_CASE("hostile input: duplicate JSON object keys, the last one wins") {
  SECTION("NDJSON members") {
    const Loaded l = load(
        R"({"timestamp":"1999-01-01T00:00:00Z","timestamp":"2025-01-01T00:00:00Z","type":"retry","type":"success","key":"a","key":"b","value":1,"value":2,"context":{"attempts":1,"attempts":2}})"
        "\n",
        payload::Format::ndjson);
    REQUIRE(l.store.size() == 1);
    const EventView e = l.store[0];
    CHECK(e.type == "success");
    CHECK(e.key == "b");
    CHECK(e.value == "2");
    CHECK(e.time_ns == 1735689600000000000ULL);
    CHECK(e.context == R"({"attempts":1,"attempts":2})");  // kept as written ...
    TempDir dir;
    write_file(dir / "d.ndjson",
               nd_line("2025-01-01T00:00:00Z", "retry", "k", R"(,"context":{"attempts":1})") +
                   nd_line("2025-01-01T00:00:01Z", "success", "k",
                           R"(,"value":1,"context":{"attempts":1,"attempts":2})"));
    // ... and the rules read its last "attempts": 2 after one retry is what spec expects.
    CHECK(run_cli({"verify", "-i", (dir / "d.ndjson").string(), "-d", (dir / "o").string()})
              .exit_code == 0);
  }
  SECTION("OTLP attributes and AnyValue members") {
    const Loaded l =
        load(otlp_doc({span_json(
                 T0, {str_attr("kvonce.event.type", "retry"),
                      str_attr("kvonce.event.type", "success"), str_attr("kvonce.event.key", "k"),
                      raw_attr("kvonce.event.value", R"({"stringValue":"a","stringValue":"b"})"),
                      raw_attr("kvonce.event.reason", R"({"stringValue":"a","intValue":"5"})")})}),
             payload::Format::otlp);
    REQUIRE(l.store.size() == 1);
    CHECK(l.store[0].type == "success");
    CHECK(l.store[0].value == "\"b\"");
    CHECK(l.store[0].reason == "\"a\"");  // stringValue before intValue, as the converter read it
  }
}

TEST_CASE("hostile input: a gzip bomb beyond --max-decompressed-bytes") {
  TempDir dir;
  // 32 MiB of whitespace after a valid document: deflates to a few tens of kilobytes.
  const std::string bomb =
      io::gzip_compress(otlp_doc({kv_span(T0, "retry", "k")}) + std::string(32u << 20, ' '), 9);
  REQUIRE(bomb.size() < (1u << 20));
  write_file(dir / "bomb.json.gz", bomb);
  const auto v = run_cli({"verify", "-i", (dir / "bomb.json.gz").string(), "-d",
                          (dir / "out").string(), "--max-decompressed-bytes", "1048576"});
  CHECK(v.exit_code == 5);
  CHECK_THAT(v.err, Catch::Contains("bomb.json.gz: decompressed size exceeds "
                                    "--max-decompressed-bytes (1048576 bytes)"));
  const auto p = run_cli({"prepare", "-i", (dir / "bomb.json.gz").string(), "-o",
                          (dir / "out.ndjson").string(), "--max-decompressed-bytes", "1048576"});
  CHECK(p.exit_code == 5);
  CHECK(dir.files() == std::vector<std::string>{"bomb.json.gz"});
}

TEST_CASE("hostile input: a truncated gzip member") {
  TempDir dir;
  const std::string whole = io::gzip_compress(read_file(test_data("kvonce-otlp.json")));
  for (const std::size_t cut : {whole.size() - 4, whole.size() / 2, std::size_t{12}}) {
    CAPTURE(cut);
    write_file(dir / "cut.json.gz", whole.substr(0, cut));
    const auto r = run_cli(
        {"prepare", "-i", (dir / "cut.json.gz").string(), "-o", (dir / "out.ndjson").string()});
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("cut.json.gz: truncated gzip stream (compressed byte " +
                                      std::to_string(cut) + ")"));
    CHECK(dir.files() == std::vector<std::string>{"cut.json.gz"});
  }
}

TEST_CASE("hostile input: output paths that are directories or unwritable") {
  TempDir dir;
  const std::string in = test_data("kvonce-otlp.json");
  fs::create_directories(dir / "a-directory");
  write_file(dir / "a-file", "keep me");
  auto prepare_to = [&](const fs::path& out) {
    return run_cli({"prepare", "-i", in, "-o", out.string()});
  };

  SECTION("prepare into a directory") {
    const auto r = prepare_to(dir / "a-directory");
    CHECK(r.exit_code == 6);
    CHECK_THAT(r.err, Catch::Contains("a-directory: is a directory"));
  }
  SECTION("prepare below a regular file, or into a missing directory") {
    for (const fs::path& out : {dir / "a-file" / "x.ndjson", dir / "missing" / "x.ndjson"}) {
      const auto r = prepare_to(out);
      CHECK(r.exit_code == 6);
      CHECK_THAT(r.err, Catch::Contains(out.string() + ": cannot create file"));
    }
  }
  SECTION("verify into a regular file") {
    const auto r = run_cli({"verify", "-i", in, "-d", (dir / "a-file").string()});
    CHECK(r.exit_code == 6);
    CHECK_THAT(r.err, Catch::Contains("a-file: cannot create directory"));
  }
  SECTION("verify where an output file's name is taken by a directory") {
    fs::create_directories(dir / "out" / "kvonce-validation.json");
    const auto r = run_cli({"verify", "-i", in, "-d", (dir / "out").string()});
    CHECK(r.exit_code == 6);
    CHECK_THAT(r.err, Catch::Contains("kvonce-validation.json: is a directory"));
  }
  SECTION("run into a regular file") {
    const auto r = run_cli({"run", "-i", in, "--trace-dir", (dir / "a-file").string()});
    CHECK(r.exit_code == 6);
  }
  CHECK(read_file(dir / "a-file") == "keep me");
  CHECK(temporaries(dir).empty());
  CHECK_FALSE(fs::exists(dir / "missing"));
}

TEST_CASE("hostile input: regressions found by fuzzing") {
  SECTION("an attribute whose key comes again after its value takes the last key") {
    // Before: the value went into the first key's slot and the last key's slot was marked
    // present, showing the previous span's value (or invalid empty JSON) as this span's.
    const std::string renamed =
        R"({"key":"kvonce.event.reason","value":{"stringValue":"dup"},"key":"kvonce.event.value"})";
    const Loaded l = load(
        otlp_doc(
            {kv_span(T0, "success", "k1", str_attr("kvonce.event.value", "v1")),
             kv_span(T0, "success", "k2", renamed),
             kv_span(
                 T0, "success", "k3",
                 R"({"key":"kvonce.event.type","value":{"intValue":"7"},"key":"kvonce.event.value"})"),
             kv_span(
                 T0, "success", "k4",
                 R"({"value":{"stringValue":"x"},"key":"kvonce.event.value","key":"http.method"})")}),
        payload::Format::otlp);
    REQUIRE(l.store.size() == 4);
    CHECK(l.store[0].value == "\"v1\"");
    CHECK(l.store[1].value == "\"dup\"");
    CHECK_FALSE(l.store[1].reason);
    CHECK(l.store[2].type == "success");  // the earlier type attribute is not overwritten
    CHECK(l.store[2].value == "7");
    CHECK_FALSE(l.store[3].value);
  }
  SECTION("a URL host with ':' outside brackets is not a URL, so redaction stays stable") {
    const std::string text = "http://user:secret@h:1]:8080/p?token=t";
    const std::string shown = net::redact_url(text);
    CHECK_FALSE(net::parse_url(text));
    CHECK(shown.find("secret") == std::string::npos);
    CHECK(shown.find("token") == std::string::npos);
    CHECK(net::redact_url("https://[::1]:8443/a?x=1&X-Amz-Signature=s") ==
          "https://[::1]:8443/a?x=1");
  }
}

TEST_CASE("hostile input: two different successes of one key sharing trace and span ids") {
  // A payload hides a second success behind the first one's ids. Both are events: the key has two
  // successes (INVALID), and a warning naming both spans shows in every output.
  const std::string ids_trace = "0af7651916cd43dd8448eb211c80319c", ids_span = "b7ad6b7169203331";
  auto success = [&](unsigned long long start, const std::string& value) {
    return span_json(start,
                     {str_attr("kvonce.event.type", "success"), str_attr("kvonce.event.key", "k"),
                      str_attr("kvonce.event.value", value),
                      raw_attr("kvonce.event.context", R"({"intValue":"1"})")},
                     ids_trace, ids_span);
  };
  TempDir dir;
  write_file(dir / "p.json", otlp_doc({success(1760000000000000000ULL, "v1"),
                                       success(1760000000500000000ULL, "v2")}));
  const fs::path trace = dir / "trace";
  const auto summary = dir / "summary.md";
  const CliResult r = run_cli({"run", "-i", (dir / "p.json").string(), "--trace-dir",
                               trace.string(), "--step-summary", summary.string()});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  const nlohmann::json v = validation(trace / "otlp");
  CHECK(v["valid"] == false);
  CHECK(issue_types(v) == std::vector<std::string>{"multiple-success"});
  CHECK(v["eventCount"] == 2);
  bool named = false;
  for (const auto& w : v["warnings"]) {
    const std::string text = w.get<std::string>();
    named = named || (text.find("shares traceId " + ids_trace) != std::string::npos &&
                      text.find("spanId " + ids_span) != std::string::npos &&
                      text.find("with the span at byte ") != std::string::npos &&
                      text.find("but maps to a different event") != std::string::npos);
  }
  CHECK(named);
  // The console, the Step Summary and the PR comment say it too.
  CHECK_THAT(r.out + r.err, Catch::Contains("but maps to a different event"));
  CHECK_THAT(read_file(summary), Catch::Contains("but maps to a different event"));
  CHECK_THAT(read_file(trace / "kvonce-pr-comment.md"),
             Catch::Contains("but maps to a different event") && Catch::Contains(ids_span));
}
