#include "kvonce/steps/recorded_judging.hpp"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <system_error>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/event/read_stats.hpp"
#include "kvonce/io/byte_source.hpp"
#include "kvonce/json/reader.hpp"
#include "kvonce/otlp/reader.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::steps {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void malformed(const fs::path& file, json::Reader& reader, const std::string& what) {
  fail(ErrorKind::input, file.string() + ": " + what + " at byte " +
                             std::to_string(reader.offset()) + " (not a validation document)");
}

// The value whose to_string is `name`, so that what verify writes is read back by the same names.
template <typename T>
std::optional<T> named(std::string_view name, std::initializer_list<T> values) {
  for (const T value : values) {
    if (name == to_string(value)) return value;
  }
  return std::nullopt;
}

void read_member(std::string_view key, json::Reader& reader, RecordedJudging& out) {
  if (key == "profile") {
    out.profile = named(reader.string(), {rules::Profile::spec, rules::Profile::compat});
    if (!out.profile) malformed(out.file, reader, "unknown profile");
  } else if (key == "order") {
    out.order = named(reader.string(), {Order::time, Order::input, Order::realtime});
    if (!out.order) malformed(out.file, reader, "unknown order");
  } else if (key == "clockSkewNanos") {
    out.clock_skew_ns = parse_u64(reader.number());
    if (!out.clock_skew_ns) malformed(out.file, reader, "clockSkewNanos is not a count");
  } else if (key == "maxRetries") {
    const std::optional<std::uint64_t> value = parse_u64(reader.number());
    if (!value || *value > INT64_MAX) malformed(out.file, reader, "maxRetries is not a count");
    out.max_retries = static_cast<std::int64_t>(*value);
  } else if (key == "warnings" && reader.peek() == json::Kind::array) {
    reader.begin_array();
    while (reader.next_element()) {
      if (reader.peek() != json::Kind::string) {
        reader.skip();
        continue;
      }
      const std::string_view w = reader.string();
      if (w.find(otlp::kPartialTraceWarning) != std::string_view::npos &&
          out.partial_warnings.size() < ReadStats::kMaxKeptWarnings) {
        out.partial_warnings.emplace_back(w);
      }
    }
  } else {
    reader.skip();
  }
}

}  // namespace

RecordedJudging recorded_judging(const fs::path& events_file) {
  RecordedJudging out;
  const fs::path file = events_file.parent_path() / trace_dir::kValidationFile;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return out;
  out.file = file;
  const std::unique_ptr<io::ByteSource> source = io::open_file(file.string());
  json::Reader reader(*source, io::ReadLimits{});
  // The reader's own errors name the file, the byte and the line.
  if (!reader.next_document() || reader.peek() != json::Kind::object) {
    malformed(file, reader, "no JSON object");
  }
  reader.begin_object();
  std::string_view key;
  // The judging comes first, the warnings last: the issues between are skipped, not kept.
  while (reader.next_member(key)) read_member(key, reader, out);
  return out;
}

}  // namespace kvonce::steps
