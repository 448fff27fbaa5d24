#include "payload_generator.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "kvonce/util/error.hpp"

#include "payload_plan.hpp"
#include "payload_text.hpp"

namespace kvonce::bench {
namespace {

constexpr std::uint64_t kStartNs = 1'760'000'000'000'000'000ULL;
constexpr std::size_t kFlushBytes = 1 << 20;

std::uint64_t digits_of(std::uint64_t v) {
  std::uint64_t d = 1;
  while (v >= 10) v /= 10, ++d;
  return d;
}

void check(const GenOptions& o) {
  if (o.keys == 0) fail(ErrorKind::usage, "--keys must be at least 1");
  if (o.spans < o.keys) {
    fail(ErrorKind::usage, "--spans (" + std::to_string(o.spans) + ") must be at least --keys (" +
                               std::to_string(o.keys) + "): every key needs a success span");
  }
  if (!(o.invalid_rate >= 0 && o.invalid_rate <= 1)) {
    fail(ErrorKind::usage, "--invalid-rate must be between 0 and 1");
  }
  if (o.spans_per_document == 0) fail(ErrorKind::usage, "--spans-per-document must be at least 1");
}

// Keys are zero-padded to the width of the largest key number, at least 6 digits, so payloads
// with 100 and 1,000,000 keys have spans of the same size.
GenSummary write_payload(const GenOptions& o, std::uint64_t key_digits, ByteSink& sink) {
  check(o);
  Schedule schedule(PlanOptions{o.spans, o.keys, o.seed, o.invalid_rate});
  const SpanText style{mix64(o.seed ^ 0x73616C74ULL), key_digits};
  Rng clock(mix64(o.seed + 0x636C6F636BULL));
  GenSummary sum;
  sum.spans = o.spans;
  sum.keys = o.keys;

  std::string buf;
  buf.reserve(kFlushBytes + 64 * 1024);
  auto flush = [&] {
    sum.bytes += buf.size();
    sink.write(buf);
    buf.clear();
  };
  std::uint64_t now = kStartNs;
  PlannedEvent event;
  if (o.proto) {
    std::string span, batch;
    for (std::uint64_t index = 0; schedule.next(event); ++index) {
      now += 20'000 + clock.below(980'000);
      span.clear();
      append_span_proto(span, style, event, index, now);
      append_len_field(batch, 2, span);
      if ((index + 1) % o.spans_per_document == 0 || index + 1 == o.spans) {
        append_resource_proto(buf, sum.documents++, batch);
        batch.clear();
      }
      if (buf.size() >= kFlushBytes) flush();
    }
    flush();
    sum.invalid_keys = schedule.invalid_keys();
    sum.documents = 1;
    return sum;
  }
  if (!o.jsonl) buf += "{\"resourceSpans\":[";
  for (std::uint64_t index = 0; schedule.next(event); ++index) {
    const std::uint64_t in_doc = index % o.spans_per_document;
    if (in_doc == 0) {
      if (o.jsonl)
        buf += "{\"resourceSpans\":[";
      else if (index != 0)
        buf += ',';
      append_resource_open(buf, sum.documents++);
    } else {
      buf += ',';
    }
    now += 20'000 + clock.below(980'000);  // 20 us .. 1 ms between span starts
    append_span(buf, style, event, index, now);
    if (in_doc + 1 == o.spans_per_document || index + 1 == o.spans) {
      append_resource_close(buf);
      if (o.jsonl) buf += "]}\n";
    }
    if (buf.size() >= kFlushBytes) flush();
  }
  if (!o.jsonl) buf += "]}\n";
  flush();
  sum.invalid_keys = schedule.invalid_keys();
  if (!o.jsonl) sum.documents = 1;
  return sum;
}

std::uint64_t key_digits_for(std::uint64_t keys) {
  return std::max<std::uint64_t>(6, digits_of(keys == 0 ? 0 : keys - 1));
}

}  // namespace

GenSummary generate(const GenOptions& options, ByteSink& sink) {
  return write_payload(options, key_digits_for(options.keys), sink);
}

std::uint64_t spans_for_bytes(const GenOptions& options, std::uint64_t bytes) {
  constexpr std::uint64_t kSample = 8192;
  double estimate = static_cast<double>(bytes) / 650;  // refined below
  for (int round = 0; round < 2; ++round) {
    GenOptions sample = options;
    sample.spans = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(estimate), 1, kSample);
    // Same spans per key as the full payload, so the mix of event types is the same.
    const double keys = std::round(static_cast<double>(sample.spans) *
                                   static_cast<double>(options.keys) / std::max(estimate, 1.0));
    sample.keys = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(keys), 1, sample.spans);
    CountingSink counter;
    const GenSummary s = write_payload(sample, key_digits_for(options.keys), counter);
    estimate = static_cast<double>(bytes) * static_cast<double>(s.spans) /
               static_cast<double>(counter.bytes());
  }
  const auto spans = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(estimate)));
  if (spans < options.keys) {
    fail(ErrorKind::usage, "--bytes-target " + std::to_string(bytes) + " holds about " +
                               std::to_string(spans) + " spans, fewer than --keys (" +
                               std::to_string(options.keys) + ")");
  }
  return spans;
}

}  // namespace kvonce::bench
