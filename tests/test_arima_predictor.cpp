// ArimaPredictor: the predictor rules, and the golden comparison against pmdarima 2.0.4 on the
// shared request-count windows (tests/data/golden/predictors/*.json).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "sla_planner/predict/arima_predictor.hpp"
#include "sla_planner/predict/load_predictor.hpp"
#include "test_helpers.hpp"

using sla_planner::ArimaOrder;
using sla_planner::ArimaParams;
using sla_planner::ArimaPredictor;
using sla_planner::FitStatus;

TEST_CASE("ArimaParams defaults and validation", "[arima][params]") {
  const ArimaParams p;
  CHECK(p.window_size == 50);
  CHECK(p.max_p == 5);
  CHECK(p.max_q == 5);
  CHECK(p.max_d == 2);
  CHECK(p.start_p == 2);
  CHECK(p.start_q == 2);
  CHECK(p.alpha == 0.05);
  CHECK(p.max_iter == 50);
  CHECK_FALSE(p.log1p_fallback);
  CHECK_NOTHROW(p.validate());

  auto with = [](auto edit) {
    ArimaParams q;
    edit(q);
    return q;
  };
  CHECK_THROWS_WITH(with([](ArimaParams& q) { q.max_p = -1; }).validate(), "'max_p' must be >= 0, got -1");
  CHECK_THROWS_WITH(with([](ArimaParams& q) { q.window_size = 3; }).validate(), "'window_size' must be >= 5, got 3");
  CHECK_THROWS_WITH(with([](ArimaParams& q) { q.start_q = 6; }).validate(), "'start_q' must be in [0, max_q = 5], got 6");
  CHECK_THROWS_WITH(with([](ArimaParams& q) { q.alpha = 1.5; }).validate(), "'alpha' must be in (0, 1), got 1.5");
  CHECK_THROWS_WITH(with([](ArimaParams& q) { q.max_iter = 0; }).validate(), "'max_iter' must be >= 1, got 0");
  CHECK_THROWS_AS(ArimaPredictor(with([](ArimaParams& q) { q.max_d = -2; })), std::invalid_argument);
}

TEST_CASE("ArimaPredictor buffer rules: leading zeros skipped, NaN as 0, window trimmed", "[arima][rules]") {
  ArimaParams p;
  p.window_size = 5;
  ArimaPredictor a(p);
  a.add_data_point(0.0);
  a.add_data_point(std::nan(""));  // NaN counts as 0, and leading zeros are skipped
  CHECK(a.buffer().empty());
  a.add_data_point(5.0);
  a.add_data_point(std::nan(""));
  a.add_data_point(7.0);
  CHECK(a.buffer().values() == std::vector<double>{5.0, 0.0, 7.0});
  for (double v : {8.0, 9.0, 10.0, 11.0}) a.add_data_point(v);
  CHECK(a.buffer().values() == std::vector<double>{7.0, 8.0, 9.0, 10.0, 11.0});
}

TEST_CASE("ArimaPredictor: fewer than five points, constant windows", "[arima][rules]") {
  ArimaPredictor a;
  CHECK(a.predict_next() == 0.0);  // empty
  CHECK(a.last_forecast().status == FitStatus::InsufficientData);
  for (double v : {3.0, 9.0, 4.0, 6.0}) a.add_data_point(v);
  CHECK(a.predict_next() == 6.0);  // four points: the last value
  CHECK(a.last_forecast().status == FitStatus::InsufficientData);
  CHECK_FALSE(a.has_model());

  ArimaPredictor c;
  for (int i = 0; i < 7; ++i) c.add_data_point(42.0);
  CHECK(c.predict_next() == 42.0);
  CHECK(c.last_forecast().status == FitStatus::ConstantWindow);
  CHECK_FALSE(c.has_model());
}

TEST_CASE("ArimaPredictor clamps a negative forecast at 0", "[arima][rules]") {
  // A falling ramp: KPSS picks d = 1, the differences are constant, and pmdarima fits (0,1,0)
  // with a drift of -10, forecasting -10.0000066 (statsmodels).
  std::vector<double> ramp;
  for (int t = 0; t < 12; ++t) ramp.push_back(110.0 - 10.0 * t);
  ArimaPredictor a;
  CHECK(a.predict_window(ramp) == 0.0);
  CHECK(a.last_forecast().clamped);
  CHECK_FALSE(a.last_forecast().fell_back);
  CHECK(a.has_model());
  CHECK(a.order() == ArimaOrder{0, 1, 0});
  CHECK(a.with_intercept());
}

