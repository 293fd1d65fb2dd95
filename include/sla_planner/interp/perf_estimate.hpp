// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// What one GPU sustains under TTFT/ITL targets for a given ISL/OSL — the computation of NVIDIA
// Dynamo's perf_interpolation.py script: prefill TTFT and throughput at the ISL (PrefillInterpolator),
// decode best throughput under the ITL target at the average context isl + osl/2
// (DecodeInterpolator::find_best_throughput_per_gpu), and the request rates that saturate one GPU.
#pragma once

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

#include "sla_planner/interp/decode_interpolator.hpp"
#include "sla_planner/interp/prefill_interpolator.hpp"

namespace sla_planner {

/// A workload and its latency targets.
struct PerfQuery {
  /// Input sequence length (tokens).
  long isl = 3000;
  /// Output sequence length (tokens).
  long osl = 150;
  /// Time-to-first-token target (milliseconds).
  double ttft_ms = 100;
  /// Inter-token-latency target (milliseconds).
  double itl_ms = 10;

  /// \throws std::invalid_argument "'isl' must be >= 1, got 0" (and likewise for the others)
  void validate() const {
    if (isl < 1) throw std::invalid_argument("'isl' must be >= 1, got " + std::to_string(isl));
    if (osl < 1) throw std::invalid_argument("'osl' must be >= 1, got " + std::to_string(osl));
    check_positive("ttft", ttft_ms);
    check_positive("itl", itl_ms);
  }

private:
  static void check_positive(const char* name, double v) {
    if (v > 0 && std::isfinite(v)) return;
    std::ostringstream os;
    os << "'" << name << "' must be a positive number of milliseconds, got " << v;
    throw std::invalid_argument(os.str());
  }
};

/// Prefill side of a PerfEstimate.
struct PrefillEstimate {
  double ttft_ms = 0;            ///< estimated TTFT at the ISL (milliseconds)
  double thpt_per_gpu = 0;       ///< prefill throughput (tokens/s/GPU)
  bool meets_ttft = false;       ///< ttft_ms <= target
  double max_queue_ms = 0;       ///< target - estimated TTFT: how long a request may queue (negative: missed)
  double req_per_s_per_gpu = 0;  ///< thpt_per_gpu / isl: request rate that saturates one GPU
};

/// Decode side of a PerfEstimate.
struct DecodeEstimate {
  long context_length = 0;       ///< isl + osl/2 (integer division)
  double itl_ms = 0;             ///< ITL at the chosen operating point (milliseconds)
  double kv_usage = 0;           ///< active KV usage of that point (fraction)
  double thpt_per_gpu = 0;       ///< decode throughput there (tokens/s/GPU)
  bool meets_itl = false;        ///< itl_ms <= target
  double req_per_s_per_gpu = 0;  ///< thpt_per_gpu / osl: request rate that saturates one GPU
  int kv_index = -1;             ///< grid column of kv_usage (Reference mode), -1 in Exact mode
};

/// Both sides for one query.
struct PerfEstimate {
  PerfQuery query;
  PrefillEstimate prefill;
  DecodeEstimate decode;
};

/// Estimates what one prefill GPU and one decode GPU sustain for `q`.
/// \throws std::invalid_argument when `q` is invalid
inline PerfEstimate estimate_performance(const PrefillInterpolator& prefill, const DecodeInterpolator& decode,
                                         const PerfQuery& q) {
  q.validate();
  PerfEstimate e;
  e.query = q;
  const double isl = static_cast<double>(q.isl), osl = static_cast<double>(q.osl);
  e.prefill.ttft_ms = prefill.ttft_ms(isl);
  e.prefill.thpt_per_gpu = prefill.thpt_per_gpu(isl);
  e.prefill.meets_ttft = e.prefill.ttft_ms <= q.ttft_ms;
  e.prefill.max_queue_ms = q.ttft_ms - e.prefill.ttft_ms;
  e.prefill.req_per_s_per_gpu = e.prefill.thpt_per_gpu / isl;

  e.decode.context_length = q.isl + q.osl / 2;
  const DecodeOperatingPoint op =
      decode.find_best_throughput_per_gpu(q.itl_ms, static_cast<double>(e.decode.context_length));
  e.decode.itl_ms = op.itl_ms;
  e.decode.kv_usage = op.kv_usage;
  e.decode.thpt_per_gpu = op.thpt_per_gpu;
  e.decode.meets_itl = op.itl_ms <= q.itl_ms;
  e.decode.req_per_s_per_gpu = op.thpt_per_gpu / osl;
  e.decode.kv_index = op.kv_index;
  return e;
}

}  // namespace sla_planner
