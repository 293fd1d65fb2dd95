// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Parses a block of complete JSONL lines. Fast path: simdjson's document stream (`iterate_many`,
// one stage-1 pass per batch, see simdjson doc/iterate_many.md) with a check that every document
// sits alone on its own line. Anything unusual (a parse error, two values on a line, a value that
// runs over its line end) sends the affected lines to the per-line parser, which is the reference
// for what is accepted and for every error message; the fast path then resumes after them.
// Lines ending in a "hash_ids" member are first copied without it (detail/hash_ids_tail.hpp);
// lines that fail are re-read from their original text. When asked to keep hash_ids, each
// record's ids are read afterwards from its original line: by hand from that trailing member
// (digits and commas), else with the per-line On-Demand parser.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <simdjson.h>

#include "sla_planner/formats/detail/hash_ids_tail.hpp"
#include "sla_planner/formats/detail/mooncake_fields.hpp"
#include "sla_planner/formats/mooncake_line_parser.hpp"
#include "sla_planner/trace/trace_record.hpp"

namespace sla_planner::detail {

/// What one block produced. Line numbers are local (1 = the block's first line).
struct RegionResult {
  std::vector<TraceRecord> records;
  std::vector<std::uint64_t> hash_ids;     ///< with keep_hash_ids: every record's ids, in order
  std::vector<std::uint32_t> hash_counts;  ///< with keep_hash_ids: ids per record
  std::uint64_t lines = 0;             ///< lines in the block (a last line without '\n' counts)
  std::uint64_t invalid = 0;           ///< bad lines met
  std::uint64_t first_error_line = 0;  ///< local line of the first bad line
  std::string first_error;             ///< what is wrong with it
  bool stopped = false;                ///< stopped at the first bad line (strict mode)

  void clear() {
    records.clear();
    hash_ids.clear();
    hash_counts.clear();
    lines = invalid = first_error_line = 0;
    first_error.clear();
    stopped = false;
  }
};

/// Parser state for blocks; one per thread.
class RegionParser {
public:
  /// `batch_bytes`: simdjson document-stream batch size (documents longer than that take the
  /// per-line path).
  explicit RegionParser(std::size_t batch_bytes = std::size_t(1) << 20) : batch_(batch_bytes) {
#ifdef SIMDJSON_THREADS_ENABLED
    stream_parser_.threaded = false;  // our own threads parse whole blocks
#endif
  }

  /// Also read every record's "hash_ids" (RegionResult::hash_ids, hash_counts).
  void set_keep_hash_ids(bool keep) noexcept { keep_ = keep; }

  /// Parses data[0, len): complete lines (only the last may lack '\n'); `len + SIMDJSON_PADDING`
  /// bytes must be readable. Appends to `out` (cleared first).
  void parse(const char* data, std::size_t len, bool skip_invalid, RegionResult& out) {
    out.clear();
    // The shortest valid record line, {"timestamp":0,"input_length":0,"output_length":0}, has 51
    // bytes: reserving for that many never reallocates, and pages never written cost nothing.
    out.records.reserve(len / 51 + 1);
    const char* const end = data + len;
    Cursor c{data, 1};
    const bool compacted = compact(data, len);
    if (compacted) {
      c = parse_compacted(data, len, skip_invalid, out);
    } else {
      while (c.pos < end && !out.stopped) {
        Stop stop;
        if (fast(c, end, out, stop)) {
          c = stop.resume;
          break;
        }
        c = slow(stop.from, stop.to, end, skip_invalid, out);
      }
    }
    out.lines = len > 0 && end[-1] != '\n' ? c.line : c.line - 1;  // c.line is the line at `end`
    if (keep_) read_hash_ids(data, len, compacted, skip_invalid, out);
  }

private:
  struct Cursor {
    const char* pos;     ///< a line start (or the end)
    std::uint64_t line;  ///< its local line number
  };
  struct Stop {
    Cursor from{};             ///< first line the per-line parser must read
    const char* to = nullptr;  ///< ... up to here (a line start or the end)
    Cursor resume{};           ///< where the fast path ended cleanly
  };

