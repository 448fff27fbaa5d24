// Verdict names and the overall verdict of a report.
#include "kvonce/report/model.hpp"

namespace kvonce::report {

const char* to_string(ModeStatus status) {
  switch (status) {
    case ModeStatus::valid: return "valid";
    case ModeStatus::invalid: return "invalid";
    case ModeStatus::missing: return "missing";
    case ModeStatus::error: return "error";
  }
  return "error";
}

Overall overall(const Report& report) {
  bool any_present = false;
  for (const ModeResult& m : report.modes) {
    if (m.status == ModeStatus::invalid || m.status == ModeStatus::error) return Overall::invalid;
    any_present = any_present || m.present();
  }
  return any_present ? Overall::valid : Overall::missing;
}

const char* to_string(Overall overall) {
  switch (overall) {
    case Overall::valid: return "valid";
    case Overall::invalid: return "invalid";
    case Overall::missing: return "missing";
  }
  return "invalid";
}

}  // namespace kvonce::report
