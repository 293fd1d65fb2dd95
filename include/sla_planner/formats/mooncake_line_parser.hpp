// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// One line of a mooncake JSONL trace -> TraceRecord, with simdjson On-Demand.
// Format (Mooncake FAST'25 traces, AIPerf `mooncake_trace`): one JSON object per line with
// "timestamp" (ms, integer or fractional), "input_length", "output_length"; "hash_ids" and any
// other keys are ignored.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "sla_planner/formats/detail/mooncake_fields.hpp"
#include "sla_planner/trace/trace_record.hpp"

namespace sla_planner {

/// Parses single JSONL lines. Keeps one simdjson parser, so reuse an instance for many lines.
/// Not thread-safe (one instance per thread).
class MooncakeLineParser {
public:
  enum class Result {
    record,   ///< `out` holds the request (its `line` field is left untouched)
    blank,    ///< empty or whitespace-only line: skip it
    invalid,  ///< `why` says what is wrong, e.g. "missing key 'timestamp'"
  };

  /// Parses `data[0, len)`, one line without its '\n' (a trailing '\r' is whitespace).
  /// Bytes up to `data + capacity` must be readable; capacity >= len + simdjson::SIMDJSON_PADDING.
  Result parse(const char* data, std::size_t len, std::size_t capacity, TraceRecord& out, std::string& why) {
    std::size_t n = len;
    while (n > 0 && is_space(data[n - 1])) --n;
    std::size_t b = 0;
    while (b < n && is_space(data[b])) ++b;
    if (b == n) return Result::blank;
    simdjson::ondemand::document doc;
    if (auto e = parser_.iterate(data, len, capacity).get(doc)) return fail(why, "invalid JSON (" + detail::json_error_text(e) + ")");
    simdjson::ondemand::object obj;
    if (auto e = doc.get_object().get(obj)) {
      if (e != simdjson::INCORRECT_TYPE) return fail(why, "invalid JSON (" + detail::json_error_text(e) + ")");
      return fail(why, "expected a JSON object");
    }
    TraceRecord rec;
    if (!detail::extract_fields<true>(obj, rec, &why)) return Result::invalid;
    const auto at = doc.current_location();
    if (at.error() != simdjson::OUT_OF_BOUNDS) return fail(why, "invalid JSON (trailing content after the object)");
    out.timestamp_ms = rec.timestamp_ms;
    out.input_length = rec.input_length;
    out.output_length = rec.output_length;
    return Result::record;
  }

  /// Same for any string: copies it into a padded buffer first (tests, fuzzing).
  Result parse(std::string_view line, TraceRecord& out, std::string& why) {
    scratch_.assign(line.data(), line.size());
    scratch_.append(simdjson::SIMDJSON_PADDING, '\0');
    return parse(scratch_.data(), line.size(), scratch_.size(), out, why);
  }

private:
  static bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
  static Result fail(std::string& why, std::string text) {
    why = std::move(text);
    return Result::invalid;
  }

  simdjson::ondemand::parser parser_;
  std::string scratch_;
};

/// One-off parse of a single line (allocates a parser; prefer MooncakeLineParser in loops).
inline MooncakeLineParser::Result parse_mooncake_line(std::string_view line, TraceRecord& out, std::string& why) {
  MooncakeLineParser p;
  return p.parse(line, out, why);
}

}  // namespace sla_planner
