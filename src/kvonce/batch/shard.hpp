// Deterministic shards: `--shard I/N` keeps the payloads whose source name hashes to shard I.
//
// The hash is the first 8 bytes of the SHA-256 of the source name (big-endian) modulo N (= I - 1
// for shard I), so the
// share of a payload depends on its name alone: not on the listing order, the other inputs, the
// machine or the number of jobs. Every payload thus lands in exactly one of the N shards,
// provided every shard is given the same INPUT arguments (the names are compared as written).
// I counts from 1, as the test runners users already shard with do (Playwright, Jest, Vitest,
// cargo-nextest): the shards of N are 1/N ... N/N.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kvonce::batch {

struct Shard {
  std::uint32_t index = 0;  // 0-based: shard I/N has index I - 1
  std::uint32_t count = 1;
  // As the user writes it: "I/N", I from 1.
  std::string str() const { return std::to_string(index + 1) + "/" + std::to_string(count); }
};

inline constexpr std::uint32_t kMaxShards = 100'000;

// Parses "I/N". Error(usage) unless both are decimal integers with 1 <= N <= kMaxShards and
// 1 <= I <= N; the message shows the valid range (and, for 0/N, that I counts from 1).
Shard parse_shard(std::string_view text);

// First 8 bytes of SHA-256(source), big-endian.
std::uint64_t source_hash(std::string_view source);

bool in_shard(std::string_view source, const Shard& shard);

}  // namespace kvonce::batch
