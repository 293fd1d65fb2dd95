// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// JSON in and out for any parameter struct with a settings table (util/settings.hpp): one object,
// one member per setting under its key; aliases are accepted on input.
#pragma once

#include <cmath>
#include <set>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "sla_planner/util/settings.hpp"

namespace sla_planner {

/// Every setting of `s` as a JSON object (canonical keys; a Choice as its name).
template <class S>
nlohmann::json settings_to_json(const S& s, const SettingTable<S>& table) {
  nlohmann::json j = nlohmann::json::object();
  for (const Setting<S>& st : table) {
    const SettingValue v = st.get(s);
    switch (st.kind) {
      case SettingKind::Boolean: j[st.key] = std::get<bool>(v); break;
      case SettingKind::Integer: j[st.key] = std::get<long long>(v); break;
      case SettingKind::Real: j[st.key] = std::get<double>(v); break;
      default: j[st.key] = std::get<std::string>(v); break;
    }
  }
  return j;
}

/// Reads the members of JSON object `j` into `s`: known keys (or aliases) override what `s`
/// holds; an unknown key or a value of the wrong type is an error. Does not validate. The keys
/// read go into `keys_read` (canonical names) when it is given. `what` names the struct in
/// messages ("planner config").
/// \throws std::invalid_argument ("planner config 'min_endpoint' must be an integer, got 1.5");
///         SettingError for a Choice that is not one of its names
template <class S>
void settings_from_json(const nlohmann::json& j, S& s, const SettingTable<S>& table, const std::string& what,
                        std::set<std::string>* keys_read = nullptr) {
  if (!j.is_object()) throw std::invalid_argument(what + " must be a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const Setting<S>* st = find_setting(table, it.key());
    if (!st) throw std::invalid_argument("unknown " + what + " key '" + it.key() + "'");
    const nlohmann::json& v = it.value();
    const std::string where = what + " '" + it.key() + "'";
    switch (st->kind) {
      case SettingKind::Boolean:
        if (!v.is_boolean()) throw std::invalid_argument(where + " must be true or false, got " + v.dump());
        st->set(s, SettingValue(v.get<bool>()));
        break;
      case SettingKind::Integer: {
        bool ok = false;
        long long x = 0;
        if (v.is_number_integer()) {
          x = v.get<long long>();
          ok = x >= -2147483647LL && x <= 2147483647LL;
        } else if (v.is_number_float()) {
          const double d = v.get<double>();
          ok = d == std::floor(d) && std::fabs(d) < 2147483647.0;
          x = ok ? static_cast<long long>(d) : 0;
        }
        if (!ok) throw std::invalid_argument(where + " must be an integer, got " + v.dump());
        st->set(s, SettingValue(x));
        break;
      }
      case SettingKind::Real:
        if (!v.is_number()) throw std::invalid_argument(where + " must be a number, got " + v.dump());
        st->set(s, SettingValue(v.get<double>()));
        break;
      case SettingKind::Text:
        if (v.is_null()) st->set(s, SettingValue(std::string()));
        else if (v.is_string()) st->set(s, SettingValue(v.get<std::string>()));
        else throw std::invalid_argument(where + " must be a string, got " + v.dump());
        break;
      case SettingKind::Choice:
        if (!v.is_string()) throw std::invalid_argument(where + " must be a string, got " + v.dump());
        st->set_choice(s, v.get<std::string>());
        break;
    }
    if (keys_read) keys_read->insert(st->key);
  }
}

}  // namespace sla_planner
