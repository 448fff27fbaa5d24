#include "kvonce/rules/realtime_order.hpp"

#include <algorithm>
#include <numeric>
#include <queue>
#include <string_view>

#include "kvonce/json/reader.hpp"
#include "kvonce/rules/attempt.hpp"
#include "kvonce/util/key_index.hpp"
#include "kvonce/util/strings.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::rules {

bool has_type(const EventView& e, std::string_view type) {
  return e.type_form == FieldForm::text && e.type == type;
}

bool is_duplicate_failure(const EventView& e) {
  if (!has_type(e, "failure")) return false;
  const auto& reason = e.reason;
  if (!reason || reason->size() < 2 || reason->front() != '"') return false;
  if (*reason == "\"duplicate\"") return true;  // as writers spell it: no parse needed
  json::Reader r(*reason, {});
  return to_lower_ascii(trim(r.string())) == "duplicate";
}

namespace {

using Kind = RealtimeEvent::Kind;

std::int64_t attempts_of(const EventView& e) {
  const auto a = spec_attempt(e.context);
  if (!a) return RealtimeEvent::kNoAttempts;
  if (!a->value || *a->value < 1) return RealtimeEvent::kNever;
  return *a->value;
}

RealtimeEvent realtime_event(const EventView& e, std::uint64_t skew_ns) {
  const Interval w = widen(e.timed, e.time_ns, e.end(), skew_ns);
  RealtimeEvent out{Kind::free, RealtimeEvent::kNoAttempts, w.start, w.end};
  if (has_type(e, "success")) {
    out.kind = Kind::success;
  } else if (has_type(e, "retry")) {
    out.kind = Kind::retry;
  } else if (is_duplicate_failure(e)) {
    out.kind = Kind::duplicate;
  }
  if (out.kind == Kind::success || out.kind == Kind::retry) out.attempts = attempts_of(e);
  return out;
}

// Store positions in tie-break order: widened start, end, span id, position. `span_id_of(j)`
// gives event j's span id; it is read only for events whose intervals are equal, which are rare,
// so nothing about them is held for the sort.
template <typename SpanIdOf>
std::vector<std::uint32_t> ranked(const std::vector<RealtimeEvent>& events, SpanIdOf span_id_of) {
  std::vector<std::uint32_t> order(events.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const RealtimeEvent &ea = events[a], &eb = events[b];
    if (ea.start != eb.start) return ea.start < eb.start;
    if (ea.end != eb.end) return ea.end < eb.end;
    return span_id_of(a) < span_id_of(b);
  });
  return order;
}

constexpr std::uint32_t kKeyless = 0xffffffff;

}  // namespace

std::vector<RealtimeIssue> judge_keys(const EventStore& store,
                                      const std::vector<std::vector<std::uint32_t>>& positions,
                                      std::uint64_t skew_ns) {
  std::vector<RealtimeIssue> out;
  std::vector<RealtimeEvent> events, ordered;
  for (const std::vector<std::uint32_t>& at : positions) {
    events.clear();
    for (const std::uint32_t i : at) events.push_back(realtime_event(store[i], skew_ns));
    KeyWitness key;
    ordered.clear();
    const auto span_id_of = [&](std::uint32_t j) { return store[at[j]].span_id; };
    for (const std::uint32_t j : ranked(events, span_id_of)) {  // stable: ties keep store order
      key.events.push_back(at[j]);
      ordered.push_back(events[j]);
    }
    key.witness = find_witness(ordered);
    if (!key.witness.conforms) out.push_back(explain_key(store, key, skew_ns));
  }
  return out;
}

