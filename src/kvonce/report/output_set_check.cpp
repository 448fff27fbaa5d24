#include "kvonce/report/output_set_check.hpp"

#include <system_error>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/io/hashed_input.hpp"
#include "kvonce/json/reader.hpp"
#include "kvonce/output/source_record_reader.hpp"
#include "kvonce/output/written_files.hpp"
#include "kvonce/report/load.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::report {
namespace {

namespace fs = std::filesystem;

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
    } else if (name == "inputSha256" && r.peek() == json::Kind::array) {
      r.begin_array();
      while (r.next_element()) record.input_sha256s.push_back(string_of(r));
    } else if (name == "files" && r.peek() == json::Kind::object) {
      r.begin_object();
      while (r.next_member(name)) {
        std::string file(name);
        record.files[file] = string_of(r);
      }
    } else if (name == "derivedFrom") {
      record.derived_from = output::read_source_record(r);
    } else {
      r.skip();
    }
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

// What one mode directory holds, once its files have been checked against its record.
struct ModeCheck {
  bool validation = false;  // a readable validation file
  std::optional<SetRecord> record;
};

ModeCheck check_mode(const fs::path& dir, bool accept_unrecorded) {
  const fs::path validation = dir / trace_dir::kValidationFile;
  ModeCheck out;
  if (!present(validation)) return out;  // reported as a missing or failed mode
  try {
    out.record = read_set_record(validation);
  } catch (const Error&) {
    return out;  // unreadable: the mode is reported as an error by load_mode
  }
  out.validation = true;
  if (!out.record) {
    if (accept_unrecorded) return out;
    fail(ErrorKind::input,
         validation.string() +
             ": no \"outputSet\" record, so nothing ties this verdict to a payload or to the "
             "files beside it (it was not written by verify: an older pipeline, or a hand); "
             "--accept-unrecorded reports it as unchecked");
  }
  for (const std::string member : trace_dir::kModeFiles) {
    if (member == trace_dir::kValidationFile) continue;
    const fs::path path = dir / member;
    const auto listed = out.record->files.find(member);
    if (listed == out.record->files.end()) {
      if (present(path)) disagree(dir, member + " is left from another run");
      continue;
    }
    if (!present(path)) disagree(dir, member + " is missing");
    std::uint64_t bytes = 0;
    const std::optional<std::string> written = output::written_digest(path);
    if ((written ? *written : io::sha256_of_file(path.string(), bytes)) != listed->second) {
      disagree(dir,
               member + " is not the file " + trace_dir::kValidationFile + " was written with");
    }
  }
  return out;
}

std::string shown(const std::string& digest) {
  return digest.empty() ? "(several files)" : digest;
}

}  // namespace

std::optional<SetRecord> read_set_record(const fs::path& path) {
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

std::string ndjson_source_sha256(const SetRecord& ndjson, const std::optional<SetRecord>& otlp) {
  if (otlp && !ndjson.payload_sha256.empty()) {
    const auto events = otlp->files.find(trace_dir::kEventsFile);
    if (events != otlp->files.end() && events->second == ndjson.payload_sha256)
      return otlp->payload_sha256;
  }
  const auto& derived = ndjson.derived_from;
  if (derived && !ndjson.payload_sha256.empty() &&
      derived->output_sha256 == ndjson.payload_sha256 && !derived->payload_sha256.empty()) {
    return derived->payload_sha256;
  }
  return ndjson.payload_sha256;
}

void check_output_sets(const fs::path& trace_dir, Report& report, bool accept_unrecorded) {
  const PayloadSummary& payload = report.payload;
  std::optional<SetRecord> otlp;
  std::optional<std::string> first;
  for (const char* mode : trace_dir::kModes) {
    const ModeCheck checked = check_mode(trace_dir / mode, accept_unrecorded);
    if (checked.validation && !checked.record) {
      for (ModeResult& m : report.modes) {
        if (m.mode == mode) m.unchecked = true;
      }
    }
    if (!checked.record) continue;
    const bool is_otlp = std::string(mode) == "otlp";
    if (is_otlp) otlp = checked.record;
    const std::string digest =
        is_otlp ? checked.record->payload_sha256 : ndjson_source_sha256(*checked.record, otlp);
    if (payload.present && payload.error.empty() && payload.sha256 != digest) {
      disagree(trace_dir, std::string(mode) + " verified a payload with SHA-256 " + shown(digest) +
                              ", " + trace_dir::kMetadataFile + " describes " +
                              shown(payload.sha256));
    }
    if (first && *first != digest) {
      disagree(trace_dir,
               "otlp and ndjson verified different payloads (an NDJSON file is the payload's "
               "when it is otlp/" +
                   std::string(trace_dir::kEventsFile) +
                   " of this directory, or when `prepare -o " +
                   "FILE` wrote it from the payload and FILE" + output::kSourceRecordSuffix +
                   " still describes it)");
    }
    first = digest;
  }
}

}  // namespace kvonce::report
