#include "kvonce/output/projection.hpp"

#include <algorithm>
#include <cmath>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/util/key_index.hpp"
#include "kvonce/util/strings.hpp"
#include "kvonce/util/text_buffer.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::output {
namespace {

constexpr std::uint32_t kEnd = UINT32_MAX;

// JSON text of a stored value (or reason) that a state-sequence entry holds, once set: the text
// itself up to kMaxInlineStateBytes, else the text in the entry of the event that set it and a
// stand-in {"sha256": .., "bytes": N} in every later entry. Without this an entry would repeat
// the key's value, and a payload of one 512 KiB value and 2,000 retries of its key would write
// 1 GB.
class StoredText {
 public:
  void set(std::string_view json, std::uint32_t event) {
    text_ = json;
    set_at_ = event;
    sha256_.clear();
  }
  explicit operator bool() const { return text_.has_value(); }

  // Room put() may take.
  std::size_t bound() const { return text_ ? std::max<std::size_t>(text_->size(), 128) : 4; }
  char* put(char* p, std::uint32_t event) {
    if (!text_) return put_text(p, "null");
    if (text_->size() <= kMaxInlineStateBytes || event == set_at_) return put_text(p, *text_);
    if (sha256_.empty()) sha256_ = crypto::sha256_hex(*text_);
    p = put_text(p, "{\"sha256\":\"");
    p = put_text(p, sha256_);
    p = put_text(p, "\",\"bytes\":");
    p = put_uint(p, text_->size());
    *p++ = '}';
    return p;
  }

 private:
  std::optional<std::string_view> text_;  // JSON text; absent prints as null
  std::uint32_t set_at_ = 0;
  std::string sha256_;  // of *text_, once a stand-in needed it
};

// The projector's per-key store state at one point of the replay.
struct KeyState {
  bool written = false;
  StoredText value;
  std::uint64_t retries = 0, failures = 0;
  StoredText last_failure_reason;
  std::optional<Nanos> last_success_at;
};

// Per key: the chain of its events (linked through next_), and its replayed state.
struct KeyEntry {
  std::string_view key;
  std::uint32_t first = kEnd, last = kEnd;
  std::uint64_t successes = 0, retries = 0, failures = 0;
  bool duplicate_failure = false;
  KeyState state;
};

void append_optional(std::string& out, const std::optional<std::string_view>& json) {
  out += json ? *json : std::string_view("null");
}

// The state after event `event`.
std::size_t state_bound(const KeyState& s) {
  return 128 + 2 * kUintBound + kIsoMillisBytes + s.value.bound() + s.last_failure_reason.bound();
}

char* put_state(char* p, KeyState& s, std::uint32_t event) {
  p = put_text(p, s.written ? "{\"written\":true" : "{\"written\":false");
  p = s.value.put(put_text(p, ",\"value\":"), event);
  p = put_uint(put_text(p, ",\"retries\":"), s.retries);
  p = put_uint(put_text(p, ",\"failures\":"), s.failures);
  p = s.last_failure_reason.put(put_text(p, ",\"lastFailureReason\":"), event);
  p = put_text(p, ",\"lastSuccessAt\":");
  if (!s.last_success_at) return put_text(p, "null}");
  *p++ = '"';
  p = put_iso_millis(p, *s.last_success_at);
  return put_text(p, "\"}");
}

bool is_duplicate(const std::optional<std::string_view>& reason) {
  return reason && to_lower_ascii(*reason) == "\"duplicate\"";
}

class Projector {
 public:
  explicit Projector(const EventStore& events) : events_(events), next_(events.size(), kEnd) {}

