// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Reader of the Azure LLM inference traces (github.com/Azure/AzurePublicDataset,
// AzureLLMInferenceDataset2023 / 2024): CSV with the header TIMESTAMP,ContextTokens,GeneratedTokens
// (columns found by name, any order), timestamps like "2023-11-16 18:15:46.6805900" (up to 9
// fractional digits, optional "T" separator, optional "Z" or "+HH:MM" offset as in the 2024
// files), CRLF or LF line ends, maybe no final newline; plain or gzip.
// Calendar arithmetic: the days-from-civil algorithm of H. Hinnant ("chrono-Compatible Low-Level
// Date Algorithms"), proleptic Gregorian calendar.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sla_planner/util/data_error.hpp"
#include "sla_planner/formats/detail/csv_lines.hpp"
#include "sla_planner/trace/timed_request.hpp"

namespace sla_planner {

/// Options shared by the CSV trace readers.
struct CsvReadOptions {
  bool skip_invalid = false;  ///< count and skip bad rows instead of stopping at the first
  /// Called after each block with (input bytes done, input size). Optional.
  std::function<void(std::uint64_t, std::uint64_t)> on_progress;
};

/// What a CSV read saw.
struct CsvReadStats {
  std::uint64_t rows = 0;       ///< data rows (header and blank lines excluded)
  std::uint64_t delivered = 0;  ///< requests passed on
  std::uint64_t invalid = 0;    ///< bad rows skipped (skip_invalid)
  std::uint64_t filtered = 0;   ///< rows dropped by a filter (BurstGPT model / log type)
  std::uint64_t failed = 0;     ///< BurstGPT rows with 0 response tokens (failures)
  std::string first_error;      ///< "file:line: why" of the first bad row
};

namespace detail {

/// Days since 1970-01-01 of a proleptic Gregorian date.
inline std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

inline bool leap_year(std::int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/// Parses "YYYY-MM-DD HH:MM:SS[.fffffffff][Z|+HH:MM|-HH:MM]" into nanoseconds since the Unix
/// epoch (UTC). Returns false when the text is not such a timestamp or names no real time.
inline bool parse_datetime_ns(std::string_view s, std::int64_t& out) {
  s = trim(s);
  std::size_t i = 0;
  auto num = [&](std::size_t n, int& v) {
    if (i + n > s.size()) return false;
    v = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const char c = s[i + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    i += n;
    return true;
  };
  auto lit = [&](char c) { return i < s.size() && s[i] == c ? (++i, true) : false; };
  int y, mo, d, h, mi, se;
  if (!num(4, y) || !lit('-') || !num(2, mo) || !lit('-') || !num(2, d)) return false;
  if (!(lit(' ') || lit('T')) || !num(2, h) || !lit(':') || !num(2, mi) || !lit(':') || !num(2, se)) return false;
  std::int64_t frac_ns = 0;
  if (lit('.')) {
    std::size_t digits = 0;
    std::int64_t scale = 100000000;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 9) frac_ns += (s[i] - '0') * scale, scale /= 10;
      ++digits, ++i;
    }
    if (digits == 0) return false;
  }
  std::int64_t offset_s = 0;
  if (lit('Z')) {
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int sign = s[i] == '-' ? -1 : 1;
    ++i;
    int oh, om;
    if (!num(2, oh) || !lit(':') || !num(2, om) || oh > 23 || om > 59) return false;
    offset_s = sign * (oh * 3600 + om * 60);
  }
  if (i != s.size()) return false;
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return false;
  if (d > mdays[mo - 1] + (mo == 2 && leap_year(y))) return false;
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const std::int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - offset_s;
  out = secs * 1000000000 + frac_ns;
  return true;
}

}  // namespace detail

/// Reads an Azure LLM inference trace CSV; on_request(const TimedRequest&) per row in file order
/// (time_ns = nanoseconds since the Unix epoch, UTC).
/// \throws DataError "file:line: why" at the first bad row (unless skip_invalid), for a missing
///         or foreign header, and on I/O errors
template <class OnRequest>
CsvReadStats read_azure_csv(const std::string& path, OnRequest&& on_request, const CsvReadOptions& options = {}) {
  CsvReadStats st;
  int c_ts = -1, c_in = -1, c_out = -1;
  std::size_t ncols = 0;
  bool have_header = false;
  std::vector<std::string_view> f;
  auto bad = [&](std::uint64_t line, const std::string& why) {
    if (st.invalid++ == 0) st.first_error = path + ":" + std::to_string(line) + ": " + why;
    if (!options.skip_invalid) throw DataError(st.first_error);
  };
  detail::for_each_line(
      path,
      [&](std::string_view line, std::uint64_t n) {
        if (detail::trim(line).empty()) return;
        if (!have_header) {
          if (!detail::split_csv(line, f)) throw DataError(path + ":" + std::to_string(n) + ": malformed CSV header");
          c_ts = detail::column_of(f, "TIMESTAMP");
          c_in = detail::column_of(f, "ContextTokens");
          c_out = detail::column_of(f, "GeneratedTokens");
          if (c_ts < 0 || c_in < 0 || c_out < 0)
            throw DataError(path + ":" + std::to_string(n) +
                            ": not an Azure LLM inference trace: the header needs TIMESTAMP, ContextTokens and "
                            "GeneratedTokens, got " + detail::quoted(line));
          ncols = f.size();
          have_header = true;
          return;
        }
        ++st.rows;
        if (!detail::split_csv(line, f)) return bad(n, "malformed CSV quoting");
        if (f.size() != ncols) return bad(n, "expected " + std::to_string(ncols) + " fields, got " + std::to_string(f.size()));
        TimedRequest r;
        r.line = n;
        if (!detail::parse_datetime_ns(f[static_cast<std::size_t>(c_ts)], r.time_ns))
          return bad(n, "bad TIMESTAMP " + detail::quoted(f[static_cast<std::size_t>(c_ts)]) +
                            " (expected YYYY-MM-DD HH:MM:SS[.fraction])");
        if (!detail::parse_count(f[static_cast<std::size_t>(c_in)], r.input_length))
          return bad(n, "'ContextTokens' must be a non-negative integer, got " + detail::quoted(f[static_cast<std::size_t>(c_in)]));
        if (!detail::parse_count(f[static_cast<std::size_t>(c_out)], r.output_length))
          return bad(n, "'GeneratedTokens' must be a non-negative integer, got " +
                            detail::quoted(f[static_cast<std::size_t>(c_out)]));
        ++st.delivered;
        on_request(static_cast<const TimedRequest&>(r));
      },
      options.on_progress);
  if (!have_header) throw DataError(path + ": empty file (no CSV header)");
  return st;
}

}  // namespace sla_planner
