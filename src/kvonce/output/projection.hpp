// The projection of the events onto the key store, as the replaced pipeline's projector wrote it:
// kvonce-projection.json (per-key aggregates and stats) and projected/kvonce-state-sequence.json
// (one entry per event). Both are linear in the number of events: a state-sequence entry holds
// the state of the key its event changed (under "store", keyed by that key, so readers of the old
// whole-store snapshots find their key where it was), not a copy of every key.
#pragma once

#include <filesystem>

#include "kvonce/event/event_store.hpp"

namespace kvonce::output {

struct ProjectionStats {
  std::uint64_t events = 0, keys = 0, success = 0, retry = 0, failure = 0, unknown = 0;
};

// Writes both files atomically; `state_sequence_path` is recorded relative to the projection.
ProjectionStats write_projection(const EventStore& events,
                                 const std::filesystem::path& projection_path,
                                 const std::filesystem::path& state_sequence_path);

}  // namespace kvonce::output
