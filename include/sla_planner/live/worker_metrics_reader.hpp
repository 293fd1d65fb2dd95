// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Per-engine queue and KV state for the load policy, read from vLLM's scheduler gauges in
// Prometheus (vLLM docs, "Production Metrics": vllm:num_requests_waiting,
// vllm:num_requests_running, vllm:kv_cache_usage_perc — before vLLM 0.10
// vllm:gpu_cache_usage_perc — a fraction, 1 = full).
// Selection as Dynamo's planner does for backend (vLLM) series (ai-dynamo/dynamo
// components/src/dynamo/planner/utils/prometheus.py, commit c4e07289329f4b4022f83c3621034748fb3180db:
// the "model_name" label compared ignoring case, "dynamo_namespace" exactly). Engine kind from a
// label: Dynamo's vLLM workers register as component "prefill" (prefill) or "backend" (decode)
// (components/src/dynamo/vllm/args.py), exported as the dynamo_component label.
// Dynamo's own load-based planner does not read these gauges: it first scraped the router's
// per-worker gauges (dynamo_frontend_worker_active_prefill_tokens / _active_decode_blocks, labels
// worker_id, dp_rank, worker_type; DirectRouterMetricsClient in the same file of early 2026), then
// ForwardPassMetrics over Dynamo's event plane. vLLM's gauges count requests, so tokens are
// estimated: queued prefill tokens = waiting requests × mean ISL; decode KV tokens = KV use ×
// max_kv_tokens; queued decode KV = waiting requests × mean ISL.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sla_planner/live/prometheus_response.hpp"
#include "sla_planner/live/worker_answers.hpp"
#include "sla_planner/live/worker_reading.hpp"

namespace sla_planner {

/// Selects one deployment's engines from vLLM's gauges and turns them into WorkerLoad records.
/// An engine is one label set (all labels but __name__) carrying `kind_label`; it must report
/// both the queue and the KV use. Thread-compatible; read() is const.
class WorkerMetricsReader {
public:
  /// \param model_name        compared with the "model_name" label (vLLM's; "model" when absent), ignoring case
  /// \param dynamo_namespace  compared with the "dynamo_namespace" label exactly
  /// \param kind_label        label telling prefill from decode engines
  /// \param prefill_kind      its value on prefill engines
  /// \param decode_kind       its value on decode engines
  WorkerMetricsReader(std::string model_name, std::string dynamo_namespace, std::string kind_label = "dynamo_component",
                      std::string prefill_kind = "prefill", std::string decode_kind = "backend")
      : model_lower_(lower(model_name)),
        model_(std::move(model_name)),
        namespace_(std::move(dynamo_namespace)),
        kind_label_(std::move(kind_label)),
        prefill_kind_(std::move(prefill_kind)),
        decode_kind_(std::move(decode_kind)) {}

  /// Instant query for the waiting requests of every engine.
  static std::string waiting_query() { return "vllm:num_requests_waiting"; }
  /// Instant query for the running requests of every engine.
  static std::string running_query() { return "vllm:num_requests_running"; }
  /// Instant query for the KV-cache use of every engine (vLLM >= 0.10 name, or the older one).
  static std::string kv_usage_query() { return "vllm:kv_cache_usage_perc or vllm:gpu_cache_usage_perc"; }

  /// True when the sample carries this deployment's model and namespace.
  bool matches(const PrometheusSample& s) const {
    const std::string& m = s.label("model_name").empty() ? s.label("model") : s.label("model_name");
    return !m.empty() && lower(m) == model_lower_ && s.label("dynamo_namespace") == namespace_;
  }

