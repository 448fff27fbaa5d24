// The OpenTelemetry Collector file exporter's length-prefixed framing (`format: proto`, and the
// legacy layout of `compression: zstd`): records of a 4-byte big-endian length followed by one
// message, OTLP/JSON or OTLP protobuf, each optionally zstd-compressed on its own. Also gRPC
// request bodies (an OTLP exporter's `Export` call as saved from the wire): messages of a 1-byte
// compressed flag and a 4-byte big-endian length.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/io/compression.hpp"
#include "kvonce/payload/detect.hpp"

namespace kvonce::payload {

struct FramedRecord {
  std::uint64_t index = 0;   // 0-based
  std::uint64_t offset = 0;  // byte offset of the message (after its length prefix)
  bool compressed = false;   // zstd-compressed on its own
  Encoding encoding = Encoding::json;
  io::ByteSource* message = nullptr;  // the (decompressed) message, named for messages; valid
                                      // during the call only
};

// Reads every record of `source` and hands each message to `on_record` as a stream: a record is
// read as the reader asks for it and decompressed as it goes, never held whole, and nothing is
// allocated from the announced length. Errors (input) name the record and byte offset: a
// truncated length or message (found when the reader reaches the end of the file). A record
// longer than, or decompressing to more than, limits.max_decompressed_bytes is Error(limit).
// Returns the number of records.
std::uint64_t read_framed(io::ByteSource& source, const io::ReadLimits& limits,
                          const std::function<void(const FramedRecord&)>& on_record);

// One message of a gRPC request body: a 1-byte compressed flag, a 4-byte big-endian length, then
// the message (an ExportTraceServiceRequest).
struct GrpcMessage {
  std::uint64_t index = 0;   // 0-based
  std::uint64_t offset = 0;  // byte offset of the message (after its 5-byte prefix)
  io::Compression compression = io::Compression::none;  // flag 1: gzip or zstd, by its magic
  io::ByteSource* message = nullptr;  // the (decompressed) message; valid during the call only
};

// Reads every message of a gRPC body as read_framed reads records: streamed, decompressed as it
// goes, nothing allocated from an announced length. A flag other than 0 or 1, a truncated prefix
// or message (Error(input), naming the message and byte offset) and a compressed message that is
// neither gzip nor zstd ("a gRPC message compressed with an encoding other than gzip or zstd")
// are refused. Returns the number of messages.
std::uint64_t read_grpc(io::ByteSource& source, const io::ReadLimits& limits,
                        const std::function<void(const GrpcMessage&)>& on_message);

// Frames messages as the Collector writes them (tests, the benchmark generator).
std::string frame_record(std::string_view message);

// Frames one gRPC message (tests); `compressed` sets the flag, the message is passed as given.
std::string frame_grpc(std::string_view message, bool compressed = false);

}  // namespace kvonce::payload
