// Helpers shared by the unit tests: temporary directories, files, OTLP builders, CLI runs.
#pragma once

#include <chrono>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kvonce/event/event_store.hpp"

namespace kvonce::test {

// A fresh directory under the system temp dir, removed when the test passes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  // Every file below the directory (relative names), to prove nothing partial is left.
  std::vector<std::string> files() const;

 private:
  std::filesystem::path path_;
};

void write_file(const std::filesystem::path& path, const std::string& bytes);
std::string read_file(const std::filesystem::path& path);
std::vector<std::string> read_lines(const std::filesystem::path& path);
std::string test_data(const std::string& name);  // path of a file in tests/data

// An OTLP attribute {"key":k,"value":{"stringValue":v}} and friends.
std::string str_attr(const std::string& key, const std::string& value);
std::string int_attr(const std::string& key, long long value);
std::string raw_attr(const std::string& key, const std::string& any_value_json);

// A span with the given start time (ns) and attributes (already JSON).
std::string span_json(unsigned long long start_ns, const std::vector<std::string>& attrs,
                      const std::string& trace_id = "", const std::string& span_id = "");
// {"resourceSpans":[{"resource":{"attributes":[...]},"scopeSpans":[{"spans":[...]}]}]}
std::string otlp_doc(const std::vector<std::string>& spans,
                     const std::vector<std::string>& resource_attrs = {});

// A KvOnce span: type, key, optional value and context (JSON AnyValue or empty).
std::string kv_span(unsigned long long start_ns, const std::string& type, const std::string& key,
                    const std::string& extra_attrs_json = "");

// Runs the CLI in-process with only `env` as its environment (never the process's own, so a
// developer's KVONCE_* variables or a real $GITHUB_STEP_SUMMARY cannot reach a test) and the
// real libcurl transport.
struct CliResult {
  int exit_code;
  std::string out, err;
};
CliResult run_cli(std::vector<std::string> args, std::map<std::string, std::string> env = {});
// The same with stdout and stderr taken for terminals (colour on unless the options say no).
CliResult run_cli_tty(std::vector<std::string> args, std::map<std::string, std::string> env = {});

// The instant of an ISO 8601 UTC text ("2026-01-02T03:04:05.678Z"), for a fixed clock.
std::chrono::system_clock::time_point instant(const std::string& iso);

// Loads OTLP text into a store (no ordering).
EventStore load_otlp(const std::string& json);
EventStore load_ndjson(const std::string& text);

}  // namespace kvonce::test
