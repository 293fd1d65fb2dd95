// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Settings of ArimaPredictor. Defaults reproduce pmdarima 2.0.4's
// auto_arima(y, suppress_warnings=True, error_action="ignore") as NVIDIA Dynamo's planner calls it.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace sla_planner {

/// Parameters of the auto-ARIMA load predictor (LBFGSpp Param.h style).
struct ArimaParams {
  /// Points kept for fitting (the newest ones). Default 50, as the reference planner's window.
  int window_size = 50;
  /// Largest AR order the stepwise search may reach (also capped at n/3). Default 5.
  int max_p = 5;
  /// Largest MA order the stepwise search may reach (also capped at n/3). Default 5.
  int max_q = 5;
  /// Largest number of differences the KPSS procedure may choose. Default 2.
  int max_d = 2;
  /// AR order of the first model of the search (1 when fewer than 10 points). Default 2.
  int start_p = 2;
  /// MA order of the first model of the search (1 when fewer than 10 points). Default 2.
  int start_q = 2;
  /// Level of the KPSS stationarity test that chooses d. Default 0.05.
  double alpha = 0.05;
  /// L-BFGS iteration limit of each model fit (statsmodels' maxiter). Default 50.
  int max_iter = 50;
  /// Most models the stepwise search may fit (pmdarima's max_steps). Default 100.
  int max_fits = 100;
  /// When the search ends at (0,d,0), refit on log1p(y) and forecast expm1 of that model
  /// (the newer Dynamo planner's fallback for spiky series). Default false.
  bool log1p_fallback = false;

  /// \throws std::invalid_argument naming the first field out of range, e.g.
  ///         "'max_p' must be >= 0, got -1"
  void validate() const {
    check(window_size >= 5, "window_size", ">= 5", window_size);
    check(max_p >= 0, "max_p", ">= 0", max_p);
    check(max_q >= 0, "max_q", ">= 0", max_q);
    check(max_d >= 0, "max_d", ">= 0", max_d);
    check(start_p >= 0 && start_p <= max_p, "start_p", "in [0, max_p = " + std::to_string(max_p) + "]", start_p);
    check(start_q >= 0 && start_q <= max_q, "start_q", "in [0, max_q = " + std::to_string(max_q) + "]", start_q);
    check(alpha > 0.0 && alpha < 1.0, "alpha", "in (0, 1)", alpha);
    check(max_iter >= 1, "max_iter", ">= 1", max_iter);
    check(max_fits >= 1, "max_fits", ">= 1", max_fits);
  }

private:
  template <class T>
  static void check(bool ok, const char* field, const std::string& rule, T got) {
    if (ok) return;
    std::ostringstream os;
    os << '\'' << field << "' must be " << rule << ", got " << got;
    throw std::invalid_argument(os.str());
  }
};

}  // namespace sla_planner
