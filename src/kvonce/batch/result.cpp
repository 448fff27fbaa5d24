#include "kvonce/batch/result.hpp"

#include <nlohmann/json.hpp>

namespace kvonce::batch {

using nlohmann::json;

const char* kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage: return "usage";
    case ErrorKind::input: return "input";
    case ErrorKind::no_events: return "no_events";
    case ErrorKind::limit: return "limit";
    case ErrorKind::output: return "output";
    case ErrorKind::fetch: return "fetch";
    case ErrorKind::auth: return "auth";
    case ErrorKind::integrity: return "integrity";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

std::uint64_t PayloadResult::issues() const {
  std::uint64_t total = 0;
  for (const auto& [type, count] : issue_counts) total += count;
  return total;
}

std::string judged_under_difference(const JudgedUnder& a, const JudgedUnder& b) {
  std::string out;
  const auto value = [](const JudgedUnder& j, const std::string& name) {
    const auto it = j.find(name);
    return it == j.end() ? std::string("(none)") : it->second;
  };
  JudgedUnder names = a;
  names.insert(b.begin(), b.end());
  for (const auto& [name, unused] : names) {
    if (value(a, name) == value(b, name)) continue;
    out += (out.empty() ? "" : ", ") + name + " " + value(a, name) + " vs " + value(b, name);
  }
  return out;
}

std::string to_json_line(const PayloadResult& r) {
  // An ordered object keeps the documented field order, which makes lines easy to read and diff.
  nlohmann::ordered_json line;
  line["source"] = r.source;
  line["sha256"] =
      r.sha256.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.sha256);
  line["bytes"] = r.bytes;
  line["events"] = r.events;
  line["keys"] = r.keys;
  line["valid"] = r.valid;
  line["issueCounts"] = nlohmann::ordered_json::object();
  for (const auto& [type, count] : r.issue_counts) line["issueCounts"][type] = count;
  if (r.error) {
    line["error"] = {{"kind", r.error->kind}, {"message", r.error->message}};
  } else {
    line["error"] = nullptr;
  }
  line["seconds"] = static_cast<double>(static_cast<std::int64_t>(r.seconds * 1e4 + 0.5)) / 1e4;
  if (!r.first_trace_id.empty()) {
    line["firstIssue"] = {{"traceId", r.first_trace_id}};
    if (!r.first_span_id.empty()) line["firstIssue"]["spanId"] = r.first_span_id;
  }
  if (!r.partial.empty()) line["partial"] = r.partial;
  if (!r.judged_under.empty()) {
    nlohmann::ordered_json& judged = line["judgedUnder"] = nlohmann::ordered_json::object();
    for (const auto& [name, value] : r.judged_under) judged[name] = json::parse(value);
  }
  return line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

namespace {

[[noreturn]] void malformed(const std::string& why) {
  fail(ErrorKind::input, "not a batch results line: " + why);
}

std::uint64_t count_field(const json& doc, const char* name) {
  const auto it = doc.find(name);
  if (it == doc.end() || !it->is_number_unsigned()) {
    malformed(std::string("\"") + name + "\" is not a non-negative integer");
  }
  return it->get<std::uint64_t>();
}

}  // namespace

PayloadResult parse_result_line(std::string_view line) {
  const json doc = json::parse(line, nullptr, false);
  if (!doc.is_object()) malformed("not a JSON object");
  PayloadResult r;
  const auto source = doc.find("source");
  if (source == doc.end() || !source->is_string() || source->get<std::string>().empty()) {
    malformed("no \"source\"");
  }
  r.source = source->get<std::string>();
  if (const auto sha = doc.find("sha256"); sha != doc.end() && sha->is_string()) {
    r.sha256 = sha->get<std::string>();
  } else if (sha == doc.end() || !sha->is_null()) {
    malformed("\"sha256\" is neither a string nor null");
  }
  r.bytes = count_field(doc, "bytes");
  r.events = count_field(doc, "events");
  r.keys = count_field(doc, "keys");
  const auto valid = doc.find("valid");
  if (valid == doc.end() || !valid->is_boolean()) malformed("\"valid\" is not a boolean");
  r.valid = valid->get<bool>();
  if (const auto counts = doc.find("issueCounts"); counts != doc.end() && counts->is_object()) {
    for (const auto& [type, count] : counts->items()) {
      if (!count.is_number_unsigned()) malformed("an issue count is not a non-negative integer");
      r.issue_counts[type] = count.get<std::uint64_t>();
    }
  } else {
    malformed("\"issueCounts\" is not an object");
  }
  const auto error = doc.find("error");
  if (error == doc.end()) malformed("no \"error\"");
  if (error->is_object()) {
    const auto kind = error->find("kind");
    const auto message = error->find("message");
    if (kind == error->end() || !kind->is_string() || message == error->end() ||
        !message->is_string()) {
      malformed("\"error\" lacks its kind or message");
    }
    r.error = PayloadError{kind->get<std::string>(), message->get<std::string>()};
  } else if (!error->is_null()) {
    malformed("\"error\" is neither an object nor null");
  }
  if (const auto seconds = doc.find("seconds"); seconds != doc.end() && seconds->is_number()) {
    r.seconds = seconds->get<double>();
  } else {
    malformed("\"seconds\" is not a number");
  }
  if (r.valid && r.error) malformed("\"valid\" is true beside an error");
  // Optional (older lines lack it); anything but strings is ignored, never an error.
  if (const auto first = doc.find("firstIssue"); first != doc.end() && first->is_object()) {
    const auto text = [&](const char* name) {
      const auto it = first->find(name);
      return it != first->end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    r.first_trace_id = text("traceId");
    r.first_span_id = text("spanId");
  }
  if (const auto partial = doc.find("partial"); partial != doc.end() && partial->is_array()) {
    for (const auto& w : *partial) {
      if (!w.is_string()) malformed("\"partial\" holds something other than text");
      r.partial.push_back(w.get<std::string>());
    }
  }
  // Optional too: a line without it (or with anything but an object) is judged again on resume.
  if (const auto judged = doc.find("judgedUnder"); judged != doc.end() && judged->is_object()) {
    for (const auto& [name, value] : judged->items()) r.judged_under[name] = value.dump();
  }
  return r;
}

}  // namespace kvonce::batch
