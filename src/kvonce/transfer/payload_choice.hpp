// Which file of an artifact (a directory actions/download-artifact left, or the zip archive the
// API serves) is the payload: shared by the local directory source and the zip extraction.
#pragma once

#include <string>
#include <vector>

namespace kvonce::transfer {

// How deep find_payload_in_directory looks; the "no payload file" message names it.
inline constexpr int kMaxDirectoryDepth = 4;

// Chooses the payload among `names` (relative paths, '/'-separated): kvonce-otlp-payload.json
// or .json.gz, else kvonce-otlp.json or .json.gz (matched on the file name at any depth), else
// the only file that looks like a payload (the names payload/file_names.hpp gives fetch: .json,
// .ndjson, .jsonl, .pb, .binpb, optionally .gz, or any .zst; the metadata file is not one).
// Error(input) listing the candidates when more than one fits, or when none does; `where` names the
// directory or archive in the message, and the message says how to pick one in that kind of
// container.
enum class PayloadContainer { directory, archive };
std::string choose_payload(const std::vector<std::string>& names, const std::string& where,
                           PayloadContainer container = PayloadContainer::directory);

}  // namespace kvonce::transfer
