// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// What a fleet replay measured: per fleet the numbers AIPerf reports for a live run (goodput
// with TTFT and ITL thresholds, latency percentiles), the GPU cost, and per-interval series.
// Goodput follows AIPerf's definition: requests meeting every threshold divided by the benchmark
// duration (first request sent to last response received).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sla_planner/planner/decision.hpp"

namespace sla_planner {

/// 50th, 90th and 99th percentiles (NumPy's default linear interpolation), milliseconds.
struct LatencyPercentiles {
  double p50 = 0;  ///< median
  double p90 = 0;  ///< 90th percentile
  double p99 = 0;  ///< 99th percentile
};

/// One statistics interval (the planner's adjustment interval when a planner drives the fleet).
/// Interval k covers [origin + k·interval, origin + (k+1)·interval), origin being the first
/// arrival rounded down to a multiple of the interval (as IntervalSeries groups a trace).
struct ReplayInterval {
  double start_s = 0;              ///< seconds from the start of interval 0
  std::size_t arrivals = 0;        ///< requests that arrived in the interval
  std::size_t good = 0;            ///< of those, requests that met both targets
  double mean_ttft_ms = 0;         ///< mean TTFT of first tokens delivered in the interval (NaN if none)
  double mean_itl_ms = 0;          ///< mean ITL of requests finished in the interval (NaN if none)
  long long prefill_workers = 0;   ///< prefill workers deployed (starting or ready) at the interval's start
  long long decode_workers = 0;    ///< decode workers deployed (starting or ready) at the interval's start
  long long ready_prefill = 0;     ///< of those, taking requests
  long long ready_decode = 0;      ///< of those, taking requests
  long long gpus = 0;              ///< GPUs held at the start: starting, ready and draining workers
  std::int64_t prompt_tokens = 0;  ///< prompt tokens of the interval's arrivals
  std::int64_t cached_tokens = 0;  ///< of those, tokens served from a prefill worker's prefix cache

  /// cached_tokens / prompt_tokens (NaN when no prompt token arrived).
  double prefix_hit_rate() const {
    return prompt_tokens ? static_cast<double>(cached_tokens) / static_cast<double>(prompt_tokens)
                         : std::numeric_limits<double>::quiet_NaN();
  }

  /// Percent of the interval's arrivals that met both targets (NaN when none arrived).
  double attainment_percent() const {
    return arrivals ? 100.0 * static_cast<double>(good) / static_cast<double>(arrivals) : std::numeric_limits<double>::quiet_NaN();
  }
};

/// Lifetime of one worker.
struct WorkerSpan {
  bool prefill = true;      ///< prefill (true) or decode (false) worker
  int gpus = 1;             ///< GPUs it holds
  double provisioned_ms = 0;  ///< when it was requested (GPU time starts)
  double ready_ms = 0;        ///< when it started taking requests (infinity if removed before)
  double removed_ms = 0;      ///< when it stopped taking requests (infinity if never removed)
  double end_ms = 0;          ///< when it released its GPUs: drained, or the end of the replay
};

/// Timeline of one request (ReplayOptions::keep_timings).
struct RequestTiming {
  double arrival_ms = 0;         ///< arrival
  double prefill_start_ms = 0;   ///< prefill began (after queueing)
  double prefill_end_ms = 0;     ///< prefill ended
  double decode_start_ms = 0;    ///< admitted into a decode batch: the first token reaches the client
  double finish_ms = 0;          ///< last token
  double ttft_ms = 0;            ///< decode_start − arrival
  double itl_ms = 0;             ///< (finish − decode_start) / (osl − 1); 0 for one output token
  std::uint32_t prefill_worker = 0;  ///< index into ReplayResult::workers
  std::uint32_t decode_worker = 0;   ///< index into ReplayResult::workers
  bool good = false;             ///< met both targets
  std::int64_t cached_tokens = 0;  ///< prompt tokens served from the prefill worker's prefix cache
};

/// Everything one fleet's replay measured.
struct ReplayResult {
  std::string name;                 ///< "planner" or the static fleet's name ("2P2D")
  std::size_t requests = 0;         ///< requests served (all of them: none is ever dropped)
  std::size_t good = 0;             ///< scored requests with TTFT <= target and ITL <= target
  std::size_t scored = 0;           ///< requests scored: those arriving at or after score_from_ms
  double score_from_ms = 0;         ///< start of the scored window (the first arrival unless score_after_s)
  std::size_t oversized = 0;        ///< requests whose ISL + OSL exceeds a decode worker's KV capacity
  std::int64_t prompt_tokens = 0;   ///< Σ ISL over all requests
  std::int64_t cached_tokens = 0;   ///< prompt tokens served from prefill workers' prefix caches
  std::int64_t prefill_tokens_computed = 0;  ///< prompt_tokens − cached_tokens
  double prefix_hit_rate = 0;       ///< cached_tokens / prompt_tokens (0 without prompt tokens)
  double start_ms = 0;              ///< first arrival
  double end_ms = 0;                ///< last token of the last request
  double duration_s = 0;            ///< (end − score_from) / 1000: the benchmark (scored) duration
  double goodput_rps = 0;           ///< good / duration_s
  double goodput_per_gpu = 0;       ///< goodput_rps / avg_gpus
  double attainment_percent = 0;    ///< 100 · good / scored
  LatencyPercentiles ttft_ms;       ///< TTFT percentiles over the scored requests
  LatencyPercentiles itl_ms;        ///< ITL percentiles over requests with at least two output tokens
  double avg_gpus = 0;              ///< GPU time / duration
  long long peak_gpus = 0;          ///< most GPUs held at once (starting, ready and draining workers)
  double gpu_hours = 0;             ///< Σ over workers of GPUs × time held in the scored window, in hours
  long long peak_prefill = 0;       ///< most prefill workers deployed at once
  long long peak_decode = 0;        ///< most decode workers deployed at once
  double interval_s = 60;           ///< length of the intervals below
  std::vector<ReplayInterval> intervals;  ///< from the interval of the first arrival to that of the end
  std::vector<Decision> decisions;  ///< planner decisions, one per interval boundary (planner fleet only)
  std::vector<WorkerSpan> workers;  ///< every worker that existed, in creation order
  std::vector<RequestTiming> timings;  ///< per request, in arrival order (only with keep_timings)
};

}  // namespace sla_planner
