#include "kvonce/otlp/span_fields.hpp"

#include <algorithm>
#include <cstring>

#include "kvonce/otlp/ids.hpp"
#include "kvonce/util/js_trim.hpp"
#include "kvonce/util/key_index.hpp"
#include "kvonce/util/same_text.hpp"
#include "kvonce/util/strings.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::otlp {
namespace {

constexpr std::string_view kFlatPrefix = "kvonce.event.context.";

// A string, number or boolean attribute as text, the way the JavaScript converter took a type,
// key, trace id or actor: a string trimmed by String.prototype.trim (NBSP, U+2028, U+3000 and
// U+FEFF too, not only ASCII), a number or boolean as String(value); anything else is absent.
std::string_view scalar_text(const AnyValue* v) {
  if (!v) return {};
  switch (v->kind) {
    case AnyValue::Kind::string: return js_trim(v->scalar);
    case AnyValue::Kind::boolean:
    case AnyValue::Kind::integer:
    case AnyValue::Kind::floating: return js_trim(v->scalar);  // a proto3 "NaN" string too
    default: return {};
  }
}

// The first non-blank scalar among `count` slots from `first`, on the span, then the resource;
// `from_resource` says where it was found.
std::string_view first_scalar(const AttributeSet& span, const AttributeSet& resource, Slot first,
                              std::size_t count, bool* from_resource = nullptr) {
  for (const AttributeSet* set : {&span, &resource}) {
    for (std::size_t i = 0; i < count; ++i) {
      const std::string_view text = scalar_text(set->get(static_cast<Slot>(first + i)));
      if (text.empty()) continue;
      if (from_resource) *from_resource = set == &resource;
      return text;
    }
  }
  return {};
}

// What each event keeps of an actor or trace id its resource gives. The resource is one copy
// for all its spans, but each event holds its own: a whole 16 MiB service.name in every one of
// 100 spans took 1.7 GB from a 17 KB payload. Names and ids are far shorter than the bound; a
// longer text keeps its first bytes (whole UTF-8 characters) and says how much was cut.
constexpr std::size_t kMaxResourceTextBytes = 256;

void assign_per_event(std::string& out, std::string_view text, bool from_resource) {
  if (!from_resource || text.size() <= kMaxResourceTextBytes) return (void)out.assign(text);
  std::size_t keep = kMaxResourceTextBytes;
  while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xc0) == 0x80) --keep;
  out.assign(text.substr(0, keep));
  out += "\u2026 (" + std::to_string(text.size() - keep) + " bytes cut)";
}

// A string holding a JSON object becomes that object (SDKs cannot set map attributes, so
// exporters serialise them); any other value is kept as it is.
void context_json(const AnyValue& v, std::string& out) {
  out.clear();
  if (v.kind == AnyValue::Kind::string) {
    const std::string_view text = trim(v.scalar);
    if (!text.empty() && text.front() == '{' && json::reformat_compact(text, out, {})) return;
    out.clear();
  }
  out = v.json;
}

// Adds the flattened kvonce.event.context.<name> attributes to the context object; names the
// context already holds keep their value.
void merge_flat_context(const AttributeSet& span, std::string& context) {
  if (span.flat_context.empty()) return;
  std::vector<std::string> existing;
  if (!context.empty()) {
    if (context.front() != '{') return;  // a scalar context cannot take members
    json::Reader r(context, {});
    r.begin_object();
    std::string_view name;
    while (r.next_member(name)) {
      existing.emplace_back(name);
      r.skip();
    }
    context.pop_back();  // reopen the object
  } else {
    context = "{";
  }
  // One keyed lookup per name: a scan of the names taken made a span with 120,000 of them take
  // seconds (quadratic), and the names are payload text.
  KeyIndex taken;
  for (const std::string& name : existing) taken.insert(name);
  for (const auto& [name, value] : span.flat_context) {
    if (!taken.insert(name).second) continue;
    if (context.size() > 1) context.push_back(',');
    append_json_string(context, name);
    context.push_back(':');
    context += value;
  }
  context.push_back('}');
}

}  // namespace

