// The issue type table is the one list of issue types: the schemas' enums and docs/rules.md are
// checked against it, so a rule added to the table and nowhere else fails here.
#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kvonce/rules/issue_type.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::set<std::string> table_names() {
  std::set<std::string> names;
  for (const rules::IssueTypeRow& row : rules::kIssueTypeTable) names.emplace(row.name);
  return names;
}

// Every `enum` of a JSON schema that names at least one issue type, with its JSON pointer.
void issue_type_enums(const json& node, const std::string& pointer,
                      std::vector<std::pair<std::string, std::set<std::string>>>& out) {
  if (node.is_object()) {
    for (const auto& [name, child] : node.items()) {
      if (name == "enum" && child.is_array()) {
        std::set<std::string> values;
        for (const json& v : child) {
          if (v.is_string()) values.insert(v.get<std::string>());
        }
        const std::set<std::string> names = table_names();
        const bool names_issue_types = std::any_of(
            values.begin(), values.end(), [&](const std::string& v) { return names.count(v); });
        if (names_issue_types) out.emplace_back(pointer + "/enum", values);
      } else {
        issue_type_enums(child, pointer + "/" + name, out);
      }
    }
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      issue_type_enums(node[i], pointer + "/" + std::to_string(i), out);
    }
  }
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
  std::size_t enums = 0;
  for (const auto& entry : fs::directory_iterator(std::string(KVONCE_SOURCE_DIR) + "/schemas")) {
    if (entry.path().extension() != ".json") continue;
    const json schema = json::parse(test::read_file(entry.path()));
    std::vector<std::pair<std::string, std::set<std::string>>> found;
    issue_type_enums(schema, "", found);
    for (const auto& [pointer, values] : found) {
      CAPTURE(entry.path().filename().string(), pointer);
      CHECK(values == table_names());
      ++enums;
    }
  }
  CHECK(enums > 0);  // the validation schema has them
}

TEST_CASE("issue type table: docs/rules.md documents each type under each profile reporting it") {
  const std::string rules_md = test::read_file(std::string(KVONCE_SOURCE_DIR) + "/docs/rules.md");
  CHECK(documented(rules_md, "spec") == reported_by(rules::Profiles::spec));
  CHECK(documented(rules_md, "compat") == reported_by(rules::Profiles::compat));
}
