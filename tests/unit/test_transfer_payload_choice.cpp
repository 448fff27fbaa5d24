#include <functional>
#include <string>

#include <catch2/catch.hpp>

#include "kvonce/transfer/payload_choice.hpp"
#include "kvonce/util/error.hpp"

#include "support/thrown.hpp"

using namespace kvonce;
using namespace kvonce::test;

TEST_CASE("choose_payload: the message says how to pick one in a directory and an artifact") {
  using transfer::choose_payload;
  using transfer::PayloadContainer;
  const std::string in_dir = message_of([] {
    choose_payload({"a.json", "b.ndjson"}, "dl", PayloadContainer::directory);
  });
  CHECK_THAT(in_dir, Catch::EndsWith("; pass the one to use as --file dl/<name>"));
  const std::string in_zip = message_of([] {
    choose_payload({"a.json", "b.ndjson"}, "artifact x", PayloadContainer::archive);
  });
  CHECK_THAT(in_zip, Catch::Contains("upload one payload per artifact, or name the one to use "
                                     "kvonce-otlp-payload.json[.gz]") &&
                         !Catch::Contains("--file"));
  const std::string named_twice = message_of([] {
    choose_payload({"a/kvonce-otlp.json", "b/kvonce-otlp.json"}, "z", PayloadContainer::archive);
  });
  CHECK_THAT(named_twice, Catch::Contains("upload one payload per artifact"));
  CHECK_THAT(message_of([] { choose_payload({}, "d", PayloadContainer::directory); }),
             Catch::Contains("d: no payload file within 4 directory levels"));
}

TEST_CASE("choose_payload") {
  using transfer::choose_payload;
  SECTION("kvonce-otlp-payload.json first, at any depth") {
    CHECK(choose_payload({"a.json", "kvonce-otlp.json", "sub/kvonce-otlp-payload.json"}, "d") ==
          "sub/kvonce-otlp-payload.json");
    CHECK(choose_payload({"kvonce-otlp-payload.json.gz", "x.json"}, "d") ==
          "kvonce-otlp-payload.json.gz");
  }
  SECTION("then kvonce-otlp.json[.gz]") {
    CHECK(choose_payload({"other.json", "kvonce-otlp.json.gz"}, "d") == "kvonce-otlp.json.gz");
  }
  SECTION("else the only payload-like file; metadata and other files do not count") {
    CHECK(choose_payload({"README.txt", "kvonce-payload-metadata.json", "traces.ndjson.gz"}, "d") ==
          "traces.ndjson.gz");
    CHECK(choose_payload({"x.JSONL"}, "d") == "x.JSONL");
  }
  SECTION("every form the readers read: protobuf, gzip, zstd") {
    for (const char* name : {"traces.pb", "traces.binpb", "traces.pb.gz", "traces.BINPB.GZ",
                             "traces.json.zst", "traces.pb.zst", "traces.ndjson.zst", "traces.zst",
                             "events.ndjson", "events.ndjson.gz"}) {
      CAPTURE(name);
      CHECK(choose_payload({"notes.txt", "logs/collector.log.gz", name}, "d") == name);
    }
  }
  SECTION("schemas, archives of other kinds and bare compression are not payloads") {
    for (const char* name : {"trace.proto", "traces.gz", "traces.pb.bz2", "traces.tar"}) {
      CAPTURE(name);
      CHECK(kind_of([&] { choose_payload({name}, "d"); }) == ErrorKind::input);
    }
    CHECK(choose_payload({"trace.proto", "traces.pb.zst"}, "d") == "traces.pb.zst");
  }
  SECTION("several candidates: input error listing them") {
    const std::string m = message_of([] { choose_payload({"a.json", "b.ndjson"}, "dir"); });
    CHECK_THAT(m, Catch::Contains("dir: several candidate payload files: a.json, b.ndjson"));
    CHECK(kind_of([] {
            choose_payload({"a/kvonce-otlp.json", "b/kvonce-otlp.json"}, "d");
          }) == ErrorKind::input);
    CHECK(kind_of([] {
            choose_payload({"kvonce-otlp-payload.json", "kvonce-otlp-payload.json.gz"}, "d");
          }) == ErrorKind::input);
    CHECK_THAT(message_of([] {
                 choose_payload({"a.pb", "b.json.zst"}, "d");
               }),
               Catch::Contains("several candidate payload files: a.pb, b.json.zst"));
  }
  SECTION("none: input error") {
    CHECK(kind_of([] { choose_payload({"notes.txt"}, "d"); }) == ErrorKind::input);
    CHECK(kind_of([] { choose_payload({}, "d"); }) == ErrorKind::input);
  }
}
