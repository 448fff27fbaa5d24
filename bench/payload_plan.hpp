// What a generated benchmark payload says: which key each span is about, in which order.
//
// Every key follows a KvOnce script: optional retries 1..3 (attempts i), one success (attempts
// retries+1), then duplicate failures for the rest of its share of the spans, as a write-once
// store answers later writes. A chosen fraction of keys breaks one rule instead. Keys are
// interleaved: a window of active keys is kept and each span comes from a random one of them, so
// a key's events are spread over time while their order stays the script's. Only the window is
// held in memory, never the spans, so any payload size streams.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace kvonce::bench {

// splitmix64: tiny, fast and the same sequence on every platform (unlike std distributions).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  std::uint64_t below(std::uint64_t n);  // uniform in [0, n); n > 0
  double unit();                         // uniform in [0, 1)

 private:
  std::uint64_t state_;
};

// A bijective 64-bit mix: distinct inputs give distinct outputs (unique span ids for free).
std::uint64_t mix64(std::uint64_t x);

// The rule a key breaks (none for a conforming key).
enum class Violation : std::uint8_t {
  none,
  duplicate_before_success,       // failure "duplicate" before the success
  retry_bound_exceeded,           // 4 retries
  retry_attempt_out_of_sequence,  // the first retry carries attempts 2
  success_attempt_mismatch,       // success carries retries+2
  success_context_missing,        // success without attempts
  multiple_success,               // two successes
  success_without_value,          // success without a value
};
inline constexpr std::size_t kViolationKinds = 7;

enum class EventType : std::uint8_t { retry, success, failure };

// One span's KvOnce content.
struct PlannedEvent {
  EventType type = EventType::success;
  std::uint64_t key = 0;      // key number, 0-based
  std::int64_t attempts = 0;  // the context's attempts; < 0: the span carries no context
  bool with_value = false;    // success carries kvonce.event.value
  std::uint64_t trace = 0;    // trace number: the attempts of one write share it
};

struct PlanOptions {
  std::uint64_t spans = 0;
  std::uint64_t keys = 0;  // 1 <= keys <= spans
  std::uint64_t seed = 1;
  double invalid_rate = 0;   // fraction of keys given a violation
  std::size_t window = 256;  // keys active at once
};

class Schedule {
 public:
  explicit Schedule(const PlanOptions& options);
  // The next span's event; false once every span has been planned.
  bool next(PlannedEvent& out);
  std::uint64_t invalid_keys() const { return invalid_keys_; }

 private:
  static constexpr std::size_t kMaxHead = 8;
  struct Active {
    std::array<PlannedEvent, kMaxHead> head;  // the scripted start of the key's sequence
    std::size_t head_size = 0, pos = 0;
    std::uint64_t tail = 0;  // duplicate failures left after the head
    std::uint64_t key = 0;
  };

  std::uint64_t share_of(std::uint64_t key) const;
  void activate(Active& slot, std::uint64_t key);
  Violation pick_violation(std::uint64_t count);
  std::int64_t pick_retries(std::int64_t most);

  PlanOptions options_;
  Rng rng_;
  std::vector<Active> active_;
  std::uint64_t next_key_ = 0, next_trace_ = 0, invalid_keys_ = 0;
};

}  // namespace kvonce::bench
