// The received payload: each request body one Collector record, read back by the normal payload
// load path and by `verify` as the same events as the bodies themselves.
#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include <catch2/catch.hpp>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/output/written_files.hpp"
#include "kvonce/payload/framing.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/receive/capture.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/output_dir.hpp"

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

namespace {

// Reads a source to its end on a thread of its own, as receive reads its capture.
struct Reader {
  std::string bytes;
  std::atomic<std::size_t> got{0};  // bytes.size(), published for the test's thread
  std::string error;
  std::thread thread;
  explicit Reader(std::unique_ptr<io::ByteSource> source)
      : thread([this, s = std::move(source)] {
          try {
            char buf[7];  // small reads: records end in the middle of them
            while (const std::size_t n = s->read(buf, sizeof buf)) {
              bytes.append(buf, n);
              got = bytes.size();
            }
          } catch (const Error& e) {
            error = e.what();
          }
        }) {}
};

}  // namespace

TEST_CASE(
    "receive capture: a follower reads each record as it is appended, to the end after commit",
    "[receive]") {
  TempDir dir;
  receive::Capture capture(dir / "capture.bin");
  Reader reader(capture.follow("kept.binpb"));
  capture.append("first");
  // The follower waits for more, rather than ending, until the capture is committed.
  for (int i = 0; i < 500 && reader.got < 9; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  CHECK(reader.bytes == payload::frame_record("first"));
  capture.append("second");
  capture.commit();
  reader.thread.join();
  CHECK(reader.error.empty());
  CHECK(reader.bytes == payload::frame_record("first") + payload::frame_record("second"));
  CHECK(reader.bytes == read_file(dir / "capture.bin"));
}

TEST_CASE("receive capture: a follower of an abandoned capture stops with an error, not an end",
          "[receive]") {
  TempDir dir;
  std::optional<Reader> reader;
  {
    receive::Capture capture(dir / "capture.bin");
    reader.emplace(capture.follow("kept.binpb"));
    capture.append("partial");
    capture.abandon();
    reader->thread.join();
  }
  // An end would make a cut capture look whole: the reader is told it was abandoned.
  CHECK_THAT(reader->error, Catch::Contains("abandoned"));
  CHECK(dir.files().empty());
}

TEST_CASE("receive capture: only a capture followed from its start", "[receive]") {
  TempDir dir;
  receive::Capture capture(dir / "capture.bin");
  capture.append("first");
  CHECK_THROWS_WITH(capture.follow("kept.binpb"), Catch::Contains("from its start"));
}

TEST_CASE("receive capture: a capture written through is not followed, but read afterwards",
          "[receive]") {
  receive::Capture capture(std::filesystem::path("/dev/null"));
  CHECK(capture.follow("kept.binpb") == nullptr);
  capture.append("first");  // still written
  capture.commit();
}

TEST_CASE("receive capture: one kept in the trace directory is remembered with its digest",
          "[receive]") {
  TempDir dir;
  const OutputDir root = OutputDir::as_named(dir.path());
  const std::string body = otlp_doc({kv_span(T0, "success", "a")});
  {
    receive::Capture capture(OutputPath(root, "payload/kept.binpb"));
    capture.append(body);
    capture.append(body);
    capture.commit();
  }
  const std::string bytes = read_file(dir / "payload/kept.binpb");
  CHECK(bytes == payload::frame_record(body) + payload::frame_record(body));
  CHECK(output::written_digest(dir / "payload/kept.binpb") == crypto::sha256_hex(bytes));

  SECTION("changed afterwards, it is no longer taken for what was written") {
    write_file(dir / "payload/kept.binpb", bytes + "x");
    CHECK_FALSE(output::written_digest(dir / "payload/kept.binpb"));
  }
  SECTION("a capture to a path the user named (--output) is not remembered") {
    {
      receive::Capture capture(dir / "named.binpb");
      capture.append(body);
      capture.commit();
    }
    CHECK_FALSE(output::written_digest(dir / "named.binpb"));
  }
}
