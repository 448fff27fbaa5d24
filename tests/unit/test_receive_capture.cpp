// The received payload: each request body one Collector record, read back by the normal payload
// load path and by `verify` as the same events as the bodies themselves.
#include <catch2/catch.hpp>

#include "kvonce/payload/framing.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/receive/capture.hpp"

#include "support/proto_writer.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

constexpr unsigned long long T0 = 1760000000000000000ULL;

std::vector<std::string> lines_of(const std::vector<std::string>& paths) {
  EventStore store;
  payload::load_files(paths, payload::Format::autodetect, {}, store);
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < store.size(); ++i) {
    std::string s;
    append_event_line(s, store[i]);
    lines.push_back(s);
  }
  return lines;
}

}  // namespace

TEST_CASE("receive capture: records read back as the bodies' events, and verify agrees",
          "[receive]") {
  TempDir dir;
  const std::string first =
      otlp_doc({kv_span(T0, "success", "a"), kv_span(T0 + 1, "success", "b")});
  const std::string second = otlp_doc({kv_span(T0 + 2, "success", "a")});
  write_file(dir / "bodies.json", first + "\n" + second + "\n");
  {
    receive::Capture capture(dir / "capture.bin");
    capture.append(first);
    capture.append(second);
    CHECK(capture.records() == 2);
    CHECK_FALSE(std::filesystem::exists(dir / "capture.bin"));  // nothing before commit()
    capture.commit();
  }
  const std::string bytes = read_file(dir / "capture.bin");
  CHECK(bytes == payload::frame_record(first) + payload::frame_record(second));
  std::uint64_t records = 0;
  auto source = io::open_file((dir / "capture.bin").string());
  payload::read_framed(*source, {}, [&](const payload::FramedRecord&) { ++records; });
  CHECK(records == 2);
  const auto events = lines_of({(dir / "capture.bin").string()});
  CHECK(events.size() == 3);
  CHECK(events == lines_of({(dir / "bodies.json").string()}));

  // `verify` judges the capture as it judges the bodies: a key done twice violates both ways.
  const CliResult from_capture = run_cli({"verify", (dir / "capture.bin").string()});
  const CliResult from_bodies = run_cli({"verify", (dir / "bodies.json").string()});
  CHECK(from_capture.exit_code == 1);
  CHECK(from_capture.exit_code == from_bodies.exit_code);
}

TEST_CASE("receive capture: an uncommitted capture leaves no file", "[receive]") {
  TempDir dir;
  {
    receive::Capture capture(dir / "capture.bin");
    capture.append("{}");
  }
  CHECK(dir.files().empty());
}
