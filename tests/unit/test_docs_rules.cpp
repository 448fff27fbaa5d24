// docs/rules.md: every rule of both profiles has a minimal failing trace, and each runs through
// `kvonce-trace verify` (in-process) to exactly the issue documented after it.
//
// The document marks its examples with fenced blocks:
//   ```ndjson rule=<profile>:<issue-type>   a failing trace
//   ```json issue=<profile>:<issue-type>    {"key","type","message","eventIndex"} it reports
//   ```ndjson valid=<profile>               a contrast trace that the profile accepts
//   ```ndjson realtime=<issue-type>          a trace `spec` rejects under real-time judging only
//   ```json realtime-issue=<issue-type>      the issue it reports
#include <map>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kvonce/rules/issue.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
using nlohmann::json;

namespace {

const std::string kRulesDoc = std::string(KVONCE_SOURCE_DIR) + "/docs/rules.md";

// The rules each profile must document (docs/rules.md is their user-facing reference): the issue
// types the table says it reports.
std::set<std::string> rules_of(rules::Profiles profile) {
  std::set<std::string> out;
  for (const rules::IssueTypeRow& row : rules::kIssueTypeTable) {
    if (rules::reported_by(row.profiles, profile)) out.emplace(row.name);
  }
  return out;
}
const std::set<std::string> kSpecRules = rules_of(rules::Profiles::spec);
const std::set<std::string> kCompatRules = rules_of(rules::Profiles::compat);
const std::size_t kRuleCount = kSpecRules.size() + kCompatRules.size();

struct Fence {
  std::string info;  // the words after the opening ```
  std::string body;
  int line;  // 1-based line of the opening fence
};

// Every ``` fenced block of a Markdown text. An unterminated fence fails the test.
std::vector<Fence> fences(const std::string& markdown) {
  std::vector<Fence> out;
  std::istringstream in(markdown);
  std::string line;
  int number = 0;
  Fence* open = nullptr;
  while (std::getline(in, line)) {
    ++number;
    if (open == nullptr) {
      if (line.rfind("```", 0) == 0) {
        out.push_back(Fence{line.substr(3), "", number});
        open = &out.back();
      }
    } else if (line == "```") {
      open = nullptr;
    } else {
      open->body += line + "\n";
    }
  }
  INFO("unterminated fence opened at line " << (open ? open->line : 0));
  REQUIRE(open == nullptr);
  return out;
}

// The value of `name=` in a fence's info string ("" when absent).
std::string attribute(const std::string& info, const std::string& name) {
  std::istringstream words(info);
  for (std::string word; words >> word;) {
    if (word.rfind(name + "=", 0) == 0) return word.substr(name.size() + 1);
  }
  return "";
}

struct Examples {
  std::map<std::string, std::string> failing;              // "profile:type" -> NDJSON
  std::map<std::string, json> issues;                      // "profile:type" -> documented issue
  std::vector<std::pair<std::string, std::string>> valid;  // profile, NDJSON
  std::map<std::string, std::string> realtime;             // type -> NDJSON
  std::map<std::string, json> realtime_issues;             // type -> documented issue
};

Examples examples() {
  Examples ex;
  for (const Fence& f : fences(read_file(kRulesDoc))) {
    INFO("docs/rules.md line " << f.line << ": ```" << f.info);
    if (const std::string tag = attribute(f.info, "rule"); !tag.empty()) {
      CHECK(f.info.rfind("ndjson ", 0) == 0);
      CHECK(ex.failing.emplace(tag, f.body).second);  // one example per rule
    } else if (const std::string issue = attribute(f.info, "issue"); !issue.empty()) {
      CHECK(f.info.rfind("json ", 0) == 0);
      CHECK(ex.issues.emplace(issue, json::parse(f.body)).second);
    } else if (const std::string profile = attribute(f.info, "valid"); !profile.empty()) {
      ex.valid.emplace_back(profile, f.body);
    } else if (const std::string type = attribute(f.info, "realtime"); !type.empty()) {
      CHECK(ex.realtime.emplace(type, f.body).second);
    } else if (const std::string rt = attribute(f.info, "realtime-issue"); !rt.empty()) {
      CHECK(ex.realtime_issues.emplace(rt, json::parse(f.body)).second);
    }
  }
  return ex;
}

std::string profile_of(const std::string& tag) {
  return tag.substr(0, tag.find(':'));
}
std::string type_of(const std::string& tag) {
  return tag.substr(tag.find(':') + 1);
}

struct Verdict {
  int exit_code;
  json validation;
};

// `kvonce-trace verify` of an NDJSON text in the given profile, in a fresh directory.
Verdict verify(const TempDir& dir, const std::string& ndjson, const std::string& profile) {
  static int counter = 0;
  const std::string name = "run-" + std::to_string(++counter);
  write_file(dir / (name + ".ndjson"), ndjson);
  const CliResult r =
      run_cli({"verify", "--input", (dir / (name + ".ndjson")).string(), "--output-dir",
               (dir / name).string(), "--format", "ndjson", "--profile", profile});
  INFO(r.out << r.err);
  return {r.exit_code, json::parse(read_file(dir / name / "kvonce-validation.json"))};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("docs/rules.md has one failing example and one documented issue per rule") {
  const Examples ex = examples();
  std::set<std::string> expected;
  for (const auto& rule : kSpecRules) expected.insert("spec:" + rule);
  for (const auto& rule : kCompatRules) expected.insert("compat:" + rule);

  std::set<std::string> documented, with_issue;
  for (const auto& [tag, text] : ex.failing) documented.insert(tag);
  for (const auto& [tag, issue] : ex.issues) with_issue.insert(tag);
  CHECK(documented == expected);
  CHECK(with_issue == expected);
  CHECK(ex.failing.size() == kRuleCount);
  CHECK(ex.valid.size() >= 1);

  SECTION("the rule lists name every issue type the rules engine has") {
    for (std::size_t i = 0; i < rules::kIssueTypes; ++i) {
      const std::string type = rules::to_string(static_cast<rules::IssueType>(i));
      CAPTURE(type);
      CHECK((kSpecRules.count(type) + kCompatRules.count(type)) > 0);
    }
  }
}

TEST_CASE("docs/rules.md examples report exactly their documented issue") {
  const Examples ex = examples();
  REQUIRE(ex.failing.size() == kRuleCount);
  TempDir dir;
  for (const auto& [tag, ndjson] : ex.failing) {
    CAPTURE(tag);
    REQUIRE(ex.issues.count(tag) == 1);
    const json& documented = ex.issues.at(tag);
    CHECK(documented.at("type") == type_of(tag));

    const Verdict v = verify(dir, ndjson, profile_of(tag));
    CHECK(v.exit_code == 1);
    CHECK(v.validation.at("valid") == false);
    CHECK(v.validation.at("profile") == profile_of(tag));
    CHECK(v.validation.at("warnings").empty());  // no event of the example was skipped
    const json& issues = v.validation.at("issues");
    REQUIRE(issues.size() == 1);  // the documented issue and nothing else
    const json& got = issues.at(0);
    CHECK(got.at("type") == documented.at("type"));
    CHECK(got.at("key") == documented.at("key"));
    CHECK(got.at("message") == documented.at("message"));
    CHECK(got.at("eventIndex") == documented.at("eventIndex"));
  }
}

TEST_CASE("docs/rules.md examples are minimal: without any one event the rule does not fire") {
  const Examples ex = examples();
  REQUIRE(ex.failing.size() == kRuleCount);
  TempDir dir;
  for (const auto& [tag, ndjson] : ex.failing) {
    const std::vector<std::string> lines = lines_of(ndjson);
    for (std::size_t drop = 0; drop < lines.size(); ++drop) {
      CAPTURE(tag, drop);
      std::string rest;
      for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i != drop) rest += lines[i] + "\n";
      }
      if (rest.empty()) continue;  // a one-event example: nothing left to judge
      const Verdict v = verify(dir, rest, profile_of(tag));
      for (const json& issue : v.validation.at("issues")) CHECK(issue.at("type") != type_of(tag));
    }
  }
}

