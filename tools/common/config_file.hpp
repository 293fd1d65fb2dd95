// sla_planner tools — a settings file in JSON or YAML, read as one JSON object.
// SPDX-License-Identifier: Apache-2.0
//
// YAML scalars are typed as YAML 1.2's core schema types them (true/false, null/~, integers,
// floats; a quoted scalar is always a string), so that a YAML file and the same settings written
// as JSON read the same. Anchors and merges are resolved by yaml-cpp.
#pragma once

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace sla_tools {

namespace detail {

inline nlohmann::json yaml_scalar_to_json(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return s;  // quoted: a string
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (end && *end == '\0' && errno == 0) return v;
  }
  {
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end && *end == '\0' && s.find_first_of("0123456789") != std::string::npos) return v;
  }
  return s;
}

inline nlohmann::json yaml_to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return nullptr;
    case YAML::NodeType::Scalar: return yaml_scalar_to_json(n);
    case YAML::NodeType::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& e : n) a.push_back(yaml_to_json(e));
      return a;
    }
    case YAML::NodeType::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return o;
    }
  }
  return nullptr;
}

}  // namespace detail

/// The settings file at `path` as a JSON object: JSON when its first non-blank character is '{',
/// YAML otherwise (JSON is also YAML, but JSON's own parser gives better messages).
/// \throws std::invalid_argument "<path>: <problem>" for an unreadable or malformed file, or one
///         that is not a mapping
inline nlohmann::json read_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(path + ": cannot open config file");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const auto first = text.find_first_not_of(" \t\r\n");
  nlohmann::json j;
  if (first != std::string::npos && text[first] == '{') {
    try {
      j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      throw std::invalid_argument(path + ": invalid JSON at byte " + std::to_string(e.byte));
    }
  } else {
    try {
      j = detail::yaml_to_json(YAML::Load(text));
    } catch (const YAML::Exception& e) {
      throw std::invalid_argument(path + ": invalid YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
  }
  if (j.is_null()) j = nlohmann::json::object();  // an empty file: no settings
  if (!j.is_object()) throw std::invalid_argument(path + ": expected a mapping of setting names to values");
  return j;
}

}  // namespace sla_tools
