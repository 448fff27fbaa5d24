// The differential property test of both profiles: random NDJSON traces, built from snippets
// chosen to hit the corners the JavaScript pipeline and the rules disagree on, go through
// rules::verify and through two small models written from scratch here: one of the JavaScript
// projector + validator (including its quirks), one of the rules of docs/rules.md. The models
// know what each snippet means (a table per field), not how the tool parses it.
#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "kvonce/rules/verify.hpp"

#include "support/test_support.hpp"

using namespace kvonce;

namespace {

// A key snippet: its JSON (empty: no member), how spec sees it, how the reference's Map does.
struct KeySnippet {
  const char* json;
  int spec_kind;            // 0: a string key, 1: not a string, 2: missing
  const char* spec_group;   // the issue key spec reports it under
  const char* js_identity;  // equal identities are one Map entry; "" is a fresh entry (objects)
  const char* js_name;      // String(key)
};
const KeySnippet kKeys[] = {
    {R"("k")", 0, "k", "s:k", "k"},
    {R"("k")", 0, "k", "s:k", "k"},
    {R"("k ")", 0, "k ", "s:k ", "k "},
    {R"("j")", 0, "j", "s:j", "j"},
    {R"("10")", 0, "10", "s:10", "10"},
    {R"(10)", 1, "10", "n:10", "10"},
    {R"(1e1)", 1, "1e1", "n:10", "10"},
    {R"("2")", 0, "2", "s:2", "2"},
    {R"("unknown")", 0, "unknown", "s:unknown", "unknown"},
    {"", 2, "null", "s:unknown", "unknown"},
    {"null", 2, "null", "s:unknown", "unknown"},
    {"true", 1, "true", "b:true", "true"},
    {R"("true")", 0, "true", "s:true", "true"},
    {"{}", 1, "{}", "", "[object Object]"},
    {"-0", 1, "-0", "n:0", "0"},
    {"0", 1, "0", "n:0", "0"},
};

struct TypeSnippet {
  const char* json;
  const char* js;  // the type the reference switches on; "" for anything not a string it knows
};
const TypeSnippet kTypes[] = {
    {R"("success")", "success"},
    {R"("success")", "success"},
    {R"("retry")", "retry"},
    {R"("retry")", "retry"},
    {R"("retry")", "retry"},
    {R"("failure")", "failure"},
    {R"("failure")", "failure"},
    {R"("success ")", ""},
    {R"("")", ""},
    {"null", ""},
    {"", ""},
    {"5", ""},
    {R"("Success")", ""},
};

// A context snippet: what spec reads (nullopt: no integer; text as messages print it) and what
// the reference reads after its projection's JSON round trip.
struct ContextSnippet {
  const char* json;  // "" for no context member
  std::optional<std::string> spec;
  bool js_present;                // the reference pushes it to retryContexts/successContexts
  std::optional<std::string> js;  // the numeric attempt getAttempt finds, as String() prints it
};
const ContextSnippet kContexts[] = {
    {"", std::nullopt, false, std::nullopt},
    {"null", std::nullopt, true, std::nullopt},
    {"{}", std::nullopt, true, std::nullopt},
    {R"({"attempts":1})", "1", true, "1"},
    {R"({"attempts":2})", "2", true, "2"},
    {R"({"attempts":3})", "3", true, "3"},
    {R"({"attempt":1})", "1", true, "1"},
    {R"({"attempt":2})", "2", true, "2"},
    {R"({"attempt":2,"attempts":1})", "1", true, "2"},
    {"1", "1", true, "1"},
    {"2", "2", true, "2"},
    {"1.5", std::nullopt, true, "1.5"},
    {"2.0", "2", true, "2"},
    {R"({"attempts":1e400})", "1e400", true, std::nullopt},
    {R"({"attempt":1e400,"attempts":1})", "1", true, "1"},
    {R"({"attempts":1e-400})", std::nullopt, true, "0"},
    {R"({"attempts":-0})", "0", true, "0"},
    {R"({"attempts":0.000001})", std::nullopt, true, "0.000001"},
    {R"({"attempts":1e-7})", std::nullopt, true, "1e-7"},
    {R"("{\"attempts\":1}")", "1", true, std::nullopt},
    {R"({"attempts":"1"})", std::nullopt, true, std::nullopt},
    {R"({"attempts":123456789012345678901})", "123456789012345678901", true,
     "123456789012345680000"},
};

struct ReasonSnippet {
  const char* json;
  bool spec_duplicate;  // trimmed, any case
  bool js_duplicate;    // exactly the string duplicate
};
const ReasonSnippet kReasons[] = {
    {R"("duplicate")", true, true},
    {R"("duplicate")", true, true},
    {R"("duplicat\u0065")", true, true},
    {R"(" Duplicate ")", true, false},
    {R"("DUPLICATE")", true, false},
    {R"("timeout")", false, false},
    {"null", false, false},
    {"", false, false},
};

const char* const kValues[] = {"", "null", R"("v")", R"("v")"};

struct Event {
  const KeySnippet* key;
  const TypeSnippet* type;
  const ContextSnippet* context;
  const ReasonSnippet* reason;
  const char* value;
  std::optional<int> time;  // milliseconds; nullopt: no valid timestamp
  int timestamp_form;       // when untimed: 0 absent, 1 null, 2 garbage
  std::size_t line;         // input position
};

template <typename T, std::size_t N>
const T* pick(std::mt19937& rng, const T (&table)[N]) {
  return &table[std::uniform_int_distribution<std::size_t>(0, N - 1)(rng)];
}

std::vector<Event> random_trace(std::mt19937& rng) {
  std::vector<Event> events(std::uniform_int_distribution<std::size_t>(1, 12)(rng));
  for (std::size_t i = 0; i < events.size(); ++i) {
    Event& e = events[i];
    e.type = pick(rng, kTypes);
    do {
      e.key = pick(rng, kKeys);  // a line with neither type nor key is no event at all
    } while (e.key->spec_kind == 2 &&
             (std::string(e.type->json).empty() || std::string(e.type->json) == "null"));
    e.context = pick(rng, kContexts);
    e.reason = pick(rng, kReasons);
    e.value = kValues[rng() % 4];
    if (rng() % 8 == 0) {
      e.timestamp_form = static_cast<int>(rng() % 3);
    } else {
      e.time = static_cast<int>(rng() % 6) * 250;  // ties are frequent
    }
    e.line = i;
  }
  return events;
}

std::string to_ndjson(const std::vector<Event>& events) {
  std::string out;
  for (const Event& e : events) {
    std::string line = "{";
    const auto member = [&](const char* name, const std::string& json) {
      if (json.empty()) return;
      if (line.size() > 1) line += ",";
      line += std::string("\"") + name + "\":" + json;
    };
    if (e.time) {
      char stamp[40];
      std::snprintf(stamp, sizeof stamp, "\"2025-10-09T08:00:%02d.%03dZ\"", *e.time / 1000,
                    *e.time % 1000);
      member("timestamp", stamp);
    } else {
      member("timestamp", e.timestamp_form == 0 ? "" : e.timestamp_form == 1 ? "null" : "\"soon\"");
    }
    member("type", e.type->json);
    member("key", e.key->json);
    member("value", e.value);
    member("reason", e.reason->json);
    member("context", e.context->json);
    out += line + "}\n";
  }
  return out;
}

bool array_index(const std::string& name, unsigned long long& value) {
  if (name.empty() || name.size() > 10 || (name.size() > 1 && name[0] == '0')) return false;
  if (name.find_first_not_of("0123456789") != std::string::npos) return false;
  value = std::stoull(name);
  return value < 4294967295ULL;
}

// projector-kvonce.mjs + validate-kvonce.mjs, as "type:key:message" lines.
std::vector<std::string> reference_model(const std::vector<Event>& events, std::int64_t max) {
  struct Entry {
    std::string name;
    int successes = 0, retries = 0;
    bool duplicate = false;
    std::vector<std::optional<std::string>> retry_attempts, success_attempts;
  };
  std::vector<Entry> map;
  std::map<std::string, std::size_t> by_identity;
  for (const Event& e : events) {
    std::size_t at = map.size();
    const std::string identity = e.key->js_identity;
    if (!identity.empty() && by_identity.count(identity)) {
      at = by_identity[identity];
    } else {
      if (!identity.empty()) by_identity[identity] = at;
      map.emplace_back().name = e.key->js_name;
    }
    Entry& entry = map[at];
    const std::string type = e.type->js;
    if (type == "success") {
      ++entry.successes;
      if (e.context->js_present) entry.success_attempts.push_back(e.context->js);
    } else if (type == "retry") {
      ++entry.retries;
      if (e.context->js_present) entry.retry_attempts.push_back(e.context->js);
    } else if (type == "failure") {
      entry.duplicate = entry.duplicate || e.reason->js_duplicate;
    }
  }
  // Object.fromEntries, then Object.entries' order.
  std::vector<Entry> members;
  std::map<std::string, std::size_t> by_name;
  for (const Entry& entry : map) {
    if (by_name.count(entry.name)) {
      members[by_name[entry.name]] = entry;
    } else {
      by_name[entry.name] = members.size();
      members.push_back(entry);
    }
  }
  std::stable_sort(members.begin(), members.end(), [](const Entry& a, const Entry& b) {
    unsigned long long x = 0, y = 0;
    const bool ax = array_index(a.name, x), by = array_index(b.name, y);
    return ax != by ? ax : ax && x < y;
  });
  std::vector<std::string> issues;
  for (const Entry& m : members) {
    const auto add = [&](const std::string& type, const std::string& message) {
      issues.push_back(type + ":" + m.name + ":" + message);
    };
    if (m.successes > 1)
      add("multiple-success", "success appeared " + std::to_string(m.successes) + " times");
    if (m.duplicate && m.successes == 0) {
      add("duplicate-without-success", "duplicate failure emitted before any success");
    }
    if (m.retries > max) {
      add("retry-bound-exceeded", "retry count " + std::to_string(m.retries) +
                                      " exceeded MAX_RETRIES " + std::to_string(max));
    }
    if (m.retry_attempts.empty()) continue;
    if (std::any_of(m.retry_attempts.begin(), m.retry_attempts.end(),
                    [](const auto& a) { return !a; })) {
      add("retry-context-missing", "retry event missing attempt number in context");
    } else {
      for (std::size_t i = 0; i < m.retry_attempts.size(); ++i) {
        if (*m.retry_attempts[i] != std::to_string(i + 1)) {
          add("retry-attempt-out-of-sequence",
              "retry attempt " + *m.retry_attempts[i] + " expected " + std::to_string(i + 1));
          break;
        }
      }
    }
    for (const auto& a : m.success_attempts) {
      if (!a) continue;
      if (*a != std::to_string(m.retry_attempts.size() + 1)) {
        add("success-attempt-mismatch", "success attempt " + *a + " inconsistent with " +
                                            std::to_string(m.retry_attempts.size()) + " retries");
      }
      break;
    }
  }
  return issues;
}

// docs/rules.md's spec, as "type:key:eventIndex:count" lines, events in verification order.
std::vector<std::string> spec_model(const std::vector<Event>& events, std::int64_t max) {
  struct State {
    bool written = false;
    std::int64_t retries = 0;
  };
  std::map<std::string, State> states;
  std::vector<std::pair<std::string, std::size_t>> issues;  // "type:key", first index
  std::map<std::string, std::size_t> counts;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    const std::string key = e.key->spec_group;
    const auto report = [&](const std::string& type) {
      const std::string id = type + ":" + key;
      if (counts[id]++ == 0) issues.emplace_back(id, i);
    };
    const std::string type = e.type->js;
    if (e.key->spec_kind != 0) {  // belongs to no key: reported, judged no further
      report(e.key->spec_kind == 2 ? "key-missing" : "key-not-string");
      continue;
    }
    if (!e.time) report("timestamp-missing");
    if (type.empty()) {
      report("unknown-event-type");
      continue;
    }
    State& s = states[key];
    const std::optional<std::string>& attempt = e.context->spec;
    if (type == "success") {
      if (s.written) report("multiple-success");
      if (std::string(e.value).empty() || std::string(e.value) == "null") {
        report("success-without-value");
      }
      if (!attempt) {
        report("success-context-missing");
      } else if (*attempt != std::to_string(s.retries + 1)) {
        report("success-attempt-mismatch");
      }
      s.written = true;
    } else if (type == "retry") {
      if (s.retries >= max) report("retry-bound-exceeded");
      if (!attempt) {
        report("retry-context-missing");
      } else if (*attempt != std::to_string(s.retries + 1)) {
        report("retry-attempt-out-of-sequence");
      }
      ++s.retries;
    } else if (!s.written && e.reason->spec_duplicate) {
      report("duplicate-before-success");
    }
  }
  std::vector<std::string> out;
  for (const auto& [id, at] : issues) {
    out.push_back(id + ":" + std::to_string(at) + ":" + std::to_string(counts[id]));
  }
  return out;
}

std::vector<Event> time_ordered(std::vector<Event> events) {
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.time.has_value() != b.time.has_value()) return a.time.has_value();
    return a.time && *a.time < *b.time;
  });
  return events;
}