  /// The engines' loads, or the first reason to skip the tick: a failed query (its kind), no
  /// engine of a kind (no_data), an engine without queue or KV series (no_data), a NaN/Inf value
  /// (not_finite), a negative value or a KV use above 1 (unexpected_shape), or waiting requests
  /// while no mean ISL is known (no_data).
  /// \param mean_isl       mean input length (tokens) of recent requests; <= 0 or NaN: unknown
  /// \param max_kv_tokens  KV capacity of one decode engine (tokens, > 0)
  WorkerReading read(const WorkerAnswers& a, double mean_isl, double max_kv_tokens) const {
    WorkerReading out;
    struct Engine {
      bool prefill = false;
      bool has_waiting = false, has_kv = false;
      double waiting = 0, running = 0, kv = 0;
    };
    std::map<std::string, Engine> engines;
    const struct {
      const PrometheusResponse& answer;
      const char* metric;
      int field;  // 0 waiting, 1 running, 2 kv
    } queries[] = {{a.waiting, "vllm:num_requests_waiting", 0},
                   {a.running, "vllm:num_requests_running", 1},
                   {a.kv_usage, "vllm:kv_cache_usage_perc", 2}};
    for (const auto& q : queries) {
      if (!q.answer.ok()) {
        // An engine that exports no running gauge is still usable; a failed query is not.
        if (q.field == 1 && q.answer.error().kind == PrometheusErrorKind::no_data) continue;
        return skip(out, q.answer.error().kind, std::string(q.metric) + ": " + q.answer.error().message);
      }
      for (const PrometheusSample& s : q.answer.samples()) {
        if (!matches(s)) continue;
        const std::string& kind = s.label(kind_label_);
        if (kind != prefill_kind_ && kind != decode_kind_) continue;
        const std::string id = engine_id(s);
        if (!std::isfinite(s.value))
          return skip(out, PrometheusErrorKind::not_finite, std::string(q.metric) + "{" + id + "}: value is not finite");
        if (s.value < 0 || (q.field == 2 && s.value > 1.0))
          return skip(out, PrometheusErrorKind::unexpected_shape,
                      std::string(q.metric) + "{" + id + "}: value " + std::to_string(s.value) + " out of range");
        Engine& e = engines[id];
        e.prefill = kind == prefill_kind_;
        if (q.field == 0) e.has_waiting = true, e.waiting = s.value;
        if (q.field == 1) e.running = s.value;
        if (q.field == 2) e.has_kv = true, e.kv = s.value;
      }
    }
    const bool isl_known = mean_isl > 0 && std::isfinite(mean_isl);
    for (const auto& [id, e] : engines) {
      if (!e.has_waiting || !e.has_kv)
        return skip(out, PrometheusErrorKind::no_data,
                    "engine {" + id + "}: no " + (e.has_waiting ? "vllm:kv_cache_usage_perc" : "vllm:num_requests_waiting"));
      if (e.waiting > 0 && !isl_known)
        return skip(out, PrometheusErrorKind::no_data,
                    "engine {" + id + "}: requests waiting but no mean input length observed yet");
      WorkerLoad w;
      w.queued_requests = e.waiting;
      w.running_requests = e.running;
      if (e.prefill) {
        w.queued_prefill_tokens = e.waiting > 0 ? e.waiting * mean_isl : 0.0;
        out.prefill.push_back(w);
        out.prefill_ids.push_back(id);
      } else {
        w.scheduled_decode_kv_tokens = e.kv * max_kv_tokens;
        w.queued_decode_kv_tokens = e.waiting > 0 ? e.waiting * mean_isl : 0.0;
        out.decode.push_back(w);
        out.decode_ids.push_back(id);
      }
    }
    if (out.prefill.empty() || out.decode.empty()) {
      const std::string which = out.prefill.empty() ? prefill_kind_ : decode_kind_;
      return skip(out, PrometheusErrorKind::no_data,
                  "no engine with " + kind_label_ + "=\"" + which + "\" for model_name '" + model_ + "' in dynamo_namespace '" +
                      namespace_ + "'");
    }
    return out;
  }

private:
  static std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
  }
  /// All labels but the metric name, "name=value" joined by ',' (std::map keeps them sorted).
  static std::string engine_id(const PrometheusSample& s) {
    std::string id;
    for (const auto& [k, v] : s.labels) {
      if (k == "__name__") continue;
      id += (id.empty() ? "" : ",") + k + "=" + v;
    }
    return id;
  }
  static WorkerReading& skip(WorkerReading& out, PrometheusErrorKind kind, std::string message) {
    out.prefill.clear();
    out.decode.clear();
    out.prefill_ids.clear();
    out.decode_ids.clear();
    out.skip = PrometheusError{kind, std::move(message)};
    return out;
  }

  std::string model_lower_, model_, namespace_, kind_label_, prefill_kind_, decode_kind_;
};

}  // namespace sla_planner
