#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "kvonce/json/reader.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

using kvonce::Error;
using kvonce::ErrorKind;
using kvonce::json::Kind;
using kvonce::json::Reader;

namespace {

// A source that hands out one byte per read, to cross every buffer boundary.
class Trickle final : public kvonce::io::ByteSource {
 public:
  explicit Trickle(std::string s) : s_(std::move(s)) {}
  std::size_t read(char* buf, std::size_t size) override {
    if (pos_ >= s_.size() || size == 0) return 0;
    buf[0] = s_[pos_++];
    return 1;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string s_, name_ = "trickle";
  std::size_t pos_ = 0;
};

std::string compact(const std::string& text) {
  std::string out;
  REQUIRE(kvonce::json::reformat_compact(text, out, {}));
  return out;
}

std::string error_of(const std::string& text) {
  auto src = kvonce::io::from_memory(text, "doc.json");
  Reader r(*src, {});
  try {
    while (r.next_document()) {
      std::string out;
      r.copy_value(out);
    }
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::input);
    return e.what();
  }
  FAIL("no error for " << text);
  return "";
}

}  // namespace

TEST_CASE("Reader::copy_value re-emits compact JSON") {
  CHECK(compact(R"( { "a" : [ 1 , -2.5e3 , true , false , null , "x" ] , "b" : { } } )") ==
        R"({"a":[1,-2.5e3,true,false,null,"x"],"b":{}})");
  SECTION("escapes are decoded and re-encoded canonically") {
    CHECK(compact(R"("a\/b\u0041\n\u00e9\ud83d\ude00")") == "\"a/bA\\n\xC3\xA9\xF0\x9F\x98\x80\"");
  }
  SECTION("control characters are escaped on output") {
    CHECK(compact(R"("\u0001")") == R"("\u0001")");
  }
}

TEST_CASE("Reader reads documents back to back") {
  auto src = kvonce::io::from_memory("{\"a\":1}{\"a\":2}\n{\"a\":3} [4]", "multi");
  Reader r(*src, {});
  std::vector<std::string> docs;
  while (r.next_document()) {
    std::string out;
    r.copy_value(out);
    docs.push_back(out);
  }
  CHECK(docs == std::vector<std::string>{R"({"a":1})", R"({"a":2})", R"({"a":3})", "[4]"});
}

TEST_CASE("Reader works across buffer boundaries one byte at a time") {
  const std::string doc =
      R"({"k\u00e9y":"v\"al","n":[12345678901234567890,0.5],"s":"\ud83d\ude00"})";
  Trickle src(doc);
  Reader r(src, {});
  REQUIRE(r.next_document());
  std::string out;
  r.copy_value(out);
  CHECK(out == compact(doc));
  CHECK_FALSE(r.next_document());
}

TEST_CASE("Reader skips values of any depth without recursion") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto src = kvonce::io::from_memory("{\"skip\":" + deep + ",\"keep\":7}", "deep");
  Reader r(*src, {});
  REQUIRE(r.next_document());
  r.begin_object();
  std::string_view key;
  REQUIRE(r.next_member(key));
  CHECK(key == "skip");
  r.skip();
  REQUIRE(r.next_member(key));
  CHECK(key == "keep");
  CHECK(r.number() == "7");
  CHECK_FALSE(r.next_member(key));
}

TEST_CASE("Reader::next_member_is takes only a name written exactly so, else nothing") {
  const std::string doc = R"({"key":1,"value":2, "key":3,"k\u0065y":4,"keys":5})";
  const auto check = [](Reader& r) {
    REQUIRE(r.next_document());
    r.begin_object();
    std::string_view key;
    CHECK_FALSE(r.next_member_is(R"("value":)"));
    REQUIRE(r.next_member_is(R"("key":)"));
    CHECK(r.number() == "1");
    REQUIRE(r.next_member_is(R"("value":)"));
    CHECK(r.number() == "2");
    CHECK_FALSE(r.next_member_is(R"("key":)"));  // white space after the comma
    REQUIRE(r.next_member(key));
    CHECK(key == "key");
    CHECK(r.number() == "3");
    CHECK_FALSE(r.next_member_is(R"("key":)"));  // an escape
    REQUIRE(r.next_member(key));
    CHECK(key == "key");
    CHECK(r.number() == "4");
    CHECK_FALSE(r.next_member_is(R"("key":)"));  // a longer name
    REQUIRE(r.next_member(key));
    CHECK(key == "keys");
    CHECK(r.number() == "5");
    CHECK_FALSE(r.next_member_is(R"("key":)"));  // the end
    CHECK_FALSE(r.next_member(key));
    CHECK_FALSE(r.next_document());
  };
  SECTION("in one buffer") {
    auto src = kvonce::io::from_memory(doc, "names");
    Reader r(*src, {});
    check(r);
  }
  SECTION("one byte at a time") {
    Trickle src(doc);
    Reader r(src, {});
    check(r);
  }
}

