// privacy::MaskingSink, resolve_key, mask_json, is_mask: masking of values and context members.
#include <catch2/catch.hpp>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/event/event_store.hpp"
#include "kvonce/privacy/masking.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

using namespace kvonce;
using privacy::MaskOptions;

namespace {

const std::string kKey = "0123456789abcdef0123456789abcdef";

// What a mask must be, computed here from its definition, independently of mask_json.
std::string expected_mask(std::string_view json_value) {
  return "\"hmac-sha256:" + crypto::hmac_sha256_hex(kKey, json_value) + "\"";
}

MaskOptions options(bool values, std::vector<std::string> members = {}) {
  MaskOptions o;
  o.values = values;
  o.context_members = std::move(members);
  o.key = std::make_shared<const std::string>(kKey);
  return o;
}

struct Masked {
  std::optional<std::string> value, context;
};

// Passes one event through a MaskingSink and returns what reached the store.
Masked pass(const MaskOptions& opts, std::optional<std::string_view> value,
            std::optional<std::string_view> context = std::nullopt) {
  EventStore store;
  privacy::MaskingSink sink(store, opts);
  EventView e;
  e.time_ns = 1;
  e.trace_id = "t";
  e.actor = "a";
  e.type = "success";
  e.key = "k";
  e.value = value;
  e.context = context;
  sink.on_event(e);
  REQUIRE(store.size() == 1);
  const EventView out = store[0];
  CHECK(out.key == "k");
  CHECK(out.type == "success");
  Masked m;
  if (out.value) m.value = std::string(*out.value);
  if (out.context) m.context = std::string(*out.context);
  return m;
}

}  // namespace