namespace {

struct SlotName {
  std::string_view name;
  Slot slot;
};

// The names, grouped by length: every attribute's name is looked up (ten per span), and most are
// not ours, so a name is compared only with the few of its length, without hashing it.
constexpr SlotName kSlotNames[] = {
    {"actor", kActor2},
    {"traceId", kTrace0},
    {"trace_id", kTrace1},
    {"enduser.id", kActor3},
    {"kvonce.actor", kActor1},
    {"service.name", kActor4},
    {"otel.trace_id", kTrace4},
    {"kvonce.traceId", kTrace2},
    {"kvonce.trace_id", kTrace3},
    {"kvonce.event.key", kKey},
    {"kvonce.event.type", kType},
    {"kvonce.event.value", kValue},
    {"kvonce.event.actor", kActor0},
    {"kvonce.event.reason", kReason},
    {"service.instance.id", kActor5},
    {"kvonce.event.context", kContext},
};
constexpr std::size_t kLongestSlotName = 20;
static_assert(
    [] {
      for (std::size_t i = 1; i < std::size(kSlotNames); ++i) {
        if (kSlotNames[i].name.size() < kSlotNames[i - 1].name.size()) return false;
      }
      return kSlotNames[std::size(kSlotNames) - 1].name.size() == kLongestSlotName;
    }(),
    "kSlotNames must be ordered by length");

// For each length, the first entry of kSlotNames of that length or longer.
constexpr auto kFirstOfLength = [] {
  std::array<std::uint8_t, kLongestSlotName + 2> first{};
  for (std::size_t len = 0; len < first.size(); ++len) {
    std::size_t i = 0;
    while (i < std::size(kSlotNames) && kSlotNames[i].name.size() < len) ++i;
    first[len] = static_cast<std::uint8_t>(i);
  }
  return first;
}();

}  // namespace

Slot slot_for(std::string_view name) {
  if (name.size() <= kLongestSlotName) {
    for (std::size_t i = kFirstOfLength[name.size()]; i < kFirstOfLength[name.size() + 1]; ++i) {
      if (same_text(kSlotNames[i].name.data(), name.data(), name.size())) return kSlotNames[i].slot;
    }
  }
  if (name.size() > kFlatPrefix.size() && name.substr(0, kFlatPrefix.size()) == kFlatPrefix) {
    return kFlatContext;
  }
  return kUnused;
}

void read_attributes(json::Reader& r, AttributeSet& out, std::vector<std::string>& problems) {
  if (r.peek() != json::Kind::array) return r.skip();
  r.begin_array();
  // Reused from call to call (one per span): a name past the short-string buffer, such as
  // "kvonce.event.type", allocated on every span.
  thread_local std::string name;
  while (r.next_element()) {
    if (r.peek() != json::Kind::object) {
      r.skip();
      continue;
    }
    // The value is decoded aside (out.scratch(), a different value after each one stored) and
    // becomes its slot's once the whole attribute is read: a "key" may follow the value, or come
    // twice (the last wins). Decoding straight into the slot of the first key marked another
    // slot present with stale or empty text (found by fuzzing).
    AnyValue& value = out.scratch();
    name.clear();
    bool have_name = false, have_value = false;
    Slot slot = kUnused;
    r.begin_object();
    std::string_view member;
    while (next_entry_member(r, member)) {
      if (member == "key" && r.peek() == json::Kind::string) {
        const std::string_view key = r.string();
        have_name = true;
        slot = slot_for(key);
        if (slot != kUnused) name.assign(key);  // most names are not ours: only looked at
      } else if (member == "value") {
        if (have_name && slot == kUnused) {
          r.skip();  // the hot path: most attributes are not ours
          have_value = false;
          continue;
        }
        // Text alone for a slot read as text; should another key follow, store_attribute
        // makes the JSON its slot reads.
        read_any_value(r, value, have_name && text_only(slot));
        have_value = true;
      } else {
        r.skip();
      }
    }
    if (!have_name || slot == kUnused) continue;
    if (!have_value) value.clear();  // no value member: the converter's undefined clears too
    store_attribute(out, name, slot, problems);
  }
}

void store_attribute(AttributeSet& out, const std::string& name, Slot slot,
                     std::vector<std::string>& problems) {
  if (slot == kUnused) return;
  AnyValue& value = out.scratch();
  if (value.kind == AnyValue::Kind::absent) {
    if (!value.problem.empty()) problems.push_back("attribute " + name + ": " + value.problem);
    if (slot < kSlotCount) out.present &= ~(1u << slot);  // a later empty value clears
    return;
  }
  if (!text_only(slot)) make_json(value);  // read as text alone for another slot's name
  if (slot == kFlatContext) {
    out.flat_context.emplace_back(name.substr(kFlatPrefix.size()), value.json);
  } else {
    out.take_scratch(slot);
  }
}

