// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "sla_planner/util/data_error.hpp"

namespace sla_planner {

/// Pre-deployment prefill measurements: one engine serving one request at a time.
struct PrefillProfile {
  std::vector<double> isl;           ///< input sequence lengths (tokens)
  std::vector<double> ttft_ms;       ///< time to first token at each ISL (milliseconds)
  std::vector<double> thpt_per_gpu;  ///< prefill throughput at each ISL (tokens/s/GPU)
  std::string source;                ///< where the data came from, used in error messages

  /// Checks lengths (equal, at least 2) and that every value is finite.
  /// \throws DataError "<source>: prefill_ttft has 16 values but prefill_isl has 17"
  void validate() const {
    check_same_length("prefill_ttft", ttft_ms);
    check_same_length("prefill_thpt_per_gpu", thpt_per_gpu);
    if (isl.size() < 2)
      throw DataError(source + ": prefill profile needs at least 2 points, got " + std::to_string(isl.size()));
    check_finite("prefill_isl", isl);
    check_finite("prefill_ttft", ttft_ms);
    check_finite("prefill_thpt_per_gpu", thpt_per_gpu);
  }

private:
  void check_same_length(const char* name, const std::vector<double>& v) const {
    if (v.size() != isl.size())
      throw DataError(source + ": " + name + " has " + std::to_string(v.size()) + " values but prefill_isl has " +
                      std::to_string(isl.size()));
  }
  void check_finite(const char* name, const std::vector<double>& v) const {
    for (std::size_t i = 0; i < v.size(); ++i)
      if (!std::isfinite(v[i])) {
        std::ostringstream os;
        os << source << ": " << name << "[" << i << "] is " << v[i] << " (values must be finite)";
        throw DataError(os.str());
      }
  }
};

}  // namespace sla_planner
