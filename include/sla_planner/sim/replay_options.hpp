// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Settings of a request-level fleet replay (FleetSimulator), LBFGSpp Param.h style.
#pragma once

#include <cmath>
#include <cstddef>
#include <functional>
#include <string>

#include "sla_planner/util/checks.hpp"

namespace sla_planner {

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
  /// Prefill workers a planner-driven fleet starts with (ready at the first arrival).
  long long start_num_p = 1;
  /// Decode workers a planner-driven fleet starts with (ready at the first arrival).
  long long start_num_d = 1;
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
    check_at_least("start_num_p", start_num_p, 1);
    check_at_least("start_num_d", start_num_d, 1);
  }
};

}  // namespace sla_planner
