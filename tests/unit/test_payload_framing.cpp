// The Collector's length-prefixed records stream like files: the length a record announces is
// the file author's choice, so nothing is allocated from it, and a record is never inflated into
// one string. Peak memory is measured in a child process (support/peak_memory.hpp).
#include <catch2/catch.hpp>

#include "kvonce/io/zstd_source.hpp"
#include "kvonce/payload/framing.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/util/error.hpp"

#include "support/peak_memory.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

constexpr unsigned long long T0 = 1760000000000000000ULL;
constexpr std::uint64_t MiB = 1 << 20;

class CountingSink final : public EventSink {
 public:
  void on_event(const EventView&) override { ++count; }
  std::uint64_t count = 0;
};

// Loads `bytes` as a payload under the default limits; says how many events it gave.
std::string load_counting(const std::string& bytes,
                          payload::Format format = payload::Format::autodetect) {
  CountingSink sink;
  std::vector<std::unique_ptr<io::ByteSource>> in;
  in.push_back(io::from_memory(bytes, "in"));
  payload::load_events(std::move(in), format, {}, sink);
  return "events: " + std::to_string(sink.count);
}

std::string small_document() {
  return otlp_doc({kv_span(T0, "success", "k", str_attr("kvonce.event.value", "v"))},
                  {str_attr("service.name", "svc")});
}

// The document with `padding` bytes of blanks after its opening brace: valid JSON, as large as
// wanted, and nearly free to compress.
std::string padded_document(std::size_t padding) {
  const std::string doc = small_document();
  std::string out;
  out.reserve(doc.size() + padding);
  out += '{';
  out.append(padding, ' ');
  out.append(doc, 1);
  return out;
}

}  // namespace

TEST_CASE("framing: a record that announces 1 GiB but holds a few bytes costs its bytes") {
  // A second record's length of 1 GiB - 1 (under --max-decompressed-bytes) before a file that
  // ends: allocating from the length cost 1 GiB before the truncation was found.
  std::string file = payload::frame_record(small_document());
  file += std::string("\x3f\xff\xff\xff", 4);
  file += R"({"resourceSpans":[]})";
  const PeakMemory peak = peak_memory_of([&] { return load_counting(file); });
  CHECK_THAT(peak.outcome, Catch::Contains("threw: in record 1 (byte ") &&
                               Catch::Contains("length-prefixed record truncated at byte") &&
                               Catch::Contains("1073741823 bytes announced, 20 present"));
  CHECK(peak.growth_bytes < 64 * MiB);
}

TEST_CASE("framing: a zstd record streams in what the whole-file zstd stream takes") {
  // 128 MiB of JSON in one zstd frame (a few KiB): as a framed record it was inflated into one
  // string (128 MiB and more while it grew); it now streams as the same bytes do as a file.
  std::string document = padded_document(128 * MiB);
  const std::string compressed = io::zstd_compress(document, 3);
  document = std::string();
  const std::string framed = payload::frame_record(compressed);

  const PeakMemory as_record = peak_memory_of([&] { return load_counting(framed); });
  // As a file, auto would take JSON text that names no resourceSpans in its first 64 KiB for
  // NDJSON events: say it is OTLP, as a framed record always is.
  const PeakMemory as_file =
      peak_memory_of([&] { return load_counting(compressed, payload::Format::otlp); });
  CHECK(as_record.outcome == "events: 1");
  CHECK(as_file.outcome == "events: 1");
  CHECK(as_record.growth_bytes < 48 * MiB);
  CHECK(as_record.growth_bytes < as_file.growth_bytes + 16 * MiB);
}

TEST_CASE("framing: records that leave bytes unread are read to their end") {
  // A JSON record with blanks after its document: the next record starts where the length says.
  const std::string file = payload::frame_record(small_document() + "   \n") +
                           payload::frame_record(io::zstd_compress(small_document() + "\n"));
  CountingSink sink;
  std::vector<std::unique_ptr<io::ByteSource>> in;
  in.push_back(io::from_memory(file, "in"));
  const payload::LoadResult r =
      payload::load_events(std::move(in), payload::Format::autodetect, {}, sink);
  CHECK(r.inputs.at(0).records == 2);
  CHECK(r.inputs.at(0).record_compression == io::Compression::none);  // as the first record was
  CHECK(sink.count == 2);
}
