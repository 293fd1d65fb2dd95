// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Reader of BurstGPT traces (github.com/HPMLL/BurstGPT, release v1.1): CSV with the header
// Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type (columns found by name),
// Timestamp in seconds from the trace start (integer or decimal). Rows with 0 response tokens are
// failed requests (the "without_fails" files leave them out); they are dropped unless kept.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sla_planner/util/data_error.hpp"
#include "sla_planner/formats/azure_csv_reader.hpp"
#include "sla_planner/formats/detail/csv_lines.hpp"
#include "sla_planner/trace/timed_request.hpp"

namespace sla_planner {

/// Which BurstGPT rows to keep.
struct BurstGptFilter {
  std::string model;         ///< keep only this Model, e.g. "ChatGPT" or "GPT-4" (case-insensitive; "" = all)
  std::string log_type;      ///< keep only this Log Type, e.g. "Conversation log" or "API log" ("" = all)
  bool keep_failed = false;  ///< keep rows with 0 response tokens
};

namespace detail {

/// Non-negative decimal seconds ("5", "5.25", up to 9 fractional digits kept) -> nanoseconds.
inline bool parse_seconds_ns(std::string_view s, std::int64_t& out) {
  s = trim(s);
  std::size_t i = 0;
  std::int64_t whole = 0;
  std::size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (++digits > 10) return false;  // beyond ~317 years
    whole = whole * 10 + (s[i] - '0');
    ++i;
  }
  std::int64_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::int64_t scale = 100000000;
    std::size_t fd = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (fd < 9) frac += (s[i] - '0') * scale, scale /= 10;
      ++fd, ++i;
    }
    if (fd == 0 && digits == 0) return false;
  } else if (digits == 0) {
    return false;
  }
  if (i != s.size()) return false;
  out = whole * 1000000000 + frac;
  return true;
}

}  // namespace detail

/// Reads a BurstGPT CSV; on_request(const TimedRequest&) per kept row in file order
/// (time_ns = nanoseconds since the trace start).
/// \throws DataError "file:line: why" at the first bad row (unless skip_invalid), for a missing
///         or foreign header, and on I/O errors
template <class OnRequest>
CsvReadStats read_burstgpt_csv(const std::string& path, OnRequest&& on_request, const BurstGptFilter& filter = {},
                               const CsvReadOptions& options = {}) {
  CsvReadStats st;
  int c_ts = -1, c_in = -1, c_out = -1, c_model = -1, c_log = -1;
  std::size_t ncols = 0;
  bool have_header = false;
  std::vector<std::string_view> f;
  auto bad = [&](std::uint64_t line, const std::string& why) {
    if (st.invalid++ == 0) st.first_error = path + ":" + std::to_string(line) + ": " + why;
    if (!options.skip_invalid) throw DataError(st.first_error);
  };
  auto field = [&](int c) { return f[static_cast<std::size_t>(c)]; };
  detail::for_each_line(
      path,
      [&](std::string_view line, std::uint64_t n) {
        if (detail::trim(line).empty()) return;
        if (!have_header) {
          if (!detail::split_csv(line, f)) throw DataError(path + ":" + std::to_string(n) + ": malformed CSV header");
          c_ts = detail::column_of(f, "Timestamp");
          c_in = detail::column_of(f, "Request tokens");
          c_out = detail::column_of(f, "Response tokens");
          c_model = detail::column_of(f, "Model");
          c_log = detail::column_of(f, "Log Type");
          if (c_ts < 0 || c_in < 0 || c_out < 0)
            throw DataError(path + ":" + std::to_string(n) +
                            ": not a BurstGPT trace: the header needs Timestamp, Request tokens and Response tokens, got " +
                            detail::quoted(line));
          if (!filter.model.empty() && c_model < 0)
            throw DataError(path + ":" + std::to_string(n) + ": no Model column to filter on");
          if (!filter.log_type.empty() && c_log < 0)
            throw DataError(path + ":" + std::to_string(n) + ": no Log Type column to filter on");
          ncols = f.size();
          have_header = true;
          return;
        }
        ++st.rows;
        if (!detail::split_csv(line, f)) return bad(n, "malformed CSV quoting");
        if (f.size() != ncols) return bad(n, "expected " + std::to_string(ncols) + " fields, got " + std::to_string(f.size()));
        TimedRequest r;
        r.line = n;
        if (!detail::parse_seconds_ns(field(c_ts), r.time_ns))
          return bad(n, "'Timestamp' must be non-negative seconds, got " + detail::quoted(field(c_ts)));
        if (!detail::parse_count(field(c_in), r.input_length))
          return bad(n, "'Request tokens' must be a non-negative integer, got " + detail::quoted(field(c_in)));
        if (!detail::parse_count(field(c_out), r.output_length))
          return bad(n, "'Response tokens' must be a non-negative integer, got " + detail::quoted(field(c_out)));
        if ((!filter.model.empty() && !detail::iequals(detail::trim(field(c_model)), filter.model)) ||
            (!filter.log_type.empty() && !detail::iequals(detail::trim(field(c_log)), filter.log_type))) {
          ++st.filtered;
          return;
        }
        if (r.output_length == 0) {
          ++st.failed;
          if (!filter.keep_failed) return;
        }
        ++st.delivered;
        on_request(static_cast<const TimedRequest&>(r));
      },
      options.on_progress);
  if (!have_header) throw DataError(path + ": empty file (no CSV header)");
  return st;
}

}  // namespace sla_planner
