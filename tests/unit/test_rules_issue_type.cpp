// The issue type table is the one list of issue types: the schemas' enums and docs/rules.md are
// checked against it, so a rule added to the table and nowhere else fails here.
#include <algorithm>
#include <set>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "kvonce/rules/issue_type.hpp"

#include "support/schema_enums.hpp"
#include "support/test_support.hpp"

using namespace kvonce;

namespace {

std::set<std::string> table_names() {
  std::set<std::string> names;
  for (const rules::IssueTypeRow& row : rules::kIssueTypeTable) names.emplace(row.name);
  return names;
}

// The issue types documented under "## Profile `<profile>`" of docs/rules.md: its "### `name`"
// headings up to the next "## " heading.
std::set<std::string> documented(const std::string& markdown, const std::string& profile) {
  std::set<std::string> out;
  std::istringstream in(markdown);
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("## ", 0) == 0) inside = line == "## Profile `" + profile + "`";
    if (inside && line.rfind("### `", 0) == 0 && line.size() > 6 && line.back() == '`') {
      out.insert(line.substr(5, line.size() - 6));
    }
  }
  return out;
}

std::set<std::string> reported_by(rules::Profiles profile) {
  std::set<std::string> out;
  for (const rules::IssueTypeRow& row : rules::kIssueTypeTable) {
    if (rules::reported_by(row.profiles, profile)) out.emplace(row.name);
  }
  return out;
}

}  // namespace

TEST_CASE("issue type table: to_string is the row's name, every name is distinct") {
  for (const rules::IssueTypeRow& row : rules::kIssueTypeTable) {
    CAPTURE(row.name);
    CHECK(rules::to_string(row.type) == row.name);
    CHECK_FALSE(row.summary.empty());
    CHECK(rules::reported_by(row.profiles, rules::Profiles::both));
  }
  CHECK(table_names().size() == rules::kIssueTypes);
  CHECK(std::string(rules::to_string(rules::IssueType::count_)) == "unknown");
}

TEST_CASE("issue type table: every schema enum of issue types lists exactly the table's names") {
  const std::set<std::string> names = table_names();
  const auto enums =
      test::schema_enums([&](const std::string&, const std::set<std::string>& values) {
        return std::any_of(values.begin(), values.end(),
                           [&](const std::string& v) { return names.count(v) != 0; });
      });
  for (const test::SchemaEnum& e : enums) {
    CAPTURE(e.file, e.pointer);
    CHECK(e.values == names);
  }
  CHECK(!enums.empty());  // the validation schema has them
}

TEST_CASE("issue type table: docs/rules.md documents each type under each profile reporting it") {
  const std::string rules_md = test::read_file(std::string(KVONCE_SOURCE_DIR) + "/docs/rules.md");
  CHECK(documented(rules_md, "spec") == reported_by(rules::Profiles::spec));
  CHECK(documented(rules_md, "compat") == reported_by(rules::Profiles::compat));
}