  // The state sequence and, with `lines_file`, the events file: one pass over the store, each
  // event decoded once and its NDJSON line formatted once, written as a line of the events file
  // and copied into its sequence entry. Each file is written in chunks of about kWriteChunkBytes.
  // Without either file (both copied from an equal store's set), the replay only sums up.
  void replay(SetFile* sequence, SetFile* lines_file) {
    TextBuffer seq(sequence ? 2 * kWriteChunkBytes : 0), lines(2 * kWriteChunkBytes);
    seq.append("[\n");
    for (std::uint32_t i = 0; i < events_.size(); ++i) {
      const EventView e = events_[i];
      KeyEntry& k = entry_for(e.key, i);
      apply(k, e, i);
      if (!sequence && !lines_file) continue;
      char* const line = lines.room(event_line_bound(e));
      char* const line_end = put_event_line(line, e);
      lines.commit(line_end);
      // The line without its newline.
      if (sequence) put_sequence_entry(seq, i, e, k, std::string_view(line, line_end - 1 - line));
      if (!lines_file) {
        lines.clear();
      } else if (lines.size() >= kWriteChunkBytes) {
        lines_file->write(lines.view());
        lines.clear();
      }
      if (seq.size() >= kWriteChunkBytes) {
        sequence->write(seq.view());
        seq.clear();
      }
    }
    seq.append("\n]\n");
    if (sequence) sequence->write(seq.view());
    if (lines_file) lines_file->write(lines.view());
  }

  ProjectionStats write(SetFile& file, const OutputSet& set, const std::string& sequence_rel,
                        std::chrono::system_clock::time_point generated_at) const;

 private:
  KeyEntry& entry_for(std::string_view key, std::uint32_t i) {
    const auto [slot, fresh] = index_.insert(key);
    if (fresh) {
      keys_.emplace_back();
      keys_.back().key = key;
    }
    KeyEntry& k = keys_[slot];
    if (k.first == kEnd)
      k.first = i;
    else
      next_[k.last] = i;
    k.last = i;
    return k;
  }

  void apply(KeyEntry& k, const EventView& e, std::uint32_t i) {
    KeyState& s = k.state;
    if (e.type == "success") {
      ++k.successes;
      ++stats_.success;
      s.written = true;
      if (e.value) s.value.set(*e.value, i);
      if (e.timed) s.last_success_at = e.time_ns;
    } else if (e.type == "retry") {
      ++k.retries;
      ++stats_.retry;
      ++s.retries;
    } else if (e.type == "failure") {
      ++k.failures;
      ++stats_.failure;
      ++s.failures;
      k.duplicate_failure = k.duplicate_failure || is_duplicate(e.reason);
      if (e.reason && *e.reason != "null") s.last_failure_reason.set(*e.reason, i);
    } else {
      ++stats_.unknown;
    }
  }

  void put_sequence_entry(TextBuffer& out, std::uint32_t i, const EventView& e, KeyEntry& k,
                          std::string_view line) {
    key_json_.clear();  // written twice: escaped once
    append_json_string(key_json_, e.key);
    constexpr std::size_t kFixed = 256 + 5 * kUintBound + kTimestampJsonBound;
    char* p = out.room(kFixed + json_string_bound(e.type.size()) + 2 * key_json_.size() +
                       line.size() + state_bound(k.state));
    if (i) p = put_text(p, ",\n");
    p = put_uint(put_text(p, "{\"index\":"), i);
    p = put_timestamp_json(put_text(p, ",\"timestamp\":"), e);
    p = put_json_string(put_text(p, ",\"type\":"), e.type);
    p = put_text(put_text(p, ",\"key\":"), key_json_);
    p = put_text(put_text(p, ",\"event\":"), line);
    p = put_text(put_text(p, ",\"store\":{"), key_json_);
    *p++ = ':';
    p = put_state(p, k.state, i);
    p = put_uint(put_text(p, "},\"totals\":{\"success\":"), stats_.success);
    p = put_uint(put_text(p, ",\"retry\":"), stats_.retry);
    p = put_uint(put_text(p, ",\"failure\":"), stats_.failure);
    p = put_uint(put_text(p, ",\"unknown\":"), stats_.unknown);
    out.commit(put_text(p, "}}"));
  }

  void append_key_entry(std::string& out, const KeyEntry& k) const;