RealtimeJudging judge_realtime(const EventStore& store, std::uint64_t skew_ns) {
  // What judging needs of each event, read from the store once (an EventView costs a decode):
  // its interval, kind and attempts, and its key's number. 52 bytes an event, the most judging
  // holds beside the store.
  RealtimeJudging out;
  std::vector<RealtimeEvent> all(store.size());
  std::vector<std::uint32_t> key_of(store.size(), kKeyless);
  std::vector<std::uint32_t> sizes;  // events per key
  {
    KeyIndex keys;
    for (std::size_t i = 0; i < store.size(); ++i) {
      const EventView e = store[i];
      all[i] = realtime_event(e, skew_ns);
      if (e.key_form != FieldForm::text) continue;
      const auto [key, fresh] = keys.insert(e.key);
      if (fresh) sizes.push_back(0);
      key_of[i] = static_cast<std::uint32_t>(key);
      ++sizes[key];
    }
  }
  const std::vector<std::uint32_t> order =
      ranked(all, [&](std::uint32_t i) { return store[i].span_id; });
  out.rank.resize(order.size());
  for (std::uint32_t r = 0; r < order.size(); ++r) out.rank[order[r]] = r;
  out.start.resize(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Nanos widened = all[i].start;  // only an untimed event starts there
    out.start[i] = widened == -kBeyondAllTimes ? widened : widened + static_cast<Nanos>(skew_ns);
  }
  // The keys' events in tie-break order, each list sized before it is filled.
  out.keys.resize(sizes.size());
  for (std::size_t k = 0; k < sizes.size(); ++k) out.keys[k].events.reserve(sizes[k]);
  for (const std::uint32_t i : order) {
    if (key_of[i] == kKeyless) {
      out.keyless.push_back(i);
    } else {
      out.keys[key_of[i]].events.push_back(i);
    }
  }
  std::vector<RealtimeEvent> events;  // one key's, reused
  for (KeyWitness& key : out.keys) {
    events.clear();
    for (const std::uint32_t i : key.events) events.push_back(all[i]);
    key.witness = find_witness(events);
  }
  return out;
}

void order_realtime(EventStore& store, std::uint64_t skew_ns) {
  const RealtimeJudging judging = judge_realtime(store, skew_ns);
  // Each key's sequence in verification order, with its witness points; keyless events form
  // one more sequence (their points are their starts, in rank order already).
  struct Sequence {
    std::vector<std::uint32_t> events;
    std::vector<Nanos> points;
  };
  std::vector<Sequence> sequences;
  const std::vector<std::uint32_t>& rank = judging.rank;
  auto add = [&](std::vector<std::uint32_t> events) {
    Sequence s{std::move(events), {}};
    Nanos point = -kBeyondAllTimes;  // events without a time before the first timed one
    for (const std::uint32_t i : s.events) {
      point = std::max(point, judging.start[i]);  // judged already: no store read
      s.points.push_back(point);
    }
    sequences.push_back(std::move(s));
  };
  for (const KeyWitness& k : judging.keys) {
    std::vector<std::uint32_t> seq;
    std::vector<bool> placed(k.events.size(), false);
    for (const std::uint32_t j : k.witness.order) {
      seq.push_back(k.events[j]);
      placed[j] = true;
    }
    for (std::size_t j = 0; j < k.events.size(); ++j) {
      if (!placed[j]) seq.push_back(k.events[j]);
    }
    add(std::move(seq));
  }
  if (!judging.keyless.empty()) add(judging.keyless);

  // Merge by (witness point, rank) of each sequence's next event. Ranks are unique, so the
  // sequence number beside the rank in one word never decides: it only says where to go on.
  struct Head {
    Nanos point;
    std::uint64_t rank_sequence;
    bool operator>(const Head& o) const {
      return point != o.point ? point > o.point : rank_sequence > o.rank_sequence;
    }
  };
  const auto head = [&](std::uint32_t s, std::size_t at) {
    return Head{sequences[s].points[at], std::uint64_t{rank[sequences[s].events[at]]} << 32 | s};
  };
  std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
  std::vector<std::size_t> next(sequences.size(), 0);
  for (std::uint32_t s = 0; s < sequences.size(); ++s) heads.push(head(s, 0));
  std::vector<std::uint32_t> order;
  order.reserve(store.size());
  while (!heads.empty()) {
    const auto s = static_cast<std::uint32_t>(heads.top().rank_sequence);
    heads.pop();
    const Sequence& seq = sequences[s];
    order.push_back(seq.events[next[s]]);
    if (++next[s] < seq.events.size()) heads.push(head(s, next[s]));
  }
  // A store already in verification order (a trace written in order) keeps its index as it is.
  for (std::uint32_t i = 0; i < order.size(); ++i) {
    if (order[i] != i) {
      store.permute(order);
      return;
    }
  }
}

