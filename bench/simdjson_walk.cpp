// The benchmark's reference line (bench/run.sh): a simdjson On-Demand walk of an OTLP/JSON
// payload (one document, or JSON Lines) that visits every span and reads every attribute's key,
// as fast as this machine parses JSON. Like simdjson's own examples it loads the whole file into
// memory first (kvonce-trace streams it). Built only when simdjson is installed (Debian
// libsimdjson-dev); nothing else needs it.
//   kvonce-simdjson-walk FILE
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include <simdjson.h>

namespace {

struct Counts {
  std::uint64_t documents = 0, spans = 0, keys = 0, key_bytes = 0;
};

void walk_document(simdjson::ondemand::object root, Counts& counts) {
  ++counts.documents;
  for (simdjson::ondemand::object resource : root["resourceSpans"].get_array()) {
    for (simdjson::ondemand::object scope : resource["scopeSpans"].get_array()) {
      for (simdjson::ondemand::object span : scope["spans"].get_array()) {
        ++counts.spans;
        for (simdjson::ondemand::object attribute : span["attributes"].get_array()) {
          const std::string_view key = attribute["key"].get_string();
          ++counts.keys;
          counts.key_bytes += key.size();
        }
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: kvonce-simdjson-walk FILE\n");
    return 3;
  }
  try {
    const simdjson::padded_string json = simdjson::padded_string::load(argv[1]);
    simdjson::ondemand::parser parser;
    // One batch holds the largest document: a payload that is one document is one batch.
    const std::size_t batch = std::max<std::size_t>(json.size(), 1u << 20);
    simdjson::ondemand::document_stream documents = parser.iterate_many(json, batch);
    Counts counts;
    for (auto document : documents) walk_document(document.get_object(), counts);
    std::printf("%llu documents, %llu spans, %llu attribute keys (%llu bytes)\n",
                static_cast<unsigned long long>(counts.documents),
                static_cast<unsigned long long>(counts.spans),
                static_cast<unsigned long long>(counts.keys),
                static_cast<unsigned long long>(counts.key_bytes));
    return 0;
  } catch (const simdjson::simdjson_error& e) {
    std::fprintf(stderr, "kvonce-simdjson-walk: %s: %s\n", argv[1], e.what());
    return 4;
  }
}