  const EventStore& events_;
  std::vector<std::uint32_t> next_;
  std::vector<KeyEntry> keys_;
  KeyIndex index_;
  ProjectionStats stats_;
  std::string key_json_;
  // A key's lists, gathered in one walk of its events (append_key_entry).
  mutable std::string failure_reasons_, retry_contexts_, success_contexts_, failure_contexts_;
};

// Appends `item` to a JSON array's elements (without the brackets).
void append_item(std::string& list, std::string_view item) {
  if (!list.empty()) list += ',';
  list += item;
}

void Projector::append_key_entry(std::string& out, const KeyEntry& k) const {
  // One walk of the key's events: value is the last success's non-null value, lastFailureReason
  // the last non-null reason; each list keeps the events' order.
  std::optional<std::string_view> value, last_reason;
  failure_reasons_.clear();
  retry_contexts_.clear();
  success_contexts_.clear();
  failure_contexts_.clear();
  for (std::uint32_t i = k.first; i != kEnd; i = next_[i]) {
    const EventView e = events_[i];
    if (e.type == "success") {
      if (e.value && *e.value != "null") value = e.value;
      if (e.context) append_item(success_contexts_, *e.context);
    } else if (e.type == "failure") {
      const bool has_reason = e.reason && *e.reason != "null";
      if (has_reason) last_reason = e.reason;
      append_item(failure_reasons_, has_reason ? *e.reason : std::string_view("\"unknown\""));
      if (e.context) append_item(failure_contexts_, *e.context);
    } else if (e.type == "retry") {
      if (e.context) append_item(retry_contexts_, *e.context);
    }
  }
  append_json_string(out, k.key);
  out += ":{\"successCount\":";
  append_uint(out, k.successes);
  out += ",\"retries\":";
  append_uint(out, k.retries);
  for (const auto& [name, list] :
       {std::pair<const char*, const std::string&>{",\"failureReasons\":[", failure_reasons_},
        {"],\"retryContexts\":[", retry_contexts_},
        {"],\"successContexts\":[", success_contexts_},
        {"],\"failureContexts\":[", failure_contexts_}}) {
    out += name;
    out += list;
  }
  out += ']';
  out += ",\"value\":";
  append_optional(out, value);
  out += ",\"firstTimestamp\":";
  append_timestamp_json(out, events_[k.first]);
  out += ",\"lastTimestamp\":";
  append_timestamp_json(out, events_[k.last]);
  out += ",\"lastType\":";
  append_json_string(out, events_[k.last].type);
  out += ",\"lastFailureReason\":";
  append_optional(out, last_reason);
  out += '}';
}

ProjectionStats Projector::write(SetFile& file, const OutputSet& set,
                                 const std::string& sequence_rel,
                                 std::chrono::system_clock::time_point generated_at) const {
  ProjectionStats stats = stats_;
  stats.events = events_.size();
  stats.keys = keys_.size();
  std::string out = "{\"schemaVersion\":\"kvonce/v1\",\"generatedAt\":\"" + iso_of(generated_at) +
                    "\",\"eventCount\":" + std::to_string(stats.events) + ",\"perKey\":{";
  std::uint64_t with_success = 0, with_retries = 0, with_failures = 0, duplicate_keys = 0;
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    const KeyEntry& k = keys_[i];
    with_success += k.successes > 0;
    with_retries += k.retries > 0;
    with_failures += k.failures > 0;
    duplicate_keys += k.duplicate_failure;
    out += i ? ",\n" : "\n";
    append_key_entry(out, k);
    if (out.size() > kWriteChunkBytes) {
      file.write(out);
      out.clear();
    }
  }
  const double rate = stats.events ? std::round(static_cast<double>(stats.success) /
                                                static_cast<double>(stats.events) * 1000) /
                                         1000
                                   : 0;
  out += "\n},\"stats\":{\"totalEvents\":" + std::to_string(stats.events) +
         ",\"uniqueKeys\":" + std::to_string(stats.keys) +
         ",\"byType\":{\"success\":" + std::to_string(stats.success) +
         ",\"retry\":" + std::to_string(stats.retry) +
         ",\"failure\":" + std::to_string(stats.failure) +
         ",\"unknown\":" + std::to_string(stats.unknown) +
         "},\"keysWithSuccess\":" + std::to_string(with_success) +
         ",\"keysWithRetries\":" + std::to_string(with_retries) +
         ",\"keysWithFailures\":" + std::to_string(with_failures) +
         ",\"duplicateFailureKeys\":" + std::to_string(duplicate_keys) +
         ",\"successRate\":" + format_number(rate) +
         ",\"stateSequenceLength\":" + std::to_string(stats.events) +
         "},\"outputs\":{\"stateSequence\":" + json_quote(sequence_rel) + "}";
  set.append_record(out);
  out += "}\n";
  file.write(out);
  return stats;
}

}  // namespace

