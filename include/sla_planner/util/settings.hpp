// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Settings described once. A parameter struct lists its fields in one table of Setting entries —
// key, member, valid range, help text — and everything else is driven by that table: the struct's
// validate(), reading and writing JSON (formats/settings_json.hpp) and the command-line flags of
// every tool (tools/common/settings_flags.hpp). A bad value raises SettingError, which knows the
// key, so that each front end can name what the user wrote: the flag or the JSON key.
#pragma once

#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sla_planner/util/checks.hpp"

namespace sla_planner {

/// A setting's value as the front ends carry it.
using SettingValue = std::variant<bool, long long, double, std::string>;

/// What a setting holds.
enum class SettingKind {
  Boolean,  ///< true/false; a flag without a value
  Integer,  ///< a whole number
  Real,     ///< a finite floating-point number
  Text,     ///< free text (a path, a name)
  Choice,   ///< one name of a fixed list (an enum)
};

/// A setting out of range. what() is "'<key>' <rule>, got <value>" (or another sentence that
/// starts with the quoted key); named_as() gives the same sentence for another name of the
/// setting, e.g. its command-line flag.
class SettingError : public std::invalid_argument {
public:
  SettingError(std::string key, const std::string& message) : std::invalid_argument(message), key_(std::move(key)) {}
  /// "'<key>' must be <rule>, got <value>".
  static SettingError out_of_range(const std::string& key, const std::string& rule, const std::string& got) {
    return SettingError(key, "'" + key + "' must be " + rule + ", got " + got);
  }
  /// The setting's key (its JSON name).
  const std::string& key() const noexcept { return key_; }
  /// The message with the leading quoted key replaced by `name` ("--min-endpoint must be >= 1, got 0").
  std::string named_as(const std::string& name) const {
    const std::string m = what();
    const std::string quoted = "'" + key_ + "'";
    return m.compare(0, quoted.size(), quoted) == 0 ? name + m.substr(quoted.size()) : name + ": " + m;
  }

private:
  std::string key_;
};

/// The valid range of a numeric setting.
struct SettingRule {
  enum class Op { Any, Greater, AtLeast, AtLeastOrMinusOne, Between, AboveAtMost };
  Op op = Op::Any;
  double bound = 0, upper = 0;

  static SettingRule any() { return {}; }
  static SettingRule greater_than(double b) { return {Op::Greater, b, 0}; }
  static SettingRule at_least(double b) { return {Op::AtLeast, b, 0}; }
  /// >= b, or exactly -1 (a "none" marker, e.g. no GPU budget).
  static SettingRule at_least_or_minus_one(double b) { return {Op::AtLeastOrMinusOne, b, 0}; }
  static SettingRule between(double lo, double hi) { return {Op::Between, lo, hi}; }
  /// > lo and <= hi, e.g. a share in (0, 1].
  static SettingRule above_at_most(double lo, double hi) { return {Op::AboveAtMost, lo, hi}; }

  /// True when v satisfies the rule (NaN never does; reals must be finite).
  bool admits(double v) const {
    if (!std::isfinite(v)) return false;
    switch (op) {
      case Op::Any: return true;
      case Op::Greater: return v > bound;
      case Op::AtLeast: return v >= bound;
      case Op::AtLeastOrMinusOne: return v >= bound || v == -1;
      case Op::Between: return v >= bound && v <= upper;
      case Op::AboveAtMost: return v > bound && v <= upper;
    }
    return false;
  }
  /// "> 0", ">= 1", ">= 1 or -1 (none)", "in [0, 1]", "in (0, 1]".
  std::string text(const std::string& minus_one_means = "none") const {
    switch (op) {
      case Op::Any: return "a finite number";
      case Op::Greater: return "> " + format_number(bound);
      case Op::AtLeast: return ">= " + format_number(bound);
      case Op::AtLeastOrMinusOne: return ">= " + format_number(bound) + " or -1 (" + minus_one_means + ")";
      case Op::Between: return "in [" + format_number(bound) + ", " + format_number(upper) + "]";
      case Op::AboveAtMost: return "in (" + format_number(bound) + ", " + format_number(upper) + "]";
    }
    return "";
  }
};

/// One field of a parameter struct S: its names, kind, range, help, and how to read and write it.
template <class S>
struct Setting {
  std::string key;                   ///< JSON key (the canonical name)
  std::string flag;                  ///< command-line flag without "--"
  std::vector<std::string> aliases;  ///< other JSON keys accepted on input
  SettingKind kind = SettingKind::Real;
  std::string help;                  ///< one line for --help and the README
  SettingRule rule;                  ///< range of a numeric setting
  std::string minus_one_means = "none";  ///< what -1 means, for AtLeastOrMinusOne rules
  std::vector<std::string> choices;  ///< Choice: the names, in the enum's order
  std::function<SettingValue(const S&)> get;
  std::function<void(S&, const SettingValue&)> set;  ///< takes a value of the setting's kind

