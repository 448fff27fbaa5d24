// Deterministic shards: `--shard I/N` keeps the payloads whose source name hashes to I.
//
// The hash is the first 8 bytes of the SHA-256 of the source name (big-endian) modulo N, so the
// share of a payload depends on its name alone: not on the listing order, the other inputs, the
// machine or the number of jobs. Every payload thus lands in exactly one of the N shards,
// provided every shard is given the same INPUT arguments (the names are compared as written).
// I is 0-based, like Kubernetes' JOB_COMPLETION_INDEX: the shards of N are 0/N ... (N-1)/N.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kvonce::batch {

struct Shard {
  std::uint32_t index = 0;  // 0-based
  std::uint32_t count = 1;
  std::string str() const { return std::to_string(index) + "/" + std::to_string(count); }
};

inline constexpr std::uint32_t kMaxShards = 100'000;

// Parses "I/N". Error(usage) unless both are decimal integers with 1 <= N <= kMaxShards and
// 0 <= I < N; the message shows the valid range.
Shard parse_shard(std::string_view text);

// First 8 bytes of SHA-256(source), big-endian.
std::uint64_t source_hash(std::string_view source);

bool in_shard(std::string_view source, const Shard& shard);

}  // namespace kvonce::batch
