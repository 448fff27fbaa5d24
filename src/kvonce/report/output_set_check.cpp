#include "kvonce/report/output_set_check.hpp"

#include <map>
#include <optional>
#include <string>
#include <system_error>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/io/hashed_input.hpp"
#include "kvonce/json/reader.hpp"
#include "kvonce/report/load.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::report {
namespace {

namespace fs = std::filesystem;

struct SetRecord {
  std::string payload_sha256;
  std::map<std::string, std::string> files;  // name -> sha256
};

std::string string_of(json::Reader& r) {
  if (r.peek() != json::Kind::string) r.error("a string was expected in \"outputSet\"");
  return std::string(r.string());
}

SetRecord read_record(json::Reader& r) {
  SetRecord record;
  if (r.peek() != json::Kind::object) r.error("\"outputSet\" is not an object");
  r.begin_object();
  std::string_view name;
  while (r.next_member(name)) {
    if (name == "payloadSha256") {
      record.payload_sha256 = string_of(r);
    } else if (name == "files" && r.peek() == json::Kind::object) {
      r.begin_object();
      while (r.next_member(name)) {
        std::string file(name);
        record.files[file] = string_of(r);
      }
    } else {
      r.skip();
    }
  }
  return record;
}

// The record of kvonce-validation.json; none for a validation written without one.
std::optional<SetRecord> read_validation_record(const fs::path& path) {
  auto source = io::open_file(path.string());
  json::Reader r(*source, io::ReadLimits{});
  if (!r.next_document() || r.peek() != json::Kind::object) r.error("not a JSON object");
  std::optional<SetRecord> record;
  r.begin_object();
  std::string_view name;
  while (r.next_member(name)) {
    if (name == "outputSet")
      record = read_record(r);
    else
      r.skip();
  }
  return record;
}

bool present(const fs::path& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

[[noreturn]] void disagree(const fs::path& dir, const std::string& what) {
  fail(ErrorKind::input, dir.string() + ": not the outputs of one run: " + what +
                             " (run verify again into an empty directory, or fetch and verify "
                             "the same payload)");
}

// Checks one mode directory; returns the payload digest it records, none when unchecked.
std::optional<std::string> check_mode(const fs::path& dir) {
  const fs::path validation = dir / trace_dir::kValidationFile;
  if (!present(validation)) return std::nullopt;  // reported as a missing or failed mode
  std::optional<SetRecord> record;
  try {
    record = read_validation_record(validation);
  } catch (const Error&) {
    return std::nullopt;  // unreadable: the mode is reported as an error by load_mode
  }
  if (!record) return std::nullopt;
  for (const std::string member : trace_dir::kModeFiles) {
    if (member == trace_dir::kValidationFile) continue;
    const fs::path path = dir / member;
    const auto listed = record->files.find(member);
    if (listed == record->files.end()) {
      if (present(path)) disagree(dir, member + " is left from another run");
      continue;
    }
    if (!present(path)) disagree(dir, member + " is missing");
    std::uint64_t bytes = 0;
    if (io::sha256_of_file(path.string(), bytes) != listed->second) {
      disagree(dir,
               member + " is not the file " + trace_dir::kValidationFile + " was written with");
    }
  }
  return record->payload_sha256;
}

}  // namespace

void check_output_sets(const fs::path& trace_dir, const PayloadSummary& payload) {
  std::optional<std::string> first;
  for (const char* mode : trace_dir::kModes) {
    const std::optional<std::string> digest = check_mode(trace_dir / mode);
    if (!digest) continue;
    if (payload.present && payload.error.empty() && payload.sha256 != *digest) {
      disagree(trace_dir, std::string(mode) + " verified a payload with SHA-256 " +
                              (digest->empty() ? "(several files)" : *digest) + ", " +
                              trace_dir::kMetadataFile + " describes " +
                              (payload.sha256.empty() ? "(several files)" : payload.sha256));
    }
    if (first && *first != *digest)
      disagree(trace_dir, "otlp and ndjson verified different payloads");
    first = digest;
  }
}

}  // namespace kvonce::report
