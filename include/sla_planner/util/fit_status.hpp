// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace sla_planner {

/// Outcome of a model fit. Non-convergence is a status, not an exception.
enum class FitStatus {
  Success,           ///< the model was fitted and its forecast used
  NotConverged,      ///< the optimizer stopped early; its best point was used
  NumericalIssue,    ///< the fit failed (non-finite likelihood, singular system); fell back to the last value
  InsufficientData,  ///< fewer points than the predictor's minimum; returned the last value
  ConstantWindow,    ///< every value in the window is equal; returned that value
};

/// Human-readable name of a FitStatus ("success", "not_converged", ...).
inline const char* to_string(FitStatus s) noexcept {
  switch (s) {
    case FitStatus::Success: return "success";
    case FitStatus::NotConverged: return "not_converged";
    case FitStatus::NumericalIssue: return "numerical_issue";
    case FitStatus::InsufficientData: return "insufficient_data";
    case FitStatus::ConstantWindow: return "constant_window";
  }
  return "unknown";
}

}  // namespace sla_planner
