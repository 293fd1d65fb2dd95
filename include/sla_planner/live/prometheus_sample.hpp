// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// One series of a Prometheus instant-query answer (resultType "vector" or "scalar"), as described in
// the Prometheus HTTP API documentation, "Instant vectors" / "Scalars".
#pragma once

#include <map>
#include <string>

namespace sla_planner {

/// One sample: the series' labels (empty for a scalar), its evaluation time and its value.
/// The value may be NaN or +-infinity: Prometheus sends those as "NaN", "+Inf", "-Inf".
struct PrometheusSample {
  std::map<std::string, std::string> labels;  ///< label name -> value ("__name__" included when sent)
  double timestamp = 0;                       ///< Unix time in seconds
  double value = 0;                           ///< the sample value

  /// The label's value, or "" when the series has no such label.
  const std::string& label(const std::string& name) const {
    static const std::string empty;
    const auto it = labels.find(name);
    return it == labels.end() ? empty : it->second;
  }
};

}  // namespace sla_planner
