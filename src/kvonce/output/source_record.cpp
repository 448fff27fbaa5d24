#include "kvonce/output/source_record.hpp"

#include <system_error>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/json/reader.hpp"
#include "kvonce/output/source_record_reader.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::output {
namespace {

std::string string_of(json::Reader& r, std::string_view member) {
  if (r.peek() != json::Kind::string) r.error("\"" + std::string(member) + "\" is not a string");
  return std::string(r.string());
}

std::vector<std::string> strings_of(json::Reader& r, std::string_view member) {
  if (r.peek() != json::Kind::array) r.error("\"" + std::string(member) + "\" is not an array");
  std::vector<std::string> out;
  r.begin_array();
  while (r.next_element()) out.push_back(string_of(r, member));
  return out;
}

MaskingRecord read_masking(json::Reader& r) {
  if (r.peek() != json::Kind::object) r.error("\"masking\" is not an object");
  MaskingRecord m;
  r.begin_object();
  std::string_view name;
  while (r.next_member(name)) {
    if (name == "values") {
      if (r.peek() != json::Kind::boolean) r.error("\"values\" is not a boolean");
      m.values = r.boolean();
    } else if (name == "contextMembers") {
      m.context_members = strings_of(r, "contextMembers");
    } else if (name == "keyEnv" && r.peek() == json::Kind::null) {
      r.null();
    } else if (name == "keyEnv") {
      m.key_env = string_of(r, "keyEnv");
    } else {
      r.skip();
    }
  }
  return m;
}

void append_strings(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + json_quote(items[i]);
  out += ']';
}

}  // namespace

std::filesystem::path source_record_path(const std::filesystem::path& output) {
  return std::filesystem::path(output.string() + kSourceRecordSuffix);
}

void append_source_record(std::string& out, const SourceRecord& record) {
  out += "{\"payloadSha256\":" + json_quote(record.payload_sha256) + ",\"inputSha256\":";
  append_strings(out, record.input_sha256s);
  out += ",\"outputSha256\":" + json_quote(record.output_sha256);
  out += ",\"order\":" + json_quote(record.order);
  out += ",\"masking\":{\"values\":";
  out += record.masking.values ? "true" : "false";
  out += ",\"contextMembers\":";
  append_strings(out, record.masking.context_members);
  out += ",\"keyEnv\":" + (record.masking.key_env ? json_quote(*record.masking.key_env) : "null");
  out += "}";
  if (!record.partial.empty()) {
    out += ",\"partial\":";
    append_strings(out, record.partial);
  }
  out += "}";
}

SourceRecord read_source_record(json::Reader& r) {
  if (r.peek() != json::Kind::object) r.error("a source record is not an object");
  SourceRecord record;
  r.begin_object();
  std::string_view name;
  while (r.next_member(name)) {
    if (name == "payloadSha256")
      record.payload_sha256 = string_of(r, name);
    else if (name == "inputSha256")
      record.input_sha256s = strings_of(r, "inputSha256");
    else if (name == "outputSha256")
      record.output_sha256 = string_of(r, name);
    else if (name == "order")
      record.order = string_of(r, name);
    else if (name == "masking")
      record.masking = read_masking(r);
    else if (name == "partial")
      record.partial = strings_of(r, "partial");
    else
      r.skip();
  }
  return record;
}

std::optional<SourceRecord> read_source_record(const std::filesystem::path& output) {
  const std::filesystem::path path = source_record_path(output);
  std::error_code ec;
  // A record holds a handful of digests: anything larger (or not a regular file) is not one.
  constexpr std::uintmax_t kMaxBytes = 64u << 10;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxBytes) return std::nullopt;
  try {
    auto source = io::open_file(path.string());
    io::ReadLimits limits;
    limits.max_decompressed_bytes = kMaxBytes;
    limits.max_string_bytes = kMaxBytes;
    limits.max_depth = 8;
    json::Reader reader(*source, limits);
    if (!reader.next_document()) return std::nullopt;
    SourceRecord record = read_source_record(reader);
    if (record.output_sha256.empty()) return std::nullopt;
    return record;
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace kvonce::output
