// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Reading the three fields of a mooncake JSONL object with simdjson On-Demand
// (https://github.com/simdjson/simdjson/blob/master/doc/ondemand.md), and the wording of every
// complaint about them. Shared by the per-line parser and the document-stream fast path.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "sla_planner/trace/trace_record.hpp"

namespace sla_planner::detail {

namespace od = simdjson::ondemand;

/// Short, lower-case text for a simdjson error, used as "invalid JSON (<text>)".
inline std::string json_error_text(simdjson::error_code e) {
  switch (e) {
    case simdjson::UNCLOSED_STRING: return "unclosed string";
    case simdjson::UNESCAPED_CHARS: return "unescaped control character in a string";
    case simdjson::UTF8_ERROR: return "invalid UTF-8";
    case simdjson::TAPE_ERROR:
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT: return "malformed object or array";
    case simdjson::NUMBER_ERROR: return "malformed number";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR: return "malformed literal";
    case simdjson::STRING_ERROR: return "malformed string";
    case simdjson::DEPTH_ERROR: return "nested too deeply";
    case simdjson::EMPTY: return "no JSON value";
    default: return simdjson::error_message(e);
  }
}

/// True when `s` is a number by the JSON grammar (RFC 8259 section 6).
inline bool is_json_number(std::string_view s) {
  std::size_t i = 0;
  const auto digit = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  if (i < s.size() && s[i] == '-') ++i;
  if (!digit(i)) return false;
  if (s[i] == '0') ++i;
  else while (digit(i)) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == s.size();
}

/// The raw text of a scalar token without trailing whitespace, shortened to 40 characters.
inline std::string token_text(od::value& v) {
  std::string_view raw = v.raw_json_token();
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r' || raw.back() == '\n'))
    raw.remove_suffix(1);
  if (raw.size() > 40) return std::string(raw.substr(0, 37)) + "...";
  return std::string(raw);
}

/// A value as quoted in error messages: scalars as written, containers by kind.
inline std::string describe_value(od::value& v, od::json_type t) {
  if (t == od::json_type::array) return "an array";
  if (t == od::json_type::object) return "an object";
  return token_text(v);
}

enum : unsigned { kHaveTimestamp = 1, kHaveInput = 2, kHaveOutput = 4, kHaveAll = 7 };

/// Reads `timestamp` (ms, integer or fractional, finite, >= 0). With kWhy, explains a failure in *why.
template <bool kWhy>
inline bool read_timestamp(od::value v, double& out, std::string* why) {
  std::uint64_t u;
  if (!v.get_uint64().get(u)) {  // the common case first
    out = static_cast<double>(u);
    return true;
  }
  od::json_type t;
  if (auto e = v.type().get(t)) {
    if constexpr (kWhy) *why = "invalid JSON (" + json_error_text(e) + ")";
    return false;
  }
  if (t != od::json_type::number) {
    if constexpr (kWhy) *why = "'timestamp' must be a non-negative number, got " + describe_value(v, t);
    return false;
  }
  double d;
  if (v.get_double().get(d) || !std::isfinite(d)) {
    if constexpr (kWhy) {
      const std::string raw = token_text(v);
      *why = is_json_number(raw) ? "'timestamp' is out of range: " + raw : "invalid JSON (malformed number " + raw + ")";
    }
    return false;
  }
  if (!(d >= 0)) {
    if constexpr (kWhy) *why = "'timestamp' must be a non-negative number, got " + token_text(v);
    return false;
  }
  out = d + 0.0;  // -0 -> +0
  return true;
}

/// Reads a token count (a non-negative integer; an integral float such as 3000.0 is accepted).
template <bool kWhy>
inline bool read_length(od::value v, const char* key, std::int64_t& out, std::string* why) {
  std::int64_t i;
  if (!v.get_int64().get(i) && i >= 0) {  // the common case first
    out = i;
    return true;
  }
  od::json_type t;
  if (auto e = v.type().get(t)) {
    if constexpr (kWhy) *why = "invalid JSON (" + json_error_text(e) + ")";
    return false;
  }
  if (t != od::json_type::number) {
    if constexpr (kWhy) *why = std::string("'") + key + "' must be a non-negative integer, got " + describe_value(v, t);
    return false;
  }
  if (!v.get_int64().get(i)) {
    if (i < 0) {
      if constexpr (kWhy) *why = std::string("'") + key + "' must be a non-negative integer, got " + token_text(v);
      return false;
    }
    out = i;
    return true;
  }
  double d;
  if (v.get_double().get(d) || !std::isfinite(d)) {
    if constexpr (kWhy) {
      const std::string raw = token_text(v);
      *why = is_json_number(raw) ? std::string("'") + key + "' is out of range: " + raw
                                 : "invalid JSON (malformed number " + raw + ")";
    }
    return false;
  }
  if (d != std::floor(d) || d < 0) {
    if constexpr (kWhy) *why = std::string("'") + key + "' must be a non-negative integer, got " + token_text(v);
    return false;
  }
  if (d >= 9223372036854775808.0) {
    if constexpr (kWhy) *why = std::string("'") + key + "' is out of range: " + token_text(v);
    return false;
  }
  out = static_cast<std::int64_t>(d);
  return true;
}

/// Key `raw` (the bytes after the opening quote, padded input) equals `name` exactly.
inline bool key_is(const char* raw, const char* name, std::size_t n) {
  return std::memcmp(raw, name, n) == 0 && raw[n] == '"';
}

/// Iterates every field of `obj`: reads timestamp, input_length and output_length, skips the rest
/// (values of other keys are skipped On-Demand style: brackets and strings must balance, their
/// contents are not validated). Keys are compared as written (an escaped key is another key).
/// Fails on a missing or duplicate key, a bad value, or malformed JSON met on the way.
template <bool kWhy>
inline bool extract_fields(od::object obj, TraceRecord& rec, std::string* why) {
  unsigned seen = 0;
  for (auto field : obj) {
    od::raw_json_string key;
    if (auto e = field.key().get(key)) {
      if constexpr (kWhy) *why = "invalid JSON (" + json_error_text(e) + ")";
      return false;
    }
    const char* k = reinterpret_cast<const char*>(key.raw());
    unsigned bit = 0;
    const char* name = nullptr;
    if (k[0] == 't' && key_is(k, "timestamp", 9)) bit = kHaveTimestamp, name = "timestamp";
    else if (k[0] == 'i' && key_is(k, "input_length", 12)) bit = kHaveInput, name = "input_length";
    else if (k[0] == 'o' && key_is(k, "output_length", 13)) bit = kHaveOutput, name = "output_length";
    if (bit == 0) continue;  // ignored key: its value is skipped by the next iteration step
    if (seen & bit) {
      if constexpr (kWhy) *why = std::string("duplicate key '") + name + "'";
      return false;
    }
    seen |= bit;
    od::value v;
    if (auto e = field.value().get(v)) {
      if constexpr (kWhy) *why = "invalid JSON (" + json_error_text(e) + ")";
      return false;
    }
    bool ok;
    if (bit == kHaveTimestamp) ok = read_timestamp<kWhy>(v, rec.timestamp_ms, why);
    else if (bit == kHaveInput) ok = read_length<kWhy>(v, "input_length", rec.input_length, why);
    else ok = read_length<kWhy>(v, "output_length", rec.output_length, why);
    if (!ok) return false;
  }
  if (seen != kHaveAll) {
    if constexpr (kWhy) {
      const char* missing = !(seen & kHaveTimestamp) ? "timestamp" : !(seen & kHaveInput) ? "input_length" : "output_length";
      *why = std::string("missing key '") + missing + "'";
    }
    return false;
  }
  return true;
}

}  // namespace sla_planner::detail
