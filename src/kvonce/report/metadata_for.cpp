// Payload metadata for `report --metadata-for`, through the writer `fetch` uses.
#include "kvonce/report/metadata_for.hpp"

#include <filesystem>
#include <string_view>
#include <system_error>
#include <vector>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/fetch/metadata.hpp"
#include "kvonce/io/byte_source.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/report/load.hpp"
#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::report {
namespace {

// The decompressed size of a gzip or zstd payload, streamed (nothing is kept).
std::uint64_t decompressed_size(const std::string& file) {
  io::InputInfo info;
  auto source = io::open_payload(io::open_file(file), io::ReadLimits{}, info);
  std::vector<char> buf(1 << 16);
  while (source->read(buf.data(), buf.size()) > 0) {
  }
  return info.decompressed_bytes;
}

}  // namespace

void write_metadata_for(const MetadataRequest& request, const std::filesystem::path& trace_dir,
                        std::chrono::system_clock::time_point now) {
  if (!fetch::is_source_type(request.source_type)) {
    std::string expected;
    for (const std::string& type : fetch::source_types()) {
      expected += (expected.empty() ? "" : ", ") + type;
    }
    fail(ErrorKind::usage,
         "--source-type \"" + request.source_type + "\": expected one of " + expected);
  }
  // A device or FIFO never ends (/dev/zero) or blocks on open: only a regular file is a payload,
  // so what is read is bounded by its size.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(request.file, ec)) {
    fail(ErrorKind::input, "--metadata-for " + request.file +
                               (std::filesystem::exists(request.file, ec)
                                    ? ": not a regular file (a payload file is hashed)"
                                    : ": no such file"));
  }
  std::string detail = request.source_detail.empty() ? request.file : request.source_detail;
  // The writer redacts URLs too; doing it here as well keeps a secret out even of this process's
  // copies. Plain text (a path, "embedded:...") is kept as given.
  if (detail.find("://") != std::string::npos) detail = net::redact_url(detail);
  fetch::PayloadMetadata m = fetch::describe_local_file(request.file, request.source_type, detail);
  m.decompressed_bytes =
      m.content_encoding == "identity" ? m.size_bytes : decompressed_size(request.file);
  // The event count as verify found it, when verify has run (run and report go in that order).
  const ModeResult otlp = load_mode(trace_dir / "otlp", "otlp", LoadOptions{0, 0, {}});
  if (otlp.present() && otlp.status != ModeStatus::error) m.event_count = otlp.events;
  fetch::write_metadata(OutputPath(OutputDir::tree(trace_dir), trace_dir::kMetadataFile), m, now);
}

}  // namespace kvonce::report
