// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// One performance model of a profiled engine configuration, serving both the planner (TTFT and
// throughput lookups, the best decode point under an ITL target) and the fleet simulator (time of
// a prefill, of a decode step, KV capacity). The interpolators are built once and held behind a
// shared pointer to immutable state, as Boost.Math's pchip/makima interpolators hold theirs, so a
// copy costs one reference count: a planner, a simulator and every fleet of a replay share one
// set of grids and one triangulation.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>

#include "sla_planner/interp/decode_interpolator.hpp"
#include "sla_planner/interp/decode_operating_point.hpp"
#include "sla_planner/interp/prefill_interpolator.hpp"
#include "sla_planner/profile/profile.hpp"

namespace sla_planner {

/// The profile's interpolators, shared and immutable. Const calls are safe from several threads;
/// copies share the interpolators (see same_state()).
class ProfileModel {
public:
  ProfileModel(PrefillInterpolator prefill, DecodeInterpolator decode)
      : s_(std::make_shared<const State>(State{std::move(prefill), std::move(decode)})) {}
  /// Builds both interpolators from a profile (decode options as given).
  /// \throws DataError when the profile cannot be interpolated
  explicit ProfileModel(const Profile& p, DecodeInterpolatorOptions options = {})
      : ProfileModel(PrefillInterpolator(p.prefill), DecodeInterpolator(p.decode, options)) {}

  // ---- what the planner asks
  /// Prefill TTFT (ms) of one request of `isl` tokens (ISL clamped to the profiled range).
  double prefill_ttft_ms(double isl) const { return s_->prefill.ttft_ms(isl); }
  /// Prefill tokens/s/GPU at `isl`.
  double prefill_thpt_per_gpu(double isl) const { return s_->prefill.thpt_per_gpu(isl); }
  /// Decode ITL (ms) with `concurrency` requests of `context` tokens on one engine (grid lookup).
  double decode_itl_ms(double concurrency, double context) const {
    return s_->decode.interpolate_itl_ms(concurrency, context);
  }
  /// The highest-throughput decode point whose ITL is within `itl_ms` at `context`.
  DecodeOperatingPoint decode_best(double itl_ms, double context) const {
    return s_->decode.find_best_throughput_per_gpu(itl_ms, context);
  }

  // ---- what the fleet simulator asks
  /// Milliseconds of the profiled TTFT of one request of `isl` tokens alone on a prefill engine.
  double prefill_ms(std::int64_t isl) const { return s_->prefill.ttft_ms(static_cast<double>(isl)); }
  /// Milliseconds of one decode step of a batch at `kv_usage` (fraction of max_kv_tokens()) whose
  /// requests hold `mean_context` tokens on average: the interpolant at the point itself
  /// (DecodeInterpolator::evaluate_exact), not its grid.
  double decode_step_ms(double kv_usage, double mean_context) const {
    return s_->decode.itl_exact(kv_usage, mean_context);
  }
  /// The same, located from the previous call's triangle (`hint`: the caller's, start at -1).
  double decode_step_ms(double kv_usage, double mean_context, int& hint) const {
    return s_->decode.itl_exact(kv_usage, mean_context, hint);
  }
  /// KV-cache capacity of one decode engine (tokens).
  double max_kv_tokens() const noexcept { return s_->decode.max_kv_tokens(); }

  const PrefillInterpolator& prefill() const noexcept { return s_->prefill; }
  const DecodeInterpolator& decode() const noexcept { return s_->decode; }
  /// True when both models share one set of interpolators (one is a copy of the other).
  bool same_state(const ProfileModel& other) const noexcept { return s_ == other.s_; }
  /// How many models share these interpolators.
  long use_count() const noexcept { return s_.use_count(); }

private:
  struct State {
    PrefillInterpolator prefill;
    DecodeInterpolator decode;
  };
  std::shared_ptr<const State> s_;
};

}  // namespace sla_planner
