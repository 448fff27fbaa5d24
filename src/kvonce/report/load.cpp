// Reads kvonce-validation.json (and, for counts, kvonce-projection.json) with the streaming JSON
// reader, and the small metadata file with nlohmann-json.
#include "kvonce/report/load.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/json/reader.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/otlp/reader.hpp"
#include "kvonce/otlp/span_sink.hpp"
#include "kvonce/report/history_load.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::report {
namespace {

namespace fs = std::filesystem;

std::optional<std::uint64_t> count_value(json::Reader& r) {
  if (r.peek() != json::Kind::number) {
    r.skip();
    return std::nullopt;
  }
  return parse_u64(r.number());
}

IssueEntry read_issue(json::Reader& r) {
  IssueEntry issue;
  if (r.peek() != json::Kind::object) {
    issue.message = text_value(r);
    return issue;
  }
  r.begin_object();
  std::string_view name;
  while (r.next_member(name)) {
    if (name == "key")
      issue.key = text_value(r);
    else if (name == "type")
      issue.type = text_value(r);
    else if (name == "message")
      issue.message = text_value(r);
    else if (name == "timestamp")
      issue.timestamp = text_value(r);
    else if (name == "traceId")
      issue.trace_id = text_value(r);
    else if (name == "history")
      issue.history = read_history(r);
    else if (name == "spanId")
      issue.span_id = text_value(r);
    else
      r.skip();
  }
  return issue;
}

void read_issues(json::Reader& r, ModeResult& m, const LoadOptions& options) {
  if (r.peek() != json::Kind::array) r.error("\"issues\" is not an array");
  r.begin_array();
  while (r.next_element()) {
    ++m.issue_count;
    if (m.issues.size() < options.keep_issues)
      m.issues.push_back(read_issue(r));
    else
      r.skip();
  }
}

}  // namespace

bool qualifies_verdict(std::string_view w) {
  return w.find(otlp::kSharedIdsWarning) != std::string_view::npos ||
         w.find(otlp::kPartialTraceWarning) != std::string_view::npos;
}

namespace {

void read_warnings(json::Reader& r, ModeResult& m, const LoadOptions& options) {
  if (r.peek() != json::Kind::array) {
    r.skip();
    return;
  }
  r.begin_array();
  while (r.next_element()) {
    std::string w = text_value(r);
    // Kept whatever the bound: the PR comment and Check Run show them.
    if (m.warnings.size() < options.keep_warnings || qualifies_verdict(w)) {
      m.warnings.push_back(std::move(w));
    }
  }
}

// Fills status, counts, issues and warnings from kvonce-validation.json.
void read_validation(const fs::path& path, ModeResult& m, const LoadOptions& options) {
  auto source = io::open_file(path.string());
  json::Reader r(*source, options.limits);
  if (!r.next_document() || r.peek() != json::Kind::object) r.error("not a JSON object");
  std::optional<bool> valid;
  r.begin_object();
  std::string_view name;
  while (r.next_member(name)) {
    if (name == "valid") {
      if (r.peek() != json::Kind::boolean) r.error("\"valid\" is not a boolean");
      valid = r.boolean();
    } else if (name == "eventCount") {
      m.events = count_value(r);
    } else if (name == "keyCount") {
      m.keys = count_value(r);
    } else if (name == "issues") {
      read_issues(r, m, options);
    } else if (name == "warnings") {
      read_warnings(r, m, options);
    } else {
      r.skip();
    }
  }
  if (!valid) fail(ErrorKind::input, path.string() + ": no boolean \"valid\" member");
  m.status = *valid ? ModeStatus::valid : ModeStatus::invalid;
}

// Files of the pipeline this tool replaces have no eventCount/keyCount in the validation: take
// them from the projection (eventCount and stats.uniqueKeys), skipping perKey unread.
void read_projection_counts(const fs::path& path, ModeResult& m, const LoadOptions& options) {
  auto source = io::open_file(path.string());
  json::Reader r(*source, options.limits);
  if (!r.next_document() || r.peek() != json::Kind::object) r.error("not a JSON object");
  r.begin_object();
  std::string_view name;
  while (r.next_member(name)) {
    if (name == "eventCount" && !m.events) {
      m.events = count_value(r);
    } else if (name == "stats" && r.peek() == json::Kind::object) {
      r.begin_object();
      while (r.next_member(name)) {
        if (name == "uniqueKeys" && !m.keys)
          m.keys = count_value(r);
        else if (name == "totalEvents" && !m.events)
          m.events = count_value(r);
        else
          r.skip();
      }
    } else {
      r.skip();
    }
  }
}

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

std::string string_member(const nlohmann::json& doc, const char* name) {
  const auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

ModeResult load_mode(const fs::path& mode_dir, const std::string& mode,
                     const LoadOptions& options) {
  ModeResult m;
  m.mode = mode;
  std::error_code ec;
  const fs::file_status st = fs::status(mode_dir, ec);
  if (st.type() == fs::file_type::not_found) return m;  // missing
  try {
    if (ec) fail(ErrorKind::input, mode_dir.string() + ": " + ec.message());
    if (!fs::is_directory(st)) fail(ErrorKind::input, mode_dir.string() + " is not a directory");
    const fs::path validation = mode_dir / trace_dir::kValidationFile;
    if (!is_file(validation)) {
      fail(ErrorKind::input, validation.string() + " does not exist (did verify fail?)");
    }
    read_validation(validation, m, options);
    const fs::path projection = mode_dir / trace_dir::kProjectionFile;
    if ((!m.events || !m.keys) && is_file(projection))
      read_projection_counts(projection, m, options);
  } catch (const Error& e) {
    m = ModeResult{};
    m.mode = mode;
    m.status = ModeStatus::error;
    m.error = e.what();
  }
  return m;
}

PayloadSummary load_payload_metadata(const fs::path& file) {
  PayloadSummary p;
  std::error_code ec;
  if (!fs::exists(fs::status(file, ec))) return p;
  p.present = true;
  constexpr std::uintmax_t kMaxBytes = 1u << 20;  // the file holds a handful of fields
  const std::uintmax_t size = fs::file_size(file, ec);
  std::ifstream in(file, std::ios::binary);
  if (ec || !in) {
    p.error = file.string() + ": cannot be read";
    return p;
  }
  if (size > kMaxBytes) {
    p.error =
        file.string() + ": " + std::to_string(size) + " bytes, more than a metadata file holds";
    return p;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (!doc.is_object()) {
    p.error = file.string() + ": not a JSON object";
    return p;
  }
  p.source_type = string_member(doc, "sourceType");
  // The file may come from an older tool or a hand: what it says is redacted again.
  p.source_detail = net::redact_source(string_member(doc, "sourceDetail"));
  p.sha256 = string_member(doc, "sha256");
  if (const auto it = doc.find("sizeBytes"); it != doc.end() && it->is_number_unsigned()) {
    p.size_bytes = it->get<std::uint64_t>();
  }
  return p;
}

Report load_report(const fs::path& trace_dir, const LoadOptions& options) {
  Report report;
  report.payload = load_payload_metadata(trace_dir / trace_dir::kMetadataFile);
  for (const char* mode : trace_dir::kModes)
    report.modes.push_back(load_mode(trace_dir / mode, mode, options));
  return report;
}

}  // namespace kvonce::report
