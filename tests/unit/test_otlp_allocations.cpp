// Reading OTLP/JSON allocates nothing per span or attribute once its buffers are sized: ids are
// normalised in place, times and attribute names go into reused strings, a kvlist context
// decodes into per-depth scratch. Counted with a replaced global operator new, which sanitizer
// builds keep for themselves: there the case is not compiled.
#if defined(__SANITIZE_ADDRESS__)
#define KVONCE_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define KVONCE_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef KVONCE_COUNT_ALLOCATIONS
#define KVONCE_COUNT_ALLOCATIONS 1
#endif

#if KVONCE_COUNT_ALLOCATIONS
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include <catch2/catch.hpp>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/otlp/reader.hpp"

#include "support/proto_writer.hpp"

namespace {
std::atomic<std::uint64_t> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

class NullSink final : public kvonce::EventSink {
 public:
  void on_event(const kvonce::EventView&) override { ++events; }
  std::uint64_t events = 0;
};

// Spans as exporters write them: hex ids, string times, ten attributes of which the mapping
// reads five (one a kvlistValue context), long attribute names and values.
std::string payload(std::size_t spans) {
  std::string out = R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name",)"
                    R"("value":{"stringValue":"checkout-service-instance"}}]},"scopeSpans":[)"
                    R"({"spans":[)";
  for (std::size_t i = 0; i < spans; ++i) {
    char ids[64];
    std::snprintf(ids, sizeof ids, "%032zx\",\"spanId\":\"%016zx", i + 1, i + 1);
    if (i > 0) out += ",";
    out += R"({"traceId":")" + std::string(ids) + R"(","startTimeUnixNano":")" +
           std::to_string(1700000000000000000ull + i) + R"(","endTimeUnixNano":")" +
           std::to_string(1700000000000500000ull + i) + R"(","attributes":[)" +
           R"({"key":"http.request.method","value":{"stringValue":"POST"}},)" +
           R"({"key":"http.response.status_code","value":{"intValue":"200"}},)" +
           R"({"key":"net.peer.name.for.this.request","value":{"stringValue":"db-primary-01"}},)" +
           R"({"key":"kvonce.event.type","value":{"stringValue":"success"}},)" +
           R"({"key":"kvonce.event.key","value":{"stringValue":"order-)" + std::to_string(i) +
           R"(-idempotency-key"}},)" +
           R"({"key":"kvonce.event.value","value":{"stringValue":"a value longer than sso"}},)" +
           R"({"key":"kvonce.event.actor","value":{"stringValue":"worker-pool-member-7"}},)" +
           R"({"key":"kvonce.event.context","value":{"kvlistValue":{"values":[)" +
           R"({"key":"attempts_of_this_operation","value":{"intValue":"1"}},)" +
           R"({"key":"region_of_the_worker","value":{"stringValue":"europe-west-4b"}}]}}},)" +
           R"({"key":"thread.name","value":{"stringValue":"worker-thread-number-12"}},)" +
           R"({"key":"code.function","value":{"stringValue":"submit_order_with_retries"}}]})";
  }
  return out + "]}]}]}";
}

// The same spans as OTLP protobuf (a TracesData).
std::string protobuf_payload(std::size_t spans) {
  namespace pb = kvonce::test::pb;
  std::string scope;
  for (std::size_t i = 0; i < spans; ++i) {
    char trace[16] = {}, span[8] = {};
    std::memcpy(trace + 8, &i, sizeof i);
    std::memcpy(span, &i, sizeof i);
    trace[0] = span[7] = 1;  // never all zero
    const std::string context =
        pb::len(6, pb::len(1, pb::attr("attempts_of_this_operation", pb::uint(3, 1))) +
                       pb::len(1, pb::str_attr("region_of_the_worker", "europe-west-4b")));
    scope += pb::len(
        2, pb::len(1, std::string_view(trace, 16)) + pb::len(2, std::string_view(span, 8)) +
               pb::fixed64(7, 1700000000000000000ull + i) +
               pb::fixed64(8, 1700000000000500000ull + i) +
               pb::span_attr(pb::str_attr("http.request.method", "POST")) +
               pb::span_attr(pb::attr("http.response.status_code", pb::uint(3, 200))) +
               pb::span_attr(pb::str_attr("kvonce.event.type", "success")) +
               pb::span_attr(pb::str_attr("kvonce.event.key",
                                          "order-" + std::to_string(i) + "-idempotency-key")) +
               pb::span_attr(pb::str_attr("kvonce.event.value", "a value longer than sso")) +
               pb::span_attr(pb::str_attr("kvonce.event.actor", "worker-pool-member-7")) +
               pb::span_attr(pb::attr("kvonce.event.context", context)) +
               pb::span_attr(pb::str_attr("code.function", "submit_order_with_retries")));
  }
  return pb::resource_spans(pb::len(1, pb::str_attr("service.name", "checkout-service-instance")),
                            scope);
}

// Allocations made while `read` reads `bytes` (holding `spans` KvOnce spans) into a sink.
template <typename Read>
std::uint64_t allocations_while(const std::string& bytes, std::size_t spans, Read read) {
  NullSink sink;
  kvonce::ReadStats stats;
  kvonce::otlp::Converter converter(sink, stats);
  auto source = kvonce::io::from_memory(bytes, "p");
  const std::uint64_t before = allocations.load();
  read(converter, *source);
  const std::uint64_t used = allocations.load() - before;
  REQUIRE(sink.events == spans);
  return used;
}

std::uint64_t allocations_reading_protobuf(std::size_t spans) {
  return allocations_while(protobuf_payload(spans), spans, [](auto& converter, auto& source) {
    converter.read_protobuf(source, {});
  });
}

std::uint64_t allocations_reading(std::size_t spans) {
  return allocations_while(payload(spans), spans,
                           [](auto& converter, auto& source) { converter.read(source, {}); });
}

}  // namespace

TEST_CASE("otlp reader: no allocation per span or attribute") {
  allocations_reading(50);  // sizes per-thread scratch once
  const std::uint64_t few = allocations_reading(200);
  const std::uint64_t many = allocations_reading(4200);
  // What remains grows with the log of the spans (the de-duplication table doubling), not with
  // them: 4,000 more spans of ten attributes may add a few dozen allocations, not thousands.
  INFO("200 spans: " << few << " allocations, 4200 spans: " << many);
  CHECK(many - few < 100);
}

TEST_CASE("otlp protobuf reader: no allocation per span or attribute") {
  allocations_reading_protobuf(50);
  const std::uint64_t few = allocations_reading_protobuf(200);
  const std::uint64_t many = allocations_reading_protobuf(4200);
  INFO("200 spans: " << few << " allocations, 4200 spans: " << many);
  CHECK(many - few < 100);
}
#endif