TEST_CASE("ArimaPredictor falls back to the last value when no model can be fitted", "[arima][rules]") {
  // Values so large that every variance overflows: no candidate has a finite likelihood.
  ArimaPredictor a;
  const std::vector<double> huge = {1e200, 3e200, 2e200, 5e200, 4e200, 1e200, 6e200};
  CHECK(a.predict_window(huge) == 6e200);
  CHECK(a.last_forecast().status == FitStatus::NumericalIssue);
  CHECK(a.last_forecast().fell_back);
  CHECK(a.last_forecast().reason.find("no candidate model") != std::string::npos);
  CHECK_FALSE(a.has_model());

  // A non-finite value in a caller-supplied window: same fallback, never NaN.
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(a.predict_window({1.0, 2.0, inf, 4.0, 5.0, 3.0}) == 3.0);
  CHECK(a.last_forecast().status == FitStatus::NumericalIssue);
  CHECK(std::isfinite(a.predict_window({1.0, 2.0, 4.0, 5.0, 3.0, inf})));
}

TEST_CASE("ArimaPredictor reports a fit stopped by the iteration limit as NotConverged", "[arima][rules]") {
  ArimaParams p;
  p.max_iter = 1;
  ArimaPredictor a(p);
  const double f = a.predict_window({388, 819, 1465, 2243, 2674, 2647, 2213, 1527, 773, 388, 380, 812});
  CHECK(std::isfinite(f));
  CHECK(a.has_model());
  CHECK(a.last_forecast().status == FitStatus::NotConverged);
}

TEST_CASE("ArimaPredictor log1p fallback refits a collapsed (0,d,0) search on log1p(y)", "[arima][log1p]") {
  // Spiky counts: the raw search ends at (0,0,0) with mean 12.8; on log1p(y) pmdarima also picks
  // (0,0,0), and expm1 of its forecast is 3.2672225116737820 (statsmodels).
  const std::vector<double> spiky = {5, 0, 0, 40, 3, 0, 1, 60, 2, 0, 0, 35, 4, 1, 0, 55, 3, 0, 2, 45};
  ArimaPredictor raw;
  CHECK(raw.predict_window(spiky) == Approx(12.8).epsilon(1e-9));
  CHECK(raw.order() == ArimaOrder{0, 0, 0});
  CHECK_FALSE(raw.used_log1p());

  ArimaParams p;
  p.log1p_fallback = true;
  ArimaPredictor logp(p);
  CHECK(logp.predict_window(spiky) == Approx(3.267222511673782).epsilon(1e-7));
  CHECK(logp.used_log1p());
  CHECK(logp.order() == ArimaOrder{0, 0, 0});
  CHECK(logp.with_intercept());

  // A search that does not collapse keeps the raw model.
  const std::vector<double> wave = {388, 819, 1465, 2243, 2674, 2647, 2213, 1527};
  ArimaPredictor r2, l2(p);
  CHECK(l2.predict_window(wave) == r2.predict_window(wave));
  CHECK_FALSE(l2.used_log1p());
  CHECK(l2.order() == ArimaOrder{2, 0, 0});
}

TEST_CASE("LoadPredictor::create(\"arima\") wraps an ArimaPredictor", "[arima][rules]") {
  sla_planner::LoadPredictorOptions o;
  o.window_size = 20;
  o.log1p = true;
  sla_planner::LoadPredictor lp = sla_planner::LoadPredictor::create("arima", o);
  CHECK(std::string(lp.name()) == "arima");
  const auto& a = std::get<ArimaPredictor>(lp.variant());
  CHECK(a.params().window_size == 20);
  CHECK(a.params().log1p_fallback);
  for (double v : {5, 0, 0, 40, 3, 0, 1, 60, 2, 0, 0, 35, 4, 1, 0, 55, 3, 0, 2, 45}) lp.add_data_point(v);
  CHECK(lp.predict_next() == Approx(3.267222511673782).epsilon(1e-7));  // the log1p case above
  o.window_size = 3;
  CHECK_THROWS_WITH(sla_planner::LoadPredictor::create("arima", o), "'window_size' must be >= 5, got 3");
}

