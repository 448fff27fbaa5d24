// The `enum`s of the repository's JSON schemas, for tests that tie a closed list of the code (issue
// types, compressions) to the schemas consumers validate against.
#pragma once

#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace kvonce::test {

struct SchemaEnum {
  std::string file;     // the schema's file name
  std::string pointer;  // JSON pointer of the enum
  std::set<std::string> values;
};

// Every enum of schemas/*.json that `wanted(property, values)` accepts; `property` is the name of
// the schema property the enum constrains ("" at the root).
inline std::vector<SchemaEnum> schema_enums(
    const std::function<bool(const std::string&, const std::set<std::string>&)>& wanted) {
  std::vector<SchemaEnum> out;
  std::function<void(const nlohmann::json&, const std::string&, const std::string&,
                     const std::string&)>
      walk = [&](const nlohmann::json& node, const std::string& file, const std::string& pointer,
                 const std::string& property) {
        if (node.is_array()) {
          for (std::size_t i = 0; i < node.size(); ++i) {
            walk(node[i], file, pointer + "/" + std::to_string(i), property);
          }
          return;
        }
        if (!node.is_object()) return;
        for (const auto& [name, child] : node.items()) {
          if (name == "enum" && child.is_array()) {
            std::set<std::string> values;
            for (const nlohmann::json& v : child) {
              if (v.is_string()) values.insert(v.get<std::string>());
            }
            if (wanted(property, values)) out.push_back({file, pointer + "/enum", values});
          } else {
            walk(child, file, pointer + "/" + name, name);
          }
        }
      };
  const std::filesystem::path dir = std::filesystem::path(KVONCE_SOURCE_DIR) / "schemas";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    walk(nlohmann::json::parse(read_file(entry.path())), entry.path().filename().string(), "", "");
  }
  return out;
}

// The enums that constrain the property `name`, in every schema.
inline std::vector<SchemaEnum> property_enums(const std::string& name) {
  return schema_enums(
      [&](const std::string& property, const std::set<std::string>&) { return property == name; });
}

}  // namespace kvonce::test
