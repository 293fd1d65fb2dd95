// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Reading a mooncake trace (.jsonl or .jsonl.gz, see mooncake_reader.hpp) into the in-memory forms
// the compute areas take: per-interval load (IntervalSeries), a summary (TraceSummary), and the
// requests of a fleet replay (ReplayRequest).
#pragma once

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "sla_planner/formats/mooncake_reader.hpp"
#include "sla_planner/sim/replay_request.hpp"
#include "sla_planner/trace/interval_series.hpp"
#include "sla_planner/trace/trace_record.hpp"
#include "sla_planner/trace/trace_summary.hpp"

namespace sla_planner {

/// Reads a mooncake trace and groups it into intervals; lines need not be sorted.
/// \throws DataError from the reader, or when the trace spans more than options.max_intervals
inline IntervalSeries load_interval_series(const std::string& path, const IntervalSeriesOptions& options = {},
                                           const MooncakeReadOptions& read_options = {},
                                           MooncakeReadStats* stats = nullptr) {
  IntervalAccumulator acc(options, path);
  const MooncakeReadStats st =
      read_mooncake_batches(path, [&](const TraceRecord* r, std::size_t n) { acc.add(r, n); }, read_options);
  if (stats) *stats = st;
  return acc.series();
}

/// Reads a mooncake trace and summarises it.
/// \throws DataError from the reader
inline TraceSummary load_trace_summary(const std::string& path, const TraceSummaryOptions& options = {},
                                       const MooncakeReadOptions& read_options = {},
                                       MooncakeReadStats* stats = nullptr) {
  TraceSummarizer t(options, path);
  const auto st = read_mooncake_batches(path, [&](const TraceRecord* r, std::size_t n) { t.add(r, n); }, read_options);
  if (stats) *stats = st;
  return t.summary();
}

/// Reads a mooncake trace (.jsonl or .jsonl.gz) into requests sorted by arrival (stable: lines
/// with one timestamp keep file order). `time_scale` divides the timestamps (2 = twice as fast).
/// \throws DataError from the reader; std::invalid_argument for a non-positive time_scale
inline std::vector<ReplayRequest> load_replay_requests(const std::string& path, const MooncakeReadOptions& options = {},
                                                       double time_scale = 1.0, MooncakeReadStats* stats = nullptr) {
  if (!(time_scale > 0) || !std::isfinite(time_scale))
    throw std::invalid_argument("'time_scale' must be > 0, got " + std::to_string(time_scale));
  std::vector<ReplayRequest> out;
  const MooncakeReadStats st = read_mooncake_batches(
      path,
      [&](const TraceRecord* r, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i)
          out.push_back({time_scale == 1.0 ? r[i].timestamp_ms : r[i].timestamp_ms / time_scale, r[i].input_length,
                         r[i].output_length});
      },
      options);
  if (stats) *stats = st;
  if (!std::is_sorted(out.begin(), out.end(),
                      [](const ReplayRequest& a, const ReplayRequest& b) { return a.arrival_ms < b.arrival_ms; }))
    std::stable_sort(out.begin(), out.end(),
                     [](const ReplayRequest& a, const ReplayRequest& b) { return a.arrival_ms < b.arrival_ms; });
  return out;
}

}  // namespace sla_planner