TEST_CASE("Reader::copy_value bounds nesting") {
  kvonce::io::ReadLimits limits;
  limits.max_depth = 10;
  const std::string deep = std::string(50, '[') + std::string(50, ']');
  auto src = kvonce::io::from_memory(deep, "deep");
  Reader r(*src, limits);
  REQUIRE(r.next_document());
  std::string out;
  CHECK_THROWS_WITH(r.copy_value(out), Catch::Contains("nested deeper than 10"));
}

TEST_CASE("Reader errors name the source, byte offset and line") {
  CHECK_THAT(error_of("{\"a\":1,\n\"b\":}"),
             Catch::StartsWith("doc.json: invalid JSON at byte 12 (line 2)"));
  SECTION("truncated document") {
    CHECK_THAT(error_of("{\"a\":[1,2"), Catch::Contains("end of input"));
  }
  SECTION("trailing comma") {
    CHECK_THAT(error_of("{\"a\":1,}"), Catch::Contains("member name"));
  }
  SECTION("NaN is not JSON") {
    CHECK_THAT(error_of("[NaN]"), Catch::Contains("NaN"));
  }
  SECTION("leading zeros") {
    CHECK_THAT(error_of("[01]"), Catch::Contains("expected ','"));
  }
  SECTION("bad escape") {
    CHECK_THAT(error_of(R"(["\x"])"), Catch::Contains("escape"));
  }
  SECTION("raw control character") {
    CHECK_THAT(error_of("[\"a\tb\"]"), Catch::Contains("control character"));
  }
  SECTION("invalid UTF-8 with its offset") {
    CHECK_THAT(error_of("[\"ab\xC3\x28\"]"), Catch::Contains("byte 4") && Catch::Contains("UTF-8"));
  }
  SECTION("overlong UTF-8") {
    CHECK_THAT(error_of("[\"\xC0\xAF\"]"), Catch::Contains("UTF-8"));
  }
  SECTION("UTF-16 surrogate encoded in UTF-8") {
    CHECK_THAT(error_of("[\"\xED\xA0\x80\"]"), Catch::Contains("UTF-8"));
  }
}

TEST_CASE("Reader enforces the string size limit") {
  kvonce::io::ReadLimits limits;
  limits.max_string_bytes = 1000;
  auto src = kvonce::io::from_memory("[\"" + std::string(5000, 'x') + "\"]", "big");
  Reader r(*src, limits);
  REQUIRE(r.next_document());
  std::string out;
  try {
    r.copy_value(out);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::limit);
    CHECK_THAT(e.what(), Catch::Contains("longer than 1000 bytes"));
  }
}

TEST_CASE("Reader ignores a UTF-8 byte-order mark at the start") {
  auto src = kvonce::io::from_memory("\xEF\xBB\xBF{\"a\":1}", "bom");
  Reader r(*src, {});
  REQUIRE(r.next_document());
  CHECK(r.peek() == Kind::object);
}

TEST_CASE("Reader::at_line_end") {
  auto src = kvonce::io::from_memory("{} \t\r\n{} {}", "lines");
  Reader r(*src, {});
  REQUIRE(r.next_document());
  r.skip();
  CHECK(r.at_line_end());
  REQUIRE(r.next_document());
  r.skip();
  CHECK_FALSE(r.at_line_end());
}

TEST_CASE("Reader keeps a lone UTF-16 surrogate as its code unit and writes it back escaped") {
  auto src = kvonce::io::from_memory(R"(["k\ud83d","k\uD83E","\udc00z","\ud83d\ude00"])", "s");
  Reader r(*src, {});
  REQUIRE(r.next_document());
  r.begin_array();
  std::vector<std::string> strings;
  while (r.next_element()) strings.emplace_back(r.string());
  REQUIRE(strings.size() == 4);
  CHECK(strings[0] == "k\xED\xA0\xBD");  // the code unit's three bytes (WTF-8)
  CHECK(strings[0] != strings[1]);
  CHECK(strings[3] == "\xF0\x9F\x98\x80");  // a pair is one code point
  CHECK(kvonce::json_quote(strings[0]) == R"("k\ud83d")");
  CHECK(kvonce::json_quote(strings[1]) == R"("k\ud83e")");
  CHECK(kvonce::json_quote(strings[2] + "0123456789") == R"("\udc00z0123456789")");
  CHECK(compact(R"({"a\ud800":["\udfff"]})") == R"({"a\ud800":["\udfff"]})");
}

TEST_CASE("Reader::at_line_end skips the white space String.prototype.trim removes") {
  auto src = kvonce::io::from_memory(
      "{}\xC2\xA0\xE2\x80\xA8\v\f\xE3\x80\x80\xEF\xBB\xBF\n{}\xC2\x85", "s");
  Reader r(*src, {});
  REQUIRE(r.next_document());
  r.skip();
  CHECK(r.at_line_end());
  REQUIRE(r.next_document());
  r.skip();
  CHECK_FALSE(r.at_line_end());  // U+0085 is not white space to JavaScript
}
