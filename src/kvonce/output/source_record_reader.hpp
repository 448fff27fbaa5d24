// Reading a source record (source_record.hpp) inside a larger JSON document: the "derivedFrom"
// member of an output set. Apart from source_record.hpp so that the headers most code includes
// do not bring the namespace kvonce::json next to nlohmann's `json`.
#pragma once

#include "kvonce/json/reader.hpp"
#include "kvonce/output/source_record.hpp"

namespace kvonce::output {

// A record as the next JSON value of `reader`; the reader's error (Error(input) naming the byte)
// when it is not one. Unknown members are skipped.
SourceRecord read_source_record(json::Reader& reader);

}  // namespace kvonce::output
