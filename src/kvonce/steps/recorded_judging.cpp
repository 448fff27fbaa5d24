#include "kvonce/steps/recorded_judging.hpp"

#include <string>
#include <system_error>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/io/byte_source.hpp"
#include "kvonce/json/reader.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::steps {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void malformed(const fs::path& file, json::Reader& reader, const std::string& what) {
  fail(ErrorKind::input, file.string() + ": " + what + " at byte " +
                             std::to_string(reader.offset()) + " (not a validation document)");
}

void read_member(std::string_view key, json::Reader& reader, RecordedJudging& out) {
  if (key == "profile") {
    const std::string_view name = reader.string();
    if (name == "spec")
      out.profile = rules::Profile::spec;
    else if (name == "compat")
      out.profile = rules::Profile::compat;
    else
      malformed(out.file, reader, "unknown profile");
  } else if (key == "order") {
    const std::string_view name = reader.string();
    if (name == "time")
      out.order = Order::time;
    else if (name == "input")
      out.order = Order::input;
    else
      malformed(out.file, reader, "unknown order");
  } else if (key == "maxRetries") {
    const std::string text(reader.number());
    std::size_t used = 0;
    std::int64_t value = -1;
    try {
      value = std::stoll(text, &used);
    } catch (const std::exception&) {
    }
    if (used != text.size() || value < 0) malformed(out.file, reader, "maxRetries is not a count");
    out.max_retries = value;
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
  // The three come first in the document: stop once they are read, whatever follows.
  while (!(out.profile && out.max_retries && out.order) && reader.next_member(key)) {
    read_member(key, reader, out);
  }
  return out;
}

}  // namespace kvonce::steps
