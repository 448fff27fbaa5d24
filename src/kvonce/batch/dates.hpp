// The days that `--from` and `--to` select in the kvonce-trace/YYYY/MM/DD/ layout.
#pragma once

#include <string>
#include <vector>

namespace kvonce::batch {

// Longest range accepted: a mistyped year should not turn into a hundred thousand listings.
inline constexpr int kMaxDays = 3660;

// Every day from `from` to `to`, both included, in date order, as "YYYY-MM-DD" (the form
// cloud::date_prefix and cloud::with_date_prefix take). Error(usage) naming the option when a date
// is not a calendar date YYYY-MM-DD (1970 or later), `to` is before `from`, or the range is
// longer than kMaxDays.
std::vector<std::string> dates_in_range(const std::string& from, const std::string& to);

}  // namespace kvonce::batch
