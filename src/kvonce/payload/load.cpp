#include "kvonce/payload/load.hpp"

#include "kvonce/ndjson/reader.hpp"
#include "kvonce/otlp/reader.hpp"
#include "kvonce/payload/framing.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::payload {
namespace {

// The reader for JSON text: the format asked for, or under auto OTLP when the text mentions
// OTLP's members (with or without the resourceSpans wrapper) or is a back-end's response, NDJSON
// events otherwise.
Format json_format(Format requested, std::string_view head, otlp::Envelope envelope) {
  if (requested != Format::autodetect) return requested;
  return envelope != otlp::Envelope::none || looks_like_otlp_json(head) ? Format::otlp
                                                                        : Format::ndjson;
}

Format protobuf_format(Format requested, const std::string& name) {
  if (requested == Format::ndjson) {
    fail(ErrorKind::input, name +
                               ": --format ndjson, but the input is OTLP protobuf (use "
                               "--format otlp or auto)");
  }
  return Format::otlp;
}

otlp::Envelope read_json(io::ByteSource& source, Format format, const io::ReadLimits& limits,
                         otlp::Converter& converter, EventSink& sink, ReadStats& stats) {
  if (format == Format::otlp) return converter.read(source, limits);
  ndjson::read_events(source, limits, sink, stats);
  return otlp::Envelope::none;
}

void read_records(io::ByteSource& source, Format requested, const io::ReadLimits& limits,
                  otlp::Converter& converter, EventSink& sink, ReadStats& stats,
                  InputSummary& summary) {
  bool first = true;
  summary.records = read_framed(source, limits, [&](const FramedRecord& record) {
    // The Collector writes OTLP records: under auto a JSON record is OTLP/JSON.
    const Format format = record.encoding == Encoding::protobuf
                              ? protobuf_format(requested, record.message->name())
                              : (requested == Format::ndjson ? Format::ndjson : Format::otlp);
    if (first) {
      summary.format = format;
      summary.encoding = record.encoding;
      summary.record_compression =
          record.compressed ? io::Compression::zstd : io::Compression::none;
      first = false;
    }
    if (record.encoding == Encoding::protobuf) {
      converter.read_protobuf(*record.message, limits, record.compressed ? 0 : record.offset);
    } else {
      read_json(*record.message, format, limits, converter, sink, stats);
    }
  });
}

// A gRPC body's messages are ExportTraceServiceRequests: OTLP protobuf, whatever their number.
void read_grpc_body(io::ByteSource& source, Format requested, const io::ReadLimits& limits,
                    otlp::Converter& converter, InputSummary& summary) {
  summary.format = protobuf_format(requested, summary.name);
  summary.envelope = otlp::Envelope::grpc_body;
  bool first = true;
  summary.records = read_grpc(source, limits, [&](const GrpcMessage& message) {
    if (first) summary.record_compression = message.compression;
    first = false;
    const bool compressed = message.compression != io::Compression::none;
    converter.read_protobuf(*message.message, limits, compressed ? 0 : message.offset);
  });
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

std::string describe_form(const InputSummary& in) {
  std::string out;
  if (in.info.compression != io::Compression::none) {
    out += std::string(io::content_encoding(in.info.compression)) + " ";
  }
  if (in.framing == Framing::length_prefixed) {
    out += std::to_string(in.records) + " length-prefixed ";
    out += in.record_compression == io::Compression::zstd ? "zstd " : "";
    out += in.encoding == Encoding::protobuf ? "protobuf" : "JSON";
    out += in.records == 1 ? " record" : " records";
    return out;
  }
  if (in.framing == Framing::grpc) {
    out += otlp::describe(in.envelope);
    out += " (" + std::to_string(in.records) + " OTLP protobuf message";
    out += in.records == 1 ? "" : "s";
    if (in.record_compression != io::Compression::none) {
      out += std::string(", ") + io::content_encoding(in.record_compression);
    }
    return out + ")";
  }
  if (in.empty) return out + "empty input";
  if (in.format == Format::ndjson) return out + "NDJSON events";
  const char* otlp = in.encoding == Encoding::protobuf ? "OTLP protobuf" : "OTLP/JSON";
  if (in.envelope == otlp::Envelope::none) return out + otlp;
  return out + otlp::describe(in.envelope) + " (" + otlp + ")";
}

std::string form_json(const InputSummary& in) {
  std::string out = "{\"compression\":\"";
  out += in.info.compression == io::Compression::none ? "none"
                                                      : io::content_encoding(in.info.compression);
  out += "\",\"framing\":\"";
  out += to_string(in.framing);
  out += "\",\"encoding\":\"";
  out += to_string(in.encoding);
  out += "\"";
  if (in.framing != Framing::stream || in.encoding == Encoding::protobuf) {
    out += ",\"records\":" + std::to_string(in.records);
  }
  if (in.record_compression != io::Compression::none) {
    out += ",\"recordCompression\":\"" + std::string(io::content_encoding(in.record_compression)) +
           "\"";
  }
  if (in.envelope != otlp::Envelope::none) {
    out += ",\"envelope\":\"" + std::string(otlp::to_string(in.envelope)) + "\"";
  }
  return out + "}";
}

std::string describe_read(const LoadResult& load) {
  std::string out;
  bool otlp = false;
  for (const InputSummary& in : load.inputs) {
    out += out.empty() ? "" : " + ";
    out += describe_form(in);
    otlp = otlp || in.format == Format::otlp;
  }
  const std::uint64_t n = load.stats.records;
  out += ", " + std::to_string(n) + (otlp ? (n == 1 ? " span" : " spans") : " records");
  return out;
}

std::string why_no_events(const ReadStats& s) {
  if (s.records == 0) return "nothing to read";
  if (s.missing_type == 0 && s.missing_key == 0 && s.bad_timestamp == 0 && s.duplicates == 0) {
    return "none with kvonce.event.type";
  }
  std::string out;
  auto add = [&](std::uint64_t count, const char* what) {
    if (count == 0) return;
    out += out.empty() ? "" : ", ";
    out += std::to_string(count) + " " + what;
  };
  add(s.not_kvonce, "without kvonce.event.type or kvonce.event.key");
  add(s.missing_type, "without kvonce.event.type");
  add(s.missing_key, "without kvonce.event.key");
  add(s.bad_timestamp, "with a missing or invalid start time");
  add(s.duplicates, "exported twice");
  return out;
}

LoadResult load_events(std::vector<std::unique_ptr<io::ByteSource>> inputs, Format format,
                       const io::ReadLimits& limits, EventSink& sink, bool accept_partial) {
  LoadResult result;
  otlp::Converter converter(sink, result.stats);  // shared: de-duplication spans all inputs
  converter.accept_partial(accept_partial);
  result.inputs.reserve(inputs.size());
  for (auto& raw : inputs) {
    InputSummary& summary = result.inputs.emplace_back();
    summary.name = raw->name();
    auto source = io::open_payload(std::move(raw), limits, summary.info);
    const std::string head = peek_prefix(source, kDetectBytes);
    const Detected detected = detect_content(head, summary.name);
    summary.framing = detected.framing;
    summary.encoding = detected.encoding;
    summary.empty = detected.empty;
    if (detected.framing == Framing::grpc) {
      read_grpc_body(*source, format, limits, converter, summary);
    } else if (detected.framing == Framing::length_prefixed) {
      read_records(*source, format, limits, converter, sink, result.stats, summary);
    } else if (detected.encoding == Encoding::protobuf) {
      summary.format = protobuf_format(format, summary.name);
      summary.records = 1;
      summary.envelope = detected.envelope;
      converter.read_protobuf(*source, limits, 0, detected.envelope);
    } else {
      summary.format = json_format(format, head, detected.envelope);
      summary.envelope = read_json(*source, summary.format, limits, converter, sink, result.stats);
    }
  }
  return result;
}

LoadResult load_files(const std::vector<std::string>& paths, Format format,
                      const io::ReadLimits& limits, EventSink& sink, bool accept_partial) {
  std::vector<std::unique_ptr<io::ByteSource>> inputs;
  for (const auto& path : paths) inputs.push_back(io::open_file(path));
  return load_events(std::move(inputs), format, limits, sink, accept_partial);
}

}  // namespace kvonce::payload
