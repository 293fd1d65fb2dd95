// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <utility>

#include "sla_planner/interp/decode_interpolator.hpp"
#include "sla_planner/interp/prefill_interpolator.hpp"
#include "sla_planner/interp/decode_operating_point.hpp"
#include "sla_planner/profile/profile.hpp"

namespace sla_planner {

/// The performance model the planner consults, backed by the profile interpolators.
/// Any type with the same four const member functions can stand in (see BasicPlanner), e.g. a
/// fixed-number model in tests. Const calls are safe to make concurrently.
class ProfilePerfModel {
public:
  ProfilePerfModel(PrefillInterpolator prefill, DecodeInterpolator decode)
      : prefill_(std::move(prefill)), decode_(std::move(decode)) {}
  /// Builds both interpolators from a loaded profile (decode options as given).
  explicit ProfilePerfModel(const Profile& p, DecodeInterpolatorOptions options = {})
      : prefill_(p.prefill), decode_(p.decode, options) {}

  /// Prefill TTFT (ms) of one request of `isl` tokens.
  double prefill_ttft_ms(double isl) const { return prefill_.ttft_ms(isl); }
  /// Prefill tokens/s/GPU at `isl`.
  double prefill_thpt_per_gpu(double isl) const { return prefill_.thpt_per_gpu(isl); }
  /// Decode ITL (ms) with `concurrency` requests of `context` tokens on one engine.
  double decode_itl_ms(double concurrency, double context) const {
    return decode_.interpolate_itl_ms(concurrency, context);
  }
  /// The highest-throughput decode point whose ITL is within `itl_ms` at `context`.
  DecodeOperatingPoint decode_best(double itl_ms, double context) const {
    return decode_.find_best_throughput_per_gpu(itl_ms, context);
  }

  const PrefillInterpolator& prefill() const noexcept { return prefill_; }
  const DecodeInterpolator& decode() const noexcept { return decode_; }

private:
  PrefillInterpolator prefill_;
  DecodeInterpolator decode_;
};

}  // namespace sla_planner
