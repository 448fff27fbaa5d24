// kvonce-gen: writes a deterministic OTLP/JSON payload for benchmarks and scale tests.
//
//   kvonce-gen --spans 150000 --keys 10000 --jsonl --gzip -o payload.jsonl.gz
//   kvonce-gen --bytes-target 1000000000 --keys 100000 --jsonl -o big.jsonl
//   kvonce-gen --spans 150000 --keys 10000 --encoding proto --compression zstd -o payload.pb.zst
//
// With --invalid-rate 0 the payload conforms to the KvOnce rules (verify exits 0); with a rate
// above 0 that fraction of keys breaks one rule each (verify exits 1).
#include <cstdint>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>

#include "kvonce/util/error.hpp"

#include "payload_generator.hpp"

namespace {

int generate_main(int argc, char** argv) {
  using namespace kvonce::bench;
  CLI::App app{
      "Writes a deterministic OTLP/JSON trace payload like the Collector's file exporter "
      "output.",
      "kvonce-gen"};
  GenOptions o;
  std::optional<std::uint64_t> bytes_target;
  std::string output = "-";
  bool gzip = false;
  std::string encoding = "json", compression = "none";
  app.add_option("--spans", o.spans, "Number of spans (= KvOnce events)")->capture_default_str();
  app.add_option("--keys", o.keys, "Number of distinct keys (at most --spans)")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "Seed: the same options and seed give the same bytes")
      ->capture_default_str();
  app.add_option("--invalid-rate", o.invalid_rate,
                 "Fraction of keys that break one rule (duplicate before success, 4 retries, "
                 "wrong attempts, missing context, two successes, no value)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_flag("--jsonl", o.jsonl, "One document per line (JSON Lines), as the file exporter");
  app.add_option("--spans-per-document", o.spans_per_document,
                 "Spans per batch: per line with --jsonl, per resourceSpans element otherwise")
      ->capture_default_str();
  app.add_option("--bytes-target", bytes_target,
                 "Choose the number of spans that makes about this many (uncompressed) bytes")
      ->excludes("--spans");
  app.add_flag("--gzip", gzip, "Compress the output (one gzip member, streamed)");
  app.add_option("--encoding", encoding, "json, or proto (OTLP protobuf, a TracesData message)")
      ->check(CLI::IsMember({"json", "proto"}))
      ->capture_default_str();
  app.add_option("--compression", compression,
                 "none, gzip (as --gzip), or zstd (a frame per 1 MiB written)")
      ->check(CLI::IsMember({"none", "gzip", "zstd"}))
      ->capture_default_str();
  app.add_option("-o,--output", output, "Output file; - for standard output")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(kvonce::ExitCode::usage);
  }

  o.proto = encoding == "proto";
  gzip = gzip || compression == "gzip";
  if (bytes_target) o.spans = spans_for_bytes(o, *bytes_target);
  std::unique_ptr<ByteSink> sink = file_sink(output);
  if (gzip) sink = gzip_sink(std::move(sink));
  if (compression == "zstd") sink = zstd_sink(std::move(sink));
  const GenSummary s = generate(o, *sink);
  sink->finish();
  std::cerr << "kvonce-gen: " << s.spans << " spans, " << s.keys << " keys (" << s.invalid_keys
            << " with a violation), " << s.documents << " document(s), " << s.bytes << " bytes"
            << (gzip                    ? " before gzip"
                : compression == "zstd" ? " before zstd"
                                        : "")
            << " -> " << output << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return generate_main(argc, argv);
  } catch (const kvonce::Error& e) {
    std::cerr << "kvonce-gen: " << kvonce::to_string(e.kind()) << ": " << e.what() << "\n";
    return static_cast<int>(kvonce::exit_code_for(e.kind()));
  } catch (const std::exception& e) {
    std::cerr << "kvonce-gen: " << e.what() << "\n";
    return static_cast<int>(kvonce::ExitCode::internal);
  }
}
