#include "kvonce/payload/load.hpp"

#include "kvonce/ndjson/reader.hpp"
#include "kvonce/otlp/reader.hpp"

namespace kvonce::payload {
namespace {

constexpr std::size_t kSniffBytes = 64 * 1024;

Format sniff(std::unique_ptr<io::ByteSource>& source) {
  const std::string head = peek_prefix(source, kSniffBytes);
  const bool otlp = head.find("\"resourceSpans\"") != std::string::npos ||
                    head.find("\"resource_spans\"") != std::string::npos;
  return otlp ? Format::otlp : Format::ndjson;
}

}  // namespace

const char* to_string(Format format) {
  switch (format) {
    case Format::otlp: return "otlp";
    case Format::ndjson: return "ndjson";
    case Format::autodetect: return "auto";
  }
  return "?";
}

LoadResult load_events(std::vector<std::unique_ptr<io::ByteSource>> inputs, Format format,
                       const io::ReadLimits& limits, EventSink& sink) {
  LoadResult result;
  otlp::Converter converter(sink, result.stats);  // shared: de-duplication spans all inputs
  result.inputs.reserve(inputs.size());
  for (auto& raw : inputs) {
    InputSummary& summary = result.inputs.emplace_back();
    summary.name = raw->name();
    auto source = io::open_payload(std::move(raw), limits, summary.info);
    summary.format = format == Format::autodetect ? sniff(source) : format;
    if (summary.format == Format::otlp) {
      converter.read(*source, limits);
    } else {
      ndjson::read_events(*source, limits, sink, result.stats);
    }
  }
  return result;
}

LoadResult load_files(const std::vector<std::string>& paths, Format format,
                      const io::ReadLimits& limits, EventSink& sink) {
  std::vector<std::unique_ptr<io::ByteSource>> inputs;
  for (const auto& path : paths) inputs.push_back(io::open_file(path));
  return load_events(std::move(inputs), format, limits, sink);
}

}  // namespace kvonce::payload
