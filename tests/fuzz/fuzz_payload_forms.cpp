// libFuzzer target: the detection step and the Collector's framing. The input is read as any
// payload (compression, length-prefixed records, encoding all sniffed from the bytes), whole and
// again with each half of it framed as a record (the second zstd-compressed), so record
// boundaries, per-record decompression and per-record detection are all reached.
#include <memory>
#include <vector>

#include "kvonce/io/zstd_source.hpp"
#include "kvonce/payload/framing.hpp"
#include "kvonce/payload/load.hpp"

#include "fuzz_support.hpp"

using namespace kvonce;

namespace {

void read_as_payload(const std::string& bytes, std::size_t piece) {
  fuzz::RecordingSink sink;
  std::vector<std::unique_ptr<io::ByteSource>> inputs;
  inputs.push_back(std::make_unique<fuzz::TrickleSource>(bytes, piece));
  try {
    payload::load_events(std::move(inputs), payload::Format::autodetect, fuzz::small_limits(),
                         sink);
  } catch (const Error&) {
    return;
  }
  fuzz::check_ndjson_round_trip(sink);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string raw(reinterpret_cast<const char*>(data), size);
  read_as_payload(raw, 1 + size % 4096);
  const std::string first = raw.substr(0, size / 2), second = raw.substr(size / 2);
  read_as_payload(
      payload::frame_record(first) + payload::frame_record(io::zstd_compress(second, 1)),
      1 + size % 97);
  return 0;
}
