// The file names payloads are stored under: the one table that knows them. Only where a name is
// all there is to go on (a directory walk, an object listing, the files of an artifact) is it
// asked; how a payload is read is always decided by its content (detect.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace kvonce::payload {

// Who picks payloads by name (a bit set): batch's directory walks and object listings, and
// fetch's choice among the files of a directory or an artifact.
enum class Picker : std::uint8_t { none = 0, batch = 1, fetch = 2, both = 3 };

constexpr bool picked_by(Picker pickers, Picker picker) {
  return (static_cast<unsigned>(pickers) & static_cast<unsigned>(picker)) != 0;
}

struct PayloadExtension {
  std::string_view suffix;  // ".json"
  std::string_view holds;   // what it usually holds
  Picker plain;             // who picks "name.json"
  Picker gzipped;           // who picks it with gzip's suffix after it: "name.json.gz"
};

// Protobuf payloads are .pb or .binpb (never .proto: that is protobuf's schema source), and .zst
// covers the Collector file exporter's zstd files whatever their inner extension.
inline constexpr std::array<PayloadExtension, 6> kPayloadExtensions = {{
    {".json", "OTLP JSON, a trace back-end's JSON response, or NDJSON", Picker::both, Picker::both},
    {".jsonl", "NDJSON", Picker::both, Picker::both},
    {".ndjson", "NDJSON", Picker::fetch, Picker::fetch},
    {".pb", "OTLP protobuf or a Tempo TraceByIDResponse", Picker::both, Picker::both},
    {".binpb", "OTLP protobuf or a Tempo TraceByIDResponse", Picker::both, Picker::both},
    {".zst", "zstd-compressed payloads of any encoding", Picker::both, Picker::none},
}};

// Whether `picker` takes a file or object named `name` for a payload. batch compares names as
// they are and skips a bare suffix (a hidden ".json"); fetch ignores case.
bool is_payload_name(std::string_view name, Picker picker);

// The names `picker` takes, for help texts: "*.json, *.json.gz, ... and *.zst".
std::string name_patterns(Picker picker);

}  // namespace kvonce::payload
