#include "kvonce/otlp/span_sink.hpp"

#include <cstring>

namespace kvonce::otlp {
namespace {

// The fingerprint of what a span maps to, ids aside (they are the table's key): type, key,
// value, reason, context, start and end; not the actor or anything else a resource or scope
// gives, so a span re-exported through Collectors that add attributes is still one event.
Hash128 event_fingerprint(const MappedEvent& e, std::string& buf) {
  buf.clear();
  auto field = [&](bool present, std::string_view text) {
    const std::uint64_t n = present ? text.size() + 1 : 0;  // absent != empty
    buf.append(reinterpret_cast<const char*>(&n), sizeof n);
    if (present) buf.append(text);  // an absent field's buffer holds an earlier span's text
  };
  field(true, e.type);
  field(true, e.key);
  field(e.has_value, e.value);
  field(e.has_reason, e.reason);
  field(e.has_context, e.context);
  // OTLP times are unsigned: their low 64 bits are the whole of them.
  const std::uint64_t times[] = {static_cast<std::uint64_t>(e.time_ns),
                                 e.ended ? static_cast<std::uint64_t>(e.end_ns) : 0u,
                                 e.ended ? 1u : 0u};
  buf.append(reinterpret_cast<const char*>(times), sizeof times);
  return siphash128<1, 3>(process_hash_key(), buf);
}

}  // namespace

std::uint64_t SpanSink::begin_resource() {
  resource_index_ = next_resource_++;
  resource_.clear();
  resource_seen_ = false;
  pending_.clear();
  return resource_index_;
}

void SpanSink::resource_read(const std::string& source_name, std::vector<std::string>& problems) {
  for (std::string& p : problems) {
    stats_.warn(source_name + ": resource r" + std::to_string(resource_index_) + ": " + p);
  }
  problems.clear();
  resource_seen_ = true;
}

void SpanSink::end_resource() {
  for (MappedEvent& late : pending_) {
    apply_late_resource(late, resource_);
    ++stats_.events;
    sink_.on_event(late.view());
  }
  pending_.clear();
}

SpanFields& SpanSink::begin_span(std::uint64_t scope_index, std::uint64_t span_index,
                                 std::uint64_t offset) {
  span_.clear();
  span_.resource_index = resource_index_;
  span_.scope_index = scope_index;
  span_.span_index = span_index;
  span_.offset = offset;
  ids_prepared_ = false;
  return span_;
}

void SpanSink::ids_read() {
  ids_prepared_ = !span_.trace_id.empty() && !span_.span_id.empty();
  if (ids_prepared_) prepared_ids_ = seen_.prepare(span_.trace_id, span_.span_id);
}

std::string SpanSink::where(const std::string& source_name) const {
  return source_name + ": span r" + std::to_string(span_.resource_index) + "-s" +
         std::to_string(span_.scope_index) + "-p" + std::to_string(span_.span_index) + " at byte " +
         std::to_string(span_.offset);
}

void SpanSink::finish_span(const std::string& source_name, std::vector<std::string>& problems) {
  ++stats_.records;
  for (std::string& p : problems) stats_.warn(where(source_name) + ": " + p);
  problems.clear();
  switch (map_span(span_, resource_, event_, warning_)) {
    case SkipReason::not_kvonce: ++stats_.not_kvonce; return;
    case SkipReason::missing_type: ++stats_.missing_type; return;
    case SkipReason::missing_key: ++stats_.missing_key; return;
    case SkipReason::bad_timestamp:
      ++stats_.bad_timestamp;
      stats_.warn(where(source_name) + ": " + warning_ + "; span skipped");
      return;
    case SkipReason::none: break;
  }
  if (!span_.trace_id.empty() && !span_.span_id.empty()) {
    const Hash128 content = event_fingerprint(event_, fingerprint_buf_);
    const auto sighting = ids_prepared_
                              ? seen_.insert_prepared(prepared_ids_, content, span_.offset)
                              : seen_.insert(span_.trace_id, span_.span_id, content, span_.offset);
    if (sighting.seen == SpanIdentitySet::Seen::same) {
      ++stats_.duplicates;
      return;
    }
    if (sighting.seen == SpanIdentitySet::Seen::different) {
      stats_.warn(where(source_name) + ": shares traceId " + span_.trace_id.substr(0, 64) +
                  " and spanId " + span_.span_id.substr(0, 32) + " with the span at byte " +
                  std::to_string(sighting.first_offset) + " " + std::string(kSharedIdsWarning) +
                  "; both are kept as events");
    }
  }
  if (!resource_seen_ || !pending_.empty()) {
    pending_.push_back(event_);
    return;
  }
  ++stats_.events;
  sink_.on_event(event_.view());
}

}  // namespace kvonce::otlp
