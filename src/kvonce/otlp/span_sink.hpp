// What the OTLP/JSON and OTLP protobuf readers share once a span has been decoded: resource
// numbering, spans that wait for a late resource, the span -> event mapping, de-duplication of
// spans exported twice, and the counts and warnings of ReadStats. Each reader only walks its
// encoding and fills SpanFields / AttributeSet.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/event/event.hpp"
#include "kvonce/event/read_stats.hpp"
#include "kvonce/otlp/span_fields.hpp"
#include "kvonce/otlp/span_identity.hpp"

namespace kvonce::otlp {

// The words of the warning about two different spans under one pair of ids; reports find it by
// them, to show it beside the verdict.
inline constexpr std::string_view kSharedIdsWarning = "but maps to a different event";

class SpanSink {
 public:
  SpanSink(EventSink& sink, ReadStats& stats) : sink_(sink), stats_(stats) {}

  ReadStats& stats() { return stats_; }

  // Starts a ResourceSpans: its attributes are cleared and its index (r<N> in messages) returned.
  std::uint64_t begin_resource();
  // The resource's attributes, to be filled by the reader; then resource_read().
  AttributeSet& resource() { return resource_; }
  // The resource has been read; `problems` become warnings located at the resource.
  void resource_read(const std::string& source_name, std::vector<std::string>& problems);
  // Ends the ResourceSpans: spans that waited for a resource are emitted.
  void end_resource();

  // Clears and returns the span to fill; its indexes and byte offset locate messages.
  SpanFields& begin_span(std::uint64_t scope_index, std::uint64_t span_index, std::uint64_t offset);
  // Maps the span filled since begin_span(); `problems` (attribute values that had to be
  // dropped) become warnings located at the span. Cleared on return.
  void finish_span(const std::string& source_name, std::vector<std::string>& problems);
  // The span's ids were (re)assigned: a reader that calls this after every change of them lets
  // the look-up of the ids in the table of spans already read start early.
  void ids_read();

 private:
  std::string where(const std::string& source_name) const;

  EventSink& sink_;
  ReadStats& stats_;
  SpanIdentitySet seen_;
  std::uint64_t next_resource_ = 0, resource_index_ = 0;
  AttributeSet resource_;
  bool resource_seen_ = false;
  std::vector<MappedEvent> pending_;  // spans read before their resource
  // Reused per span so that buffers keep their capacity.
  SpanFields span_;
  MappedEvent event_;
  std::string warning_;
  std::string fingerprint_buf_;
  Hash128 prepared_ids_;  // the fingerprint of span_'s ids, when ids_prepared_
  bool ids_prepared_ = false;
};

}  // namespace kvonce::otlp
