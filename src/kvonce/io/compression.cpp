#include "kvonce/io/compression.hpp"

namespace kvonce::io {
namespace {

unsigned byte_at(std::string_view s, std::size_t i) {
  return static_cast<unsigned char>(s[i]);
}

bool is_zstd_frame(std::string_view h) {
  return h.size() >= 4 && byte_at(h, 0) == 0x28 && byte_at(h, 1) == 0xb5 && byte_at(h, 2) == 0x2f &&
         byte_at(h, 3) == 0xfd;
}

// Skippable frames carry the magic 0x184D2A50..0x184D2A5F, little-endian.
bool is_zstd_skippable(std::string_view h) {
  return h.size() >= 4 && (byte_at(h, 0) & 0xf0) == 0x50 && byte_at(h, 1) == 0x2a &&
         byte_at(h, 2) == 0x4d && byte_at(h, 3) == 0x18;
}

}  // namespace

Compression sniff_compression(std::string_view head) {
  if (head.size() >= 2 && byte_at(head, 0) == 0x1f && byte_at(head, 1) == 0x8b) {
    return Compression::gzip;
  }
  if (is_zstd_frame(head) || is_zstd_skippable(head)) return Compression::zstd;
  return Compression::none;
}

const char* content_encoding(Compression compression) {
  switch (compression) {
    case Compression::gzip: return "gzip";
    case Compression::zstd: return "zstd";
    case Compression::none: break;
  }
  return "identity";
}

std::string describe_start(std::string_view head) {
  if (head.empty()) return "is empty";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "starts with";
  for (std::size_t i = 0; i < head.size() && i < 4; ++i) {
    const unsigned b = byte_at(head, i);
    out += " 0x";
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

}  // namespace kvonce::io
