#include "kvonce/steps/rejudge.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <system_error>
#include <tuple>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/otlp/reader.hpp"
#include "kvonce/report/load.hpp"
#include "kvonce/report/output_set_check.hpp"
#include "kvonce/steps/recorded_judging.hpp"
#include "kvonce/steps/verify.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::steps {
namespace {

namespace fs = std::filesystem;

struct Judging {
  rules::Profile profile;
  std::int64_t max_retries;
  Order order;
  auto key() const { return std::tuple(profile, max_retries, order); }
};
using JudgingKey = std::tuple<rules::Profile, std::int64_t, Order>;

std::optional<Order> order_named(const std::string& name) {
  if (name == to_string(Order::time)) return Order::time;
  if (name == to_string(Order::input)) return Order::input;
  return std::nullopt;
}

// The order the events of `mode` were judged in. An ndjson mode judged "input" kept the order
// its file was written in: the order prepare recorded for it, or the otlp mode's for the otlp
// set's own events file.
Order effective_order(const fs::path& trace_dir, const std::string& mode,
                      const RecordedJudging& judged) {
  if (mode != "ndjson" || *judged.order == Order::time) return *judged.order;
  try {
    const auto ndjson = report::read_set_record(trace_dir / mode / trace_dir::kValidationFile);
    if (ndjson && ndjson->derived_from &&
        ndjson->derived_from->output_sha256 == ndjson->payload_sha256) {
      if (const auto order = order_named(ndjson->derived_from->order)) return *order;
    }
    const RecordedJudging otlp = recorded_judging(trace_dir / "otlp" / trace_dir::kEventsFile);
    if (otlp.order) return *otlp.order;
  } catch (const Error&) {
    // Unreadable records tie nothing: the mode's own order stands.
  }
  return Order::input;
}

// The first difference between what the validation says and what judging the payload gives.
std::optional<std::string> difference(const report::ModeResult& m, const VerifyOutcome& o) {
  const bool valid = m.status == report::ModeStatus::valid;
  if (valid != o.valid()) {
    return std::string("it says ") + (valid ? "valid" : "invalid") + ", the payload is " +
           (o.valid()       ? "valid"
            : o.no_events() ? "without events"
                            : "invalid");
  }
  if (m.events && *m.events != o.events) {
    return "it counts " + std::to_string(*m.events) + " events, the payload holds " +
           std::to_string(o.events);
  }
  if (m.issue_count != o.result.issues.size()) {
    return "it lists " + std::to_string(m.issue_count) + " issues, the payload has " +
           std::to_string(o.result.issues.size());
  }
  for (std::size_t i = 0; i < m.issues.size() && i < o.result.issues.size(); ++i) {
    const rules::Issue& want = o.result.issues[i];
    if (m.issues[i].type != rules::to_string(want.type) || m.issues[i].key != want.key) {
      return "its issue " + std::to_string(i) + " is not the payload's";
    }
  }
  return std::nullopt;
}

}  // namespace

void check_verdicts_of(const std::string& file, const fs::path& trace_dir, bool accept_unrecorded) {
  std::error_code ec;
  // Only a regular file is a payload (a device never ends): the metadata writer says so.
  if (!fs::is_regular_file(file, ec)) return;
  std::map<JudgingKey, VerifyOutcome> judged;  // each way of judging once
  for (const char* mode : trace_dir::kModes) {
    const fs::path validation = trace_dir / mode / trace_dir::kValidationFile;
    if (!fs::is_regular_file(validation, ec)) continue;  // a missing or failed mode
    const report::ModeResult m = report::load_mode(trace_dir / mode, mode);
    if (m.status == report::ModeStatus::error) continue;  // reported as an error
    const RecordedJudging recorded = recorded_judging(trace_dir / mode / trace_dir::kEventsFile);
    if (!recorded.profile || !recorded.max_retries || !recorded.order) {
      if (accept_unrecorded) continue;
      fail(ErrorKind::input, validation.string() +
                                 ": does not record its profile, maxRetries and order, so " + file +
                                 " cannot be judged again as it was");
    }
    const Judging how{*recorded.profile, *recorded.max_retries,
                      effective_order(trace_dir, mode, recorded)};
    const bool read_partial =
        std::any_of(m.warnings.begin(), m.warnings.end(), [](const std::string& w) {
          return w.find(otlp::kPartialTraceWarning) != std::string::npos;
        });
    auto it = judged.find(how.key());
    if (it == judged.end()) {
      VerifyOptions options;
      options.inputs = {file};
      options.order = how.order;
      options.rules.profile = how.profile;
      options.rules.max_retries = how.max_retries;
      // A partial trace judged with --accept-partial is judged again so: its validation says so.
      options.accept_partial = read_partial;
      it = judged.emplace(how.key(), verify(options)).first;
    }
    if (const auto what = difference(m, it->second)) {
      fail(ErrorKind::input, validation.string() + ": not the verdict of " + file + ": " + *what +
                                 " (judged again "
                                 "with profile " +
                                 rules::to_string(how.profile) + ", max retries " +
                                 std::to_string(how.max_retries) + ", order " +
                                 to_string(how.order) + ")");
    }
  }
}

}  // namespace kvonce::steps
