#include "kvonce/rules/history.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <numeric>

#include "kvonce/rules/attempt.hpp"
#include "kvonce/rules/compat_key.hpp"
#include "kvonce/util/js_number.hpp"
#include "kvonce/util/key_index.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::rules {
namespace {

constexpr std::uint32_t kNoGroup = UINT32_MAX;

// The keys that have issues, numbered as groups, found again from any event. Strings are looked
// up in one index (views into the store), the JSON identities of other keys in another (owned).
class KeyGroups {
 public:
  explicit KeyGroups(Profile profile) : profile_(profile) {}

  // The group of `event`'s key, created when `add`; kNoGroup when it has none (an object or
  // array key under compat is a key of its own: Map compares them by reference).
  std::uint32_t group_of(const EventView& event, bool add) {
    if (event.key_form == FieldForm::text) return lookup(text_, text_group_, event.key, add);
    if (event.key_form == FieldForm::missing) {
      if (profile_ == Profile::compat) return lookup(text_, text_group_, "unknown", add);
      if (add && missing_ == kNoGroup) missing_ = count_++;
      return missing_;
    }
    std::string identity = profile_ == Profile::compat
                               ? compat_key(event.key_form, event.key).identity
                               : std::string(event.key);
    if (identity.empty() && profile_ == Profile::compat) return kNoGroup;
    if (!add) return lookup(other_, other_group_, identity, false);
    owned_.push_back(std::move(identity));
    return lookup(other_, other_group_, owned_.back(), true);
  }

  std::uint32_t size() const { return count_; }

 private:
  // `group` numbers the keys of `index` (each index counts from 0) across both indexes.
  std::uint32_t lookup(KeyIndex& index, std::vector<std::uint32_t>& group, std::string_view key,
                       bool add) {
    if (!add) {
      const auto found = index.find(key);
      return found ? group[*found] : kNoGroup;
    }
    const auto [at, fresh] = index.insert(key);
    if (fresh) group.push_back(count_++);
    return group[at];
  }

  Profile profile_;
  KeyIndex text_, other_;
  std::vector<std::uint32_t> text_group_, other_group_;
  std::deque<std::string> owned_;  // the bytes other_ points at (stable)
  std::uint32_t missing_ = kNoGroup;
  std::uint32_t count_ = 0;
};

// The last kMaxHistoryEvents indices of one key.
struct Ring {
  std::array<std::uint64_t, kMaxHistoryEvents> at{};
  std::uint64_t seen = 0;

  void push(std::uint64_t index) { at[seen++ % kMaxHistoryEvents] = index; }
  std::vector<std::uint64_t> oldest_first() const {
    const std::uint64_t n = std::min<std::uint64_t>(seen, kMaxHistoryEvents);
    std::vector<std::uint64_t> out;
    out.reserve(n);
    for (std::uint64_t i = seen - n; i < seen; ++i) out.push_back(at[i % kMaxHistoryEvents]);
    return out;
  }
};

std::optional<std::string> attempts_json(const EventView& event, Profile profile) {
  if (profile == Profile::compat) {
    const auto attempt = compat_attempt(event.context);
    if (!attempt) return std::nullopt;
    return js_number_to_string(*attempt);
  }
  const auto attempt = spec_attempt(event.context);
  if (!attempt) return std::nullopt;
  return attempt->value ? std::to_string(*attempt->value) : json_quote(attempt->text);
}

}  // namespace

void attach_histories(const EventStore& events, Profile profile, std::vector<Issue>& issues) {
  if (issues.empty()) return;
  KeyGroups groups(profile);
  std::vector<std::uint32_t> group_of_issue(issues.size());
  std::uint64_t last = 0;
  for (std::size_t i = 0; i < issues.size(); ++i) {
    group_of_issue[i] = groups.group_of(events[issues[i].event_index], true);
    last = std::max(last, issues[i].event_index);
  }
  std::vector<std::size_t> by_event(issues.size());
  std::iota(by_event.begin(), by_event.end(), std::size_t{0});
  std::stable_sort(by_event.begin(), by_event.end(), [&](std::size_t a, std::size_t b) {
    return issues[a].event_index < issues[b].event_index;
  });
  std::vector<Ring> rings(groups.size());
  std::size_t next = 0;
  for (std::uint64_t e = 0; e <= last && next < by_event.size(); ++e) {
    const std::uint32_t group = groups.group_of(events[e], false);
    if (group != kNoGroup) rings[group].push(e);
    for (; next < by_event.size() && issues[by_event[next]].event_index == e; ++next) {
      Issue& issue = issues[by_event[next]];
      const std::uint32_t own = group_of_issue[by_event[next]];
      issue.history = own == kNoGroup ? std::vector<std::uint64_t>{e} : rings[own].oldest_first();
    }
  }
}

HistoryEvent describe_event(const EventView& event, std::uint64_t index, Profile profile) {
  HistoryEvent out;
  out.index = index;
  out.timed = event.timed;
  out.time_ns = event.time_ns;
  if (event.timed && event.ended) out.end_ns = event.end_ns;
  if (event.type_form != FieldForm::missing) out.type = std::string(event.type);
  out.attempts = attempts_json(event, profile);
  bool cut = false;
  if (event.value) out.value = cut_utf8(*event.value, kMaxHistoryValueBytes, cut);
  out.truncated = cut;
  if (event.reason) out.reason = cut_utf8(*event.reason, kMaxHistoryValueBytes, cut);
  out.truncated = out.truncated || cut;
  out.trace_id = std::string(event.trace_id);
  out.span_id = std::string(event.span_id);
  return out;
}

std::string cut_utf8(std::string_view s, std::size_t max_bytes, bool& cut) {
  constexpr std::string_view kEllipsis = "…";
  cut = s.size() > max_bytes;
  if (!cut) return std::string(s);
  std::size_t end = max_bytes >= kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  // Step back over continuation bytes (10xxxxxx) to the start of the character that did not fit.
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end)) + std::string(kEllipsis);
}

}  // namespace kvonce::rules
