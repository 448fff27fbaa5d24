#include "support/test_support.hpp"

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "kvonce/payload/load.hpp"
#include "kvonce/util/time.hpp"

#include "cli/app.hpp"

namespace kvonce::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  path_ =
      fs::temp_directory_path() / ("kvonce-test-" + std::to_string(rd()) + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::vector<std::string> TempDir::files() const {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(path_)) {
    if (!e.is_directory()) out.push_back(fs::relative(e.path(), path_).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

std::string read_file(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE(f.good());
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::vector<std::string> read_lines(const fs::path& path) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string test_data(const std::string& name) {
  return std::string(KVONCE_TEST_DATA) + "/" + name;
}

std::string raw_attr(const std::string& key, const std::string& any_value_json) {
  return "{\"key\":\"" + key + "\",\"value\":" + any_value_json + "}";
}
std::string str_attr(const std::string& key, const std::string& value) {
  return raw_attr(key, "{\"stringValue\":\"" + value + "\"}");
}
std::string int_attr(const std::string& key, long long value) {
  return raw_attr(key, "{\"intValue\":\"" + std::to_string(value) + "\"}");
}

std::string span_json(unsigned long long start_ns, const std::vector<std::string>& attrs,
                      const std::string& trace_id, const std::string& span_id) {
  std::string out = "{";
  if (!trace_id.empty()) out += "\"traceId\":\"" + trace_id + "\",";
  if (!span_id.empty()) out += "\"spanId\":\"" + span_id + "\",";
  out +=
      "\"name\":\"op\",\"startTimeUnixNano\":\"" + std::to_string(start_ns) + "\",\"attributes\":[";
  for (std::size_t i = 0; i < attrs.size(); ++i) out += (i ? "," : "") + attrs[i];
  return out + "]}";
}

std::string otlp_doc(const std::vector<std::string>& spans,
                     const std::vector<std::string>& resource_attrs) {
  std::string out = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[";
  for (std::size_t i = 0; i < resource_attrs.size(); ++i) out += (i ? "," : "") + resource_attrs[i];
  out += "]},\"scopeSpans\":[{\"scope\":{\"name\":\"t\"},\"spans\":[";
  for (std::size_t i = 0; i < spans.size(); ++i) out += (i ? "," : "") + spans[i];
  return out + "]}]}]}";
}

std::string kv_span(unsigned long long start_ns, const std::string& type, const std::string& key,
                    const std::string& extra_attrs_json) {
  std::vector<std::string> attrs{str_attr("kvonce.event.type", type),
                                 str_attr("kvonce.event.key", key)};
  if (!extra_attrs_json.empty()) attrs.push_back(extra_attrs_json);
  return span_json(start_ns, attrs);
}

namespace {

CliResult run_in_process(std::vector<std::string> args, std::map<std::string, std::string> env,
                         bool terminals) {
  args.insert(args.begin(), "kvonce-trace");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  cli::Host host = cli::process_host(out, err);
  host.env = environment_from(std::move(env));
  // Whatever runs the tests, the streams are terminals only when a test says so.
  host.is_terminal = [terminals](int) { return terminals; };
  const int code = cli::run(static_cast<int>(argv.size()), argv.data(), host);
  return {code, out.str(), err.str()};
}

}  // namespace

CliResult run_cli(std::vector<std::string> args, std::map<std::string, std::string> env) {
  return run_in_process(std::move(args), std::move(env), false);
}

CliResult run_cli_tty(std::vector<std::string> args, std::map<std::string, std::string> env) {
  return run_in_process(std::move(args), std::move(env), true);
}

std::chrono::system_clock::time_point instant(const std::string& iso) {
  const auto nanos = parse_iso_nanos(iso);
  if (!nanos) throw std::invalid_argument("not an ISO 8601 time: " + iso);
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(*nanos)));
}

EventStore load_otlp(const std::string& json) {
  EventStore store;
  std::vector<std::unique_ptr<io::ByteSource>> in;
  in.push_back(io::from_memory(json, "test.json"));
  payload::load_events(std::move(in), payload::Format::otlp, {}, store);
  return store;
}

EventStore load_ndjson(const std::string& text) {
  EventStore store;
  std::vector<std::unique_ptr<io::ByteSource>> in;
  in.push_back(io::from_memory(text, "test.ndjson"));
  payload::load_events(std::move(in), payload::Format::ndjson, {}, store);
  return store;
}

}  // namespace kvonce::test
