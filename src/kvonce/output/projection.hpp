// The projection of the events onto the key store, as the replaced pipeline's projector wrote it:
// kvonce-projection.json (per-key aggregates and stats) and projected/kvonce-state-sequence.json
// (one entry per event). Both are linear in the number of events: a state-sequence entry holds
// the state of the key its event changed (under "store", keyed by that key, so readers of the old
// whole-store snapshots find their key where it was), not a copy of every key.
#pragma once

#include <chrono>
#include <filesystem>

#include "kvonce/event/event_store.hpp"
#include "kvonce/output/output_set.hpp"

namespace kvonce::output {

// A state-sequence entry holds a key's stored value (and last failure reason) as written up to
// this many bytes of JSON text; a longer one is written in full in the entry of the event that
// set it, and as {"sha256": <hex of the text>, "bytes": <its length>} in later entries.
inline constexpr std::size_t kMaxInlineStateBytes = 1024;

struct ProjectionStats {
  std::uint64_t events = 0, keys = 0, success = 0, retry = 0, failure = 0, unknown = 0;
};

// Writes both files into `set` (uncommitted, both finished), the state sequence first so that
// the projection records its digest; names are relative to the set's directory. `generated_at`
// is the projection's generatedAt.
ProjectionStats write_projection(const EventStore& events, OutputSet& set,
                                 const std::string& projection_name,
                                 const std::string& state_sequence_name,
                                 std::chrono::system_clock::time_point generated_at);

// The events file and the state sequence of a set written from a store with the same events
// (EventStore::same_events): the same bytes as those `events` would give.
struct EqualSet {
  OutputPath events;
  OutputPath state_sequence;
};

// The events file (`events_name`: one NDJSON line per event, as append_event_line writes it)
// and both files of the projection, into `set` in that order (uncommitted, all finished): one
// pass over the events writes the events file and the state sequence, whose entries hold the
// same lines. With `equal`, those two files are copied from it, with their recorded digests,
// where this process wrote them and they are unchanged (SetFile::copy_written), and formatted
// otherwise; the projection, which records when it was written, is always written.
ProjectionStats write_event_outputs(const EventStore& events, OutputSet& set,
                                    const std::string& events_name,
                                    const std::string& projection_name,
                                    const std::string& state_sequence_name,
                                    std::chrono::system_clock::time_point generated_at,
                                    const EqualSet* equal = nullptr);

// The events file alone (one NDJSON line per event, as write_event_outputs writes it), finished:
// run writes it ahead of the projection so that its ndjson mode can read it while the projection
// is written.
void write_event_lines(const EventStore& events, SetFile& file);

// The projection's key count (its uniqueKeys) without writing it: verify without an output
// directory still reports it, equal to what a run with one records.
std::uint64_t projection_key_count(const EventStore& events);

// The same as a set of its own, committed; `state_sequence_path` is recorded relative to the
// projection.
ProjectionStats write_projection(const EventStore& events,
                                 const std::filesystem::path& projection_path,
                                 const std::filesystem::path& state_sequence_path,
                                 std::chrono::system_clock::time_point generated_at);

}  // namespace kvonce::output
