// GitHub step outputs and the console summary.
#include "kvonce/crypto/crypto.hpp"
#include "kvonce/report/writers.hpp"
#include "kvonce/util/console_text.hpp"
#include "kvonce/util/plural.hpp"

namespace kvonce::report {
namespace {

const char* output_value(ModeStatus status) {
  switch (status) {
    case ModeStatus::valid: return "true";
    case ModeStatus::invalid: return "false";
    case ModeStatus::missing: return "missing";
    case ModeStatus::error: break;
  }
  return "error";
}

const char* overall_value(Overall verdict) {
  switch (verdict) {
    case Overall::valid: return "true";
    case Overall::missing: return "missing";
    case Overall::invalid: break;
  }
  return "false";
}

}  // namespace

std::string github_output_entry(const std::string& name, const std::string& value) {
  if (value.find('\n') == std::string::npos && value.find('\r') == std::string::npos) {
    return name + "=" + value + "\n";
  }
  // A random delimiter cannot be forged by the value (which may come from a trace).
  std::string delimiter;
  do {
    delimiter = "ghadelimiter_" + crypto::to_hex(crypto::random_bytes(16));
  } while (value.find(delimiter) != std::string::npos);
  return name + "<<" + delimiter + "\n" + value + "\n" + delimiter + "\n";
}

std::string github_outputs_text(const Report& report) {
  std::string out;
  for (const ModeResult& m : report.modes) {
    const bool counted = m.status == ModeStatus::valid || m.status == ModeStatus::invalid;
    out += github_output_entry("valid_" + m.mode, output_value(m.status));
    out += github_output_entry("issues_" + m.mode,
                               counted ? std::to_string(m.issue_count) : std::string("N/A"));
  }
  out += github_output_entry("valid", overall_value(overall(report)));
  return out;
}

std::string console_text(const Report& report) {
  std::string out = std::string("report: ") + to_string(overall(report)) + "\n";
  for (const ModeResult& m : report.modes) {
    out += "  " + console_escape(m.mode) + ": " + to_string(m.status);
    if (m.status == ModeStatus::error) {
      out += ": " + console_escape(m.error);
    } else if (m.present()) {
      out += ", " + counted(m.issue_count, "issue", "issues");
      if (m.unchecked) out += ", unchecked (no outputSet record ties it to the payload)";
    }
    out += "\n";
  }
  return out;
}

}  // namespace kvonce::report
