// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Line-by-line reading of text files (plain or gzip, constant memory) and the small CSV subset
// the public LLM traces use: comma-separated fields, optionally double-quoted (RFC 4180 without
// line breaks inside fields), CRLF or LF line ends.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sla_planner/formats/detail/jsonl_source.hpp"

namespace sla_planner::detail {

/// Calls on_line(std::string_view line, std::uint64_t number) for every line, without its
/// "\n" or "\r\n". on_progress(done, total) after each block when given.
template <class OnLine>
void for_each_line(const std::string& path, OnLine&& on_line,
                   const std::function<void(std::uint64_t, std::uint64_t)>& on_progress = {},
                   std::size_t max_line = std::size_t(1) << 20) {
  LineSource src(path, std::size_t(1) << 20, max_line);
  LineBlock block;
  std::uint64_t n = 0;
  while (src.next(block)) {
    if (block.too_long())
      throw DataError(path + ":" + std::to_string(n + 1) + ": line longer than " + std::to_string(max_line) + " bytes");
    const char* p = block.data();
    const char* const end = p + block.size();
    while (p < end) {
      const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      const char* le = nl ? static_cast<const char*>(nl) : end;
      std::size_t len = static_cast<std::size_t>(le - p);
      if (len && p[len - 1] == '\r') --len;
      on_line(std::string_view(p, len), ++n);
      p = le + 1;
    }
    if (on_progress) on_progress(block.input_done(), src.input_size());
  }
}

/// Splits one CSV line into `fields` (views into `line`, quotes removed; a doubled quote inside
/// a quoted field stays doubled). Returns false on a malformed quote.
inline bool split_csv(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t i = 0;
  for (;;) {
    if (i < line.size() && line[i] == '"') {
      std::size_t j = i + 1;
      for (;;) {
        const std::size_t q = line.find('"', j);
        if (q == std::string_view::npos) return false;
        if (q + 1 < line.size() && line[q + 1] == '"') {
          j = q + 2;
          continue;
        }
        fields.push_back(line.substr(i + 1, q - i - 1));
        i = q + 1;
        break;
      }
      if (i == line.size()) return true;
      if (line[i] != ',') return false;
      ++i;
    } else {
      const std::size_t c = line.find(',', i);
      if (c == std::string_view::npos) {
        fields.push_back(line.substr(i));
        return true;
      }
      fields.push_back(line.substr(i, c - i));
      i = c + 1;
    }
  }
}

/// `s` without surrounding spaces and tabs.
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// ASCII case-insensitive equality.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

/// A field quoted for messages, shortened to 40 characters.
inline std::string quoted(std::string_view s) {
  if (s.size() > 40) return "'" + std::string(s.substr(0, 37)) + "...'";
  return "'" + std::string(s) + "'";
}

/// Parses a non-negative decimal integer (digits only, no sign, at most 18 digits).
inline bool parse_count(std::string_view s, std::int64_t& out) {
  s = trim(s);
  if (s.empty() || s.size() > 18) return false;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

/// Index of the header field named `name` (case-insensitive), or -1.
inline int column_of(const std::vector<std::string_view>& header, std::string_view name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (iequals(trim(header[i]), name)) return static_cast<int>(i);
  return -1;
}

}  // namespace sla_planner::detail