  static bool is_ws(char ch) noexcept { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'; }
  static const char* after_line(const char* p, const char* end) noexcept {
    const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
    return nl ? static_cast<const char*>(nl) + 1 : end;
  }

  /// Document-stream pass from `c` to `end`. Returns true when it got there cleanly (stop.resume
  /// holds the final cursor); false with stop.from/to naming the lines the per-line parser must read.
  /// `starts`: when not null, where each line starts relative to `base` (compacted text; saves
  /// looking for line ends again).
  bool fast(Cursor c, const char* end, RegionResult& out, Stop& stop, const std::uint32_t* starts = nullptr,
            const char* base = nullptr) {
    namespace od = simdjson::ondemand;
    od::document_stream stream;
    if (stream_parser_.iterate_many(reinterpret_cast<const std::uint8_t*>(c.pos), static_cast<std::size_t>(end - c.pos), batch_)
            .get(stream)) {
      stop.from = c, stop.to = end;
      return false;
    }
    const char* scan = c.pos;  // bytes before `scan` are accounted for
    std::uint64_t line = c.line;
    const char* line_start = c.pos;
    bool pending = false;  // the last document is parsed but not yet known to end on its line
    TraceRecord rec{}, next{};
    Cursor pend{};
    const char* pend_end = nullptr;  // the '\n' (or end) closing the pending document's line
    // Whitespace-only bytes up to `to`, counting lines; false at anything else.
    auto gap = [&](const char* to) {
      for (; scan < to; ++scan) {
        const char ch = *scan;
        if (ch == '\n') ++line, line_start = scan + 1;
        else if (ch != ' ' && ch != '\t' && ch != '\r') return false;
      }
      return true;
    };
    auto unverified = [&]() { return pending ? pend : c; };
    for (auto it = stream.begin(); it != stream.end(); ++it) {
      auto doc = *it;
      if (doc.error()) {
        stop.from = unverified(), stop.to = end;
        return false;
      }
      const char* d = c.pos + it.current_index();
      while (d < end && is_ws(*d)) ++d;  // the first document of a batch may start at whitespace
      if (d < scan) {                     // a second value on the pending document's line
        stop.from = pend, stop.to = pend_end < end ? pend_end + 1 : end;
        return false;
      }
      if (!gap(d)) {  // the pending document ran past its line end
        stop.from = unverified(), stop.to = after_line(d, end);
        return false;
      }
      if (pending) out.records.push_back(rec), pending = false;
      od::object obj;
      if (doc.get_object().get(obj) || !extract_fields<false>(obj, next, nullptr)) {
        stop.from = Cursor{line_start, line}, stop.to = after_line(d, end);
        return false;
      }
      next.line = line;
      rec = next;
      pending = true;
      pend = Cursor{line_start, line};
      if (starts) {  // the next line's start minus one is this line's '\n', if it has one
        pend_end = base + starts[line] - 1;
        if (pend_end >= end || *pend_end != '\n') pend_end = end;
      } else {
        const void* nl = std::memchr(d, '\n', static_cast<std::size_t>(end - d));
        pend_end = nl ? static_cast<const char*>(nl) : end;
      }
      scan = pend_end;
    }
    // Bytes the stream did not return (an incomplete value, possibly on the pending document's own
    // line, where gap() cannot see it) or non-blank bytes after the last document.
    if (stream.truncated_bytes() != 0 || !gap(end)) {
      stop.from = unverified(), stop.to = end;
      return false;
    }
    if (pending) out.records.push_back(rec);
    stop.resume = Cursor{end, line};
    return true;
  }

  /// Copies data[0, len) into cbuf_ with the "hash_ids" member of each line removed, noting where
  /// every line starts in both. Returns false (nothing copied) when the first line has no such
  /// member: traces without hash_ids are parsed in place.
  bool compact(const char* data, std::size_t len) {
    if (len >= 0xFFFFFFFFu - simdjson::SIMDJSON_PADDING) return false;  // offsets are 32-bit
    const char* const end = data + len;
    const void* nl0 = std::memchr(data, '\n', len);
    const char *cut, *resume;
    if (!find_hash_ids_tail(data, nl0 ? static_cast<const char*>(nl0) : end, cut, resume)) return false;
    if (cbuf_cap_ < len + simdjson::SIMDJSON_PADDING) {
      // not value-initialised: only the pages written (about a third) are ever touched
      cbuf_.reset(new char[len + simdjson::SIMDJSON_PADDING]);
      cbuf_cap_ = len + simdjson::SIMDJSON_PADDING;
    }
    orig_start_.clear();
    comp_start_.clear();
    orig_start_.reserve(len / 51 + 2);  // as out.records: no reallocation, untouched pages are free
    comp_start_.reserve(len / 51 + 2);
    char* const base = cbuf_.get();
    char* w = base;
    for (const char* p = data; p < end;) {
      orig_start_.push_back(static_cast<std::uint32_t>(p - data));
      comp_start_.push_back(static_cast<std::uint32_t>(w - base));
      const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      const char* next = nl ? static_cast<const char*>(nl) + 1 : end;
      if (find_hash_ids_tail(p, nl ? static_cast<const char*>(nl) : end, cut, resume)) {
        std::memcpy(w, p, static_cast<std::size_t>(cut - p));
        w += cut - p;
        std::memcpy(w, resume, static_cast<std::size_t>(next - resume));
        w += next - resume;
      } else {
        std::memcpy(w, p, static_cast<std::size_t>(next - p));
        w += next - p;
      }
      p = next;
    }
    comp_len_ = static_cast<std::size_t>(w - base);
    orig_start_.push_back(static_cast<std::uint32_t>(len));  // one past the last line
    comp_start_.push_back(static_cast<std::uint32_t>(comp_len_));
    std::memset(w, 0, simdjson::SIMDJSON_PADDING);
    return true;
  }

  /// The document-stream pass over cbuf_; lines it cannot take are read by the per-line parser
  /// from the original text. Returns the cursor at the end (its line as in parse()).
  Cursor parse_compacted(const char* data, std::size_t len, bool skip_invalid, RegionResult& out) {
    const char* const cb = cbuf_.get();
    const char* const cend = cb + comp_len_;
    const char* const end = data + len;
    Cursor c{cb, 1};
    while (c.pos < cend && !out.stopped) {
      Stop stop;
      if (fast(c, cend, out, stop, comp_start_.data(), cb)) return stop.resume;
      // stop.from and stop.to are line starts (or the end) of the compacted text: same lines in the original
      const Cursor from{data + orig_start_[stop.from.line - 1], stop.from.line};
      const char* to = end;
      if (stop.to < cend) {
        const auto it = std::lower_bound(comp_start_.begin(), comp_start_.end(), static_cast<std::uint32_t>(stop.to - cb));
        to = data + orig_start_[static_cast<std::size_t>(it - comp_start_.begin())];
      }
      const Cursor oc = slow(from, to, end, skip_invalid, out);
      if (out.stopped || oc.pos >= end) return Cursor{cend, oc.line};
      c = Cursor{cb + comp_start_[oc.line - 1], oc.line};
    }
    return c;
  }

  /// Per-line parsing of the lines in [from.pos, to). Returns the cursor at `to`.
  Cursor slow(Cursor from, const char* to, const char* end, bool skip_invalid, RegionResult& out) {
    const char* p = from.pos;
    std::uint64_t line = from.line;
    TraceRecord r{};
    while (p < to) {
      const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      const char* le = nl ? static_cast<const char*>(nl) : end;
      const std::size_t cap = static_cast<std::size_t>(end - p) + simdjson::SIMDJSON_PADDING;
      const auto res = line_parser_.parse(p, static_cast<std::size_t>(le - p), cap, r, why_);
      if (res == MooncakeLineParser::Result::record) {
        r.line = line;
        out.records.push_back(r);
      } else if (res == MooncakeLineParser::Result::invalid) {
        if (out.invalid++ == 0) out.first_error_line = line, out.first_error = why_;
        if (!skip_invalid) {
          out.stopped = true;
          return Cursor{le, line};
        }
      }
      if (!nl) return Cursor{end, line};
      p = le + 1;
      ++line;
    }
    return Cursor{p, line};
  }

  /// Reads the hash_ids of every record from its original line; a record whose hash_ids is not an
  /// array of non-negative integers becomes an invalid line (a record without the key has none).
  void read_hash_ids(const char* data, std::size_t len, bool compacted, bool skip_invalid, RegionResult& out) {
    const char* const end = data + len;
    const std::uint32_t* starts = nullptr;
    if (compacted) {
      starts = orig_start_.data();
    } else {
      line_start_.clear();
      for (const char* p = data; p < end;) {
        line_start_.push_back(static_cast<std::size_t>(p - data));
        const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
        p = nl ? static_cast<const char*>(nl) + 1 : end;
      }
      line_start_.push_back(len);
    }
    auto start_of = [&](std::uint64_t line) -> std::size_t {  // 1-based local line
      return starts ? starts[line - 1] : line_start_[line - 1];
    };
    out.hash_counts.reserve(out.records.size());
    std::size_t kept = 0;
    for (std::size_t i = 0; i < out.records.size(); ++i) {
      const TraceRecord rec = out.records[i];
      const char* b = data + start_of(rec.line);
      const char* e = data + start_of(rec.line + 1);
      if (e > b && e[-1] == '\n') --e;
      const std::size_t before = out.hash_ids.size();
      if (!line_hash_ids(b, e, end, out.hash_ids)) {
        out.hash_ids.resize(before);
        if (out.invalid == 0 || rec.line < out.first_error_line) {
          out.first_error_line = rec.line;
          out.first_error = "'hash_ids' must be an array of non-negative integers";
        }
        ++out.invalid;
        if (!skip_invalid) out.stopped = true;
        continue;
      }
      out.hash_counts.push_back(static_cast<std::uint32_t>(out.hash_ids.size() - before));
      out.records[kept++] = rec;
    }
    out.records.resize(kept);
  }

  /// Appends the ids of the line [b, e) to `ids`; false when its hash_ids is malformed.
  bool line_hash_ids(const char* b, const char* e, const char* end, std::vector<std::uint64_t>& ids) {
    const char *cut, *resume;
    if (find_hash_ids_tail(b, e, cut, resume)) {
      const char* p = static_cast<const char*>(std::memchr(cut, '[', static_cast<std::size_t>(resume - cut))) + 1;
      const char* close = resume - 1;
      auto ws = [&] {
        while (p < close && hash_ids_ws(*p)) ++p;
      };
      ws();
      if (p == close) return true;
      for (;;) {
        if (p == close || *p < '0' || *p > '9') return false;
        if (*p == '0' && p + 1 < close && p[1] >= '0' && p[1] <= '9') return false;  // no leading zeros in JSON
        std::uint64_t v = 0;
        for (; p < close && *p >= '0' && *p <= '9'; ++p) {
          const auto d = static_cast<std::uint64_t>(*p - '0');
          if (v > (~std::uint64_t(0) - d) / 10) return false;
          v = v * 10 + d;
        }
        ids.push_back(v);
        ws();
        if (p == close) return true;
        if (*p != ',') return false;
        ++p;
        ws();
      }
    }
    // Anywhere else in the object: the On-Demand parser (the bytes after `end` are padding).
    namespace od = simdjson::ondemand;
    od::document doc;
    const std::size_t cap = static_cast<std::size_t>(end - b) + simdjson::SIMDJSON_PADDING;
    if (hash_parser_.iterate(b, static_cast<std::size_t>(e - b), cap).get(doc)) return false;
    od::object obj;
    if (doc.get_object().get(obj)) return false;
    for (auto field : obj) {
      od::raw_json_string key;
      if (field.key().get(key)) return false;
      if (!key_is(reinterpret_cast<const char*>(key.raw()), "hash_ids", 8)) continue;
      od::array arr;
      if (field.value().get_array().get(arr)) return false;
      for (auto el : arr) {
        std::uint64_t v;
        if (el.get_uint64().get(v)) return false;
        ids.push_back(v);
      }
      return true;
    }
    return true;
  }

  bool keep_ = false;
  simdjson::ondemand::parser hash_parser_;
  std::vector<std::size_t> line_start_;
  std::size_t batch_;
  simdjson::ondemand::parser stream_parser_;
  MooncakeLineParser line_parser_;
  std::string why_;
  std::unique_ptr<char[]> cbuf_;                      ///< the block without hash_ids, padded
  std::size_t cbuf_cap_ = 0;                          ///< its size
  std::size_t comp_len_ = 0;                          ///< bytes used in it
  std::vector<std::uint32_t> orig_start_, comp_start_;  ///< line i + 1 starts here in each (blocks < 4 GiB)
};

}  // namespace sla_planner::detail
