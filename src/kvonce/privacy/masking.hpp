// Masking of personal data as events are read (--mask-values, --mask-attr, --mask-key-env).
//
// A MaskingSink sits between a payload reader and whatever stores or writes events, so no stored
// event, output file, summary or message ever holds a raw value. A masked value is the JSON
// string "hmac-sha256:<64 hex digits>": HMAC-SHA256 over the value's compact JSON text, so equal
// values stay equal (the rules and projections still compare them) while the text is gone.
//
// The key is 32 random bytes that live in memory for one run only (masks are unlinkable across
// runs), or the content of an environment variable (--mask-key-env) when masks must be stable
// across runs. The key is never printed, logged or written.
//
// What is masked:
//   - `value` (with MaskOptions::values): any JSON value except null; an absent value stays
//     absent and null stays null, so success-without-value judges the same with or without masks;
//   - the top-level members of `context` named in MaskOptions::context_members, when the context
//     is an object or a JSON string holding an object (which stays a string, so both rule
//     profiles read it as before). Nested members and other context shapes are left unchanged.
// A value that already is a mask ("hmac-sha256:" and 64 lower-case hex digits) is kept as it is:
// masking is idempotent, so re-reading a masked NDJSON file (as `run` does in ndjson mode) keeps
// the values it holds.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/event/event.hpp"
#include "kvonce/util/environment.hpp"

namespace kvonce::privacy {

struct MaskOptions {
  bool values = false;                       // mask every event's value
  std::vector<std::string> context_members;  // top-level context members to mask
  std::optional<std::string> key_env;        // name of the variable holding the key
  Environment environment = process_environment();
  // The resolved key, shared so that several loads of one run mask identically; set by
  // resolve_key(). Never printed or written.
  std::shared_ptr<const std::string> key;

  bool enabled() const { return values || !context_members.empty(); }
};

// Smallest key accepted from the environment: a shorter key makes the masks easy to brute-force.
inline constexpr std::size_t kMinKeyBytes = 16;
inline constexpr std::size_t kRandomKeyBytes = 32;

// Returns `options` with `key` set, unless masking is off or the key is already set: from the
// variable named by key_env, else kRandomKeyBytes random bytes. Throws Error(usage) naming the
// variable (never its value) when it is unset, empty or shorter than kMinKeyBytes, and when
// key_env is given with nothing to mask.
MaskOptions resolve_key(MaskOptions options);

// The mask of one JSON value: "\"hmac-sha256:<hex>\"" (a JSON string literal).
std::string mask_json(std::string_view key, std::string_view json_value);

// Whether a JSON value already is a mask.
bool is_mask(std::string_view json_value);

// Forwards every event to `next` with its value and chosen context members masked.
class MaskingSink final : public EventSink {
 public:
  // `options` must have been resolved (resolve_key) and outlive the sink.
  MaskingSink(EventSink& next, const MaskOptions& options);
  void on_event(const EventView& event) override;

 private:
  void mask_context(std::string_view context);
  bool mask_members(std::string_view object_json, std::string& out);
  void append_mask(std::string_view json_value, std::string& out);

  EventSink& next_;
  const MaskOptions& options_;
  std::optional<crypto::HmacSha256> hmac_;        // keyed once for the whole load
  std::string value_, context_, member_, inner_;  // reused buffers
};

}  // namespace kvonce::privacy