TEST_CASE("privacy::MaskingSink") {
  SECTION("a value becomes the HMAC of its compact JSON text") {
    for (const char* v :
         {"\"alice@example.com\"", "42", "true", "[1,2]", "{\"a\":\"b\"}", "\"\""}) {
      const Masked m = pass(options(true), v);
      REQUIRE(m.value);
      CHECK(*m.value == expected_mask(v));
      CHECK(privacy::is_mask(*m.value));
    }
  }
  SECTION("equal values give equal masks, different values different masks") {
    CHECK(pass(options(true), "\"x\"").value == pass(options(true), "\"x\"").value);
    CHECK(pass(options(true), "\"x\"").value != pass(options(true), "\"y\"").value);
    CHECK(pass(options(true), "1").value != pass(options(true), "\"1\"").value);
  }
  SECTION("null stays null and an absent value stays absent") {
    CHECK(pass(options(true), "null").value == "null");
    CHECK_FALSE(pass(options(true), std::nullopt).value);
  }
  SECTION("a value that already is a mask is kept (idempotent)") {
    const std::string once = *pass(options(true), "\"secret\"").value;
    CHECK(pass(options(true), once).value == once);
    // Near misses are masked: upper-case hex, a short digest, no quotes.
    std::string upper = once;
    upper[20] = 'A';
    CHECK(pass(options(true), upper).value == expected_mask(upper));
    CHECK(pass(options(true), once.substr(0, once.size() - 2) + "\"").value !=
          once.substr(0, once.size() - 2) + "\"");
  }
  SECTION("values are left alone without --mask-values") {
    const Masked m = pass(options(false, {"user"}), "\"raw\"", R"({"user":"bob"})");
    CHECK(m.value == "\"raw\"");
    CHECK(m.context == R"({"user":)" + expected_mask("\"bob\"") + "}");
  }
  SECTION("named top-level context members are masked, others kept") {
    const Masked m = pass(options(true, {"user", "ip"}), "1",
                          R"({"attempts":1,"user":"bob","ip":[10,0,0,1],"n":{"user":"x"}})");
    CHECK(m.context == R"({"attempts":1,"user":)" + expected_mask("\"bob\"") + R"(,"ip":)" +
                           expected_mask("[10,0,0,1]") + R"(,"n":{"user":"x"}})");
  }
  SECTION("every duplicate of a named member is masked; null members stay null") {
    const Masked m =
        pass(options(false, {"user"}), std::nullopt, R"({"user":"a","user":null,"user":"b"})");
    CHECK(m.context == R"({"user":)" + expected_mask("\"a\"") + R"(,"user":null,"user":)" +
                           expected_mask("\"b\"") + "}");
  }
  SECTION("a context without the named members passes byte for byte") {
    CHECK(pass(options(false, {"user"}), std::nullopt, R"({"attempts":2})").context ==
          R"({"attempts":2})");
    CHECK(pass(options(false, {"user"}), std::nullopt, "3").context == "3");
    CHECK(pass(options(false, {"user"}), std::nullopt, R"(["user"])").context == R"(["user"])");
    CHECK(pass(options(false, {"user"}), std::nullopt, R"("plain text")").context ==
          R"("plain text")");
  }
  SECTION("a string holding a JSON object is masked inside and stays a string") {
    const Masked m =
        pass(options(false, {"user"}), std::nullopt, R"(" {\"user\": \"bob\", \"attempts\": 1} ")");
    const std::string inner = R"({"user":)" + expected_mask("\"bob\"") + R"(,"attempts":1})";
    CHECK(m.context == json_quote(inner));
  }
  SECTION("masking off passes every field through unchanged") {
    MaskOptions off;
    const Masked m = pass(off, "\"raw\"", R"({"user":"bob"})");
    CHECK(m.value == "\"raw\"");
    CHECK(m.context == R"({"user":"bob"})");
  }
  SECTION("an unresolved key is refused") {
    MaskOptions o;
    o.values = true;
    EventStore store;
    CHECK_THROWS_AS(privacy::MaskingSink(store, o), Error);
  }
}

TEST_CASE("privacy::resolve_key") {
  SECTION("without a variable: 32 random bytes, new for every resolution") {
    MaskOptions o;
    o.values = true;
    const MaskOptions a = privacy::resolve_key(o), b = privacy::resolve_key(o);
    REQUIRE(a.key);
    REQUIRE(b.key);
    CHECK(a.key->size() == privacy::kRandomKeyBytes);
    CHECK(*a.key != *b.key);
  }
  SECTION("a key already resolved is kept, so one run masks alike") {
    MaskOptions o;
    o.values = true;
    const MaskOptions a = privacy::resolve_key(o);
    CHECK(privacy::resolve_key(a).key == a.key);
  }
  SECTION("--mask-key-env reads the key through the environment seam") {
    MaskOptions o;
    o.values = true;
    o.key_env = "MASK_KEY";
    o.environment = environment_from({{"MASK_KEY", kKey}});
    CHECK(*privacy::resolve_key(o).key == kKey);
  }
  SECTION("an unset, empty or short variable is a usage error naming it, never its value") {
    MaskOptions o;
    o.context_members = {"user"};
    o.key_env = "MASK_KEY";
    for (const std::string value : {"", "short-key-xyz"}) {
      o.environment = environment_from({{"MASK_KEY", value}});
      try {
        privacy::resolve_key(o);
        FAIL("no error");
      } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(), Catch::Contains("MASK_KEY"));
        if (!value.empty()) CHECK_THAT(e.what(), !Catch::Contains(value));
      }
    }
  }
  SECTION("a key variable with nothing to mask is a usage error") {
    MaskOptions o;
    o.key_env = "MASK_KEY";
    o.environment = environment_from({{"MASK_KEY", kKey}});
    CHECK_THROWS_AS(privacy::resolve_key(o), Error);
  }
  SECTION("masking off needs no key") {
    CHECK_FALSE(privacy::resolve_key(MaskOptions{}).key);
  }
}

TEST_CASE("privacy::mask_json") {
  CHECK(privacy::mask_json(kKey, "\"v\"") == expected_mask("\"v\""));
  CHECK(privacy::mask_json(kKey, "\"v\"") != privacy::mask_json(kKey + "x", "\"v\""));
  CHECK(privacy::mask_json(kKey, "\"v\"").size() == 2 + 12 + 64);
}

TEST_CASE("crypto::HmacSha256") {
  SECTION("RFC 4231 test case 2") {
    crypto::HmacSha256 mac("Jefe");
    std::string out = "x";
    mac.append_hex("what do ya want for nothing?", out);
    CHECK(out == "x5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
  SECTION("each message is MACed afresh under the same key, as the one-shot function does") {
    crypto::HmacSha256 mac(kKey);
    for (const char* message : {"", "a", "\"alice@example.com\"", "a", ""}) {
      std::string out;
      mac.append_hex(message, out);
      CHECK(out == crypto::hmac_sha256_hex(kKey, message));
    }
  }
}