namespace {

ProjectionStats write_files(const EventStore& events, OutputSet& set,
                            const std::string* events_name, const std::string& projection_name,
                            const std::string& state_sequence_name,
                            std::chrono::system_clock::time_point generated_at,
                            const EqualSet* equal = nullptr) {
  Projector projector(events);
  SetFile* lines = events_name ? &set.open(*events_name) : nullptr;
  SetFile& sequence = set.open(state_sequence_name);
  const bool lines_copied = lines && equal && lines->copy_written(equal->events);
  const bool sequence_copied = equal && sequence.copy_written(equal->state_sequence);
  projector.replay(sequence_copied ? nullptr : &sequence, lines_copied ? nullptr : lines);
  if (lines) lines->finish();
  sequence.finish();
  SetFile& projection = set.open(projection_name);
  const std::string rel =
      std::filesystem::path(state_sequence_name)
          .lexically_relative(std::filesystem::path(projection_name).parent_path())
          .generic_string();
  const ProjectionStats stats = projector.write(projection, set, rel, generated_at);
  projection.finish();
  return stats;
}

}  // namespace

ProjectionStats write_projection(const EventStore& events, OutputSet& set,
                                 const std::string& projection_name,
                                 const std::string& state_sequence_name,
                                 std::chrono::system_clock::time_point generated_at) {
  return write_files(events, set, nullptr, projection_name, state_sequence_name, generated_at);
}

ProjectionStats write_event_outputs(const EventStore& events, OutputSet& set,
                                    const std::string& events_name,
                                    const std::string& projection_name,
                                    const std::string& state_sequence_name,
                                    std::chrono::system_clock::time_point generated_at,
                                    const EqualSet* equal) {
  return write_files(events, set, &events_name, projection_name, state_sequence_name, generated_at,
                     equal);
}

void write_event_lines(const EventStore& events, SetFile& file) {
  TextBuffer lines(2 * kWriteChunkBytes);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const EventView e = events[i];
    lines.commit(put_event_line(lines.room(event_line_bound(e)), e));
    if (lines.size() >= kWriteChunkBytes) {
      file.write(lines.view());
      lines.clear();
    }
  }
  file.write(lines.view());
  file.finish();
}

std::uint64_t projection_key_count(const EventStore& events) {
  KeyIndex index;  // as Projector::entry_for numbers them
  for (std::size_t i = 0; i < events.size(); ++i) index.insert(events[i].key);
  return index.size();
}

ProjectionStats write_projection(const EventStore& events,
                                 const std::filesystem::path& projection_path,
                                 const std::filesystem::path& state_sequence_path,
                                 std::chrono::system_clock::time_point generated_at) {
  const std::filesystem::path dir = projection_path.parent_path();
  OutputBudget unbounded(UINT64_MAX);
  OutputSet set(OutputDir::as_named(dir), {}, SetOrigin{}, unbounded);
  const ProjectionStats stats =
      write_projection(events, set, projection_path.filename().string(),
                       state_sequence_path.lexically_relative(dir).generic_string(), generated_at);
  set.commit();
  return stats;
}

}  // namespace kvonce::output
