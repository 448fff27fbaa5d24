#include "kvonce/privacy/masking.hpp"

#include <algorithm>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/json/reader.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::privacy {
namespace {

constexpr std::string_view kPrefix = "\"hmac-sha256:";
constexpr std::size_t kHexDigits = 64;

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// Environment variable names by convention: upper-case letters, digits and '_', not starting
// with a digit. Only such a name is quoted in messages: --mask-key-env given the key itself by
// mistake must not print it.
bool is_variable_name(std::string_view name) {
  const auto ok = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  return !name.empty() && !(name.front() >= '0' && name.front() <= '9') &&
         std::all_of(name.begin(), name.end(), ok);
}

// null carries nothing to hide, and must stay null for the rules; a mask is already masked.
bool needs_mask(std::string_view json_value) {
  return json_value != "null" && !is_mask(json_value);
}

}  // namespace

MaskOptions resolve_key(MaskOptions options) {
  if (!options.enabled()) {
    if (options.key_env) {
      fail(ErrorKind::usage, "--mask-key-env " + *options.key_env +
                                 " needs --mask-values or --mask-attr: there is nothing to mask");
    }
    return options;
  }
  if (options.key) return options;
  if (!options.key_env) {
    options.key = std::make_shared<const std::string>(crypto::random_bytes(kRandomKeyBytes));
    return options;
  }
  const std::string& name = *options.key_env;
  std::optional<std::string> key = options.environment(name);
  if (!key) {
    fail(ErrorKind::usage,
         is_variable_name(name)
             ? "--mask-key-env: the environment variable " + name +
                   " is unset or empty; it must hold the masking key"
             : std::string("--mask-key-env takes the name of an environment variable (such as "
                           "KVONCE_MASK_KEY), not the key: the variable it names is unset or "
                           "empty"));
  }
  if (key->size() < kMinKeyBytes) {
    // The message gives the variable's name and the rule, never the key or its length.
    fail(ErrorKind::usage, "--mask-key-env: the key in " + name + " is shorter than " +
                               std::to_string(kMinKeyBytes) +
                               " bytes; use a random key such as `openssl rand -hex 32`");
  }
  options.key = std::make_shared<const std::string>(std::move(*key));
  return options;
}

std::string mask_json(std::string_view key, std::string_view json_value) {
  std::string out(kPrefix);
  out += crypto::hmac_sha256_hex(key, json_value);
  out.push_back('"');
  return out;
}

bool is_mask(std::string_view v) {
  if (v.size() != kPrefix.size() + kHexDigits + 1 || v.substr(0, kPrefix.size()) != kPrefix ||
      v.back() != '"') {
    return false;
  }
  const std::string_view hex = v.substr(kPrefix.size(), kHexDigits);
  return std::all_of(hex.begin(), hex.end(), is_lower_hex);
}

MaskingSink::MaskingSink(EventSink& next, const MaskOptions& options)
    : next_(next), options_(options) {
  if (!options_.enabled()) return;
  if (!options_.key) fail(ErrorKind::internal, "masking is on but its key was not resolved");
  hmac_.emplace(*options_.key);
}

void MaskingSink::append_mask(std::string_view json_value, std::string& out) {
  out += kPrefix;
  hmac_->append_hex(json_value, out);
  out.push_back('"');
}

void MaskingSink::on_event(const EventView& event) {
  if (!options_.enabled()) return next_.on_event(event);
  EventView masked = event;
  if (options_.values && event.value && needs_mask(*event.value)) {
    value_.clear();
    append_mask(*event.value, value_);
    masked.value = value_;
  }
  if (!options_.context_members.empty() && event.context) {
    context_.clear();
    mask_context(*event.context);
    if (!context_.empty()) masked.context = context_;
  }
  next_.on_event(masked);
}

// Leaves context_ empty when nothing was masked, so the context passes through byte for byte.
void MaskingSink::mask_context(std::string_view context) {
  if (context.empty()) return;
  if (context.front() == '{') {
    if (!mask_members(context, context_)) context_.clear();
    return;
  }
  if (context.front() != '"') return;  // numbers, arrays, booleans: no members to mask
  // A string holding a JSON object (SDKs cannot set map attributes): mask inside, keep a string.
  json::Reader reader(context, {});
  const std::string_view text = trim(reader.string());
  inner_.clear();
  if (text.empty() || text.front() != '{' || !json::reformat_compact(text, inner_, {}) ||
      inner_.front() != '{') {
    return;
  }
  std::string members;
  if (mask_members(inner_, members)) append_json_string(context_, members);
}

// Rewrites an object's text with the chosen top-level members masked; true if any was.
bool MaskingSink::mask_members(std::string_view object_json, std::string& out) {
  json::Reader reader(object_json, {});
  reader.begin_object();
  out = "{";
  bool changed = false;
  std::string_view name;
  while (reader.next_member(name)) {
    if (out.size() > 1) out.push_back(',');
    append_json_string(out, name);
    out.push_back(':');
    const auto& names = options_.context_members;
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      reader.copy_value(out);
      continue;
    }
    member_.clear();
    reader.copy_value(member_);
    if (needs_mask(member_)) {
      append_mask(member_, out);
      changed = true;
    } else {
      out += member_;
    }
  }
  out.push_back('}');
  return changed;
}

}  // namespace kvonce::privacy