TEST_CASE("ArimaPredictor::predict_next fits the buffered window", "[arima][rules]") {
  // Golden mooncake case 4: pmdarima forecasts 174.5556 with (0,0,0) and a constant.
  ArimaPredictor a;
  for (double v : {0.0, 0.0, 162.0, 177.0, 217.0, 175.0, 187.0, 164.0, 144.0, 183.0, 162.0}) a.add_data_point(v);
  CHECK(a.buffer().size() == 9);
  CHECK(a.predict_next() == Approx(174.55555555555554).epsilon(1e-12));
  CHECK(a.last_forecast().status == FitStatus::Success);
  CHECK(a.order() == ArimaOrder{0, 0, 0});
  CHECK(a.with_intercept());
}

TEST_CASE("ArimaPredictor reproduces pmdarima 2.0.4 on the golden request-count windows", "[arima][golden]") {
  int total = 0, order_ok = 0, within2 = 0, within01 = 0;
  std::ostringstream table;
  table << std::fixed << std::setprecision(3);
  table << "file                      case   n  pmdarima order/c   forecast  |  ours order/c   forecast   err/max\n";
  for (const char* file : {"mooncake_conversation_request_counts.json", "sin_request_counts.json"}) {
    const auto golden = sla_planner::test::load_json(sla_planner::test::data_path(std::string("golden/predictors/") + file));
    int n_file = 0, order_file = 0, within_file = 0;
    int idx = 0;
    for (const auto& c : golden.at("cases")) {
      const std::vector<double> w = c.at("window").get<std::vector<double>>();
      const double ref = c.at("arima").get<double>();
      ArimaPredictor a;
      const double f = a.predict_window(w);
      CHECK(std::isfinite(f));
      CHECK(f >= 0.0);
      bool same_order;
      std::string ref_order = "none";
      if (c.at("arima_order").is_null()) {
        same_order = !a.has_model();
      } else {
        const auto& o = c.at("arima_order");
        const bool ref_c = c.at("arima_with_intercept").get<bool>();
        same_order = a.has_model() && a.order() == ArimaOrder{o[0].get<int>(), o[1].get<int>(), o[2].get<int>()} &&
                     a.with_intercept() == ref_c;
        ref_order = "(" + std::to_string(o[0].get<int>()) + "," + std::to_string(o[1].get<int>()) + "," +
                    std::to_string(o[2].get<int>()) + ")/" + (ref_c ? "c" : "-");
      }
      const double wmax = *std::max_element(w.begin(), w.end());
      const double err = std::abs(f - std::max(0.0, ref)) / wmax;
      ++total, ++n_file;
      order_ok += same_order, order_file += same_order;
      within2 += err <= 0.02, within_file += err <= 0.02;
      within01 += err <= 0.001;
      if (!same_order || err > 0.02) {
        const std::string ours = a.has_model() ? "(" + std::to_string(a.order().p) + "," + std::to_string(a.order().d) + "," +
                                                     std::to_string(a.order().q) + ")/" + (a.with_intercept() ? "c" : "-")
                                               : std::string("none");
        table << std::left << std::setw(26) << std::string(file).substr(0, 24) << std::right << std::setw(4) << idx
              << std::setw(4) << w.size() << std::setw(14) << ref_order << std::setw(14) << ref << "  |  " << std::setw(10)
              << ours << std::setw(12) << f << std::setw(10) << err << "  " << sla_planner::to_string(a.last_forecast().status)
              << "\n";
      }
      ++idx;
    }
    std::ostringstream line;
    line << file << ": " << order_file << "/" << n_file << " orders, " << within_file << "/" << n_file << " within 2% of max";
    WARN(line.str());
  }
  std::ostringstream summary;
  summary << "ARIMA vs pmdarima: order " << order_ok << "/" << total << ", within 2% " << within2 << "/" << total
          << ", within 0.1% " << within01 << "/" << total << "\nMismatches:\n" << table.str();
  WARN(summary.str());
  CHECK(order_ok >= 0.90 * total);
  CHECK(within2 >= 0.90 * total);
  CHECK(within01 >= 0.85 * total);  // most forecasts agree far more closely than the 2% bar
}