std::vector<std::string> compat_tool(const EventStore& store, std::int64_t max) {
  std::vector<std::string> out;
  for (const auto& i : rules::verify(store, {rules::Profile::compat, max}).issues) {
    out.push_back(std::string(to_string(i.type)) + ":" + i.key + ":" + i.message);
  }
  return out;
}

std::vector<std::string> spec_tool(const EventStore& store, std::int64_t max) {
  std::vector<std::string> out;
  for (const auto& i : rules::verify(store, {rules::Profile::spec, max}).issues) {
    out.push_back(std::string(to_string(i.type)) + ":" + i.key + ":" +
                  std::to_string(i.event_index) + ":" + std::to_string(i.count));
  }
  return out;
}

}  // namespace

TEST_CASE("differential: random traces agree with models of the reference and of the rules") {
  std::mt19937 rng(20251009);
  for (int round = 0; round < 3000; ++round) {
    const std::vector<Event> events = random_trace(rng);
    const std::string text = to_ndjson(events);
    const std::int64_t max = 2 + static_cast<std::int64_t>(rng() % 2);
    INFO("round " << round << ", max retries " << max << ", trace:\n" << text);
    EventStore store = test::load_ndjson(text);
    REQUIRE(store.size() == events.size());
    // compat's own order is the payload's, as the reference never sorted.
    CHECK(compat_tool(store, max) == reference_model(events, max));
    store.sort_by_time();
    const std::vector<Event> sorted = time_ordered(events);
    CHECK(compat_tool(store, max) == reference_model(sorted, max));
    CHECK(spec_tool(store, max) == spec_model(sorted, max));
  }
}
