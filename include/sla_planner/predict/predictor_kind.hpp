// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// The load predictors by kind, and their one table of names.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace sla_planner {

/// Which load predictor forecasts the next interval (see LoadPredictor).
enum class PredictorKind {
  Constant,  ///< the last value
  Arima,     ///< pmdarima's auto_arima, as the reference planner
  Prophet,   ///< Meta Prophet, as the reference planner
  Kalman,    ///< a local linear trend Kalman filter
};

/// Names of the predictor kinds, in enum order: "constant", "arima", "prophet", "kalman".
inline const std::vector<std::string>& predictor_kind_names() {
  static const std::vector<std::string> names{"constant", "arima", "prophet", "kalman"};
  return names;
}

/// The name of a kind.
inline const std::string& to_string(PredictorKind k) { return predictor_kind_names().at(static_cast<std::size_t>(k)); }

/// The kind called `name`. \throws std::invalid_argument for an unknown name
inline PredictorKind parse_predictor_kind(const std::string& name) {
  const auto& names = predictor_kind_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<PredictorKind>(i);
  throw std::invalid_argument("unknown load predictor '" + name + "' (expected constant, arima, prophet or kalman)");
}

/// Fewest points a predictor's window may hold (ARIMA fits need 5).
inline int min_window_size(PredictorKind k) { return k == PredictorKind::Arima ? 5 : 1; }

}  // namespace sla_planner
