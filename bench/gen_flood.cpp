// kvonce-gen-flood: a hash-flooding payload, for measuring what it costs.
//
//   kvonce-gen-flood --keys 65536 --bits 17 -o flood.json.gz
//
// One OTLP/JSON document, gzip, with one conforming success per key; every key's std::hash value
// shares its low --bits bits, so a table indexed by unkeyed std::hash with up to 2^bits slots
// probes one ever-longer chain. Finding the keys takes about keys * 2^bits hash evaluations
// (a minute or so for the defaults; 65,536 keys need a table of 2^17 slots).
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "kvonce/util/error.hpp"

#include "payload_sink.hpp"
#include "support/colliding_keys.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Writes a gzip OTLP/JSON payload whose keys collide in std::hash.",
               "kvonce-gen-flood"};
  std::size_t keys = 65536;
  int bits = 17;
  std::string output = "flood.json.gz";
  app.add_option("--keys", keys, "Number of keys (one success each)")->capture_default_str();
  app.add_option("--bits", bits, "Low bits of std::hash the keys share")
      ->check(CLI::Range(1, 40))
      ->capture_default_str();
  app.add_option("-o,--output", output, "Output file")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto sink = kvonce::bench::gzip_sink(kvonce::bench::file_sink(output));
  std::string out = R"({"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"spans":[)";
  std::uint64_t n = 0;
  for (const std::string& key : kvonce::test::keys_colliding_in_std_hash(keys, bits)) {
    out += n ? ",\n" : "\n";
    out += R"({"traceId":"5b8efff798038103d269b633813fc60c","spanId":")";
    char span_id[17];
    std::snprintf(span_id, sizeof span_id, "%016llx", static_cast<unsigned long long>(n + 1));
    out += span_id;
    out += R"(","name":"kvonce.write","startTimeUnixNano":")" +
           std::to_string(1760000000000000000ULL + n * 1000000) + R"(","attributes":[)";
    out += R"({"key":"kvonce.event.type","value":{"stringValue":"success"}},)";
    out += R"({"key":"kvonce.event.key","value":{"stringValue":")" + key + R"("}},)";
    out += R"({"key":"kvonce.event.value","value":{"stringValue":"v"}},)";
    out +=
        R"({"key":"kvonce.event.context","value":{"kvlistValue":{"values":[{"key":"attempts","value":{"intValue":"1"}}]}}}]})";
    if (out.size() > (1u << 20)) {
      sink->write(out);
      out.clear();
    }
    ++n;
  }
  out += "\n]}]}]}\n";
  sink->write(out);
  sink->finish();
  std::cerr << "kvonce-gen-flood: " << n << " keys sharing the low " << bits
            << " bits of std::hash -> " << output << "\n";
  return 0;
}
