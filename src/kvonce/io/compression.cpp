#include "kvonce/io/compression.hpp"

namespace kvonce::io {
namespace {

unsigned byte_at(std::string_view s, std::size_t i) {
  return static_cast<unsigned char>(s[i]);
}

bool starts_with(std::string_view head, const Magic& magic) {
  if (magic.bytes.empty() || head.size() < magic.bytes.size()) return false;
  if ((byte_at(head, 0) & magic.first_mask) != byte_at(magic.bytes, 0)) return false;
  return head.substr(1, magic.bytes.size() - 1) == magic.bytes.substr(1);
}

}  // namespace

const CompressionRow& row_of(Compression compression) {
  for (const CompressionRow& row : kCompressionTable) {
    if (row.compression == compression) return row;
  }
  return kCompressionTable.back();
}

Compression sniff_compression(std::string_view head) {
  for (const CompressionRow& row : kCompressionTable) {
    for (const Magic& magic : row.magic) {
      if (starts_with(head, magic)) return row.compression;
    }
  }
  return Compression::none;
}

const char* content_encoding(Compression compression) {
  return row_of(compression).encoding.data();  // literals: NUL-terminated
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
