// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Settings of a request-level fleet replay (FleetSimulator), LBFGSpp Param.h style.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "sla_planner/util/checks.hpp"

namespace sla_planner {

/// How a prefill worker schedules its requests.
enum class PrefillModel {
  /// One request at a time, FIFO, busy TTFT(isl) − prefill_fixed_latency_ms (ISL clamped to the
  /// profiled range; with prefix caching, TTFT of the uncached tokens).
  single,
  /// vLLM continuous batching with chunked prefill: each forward pass takes up to
  /// max_num_batched_tokens tokens from the queued requests in order (PrefillCostModel times it).
  chunked,
};

/// How the router picks a prefill worker for a new request (decode workers are always picked by
/// the least KV held or claimed).
enum class PrefillRouter {
  shortest_queue,  ///< fewest requests waiting or in service; ties: lowest id
  round_robin,     ///< ready workers in turn
  kv,              ///< Dynamo's KV-aware router: fewest prefill blocks to compute (see FleetSimulator)
};

/// How a fleet replay runs. Every field has its default here; validate() checks them all.
struct ReplayOptions {
  /// TTFT target (ms): a request meets the SLA only with TTFT <= this. A planner-driven replay
  /// uses the planner's own ttft_ms instead.
  double ttft_ms = 500.0;
  /// ITL target (ms), likewise (the planner's itl_ms when a planner drives the fleet).
  double itl_ms = 50.0;
  /// Length of the statistics intervals (seconds); a planner-driven replay uses the planner's
  /// adjustment_interval_s, which is also when it decides.
  double interval_s = 60.0;
  /// Seconds from a planner's scale-up decision until the new worker takes requests. GPU time
  /// counts from the decision.
  double startup_delay_s = 60.0;
  /// Milliseconds from the end of a prefill until its KV cache is on the decode worker. The
  /// prefill worker is free at the end of the prefill (the transfer does not block it).
  double kv_transfer_ms = 0.0;
  /// Milliseconds of each profiled TTFT that do not occupy the prefill worker: the request and
  /// response path (HTTP, tokenisation, routing, returning the token), which a real engine
  /// overlaps with the next request's prefill. The worker is busy for TTFT(isl) − this (at least
  /// 0); a request's prefill still ends TTFT(isl) after it starts. 0 (the default): the whole TTFT
  /// occupies the worker.
  double prefill_fixed_latency_ms = 0.0;
  /// How prefill workers schedule requests. single reproduces the original one-at-a-time model.
  PrefillModel prefill_model = PrefillModel::single;
  /// Token budget of one chunked-prefill forward pass (vLLM's max_num_batched_tokens).
  std::int64_t max_num_batched_tokens = 8192;
  /// Tokens per KV block of the workload's block hashes (mooncake and AIPerf use 512).
  std::int64_t block_size = 512;
  /// Tokens of KV blocks each prefill worker's prefix cache holds: -1 unbounded, 0 no caching.
  std::int64_t prefix_cache_tokens = 0;
  /// Prefill routing policy.
  PrefillRouter router = PrefillRouter::shortest_queue;
  /// KV cache bytes per prompt token moved from prefill to decode; 0: the transfer takes only
  /// kv_transfer_ms.
  double kv_bytes_per_token = 0.0;
  /// Bandwidth of the KV transfer in GB/s (10^9 bytes per second); used when kv_bytes_per_token > 0.
  double kv_transfer_gbps = 50.0;
  /// Prefill workers a planner-driven fleet starts with (ready at the first arrival).
  long long start_num_p = 1;
  /// Decode workers a planner-driven fleet starts with (ready at the first arrival).
  long long start_num_d = 1;
  /// Seconds from the first arrival before requests are scored: earlier requests are served
  /// (they load the fleet) but count in neither goodput, attainment, percentiles nor GPU-hours,
  /// which cover the window from then to the end. 0: every request is scored.
  double score_after_s = 0.0;
  /// Every simulated prefill and decode compute time is multiplied by this (a fleet slower or
  /// faster than its profile); a planner driving the fleet is not told. 1: the profile's times.
  double fleet_slowdown = 1.0;
  /// Keep every request's timeline in ReplayResult::timings (about 80 bytes per request).
  bool keep_timings = false;
  /// Called with (requests finished, requests in total) every 65,536 completions and at the end;
  /// for a progress display. May be empty.
  std::function<void(std::size_t, std::size_t)> progress;

  /// \throws std::invalid_argument naming the field, its range and the value
  void validate() const {
    check_positive("ttft_ms", ttft_ms);
    check_positive("itl_ms", itl_ms);
    check_positive("interval_s", interval_s);
    check_non_negative("startup_delay_s", startup_delay_s);
    check_non_negative("kv_transfer_ms", kv_transfer_ms);
    check_non_negative("prefill_fixed_latency_ms", prefill_fixed_latency_ms);
    check_at_least("max_num_batched_tokens", max_num_batched_tokens, 1);
    check_at_least("block_size", block_size, 1);
    check_at_least("prefix_cache_tokens", prefix_cache_tokens, -1);
    check_non_negative("kv_bytes_per_token", kv_bytes_per_token);
    check_positive("kv_transfer_gbps", kv_transfer_gbps);
    check_at_least("start_num_p", start_num_p, 1);
    check_at_least("start_num_d", start_num_d, 1);
    check_non_negative("score_after_s", score_after_s);
    check_positive("fleet_slowdown", fleet_slowdown);
  }
};

}  // namespace sla_planner
