// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Prefill TTFT and throughput/GPU as functions of ISL: not-a-knot cubic splines through the
// profiled points, queries clamped to the profiled ISL range — the semantics of NVIDIA Dynamo's
// PrefillInterpolator (scipy.interpolate.interp1d(kind="cubic")).
#pragma once

#include <algorithm>
#include <numeric>
#include <sstream>
#include <vector>

#include "sla_planner/util/data_error.hpp"
#include "sla_planner/interp/cubic_spline.hpp"
#include "sla_planner/profile/prefill_profile.hpp"

namespace sla_planner {

/// Build once from a PrefillProfile, then query TTFT (ms) and throughput (tokens/s/GPU) at any ISL.
/// Const member functions are safe to call concurrently.
class PrefillInterpolator {
public:
  /// Sorts the points by ISL (as SciPy does) and fits both splines.
  /// \throws DataError naming the profile when it is invalid or two points share an ISL
  explicit PrefillInterpolator(const PrefillProfile& profile)
      : ttft_(fit(profile, profile.ttft_ms)), thpt_(fit(profile, profile.thpt_per_gpu)) {}

  /// TTFT in milliseconds at `isl`, clamped into the profiled ISL range.
  double ttft_ms(double isl) const noexcept { return ttft_(clamp(isl)); }
  /// Prefill throughput in tokens/s/GPU at `isl`, clamped into the profiled ISL range.
  double thpt_per_gpu(double isl) const noexcept { return thpt_(clamp(isl)); }

  double min_isl() const noexcept { return ttft_.domain().first; }
  double max_isl() const noexcept { return ttft_.domain().second; }

private:
  double clamp(double isl) const noexcept { return std::max(min_isl(), std::min(isl, max_isl())); }

  static CubicSpline fit(const PrefillProfile& p, const std::vector<double>& values) {
    p.validate();
    std::vector<std::size_t> order(p.isl.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p.isl[a] < p.isl[b]; });
    std::vector<double> x(order.size()), y(order.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
      x[k] = p.isl[order[k]];
      y[k] = values[order[k]];
      if (k > 0 && x[k] == x[k - 1]) {
        std::ostringstream os;
        os.precision(17);
        os << p.source << ": duplicate ISL " << x[k] << " (prefill_isl[" << order[k - 1] << "] and prefill_isl["
           << order[k] << "])";
        throw DataError(os.str());
      }
    }
    return CubicSpline(std::move(x), std::move(y));
  }

  CubicSpline ttft_;
  CubicSpline thpt_;
};

}  // namespace sla_planner
