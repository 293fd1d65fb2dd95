// sla_planner tools — command-line flags from a settings table (sla_planner/util/settings.hpp).
// SPDX-License-Identifier: Apache-2.0
//
// Each Setting becomes one flag: --<flag> VALUE (a Boolean is a flag without a value). The flags
// carry no cxxopts defaults, so that only flags actually given override a config file; the help
// text shows the struct's default.
#pragma once

#include <set>
#include <stdexcept>
#include <string>

#include <cxxopts.hpp>

#include "sla_planner/util/settings.hpp"

namespace sla_tools {

/// " (default: 500.0)" for a setting whose default is worth showing.
template <class S>
std::string default_note(const sla_planner::Setting<S>& st, const S& defaults) {
  using K = sla_planner::SettingKind;
  const sla_planner::SettingValue v = st.get(defaults);
  switch (st.kind) {
    case K::Boolean: return "";
    case K::Text: return std::get<std::string>(v).empty() ? "" : " (default: \"" + std::get<std::string>(v) + "\")";
    case K::Choice: return " (default: \"" + std::get<std::string>(v) + "\")";
    case K::Integer: return " (default: " + st.text(defaults) + ")";
    case K::Real: {
      std::string t = st.text(defaults);
      if (t.find_first_of(".en") == std::string::npos) t += ".0";
      return " (default: " + t + ")";
    }
  }
  return "";
}

/// Adds one flag per setting of `table` to `opts`, in group `group`.
template <class S>
void add_setting_flags(cxxopts::Options& opts, const std::string& group, const sla_planner::SettingTable<S>& table,
                       const S& defaults = S{}) {
  using K = sla_planner::SettingKind;
  auto adder = opts.add_options(group);
  for (const auto& st : table) {
    const std::string help = st.help + default_note(st, defaults);
    switch (st.kind) {
      case K::Boolean: adder(st.flag, help); break;
      case K::Integer: adder(st.flag, help, cxxopts::value<int>()); break;
      case K::Real: adder(st.flag, help, cxxopts::value<double>()); break;
      case K::Text:
      case K::Choice: adder(st.flag, help, cxxopts::value<std::string>()); break;
    }
  }
}

/// Sets every field of `s` whose flag was given; returns the keys set.
/// \throws std::invalid_argument naming the flag for a Choice that is not one of its names
template <class S>
std::set<std::string> read_setting_flags(const cxxopts::ParseResult& r, const sla_planner::SettingTable<S>& table, S& s) {
  using K = sla_planner::SettingKind;
  using sla_planner::SettingValue;
  std::set<std::string> given;
  for (const auto& st : table) {
    if (!r.count(st.flag)) continue;
    switch (st.kind) {
      case K::Boolean: st.set(s, SettingValue(true)); break;
      case K::Integer: st.set(s, SettingValue(static_cast<long long>(r[st.flag].template as<int>()))); break;
      case K::Real: st.set(s, SettingValue(r[st.flag].template as<double>())); break;
      case K::Text: st.set(s, SettingValue(r[st.flag].template as<std::string>())); break;
      case K::Choice:
        try {
          st.set_choice(s, r[st.flag].template as<std::string>());
        } catch (const sla_planner::SettingError& e) {
          throw std::invalid_argument(e.named_as("--" + st.flag));
        }
        break;
    }
    given.insert(st.key);
  }
  return given;
}

/// Where each setting of a struct came from, so that an error names what the user wrote.
struct SettingSources {
  std::string config_path;             ///< the --config file, if any
  std::set<std::string> from_file;     ///< keys the file set
  std::set<std::string> from_flags;    ///< keys flags set (they win over the file)
};

/// Calls s.validate(); a SettingError is rethrown as std::invalid_argument naming the flag the
/// value came from ("--min-endpoint must be >= 1, got 0"), or the file and its key
/// ("cfg.json: 'min_endpoint' must be >= 1, got 0").
template <class S>
void validate_named(const S& s, const sla_planner::SettingTable<S>& table, const SettingSources& src) {
  try {
    s.validate();
  } catch (const sla_planner::SettingError& e) {
    const auto* st = sla_planner::find_setting(table, e.key());
    if (st && src.from_flags.count(e.key())) throw std::invalid_argument(e.named_as("--" + st->flag));
    if (src.from_file.count(e.key())) throw std::invalid_argument(src.config_path + ": " + e.what());
    throw;
  }
}

}  // namespace sla_tools
