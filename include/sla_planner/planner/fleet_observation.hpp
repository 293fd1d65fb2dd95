// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// What a planning policy sees of a live deployment over one tick: the quantities a Prometheus
// server scraping NVIDIA Dynamo's frontend (dynamo_frontend_requests_total, *_input_sequence_tokens,
// *_output_sequence_tokens, *_time_to_first_token_seconds, *_inter_token_latency_seconds,
// *_request_duration_seconds), the router (dynamo_component_router_kv_hit_rate) and the engines'
// forward-pass metrics would show. A replay fills it from its simulated frontend and engines; a
// policy never sees the requests themselves.
#pragma once

#include <cmath>
#include <optional>
#include <vector>

#include "sla_planner/planner/decision.hpp"
#include "sla_planner/planner/metrics.hpp"
#include "sla_planner/planner/histogram.hpp"
#include "sla_planner/planner/worker_load.hpp"

namespace sla_planner {

/// One observation window (one policy tick). Means are optional: a window without requests has
/// no mean ISL, and a deployment may not export every metric.
struct FleetObservation {
  /// Start of the window (seconds on the deployment's clock).
  double start_s = 0;
  /// Length of the window (seconds).
  double duration_s = 0;
  /// Requests that arrived at the frontend during the window.
  double num_req = 0;
  /// Input lengths of those requests (Dynamo frontend buckets; may be empty when not exported).
  Histogram isl = Histogram::dynamo_isl();
  /// Output lengths of the requests that completed (Dynamo frontend buckets; may be empty).
  Histogram osl = Histogram::dynamo_osl();
  /// Times to first token of the requests whose first token came in the window (seconds;
  /// Dynamo frontend buckets; may be empty).
  Histogram ttft_s = Histogram::dynamo_ttft_s();
  /// Gaps between consecutive output tokens in the window (seconds; Dynamo frontend buckets; may
  /// be empty).
  Histogram itl_s = Histogram::dynamo_itl_s();
  /// Mean input length (tokens): histogram sum / count over the window.
  std::optional<double> mean_isl;
  /// Mean output length (tokens).
  std::optional<double> mean_osl;
  /// Mean time to first token (milliseconds).
  std::optional<double> ttft_ms;
  /// Mean inter-token latency (milliseconds).
  std::optional<double> itl_ms;
  /// Mean request duration (seconds).
  std::optional<double> request_duration_s;
  /// Fraction of prompt tokens served from the prefix cache (router's KV hit rate, 0..1).
  std::optional<double> prefix_hit_rate;
  /// Engines the fleet is scaling to: ready plus still starting (the last decision, as applied).
  WorkerCounts deployed;
  /// Engines ready to serve.
  WorkerCounts ready;
  /// Per-engine state of the ready prefill engines at the end of the window (empty: not exported).
  std::vector<WorkerLoad> prefill_workers;
  /// Per-engine state of the ready decode engines at the end of the window (empty: not exported).
  std::vector<WorkerLoad> decode_workers;

  /// True while engines are starting or draining (deployed differs from ready).
  bool scaling_in_progress() const noexcept {
    return deployed.prefill != ready.prefill || deployed.decode != ready.decode;
  }

  /// A window known only by its interval summary (e.g. a live planner's Prometheus reading):
  /// means and request count set, histograms empty, no per-engine state.
  static FleetObservation from_metrics(const Metrics& m, double duration_s, WorkerCounts deployed, WorkerCounts ready) {
    FleetObservation o;
    o.duration_s = duration_s;
    o.num_req = m.num_req && std::isfinite(*m.num_req) && *m.num_req > 0 ? *m.num_req : 0.0;
    o.mean_isl = m.isl;
    o.mean_osl = m.osl;
    o.ttft_ms = m.ttft_ms;
    o.itl_ms = m.itl_ms;
    o.request_duration_s = m.request_duration_s;
    o.deployed = deployed;
    o.ready = ready;
    return o;
  }

  /// The interval summary the throughput rules observe (BasicPlanner::observe). Means are passed
  /// through as given, so a replay that used to fill Metrics directly gets the same numbers.
  Metrics to_metrics() const {
    Metrics m;
    m.num_req = num_req;
    m.isl = mean_isl;
    m.osl = mean_osl;
    m.ttft_ms = ttft_ms;
    m.itl_ms = itl_ms;
    m.request_duration_s = request_duration_s;
    return m;
  }

  /// Extends this window by the next one (`later` starts where this ends): counts and histograms
  /// add, means are weighted by the requests of each window (what rate(sum)/rate(count) over the
  /// longer window gives), engine counts and per-engine state are the later window's.
  void absorb(const FleetObservation& later) {
    const double a = num_req, b = later.num_req;
    auto weighted = [a, b](const std::optional<double>& x, const std::optional<double>& y) -> std::optional<double> {
      const bool hx = x.has_value() && a > 0, hy = y.has_value() && b > 0;
      if (hx && hy) return (*x * a + *y * b) / (a + b);
      if (hx) return x;
      if (hy) return y;
      return x.has_value() ? x : y;
    };
    mean_isl = weighted(mean_isl, later.mean_isl);
    mean_osl = weighted(mean_osl, later.mean_osl);
    ttft_ms = weighted(ttft_ms, later.ttft_ms);
    itl_ms = weighted(itl_ms, later.itl_ms);
    request_duration_s = weighted(request_duration_s, later.request_duration_s);
    prefix_hit_rate = weighted(prefix_hit_rate, later.prefix_hit_rate);
    isl.merge(later.isl);
    osl.merge(later.osl);
    ttft_s.merge(later.ttft_s);
    itl_s.merge(later.itl_s);
    num_req = a + b;
    duration_s += later.duration_s;
    deployed = later.deployed;
    ready = later.ready;
    prefill_workers = later.prefill_workers;
    decode_workers = later.decode_workers;
  }
};

}  // namespace sla_planner
