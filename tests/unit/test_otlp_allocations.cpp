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
#include <cstdlib>
#include <new>
#include <string>

#include <catch2/catch.hpp>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/otlp/reader.hpp"

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

std::uint64_t allocations_reading(std::size_t spans) {
  const std::string text = payload(spans);
  NullSink sink;
  kvonce::ReadStats stats;
  kvonce::otlp::Converter converter(sink, stats);
  auto source = kvonce::io::from_memory(text, "p.json");
  const std::uint64_t before = allocations.load();
  converter.read(*source, {});
  const std::uint64_t used = allocations.load() - before;
  REQUIRE(sink.events == spans);
  return used;
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
#endif
