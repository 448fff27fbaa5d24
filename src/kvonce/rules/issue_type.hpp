// The issue types: the one table that knows them. Every list of issue types derives from it:
// `to_string`, the validation schema's enums and docs/rules.md (both checked against it by
// tests/unit/test_rules_issue_type.cpp).
//
// A new rule is: an enum value and its row here, the rule in spec.cpp or compat.cpp, its section
// and examples in docs/rules.md, and its name in schemas/kvonce-validation.schema.json.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kvonce::rules {

enum class IssueType : std::uint8_t {
  unknown_event_type,
  multiple_success,
  success_without_value,
  duplicate_before_success,
  duplicate_without_success,  // compat's name for the aggregate form of the rule above
  retry_bound_exceeded,
  retry_context_missing,
  retry_attempt_out_of_sequence,
  success_context_missing,
  success_attempt_mismatch,
  key_missing,        // spec: an event without a key (absent or null)
  key_not_string,     // spec: an event whose key is a JSON value other than a string
  timestamp_missing,  // spec: an event without a valid timestamp
  count_,
};
inline constexpr std::size_t kIssueTypes = static_cast<std::size_t>(IssueType::count_);

// The profiles whose rules report an issue type (a bit set).
enum class Profiles : std::uint8_t { spec = 1, compat = 2, both = 3 };

constexpr bool reported_by(Profiles profiles, Profiles profile) {
  return (static_cast<unsigned>(profiles) & static_cast<unsigned>(profile)) != 0;
}

struct IssueTypeRow {
  IssueType type;
  std::string_view name;  // as written in the validation file and docs/rules.md
  Profiles profiles;
  std::string_view summary;
};

// In enum order (checked below), so a type's row is kIssueTypeTable[type].
inline constexpr std::array<IssueTypeRow, kIssueTypes> kIssueTypeTable = {{
    {IssueType::unknown_event_type, "unknown-event-type", Profiles::spec,
     "the event type is not success, retry or failure"},
    {IssueType::multiple_success, "multiple-success", Profiles::both,
     "a success on a key that is already written"},
    {IssueType::success_without_value, "success-without-value", Profiles::spec,
     "a success whose value is absent or null"},
    {IssueType::duplicate_before_success, "duplicate-before-success", Profiles::spec,
     "a duplicate failure on a key that is not written yet"},
    {IssueType::duplicate_without_success, "duplicate-without-success", Profiles::compat,
     "a duplicate failure on a key that has no success"},
    {IssueType::retry_bound_exceeded, "retry-bound-exceeded", Profiles::both,
     "more retries on a key than --max-retries"},
    {IssueType::retry_context_missing, "retry-context-missing", Profiles::both,
     "a retry without an integer attempt number"},
    {IssueType::retry_attempt_out_of_sequence, "retry-attempt-out-of-sequence", Profiles::both,
     "the retries of a key do not count their attempts 1, 2, 3, ..."},
    {IssueType::success_context_missing, "success-context-missing", Profiles::spec,
     "a success without an integer attempt number"},
    {IssueType::success_attempt_mismatch, "success-attempt-mismatch", Profiles::both,
     "a success whose attempt is not the key's retries before it + 1"},
    {IssueType::key_missing, "key-missing", Profiles::spec, "an event without a key"},
    {IssueType::key_not_string, "key-not-string", Profiles::spec,
     "an event whose key is not a string"},
    {IssueType::timestamp_missing, "timestamp-missing", Profiles::spec,
     "an event without a valid timestamp"},
}};

constexpr bool rows_in_enum_order() {
  for (std::size_t i = 0; i < kIssueTypes; ++i) {
    if (kIssueTypeTable[i].type != static_cast<IssueType>(i) || kIssueTypeTable[i].name.empty()) {
      return false;
    }
  }
  return true;
}
static_assert(rows_in_enum_order(), "one row per IssueType, in enum order");

constexpr const IssueTypeRow& row_of(IssueType type) {
  return kIssueTypeTable[static_cast<std::size_t>(type)];
}

// The type's name; "unknown" for a value outside the enum.
const char* to_string(IssueType type);

}  // namespace kvonce::rules
