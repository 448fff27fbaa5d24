#include "kvonce/batch/dates.hpp"

#include <chrono>
#include <cstdio>

#include "kvonce/util/error.hpp"

namespace kvonce::batch {
namespace {

using std::chrono::sys_days;
using std::chrono::year_month_day;

sys_days parse_day(const std::string& text, const char* option) {
  int digits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? text[i] != '-' : (text[i] < '0' || text[i] > '9')) digits = -1;
    if (digits >= 0 && !dash) ++digits;
  }
  const auto number = [&](std::size_t pos, std::size_t len) {
    return std::stoi(text.substr(pos, len));
  };
  if (text.size() == 10 && digits == 8) {
    const year_month_day day{std::chrono::year{number(0, 4)},
                             std::chrono::month{static_cast<unsigned>(number(5, 2))},
                             std::chrono::day{static_cast<unsigned>(number(8, 2))}};
    if (day.ok() && day.year() >= std::chrono::year{1970}) return sys_days{day};
  }
  fail(ErrorKind::usage, std::string(option) + " '" + text +
                             "': expected a calendar date YYYY-MM-DD (1970 or later)");
}

std::string date_of(sys_days day) {
  const year_month_day ymd{day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace

std::vector<std::string> dates_in_range(const std::string& from, const std::string& to) {
  const sys_days first = parse_day(from, "--from");
  const sys_days last = parse_day(to, "--to");
  if (last < first) fail(ErrorKind::usage, "--to " + to + " is before --from " + from);
  const auto days = (last - first).count() + 1;
  if (days > kMaxDays) {
    fail(ErrorKind::usage, "--from " + from + " --to " + to + " spans " + std::to_string(days) +
                               " days; at most " + std::to_string(kMaxDays) + " are accepted");
  }
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(days));
  for (sys_days d = first; d <= last; d += std::chrono::days{1}) out.push_back(date_of(d));
  return out;
}

}  // namespace kvonce::batch