void SpanFields::clear() {
  trace_id.clear();
  span_id.clear();
  start_time.clear();
  end_time.clear();
  start_ns.reset();
  end_ns.reset();
  has_start_time = start_time_invalid = has_end_time = false;
  attributes.clear();
}

EventView MappedEvent::view() const {
  EventView v;
  v.time_ns = time_ns;
  v.ended = ended;
  v.end_ns = end_ns;
  v.trace_id = trace_id;
  v.span_id = span_id;
  v.actor = actor;
  v.type = type;
  v.key = key;
  if (has_value) v.value = value;
  if (has_reason) v.reason = reason;
  if (has_context) v.context = context;
  return v;
}

namespace {

void assign_trace_id(MappedEvent& e, const SpanFields& span, const AttributeSet& resource) {
  e.trace_id = span.trace_id;
  if (e.trace_id.empty()) {
    bool from_resource = false;
    std::string id;
    normalize_id(first_scalar(span.attributes, resource, kTrace0, kTraceSlots, &from_resource), 16,
                 id);
    assign_per_event(e.trace_id, id, from_resource);
  }
  e.trace_id_generated = e.trace_id.empty();
  if (e.trace_id_generated) {
    e.trace_id = "otlp-missing-traceid-r" + std::to_string(span.resource_index) + "-s" +
                 std::to_string(span.scope_index) + "-p" + std::to_string(span.span_index);
  }
}

void assign_actor(MappedEvent& e, const AttributeSet& span, const AttributeSet& resource) {
  bool from_resource = false;
  const std::string_view actor = first_scalar(span, resource, kActor0, kActorSlots, &from_resource);
  e.actor_defaulted = actor.empty();
  assign_per_event(e.actor, actor.empty() ? std::string_view("unknown") : actor, from_resource);
}

void assign_json(const AnyValue* v, std::string& out, bool& has) {
  has = v != nullptr;
  if (v) out.assign(v->json);
}

}  // namespace

SkipReason map_span(const SpanFields& span, const AttributeSet& resource, MappedEvent& e,
                    std::string& warning) {
  const AttributeSet& attrs = span.attributes;
  const std::string_view type = scalar_text(attrs.get(kType));
  const std::string_view key = scalar_text(attrs.get(kKey));
  if (type.empty() && key.empty()) return SkipReason::not_kvonce;
  if (type.empty()) return SkipReason::missing_type;
  if (key.empty()) return SkipReason::missing_key;

  const std::optional<std::uint64_t> time = span.start_ns         ? span.start_ns
                                            : span.has_start_time ? parse_u64(trim(span.start_time))
                                                                  : std::nullopt;
  if (!time) {
    warning = span.has_start_time ? "startTimeUnixNano \"" + span.start_time.substr(0, 40) +
                                        "\" is not an unsigned 64-bit integer"
              : span.start_time_invalid ? "startTimeUnixNano is neither a string nor a number"
                                        : "startTimeUnixNano is missing";
    return SkipReason::bad_timestamp;
  }
  e.time_ns = *time;
  // An end that is absent, zero, unreadable or before the start leaves a point at the start.
  const std::optional<std::uint64_t> end = span.end_ns         ? span.end_ns
                                           : span.has_end_time ? parse_u64(trim(span.end_time))
                                                               : std::nullopt;
  e.ended = end && *end != 0 && *end >= *time;
  e.end_ns = e.ended ? *end : 0;
  e.type.assign(type);
  e.key.assign(key);
  assign_trace_id(e, span, resource);
  e.span_id = span.span_id;
  assign_actor(e, attrs, resource);
  assign_json(attrs.get(kValue), e.value, e.has_value);
  assign_json(attrs.get(kReason), e.reason, e.has_reason);
  e.context.clear();
  if (const AnyValue* c = attrs.get(kContext)) context_json(*c, e.context);
  merge_flat_context(attrs, e.context);
  e.has_context = !e.context.empty();
  return SkipReason::none;
}

void apply_late_resource(MappedEvent& e, const AttributeSet& resource) {
  static const AttributeSet kNone;
  if (e.trace_id_generated) {
    std::string id;
    normalize_id(first_scalar(kNone, resource, kTrace0, kTraceSlots), 16, id);
    if (!id.empty()) assign_per_event(e.trace_id, id, true);
  }
  if (e.actor_defaulted) assign_actor(e, kNone, resource);
}

}  // namespace kvonce::otlp
