// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// One engine's scheduler state as NVIDIA Dynamo's load-based planner reads it: the latest
// ForwardPassMetrics record per engine (components/src/dynamo/planner/core/load_scaling.py:
// queued_requests.sum_prefill_tokens, scheduled_requests.sum_decode_kv_tokens,
// queued_requests.sum_decode_kv_tokens).
#pragma once

namespace sla_planner {

/// What one ready engine reports at a tick. Token counts, not request counts: vLLM's
/// `num_requests_waiting` becomes `queued_prefill_tokens` and `kv_cache_usage_perc × max_kv_tokens`
/// becomes `scheduled_decode_kv_tokens`.
struct WorkerLoad {
  /// Prompt tokens (after prefix-cache hits) waiting in the engine's queue, not yet scheduled.
  double queued_prefill_tokens = 0;
  /// KV tokens held by the requests in the running decode batch.
  double scheduled_decode_kv_tokens = 0;
  /// KV tokens of decode requests waiting for (or preempted from) the batch.
  double queued_decode_kv_tokens = 0;
  /// Requests waiting in the queue (vLLM's num_requests_waiting; informational).
  double queued_requests = 0;
  /// Requests in the running batch (vLLM's num_requests_running; informational).
  double running_requests = 0;
};

}  // namespace sla_planner