  /// \throws SettingError when s's value is out of range
  void check(const S& s) const {
    const SettingValue v = get(s);
    double x = 0;
    if (kind == SettingKind::Integer) x = static_cast<double>(std::get<long long>(v));
    else if (kind == SettingKind::Real) x = std::get<double>(v);
    else return;
    if (!rule.admits(x))
      throw SettingError::out_of_range(key, rule.text(minus_one_means),
                                       kind == SettingKind::Integer ? format_number(std::get<long long>(v))
                                                                    : format_number(x));
  }
  /// The value as text: a number, true/false, a name.
  std::string text(const S& s) const {
    const SettingValue v = get(s);
    switch (kind) {
      case SettingKind::Boolean: return std::get<bool>(v) ? "true" : "false";
      case SettingKind::Integer: return format_number(std::get<long long>(v));
      case SettingKind::Real: return format_number(std::get<double>(v));
      default: return std::get<std::string>(v);
    }
  }
  /// Sets a Choice from its name. \throws SettingError naming the valid names
  void set_choice(S& s, const std::string& name) const {
    for (const std::string& c : choices)
      if (c == name) return set(s, SettingValue(name));
    std::string list;
    for (const std::string& c : choices) list += (list.empty() ? "" : ", ") + c;
    throw SettingError::out_of_range(key, "one of " + list, "'" + name + "'");
  }
};

/// The table of settings of a struct.
template <class S>
using SettingTable = std::vector<Setting<S>>;

/// The flag of a key: underscores become dashes.
inline std::string flag_of_key(std::string key) {
  for (char& c : key)
    if (c == '_') c = '-';
  return key;
}

/// A Real setting for member `m`.
template <class S>
Setting<S> real_setting(std::string key, double S::*m, SettingRule rule, std::string help, std::string flag = "") {
  Setting<S> s;
  s.flag = flag.empty() ? flag_of_key(key) : std::move(flag);
  s.key = std::move(key);
  s.kind = SettingKind::Real;
  s.rule = rule;
  s.help = std::move(help);
  s.get = [m](const S& x) { return SettingValue(x.*m); };
  s.set = [m](S& x, const SettingValue& v) { x.*m = std::get<double>(v); };
  return s;
}

/// An Integer setting for an integral member `m`.
template <class S, class I>
Setting<S> integer_setting(std::string key, I S::*m, SettingRule rule, std::string help, std::string flag = "") {
  Setting<S> s;
  s.flag = flag.empty() ? flag_of_key(key) : std::move(flag);
  s.key = std::move(key);
  s.kind = SettingKind::Integer;
  s.rule = rule;
  s.help = std::move(help);
  s.get = [m](const S& x) { return SettingValue(static_cast<long long>(x.*m)); };
  s.set = [m](S& x, const SettingValue& v) { x.*m = static_cast<I>(std::get<long long>(v)); };
  return s;
}

/// A Boolean setting for member `m`.
template <class S>
Setting<S> bool_setting(std::string key, bool S::*m, std::string help, std::string flag = "") {
  Setting<S> s;
  s.flag = flag.empty() ? flag_of_key(key) : std::move(flag);
  s.key = std::move(key);
  s.kind = SettingKind::Boolean;
  s.help = std::move(help);
  s.get = [m](const S& x) { return SettingValue(x.*m); };
  s.set = [m](S& x, const SettingValue& v) { x.*m = std::get<bool>(v); };
  return s;
}

/// A Text setting for member `m`.
template <class S>
Setting<S> text_setting(std::string key, std::string S::*m, std::string help, std::string flag = "") {
  Setting<S> s;
  s.flag = flag.empty() ? flag_of_key(key) : std::move(flag);
  s.key = std::move(key);
  s.kind = SettingKind::Text;
  s.help = std::move(help);
  s.get = [m](const S& x) { return SettingValue(x.*m); };
  s.set = [m](S& x, const SettingValue& v) { x.*m = std::get<std::string>(v); };
  return s;
}

/// A Choice setting for an enum member `m` whose values 0, 1, … are named by `names`.
template <class S, class E>
Setting<S> choice_setting(std::string key, E S::*m, std::vector<std::string> names, std::string help,
                          std::string flag = "") {
  Setting<S> s;
  s.flag = flag.empty() ? flag_of_key(key) : std::move(flag);
  s.key = std::move(key);
  s.kind = SettingKind::Choice;
  s.help = std::move(help);
  s.choices = names;
  s.get = [m, names](const S& x) {
    const auto i = static_cast<std::size_t>(x.*m);
    return SettingValue(i < names.size() ? names[i] : std::string("?"));
  };
  s.set = [m, names](S& x, const SettingValue& v) {
    const std::string& name = std::get<std::string>(v);
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) x.*m = static_cast<E>(i);
  };
  return s;
}

/// The setting called `key` (its key or an alias), or nullptr.
template <class S>
const Setting<S>* find_setting(const SettingTable<S>& table, const std::string& key) {
  for (const Setting<S>& s : table) {
    if (s.key == key) return &s;
    for (const std::string& a : s.aliases)
      if (a == key) return &s;
  }
  return nullptr;
}

/// Checks every setting of `s` in table order. \throws SettingError for the first out of range
template <class S>
void check_settings(const S& s, const SettingTable<S>& table) {
  for (const Setting<S>& st : table) st.check(s);
}

}  // namespace sla_planner
