// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "sla_planner/util/data_error.hpp"

namespace sla_planner {

/// Pre-deployment decode measurements: ITL and throughput at sampled (KV usage, context length).
struct DecodeProfile {
  std::vector<double> kv_usage;        ///< active KV-cache usage at each point (fraction 0..1)
  std::vector<double> context_length;  ///< average context length at each point (tokens)
  std::vector<double> itl_ms;          ///< inter-token latency (milliseconds)
  std::vector<double> thpt_per_gpu;    ///< decode throughput (tokens/s/GPU)
  double max_kv_tokens = 0;            ///< KV-cache capacity of one engine (tokens)
  std::string source;                  ///< where the data came from, used in error messages

  /// Checks lengths (equal, at least 3), finiteness and max_kv_tokens > 0. Collinear points are
  /// detected by the triangulation, which names them.
  /// \throws DataError "<source>: z_itl has 40 values but x_kv_usage has 41"
  void validate() const {
    check_same_length("y_context_length", context_length);
    check_same_length("z_itl", itl_ms);
    check_same_length("z_thpt_per_gpu", thpt_per_gpu);
    if (kv_usage.size() < 3)
      throw DataError(source + ": decode profile needs at least 3 points, got " + std::to_string(kv_usage.size()));
    check_finite("x_kv_usage", kv_usage);
    check_finite("y_context_length", context_length);
    check_finite("z_itl", itl_ms);
    check_finite("z_thpt_per_gpu", thpt_per_gpu);
    if (!(max_kv_tokens > 0) || !std::isfinite(max_kv_tokens)) {
      std::ostringstream os;
      os << source << ": max_kv_tokens must be a positive number, got " << max_kv_tokens;
      throw DataError(os.str());
    }
  }

private:
  void check_same_length(const char* name, const std::vector<double>& v) const {
    if (v.size() != kv_usage.size())
      throw DataError(source + ": " + name + " has " + std::to_string(v.size()) + " values but x_kv_usage has " +
                      std::to_string(kv_usage.size()));
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
