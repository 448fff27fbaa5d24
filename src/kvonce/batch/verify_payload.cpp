#include "kvonce/batch/verify_payload.hpp"

#include <chrono>
#include <new>

#include <nlohmann/json.hpp>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/io/hashed_input.hpp"
#include "kvonce/output/validation.hpp"
#include "kvonce/steps/verify.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::batch {
namespace {

// Reads, orders and checks; fills everything of `r` but the hash and the timing.
void check_payload(io::HashedInput& input, const PayloadOptions& options, PayloadResult& r) {
  EventStore store;
  std::vector<std::unique_ptr<io::ByteSource>> readers;
  readers.push_back(input.reader());
  payload::LoadResult load = payload::load_events(std::move(readers), options.format,
                                                  options.limits, store, options.accept_partial);
  r.partial = output::partial_warnings(load.stats);
  steps::order_events(store, options.order, options.rules.clock_skew_ns);
  r.events = store.size();

  rules::VerifyResult verdict;
  if (options.output_root) {
    steps::VerifyOptions vo;
    vo.output_dir = *options.output_root / safe_name(r.source);
    vo.order = options.order;
    vo.rules = options.rules;
    vo.max_output_bytes = options.max_output_bytes;
    // The set records the payload it came from: hash what the reader left first.
    input.drain();
    r.sha256 = input.finish_hex();
    vo.origin = output::SetOrigin{r.sha256, {r.sha256}, std::nullopt, std::nullopt};
    const steps::VerifyOutcome outcome = steps::verify_store(store, std::move(load), vo);
    verdict = outcome.result;
    r.keys = outcome.projection.keys;
    if (store.empty())
      r.error = PayloadError{"no_events", steps::no_events_message(outcome.load.stats)};
  } else if (store.empty()) {
    r.error = PayloadError{"no_events", steps::no_events_message(load.stats)};
  } else {
    verdict = rules::verify(store, steps::judging_rules(options.rules, options.order));
    r.keys = verdict.keys;
  }
  for (const rules::Issue& issue : verdict.issues) ++r.issue_counts[rules::to_string(issue.type)];
  if (!verdict.issues.empty()) {
    r.first_trace_id = verdict.issues.front().trace_id;
    r.first_span_id = verdict.issues.front().span_id;
  }
  r.valid = !r.error && verdict.valid();
}

// One judgedUnder member: its name and its value as compact JSON text.
template <typename T>
std::pair<const std::string, std::string> member(const char* name, const T& value) {
  return {name, nlohmann::json(value).dump()};
}

}  // namespace

JudgedUnder judged_under(const PayloadOptions& o) {
  JudgedUnder out{
      member("version", KVONCE_VERSION),
      member("profile", rules::to_string(o.rules.profile)),
      member("maxRetries", o.rules.max_retries),
      member("order", steps::to_string(o.order)),
      member("clockSkewNanos", o.rules.clock_skew_ns),
      member("format", payload::to_string(o.format)),
      member("maxDecompressedBytes", o.limits.max_decompressed_bytes),
      member("maxStringBytes", o.limits.max_string_bytes),
      member("maxDepth", o.limits.max_depth),
  };
  // Only when given: lines judged before the option existed stay alike to those judged without.
  if (o.accept_partial) out.insert(member("acceptPartial", true));
  return out;
}

std::string safe_name(std::string_view source) {
  std::string clean;
  for (const char c : source) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
    clean += keep ? c : '_';
  }
  if (clean.size() > 120) clean.erase(0, clean.size() - 120);
  return clean + "-" + crypto::sha256_hex(source).substr(0, 8);
}

PayloadResult verify_file(const std::string& source, const std::filesystem::path& file,
                          const PayloadOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  PayloadResult r;
  r.source = source;
  try {
    io::HashedInput input(io::open_file(file.string()), source);
    try {
      check_payload(input, options, r);
    } catch (const Error& e) {
      r = PayloadResult{source, {}, 0, 0, 0, false, {}, PayloadError{kind_name(e.kind()), e.what()},
                        0};
    } catch (const std::bad_alloc&) {
      r = PayloadResult{source,
                        {},
                        0,
                        0,
                        0,
                        false,
                        {},
                        PayloadError{kind_name(ErrorKind::limit),
                                     source + ": out of memory while verifying (fewer --jobs "
                                              "leave each payload more memory)"},
                        0};
    }
    input.drain();  // a reader may stop before the end, a failed one certainly did
    r.sha256 = input.finish_hex();
    r.bytes = input.bytes();
  } catch (const Error& e) {  // cannot be opened or read: no hash
    if (!r.error) r.error = PayloadError{kind_name(e.kind()), e.what()};
    r.valid = false;
    r.sha256.clear();
    r.bytes = 0;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.judged_under = judged_under(options);
  return r;
}

}  // namespace kvonce::batch