TEST_CASE("docs/rules.md contrast examples are accepted by their profile") {
  const Examples ex = examples();
  REQUIRE_FALSE(ex.valid.empty());
  TempDir dir;
  for (const auto& [profile, ndjson] : ex.valid) {
    CAPTURE(profile, ndjson);
    const Verdict v = verify(dir, ndjson, profile);
    CHECK(v.exit_code == 0);
    CHECK(v.validation.at("valid") == true);
    CHECK(v.validation.at("issues").empty());
  }
}

TEST_CASE("docs/rules.md real-time examples: one per order-dependent rule, as documented") {
  const Examples ex = examples();
  const std::set<std::string> order_dependent{
      "duplicate-before-success", "retry-attempt-out-of-sequence", "success-attempt-mismatch"};
  std::set<std::string> documented;
  for (const auto& [type, text] : ex.realtime) documented.insert(type);
  CHECK(documented == order_dependent);
  TempDir dir;
  for (const auto& [type, ndjson] : ex.realtime) {
    CAPTURE(type);
    REQUIRE(ex.realtime_issues.count(type) == 1);
    const json& documented_issue = ex.realtime_issues.at(type);
    const Verdict v = verify(dir, ndjson, "spec");  // realtime: spec's default order
    CHECK(v.exit_code == 1);
    CHECK(v.validation.at("order") == "realtime");
    const json& issues = v.validation.at("issues");
    REQUIRE(issues.size() == 1);
    CHECK(issues.at(0).at("type") == type);
    CHECK(issues.at(0).at("key") == documented_issue.at("key"));
    CHECK(issues.at(0).at("message") == documented_issue.at("message"));
    CHECK(issues.at(0).at("eventIndex") == documented_issue.at("eventIndex"));
  }
}