namespace {

// An instant with nanoseconds when it has any below the millisecond.
std::string instant(Nanos ns) {
  std::string s = format_iso_millis(ns);
  Nanos below = ns % 1000000;
  if (below < 0) below += 1000000;  // the millisecond is floored, so is what lies below it
  if (below != 0) {
    std::string sub = std::to_string(static_cast<std::uint32_t>(below));
    s.insert(s.size() - 1, std::string(6 - sub.size(), '0') + sub);
  }
  return s;
}

std::string interval(const EventView& e) {
  if (!e.timed) return "(no time)";
  if (e.end() == e.time_ns) return "(at " + instant(e.time_ns) + ")";
  return "(" + instant(e.time_ns) + " to " + instant(e.end()) + ")";
}

std::string count(std::size_t n, const char* noun) {
  const std::string word = noun;
  return std::to_string(n) + " " + (n == 1 ? word : word == "retry" ? "retries" : word + "s");
}

std::string attempts_text(const EventView& e) {
  const auto a = spec_attempt(e.context);
  return a ? " carrying attempts " + a->text : " without attempts";
}

}  // namespace

RealtimeIssue explain_key(const EventStore& store, const KeyWitness& key, std::uint64_t skew_ns) {
  const RealtimeWitness& w = key.witness;
  const EventView y = store[key.events[w.blocked]];
  RealtimeIssue out;
  out.at = key.events[w.blocked];
  std::size_t successes = 0, retries = 0;
  for (const std::uint32_t i : key.events) {
    successes += has_type(store[i], "success");
    retries += has_type(store[i], "retry");
  }
  std::string y_name;
  if (is_duplicate_failure(y)) {
    out.type = IssueType::duplicate_before_success;
    y_name = "the duplicate failure";
  } else if (has_type(y, "success")) {
    out.type = IssueType::success_attempt_mismatch;
    y_name = "the success" + attempts_text(y);
  } else {
    out.type = IssueType::retry_attempt_out_of_sequence;
    y_name = "the retry" + attempts_text(y);
  }
  if (!w.due) {
    if (out.type == IssueType::duplicate_before_success) {
      out.message = y_name + " " + interval(y) + " has no success on the key to follow";
      return out;
    }
    const auto a = spec_attempt(y.context);
    const bool success = out.type == IssueType::success_attempt_mismatch;
    if (a && a->value && *a->value > 0) {
      const auto k = static_cast<std::uint64_t>(*a->value);
      out.message =
          y_name + " " + interval(y) +
          (success ? " needs " + count(k - 1, "retry") + " before it"
                   : " would be retry " + std::to_string(k)) +
          (k - (success ? 1 : 0) > retries
               ? ", but the key has " + count(retries, "retry")
               : ", but no retry of the key can be retry " + std::to_string(w.retries_placed + 1));
    } else {
      out.message = y_name + " " + interval(y) + " matches no position in any order";
    }
    return out;
  }
  const EventView x = store[key.events[*w.due]];
  std::string x_name;
  if (has_type(x, "success")) {
    x_name = successes == 1 ? "the key's only success" : "the key's first success";
  } else {
    // The retry that holds, or is due at, the position y needs.
    std::int64_t position = w.retries_placed + 1;
    if (std::find(w.order.begin(), w.order.end(), *w.due) != w.order.end()) {
      position = 0;
      for (const std::uint32_t j : w.order) {
        position += has_type(store[key.events[j]], "retry");
        if (j == *w.due) break;
      }
    }
    x_name = "retry " + std::to_string(position);
  }
  const Interval xw = widen(x.timed, x.time_ns, x.end(), skew_ns);
  const Interval yw = widen(y.timed, y.time_ns, y.end(), skew_ns);
  const bool x_placed = std::find(w.order.begin(), w.order.end(), *w.due) != w.order.end();
  if (x_placed && x.timed && y.timed && yw.start > xw.end) {
    // y had to come before x, which ended before y began.
    out.message = y_name + " began at " + instant(y.time_ns) + " after " + x_name + " ended at " +
                  instant(x.end());
  } else if (x.timed && y.timed && xw.start > yw.end) {
    out.message = y_name + " ended at " + instant(y.end()) + " before " + x_name + " began at " +
                  instant(x.time_ns);
  } else {
    out.message = "no order that real time allows puts " + x_name + " " + interval(x) + " where " +
                  y_name + " " + interval(y) + " needs it";
  }
  return out;
}

}  // namespace kvonce::rules
