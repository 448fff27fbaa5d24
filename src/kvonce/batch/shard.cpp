#include "kvonce/batch/shard.hpp"

#include <charconv>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::batch {
namespace {

bool parse_u32(std::string_view text, std::uint32_t& out) {
  if (text.empty() || text.size() > 9) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Shard parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  Shard shard;
  const bool parsed = slash != std::string_view::npos &&
                      parse_u32(text.substr(0, slash), shard.index) &&
                      parse_u32(text.substr(slash + 1), shard.count);
  if (!parsed || shard.count == 0 || shard.count > kMaxShards || shard.index >= shard.count) {
    std::string hint = "expected I/N with N from 1 to " + std::to_string(kMaxShards) +
                       " and a 0-based I from 0 to N-1";
    if (parsed && shard.count > 0 && shard.index == shard.count) {
      hint += " (I is 0-based: the last shard of " + std::to_string(shard.count) + " is " +
              std::to_string(shard.count - 1) + "/" + std::to_string(shard.count) + ")";
    }
    fail(ErrorKind::usage, "--shard '" + std::string(text) + "': " + hint);
  }
  return shard;
}

std::uint64_t source_hash(std::string_view source) {
  const std::string digest = crypto::sha256_raw(source);
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i)
    value = (value << 8) | static_cast<unsigned char>(digest[static_cast<std::size_t>(i)]);
  return value;
}

bool in_shard(std::string_view source, const Shard& shard) {
  return source_hash(source) % shard.count == shard.index;
}

}  // namespace kvonce::batch
