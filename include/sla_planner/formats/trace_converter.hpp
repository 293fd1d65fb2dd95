// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Public trace -> normalised mooncake JSONL: read (Azure LLM inference CSV, BurstGPT CSV, or
// mooncake JSONL), sort by arrival time (stable), shift the first request to 0 ms, divide by a
// time scale, clip ISL, write {"timestamp", "input_length", "output_length"} per line with
// integer milliseconds (rounded down). hash_ids are not carried over. The requests are held in
// memory for the sort (24 bytes each).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sla_planner/util/data_error.hpp"
#include "sla_planner/formats/azure_csv_reader.hpp"
#include "sla_planner/formats/burstgpt_csv_reader.hpp"
#include "sla_planner/formats/mooncake_reader.hpp"
#include "sla_planner/formats/mooncake_writer.hpp"
#include "sla_planner/trace/timed_request.hpp"

namespace sla_planner {

/// Input formats of convert_trace.
enum class TraceFormat { mooncake, azure, burstgpt };

/// "mooncake" | "azure" | "burstgpt" -> TraceFormat.
/// \throws std::invalid_argument for anything else
inline TraceFormat trace_format_from_name(const std::string& name) {
  if (name == "mooncake") return TraceFormat::mooncake;
  if (name == "azure") return TraceFormat::azure;
  if (name == "burstgpt") return TraceFormat::burstgpt;
  throw std::invalid_argument("'from' must be one of azure, burstgpt, mooncake, got '" + name + "'");
}

/// How to convert.
struct TraceConvertOptions {
  TraceFormat from = TraceFormat::mooncake;  ///< input format
  double time_scale = 1;                     ///< divide times (after the shift to 0) by this; 2 = twice as fast
  std::int64_t max_isl = 0;                  ///< clip input_length to this (0 = no clipping)
  bool skip_invalid = false;                 ///< count and skip bad rows/lines instead of stopping
  BurstGptFilter burstgpt;                   ///< BurstGPT row filters
  /// Called while reading with (input bytes done, input size). Optional.
  std::function<void(std::uint64_t, std::uint64_t)> on_progress;

  /// \throws std::invalid_argument naming the field
  void validate() const {
    if (!(time_scale > 0) || !std::isfinite(time_scale))
      throw std::invalid_argument("'time_scale' must be > 0, got " + std::to_string(time_scale));
    if (max_isl < 0) throw std::invalid_argument("'max_isl' must be >= 0, got " + std::to_string(max_isl));
  }
};

/// What a conversion did.
struct TraceConvertStats {
  std::uint64_t read = 0;      ///< requests read (after filters)
  std::uint64_t written = 0;   ///< lines written
  std::uint64_t invalid = 0;   ///< bad rows/lines skipped
  std::uint64_t filtered = 0;  ///< BurstGPT rows dropped by --model / --log-type
  std::uint64_t failed = 0;    ///< BurstGPT failures met (0 response tokens); dropped unless kept
  std::uint64_t clipped = 0;   ///< ISLs clipped to max_isl
  bool reordered = false;      ///< the input was not in time order
  std::int64_t span_ms = 0;    ///< last output timestamp
  std::string first_error;     ///< "file:line: why" of the first skipped row
};

namespace detail {

/// Reads every request of `path` into `out` (source clock, ns).
inline void read_any(const std::string& path, const TraceConvertOptions& o, std::vector<TimedRequest>& out,
                     TraceConvertStats& st) {
  auto keep = [&](const TimedRequest& r) { out.push_back(r); };
  CsvReadOptions co;
  co.skip_invalid = o.skip_invalid;
  co.on_progress = o.on_progress;
  if (o.from == TraceFormat::azure || o.from == TraceFormat::burstgpt) {
    const CsvReadStats cs = o.from == TraceFormat::azure ? read_azure_csv(path, keep, co) : read_burstgpt_csv(path, keep, o.burstgpt, co);
    st.invalid = cs.invalid, st.filtered = cs.filtered, st.failed = cs.failed, st.first_error = cs.first_error;
    return;
  }
  MooncakeReadOptions mo;
  mo.skip_invalid = o.skip_invalid;
  mo.on_progress = o.on_progress;
  const MooncakeReadStats ms = read_mooncake_batches(
      path,
      [&](const TraceRecord* r, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
          const double t = r[i].timestamp_ms;
          if (!(t < 9.2e12))
            throw DataError(path + ":" + std::to_string(r[i].line) + ": timestamp " + std::to_string(t) + " ms is too large to convert");
          const double whole = std::floor(t);
          TimedRequest q;
          q.time_ns = static_cast<std::int64_t>(whole) * 1000000 + std::llround((t - whole) * 1e6);
          q.input_length = r[i].input_length;
          q.output_length = r[i].output_length;
          q.line = r[i].line;
          out.push_back(q);
        }
      },
      mo);
  st.invalid = ms.invalid, st.first_error = ms.first_error;
}

}  // namespace detail

/// Converts the trace at `input` and writes it to `out` (then calls out.finish()).
/// \throws DataError for bad input (file:line: why) or when no request is left to write
inline TraceConvertStats convert_trace(const std::string& input, MooncakeWriter& out, const TraceConvertOptions& options) {
  options.validate();
  TraceConvertStats st;
  std::vector<TimedRequest> reqs;
  detail::read_any(input, options, reqs, st);
  st.read = reqs.size();
  if (reqs.empty()) {
    std::string why = input + ": no request to convert";
    if (st.filtered || st.failed || st.invalid)
      why += " (" + std::to_string(st.filtered) + " filtered out, " + std::to_string(st.failed) + " failed, " +
             std::to_string(st.invalid) + " invalid)";
    throw DataError(why);
  }
  const auto by_time = [](const TimedRequest& a, const TimedRequest& b) { return a.time_ns < b.time_ns; };
  if (!std::is_sorted(reqs.begin(), reqs.end(), by_time)) {
    st.reordered = true;
    std::stable_sort(reqs.begin(), reqs.end(), by_time);
  }
  const std::int64_t t0 = reqs.front().time_ns;
  for (const auto& r : reqs) {
    const std::int64_t rel = r.time_ns - t0;
    const std::int64_t ms = options.time_scale == 1 ? rel / 1000000
                                                    : static_cast<std::int64_t>(std::floor(static_cast<double>(rel) / 1e6 / options.time_scale));
    std::int64_t isl = r.input_length;
    if (options.max_isl > 0 && isl > options.max_isl) isl = options.max_isl, ++st.clipped;
    out.write(ms, isl, r.output_length);
    st.span_ms = ms;
  }
  out.finish();
  st.written = out.lines();
  return st;
}

}  // namespace sla_planner
