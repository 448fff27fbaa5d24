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
  std::uint32_t number = 0, count = 0;
  const bool parsed = slash != std::string_view::npos && parse_u32(text.substr(0, slash), number) &&
                      parse_u32(text.substr(slash + 1), count);
  if (!parsed || count == 0 || count > kMaxShards || number == 0 || number > count) {
    std::string hint =
        "expected I/N with N from 1 to " + std::to_string(kMaxShards) + " and I from 1 to N";
    if (parsed && number == 0 && count > 0 && count <= kMaxShards) {
      hint += " (shards count from 1: the first of " + std::to_string(count) + " is 1/" +
              std::to_string(count) + ", the last " + std::to_string(count) + "/" +
              std::to_string(count) + ")";
    }
    fail(ErrorKind::usage, "--shard '" + std::string(text) + "': " + hint);
  }
  return Shard{number - 1, count};
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
