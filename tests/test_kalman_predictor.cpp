// KalmanPredictor against the Python planner's KalmanPredictor (filterpy KalmanFilter, dim_x 2).
// Expected values come from a plain-Python restatement of that algorithm (initial state (z, 0),
// P = 1000 I, predict then Joseph-form update per point, forecast = level of F x), run once:
// see the file tests/data/golden/predictors/tools/kalman_reference.py.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sla_planner/predict/kalman_predictor.hpp"
#include "sla_planner/predict/load_predictor.hpp"

using namespace sla_planner;

namespace {
KalmanPredictor fed(const std::vector<double>& values, KalmanParams params = {}) {
  KalmanPredictor k(params);
  for (double v : values) k.add_data_point(v);
  return k;
}
}  // namespace

TEST_CASE("Kalman forecasts match the Python planner's filter", "[kalman]") {
  const std::vector<double> ramp = {10, 12, 15, 13, 18, 20, 22};
  // Python forecasts after each point (it forecasts from the first point on; the common rule here
  // returns the last value until 5 points).
  const std::vector<double> python = {10.0, 12.984584783689707, 17.874297060527677, 14.334044332246647,
                                      18.559386509519236, 21.372072894372202, 23.7348111375004};
  KalmanPredictor k;
  for (std::size_t i = 0; i < ramp.size(); ++i) {
    k.add_data_point(ramp[i]);
    const double f = k.predict_next();
    if (i + 1 < 5) {
      CHECK(f == ramp[i]);
      CHECK(k.last_forecast().status == FitStatus::InsufficientData);
    } else {
      CHECK(f == Approx(python[i]).epsilon(1e-12));
      CHECK(k.last_forecast().status == FitStatus::Success);
    }
    CHECK(k.predict_next() == f);  // repeated calls do not advance the filter
  }
  CHECK(k.covariance()(0, 0) == Approx(5.612560046794709).epsilon(1e-12));
  CHECK(k.covariance()(0, 1) == Approx(1.5342924266756537).epsilon(1e-12));
  CHECK(k.covariance()(1, 1) == Approx(1.003584959127019).epsilon(1e-12));
}

TEST_CASE("Kalman filters every point, not only the window", "[kalman]") {
  std::vector<double> y;
  for (int i = 0; i < 60; ++i) y.push_back(100.0 + 2.0 * i + (i % 3) * 5.0);
  KalmanPredictor k = fed(y);
  CHECK(k.buffer().size() == 50);
  CHECK(k.buffer().values().front() == y[10]);
  CHECK(k.filtered_points() == 60);
  CHECK(k.predict_next() == Approx(226.97158603345545).epsilon(1e-12));
  CHECK(k.covariance()(0, 0) == Approx(4.217200962327283).epsilon(1e-12));
}

TEST_CASE("Kalman parameters are used", "[kalman]") {
  KalmanParams params;
  params.q_level = 0.5;
  params.q_trend = 0.05;
  params.r = 4.0;
  KalmanPredictor k = fed({3, 5, 4, 8, 9, 12}, params);
  CHECK(k.predict_next() == Approx(13.351377486119414).epsilon(1e-12));
  params.min_points = 7;
  KalmanPredictor late = fed({3, 5, 4, 8, 9, 12}, params);
  CHECK(late.predict_next() == 12.0);
}

TEST_CASE("Kalman common rules", "[kalman][rules]") {
  SECTION("empty, leading zeros and NaN") {
    KalmanPredictor k;
    CHECK(k.predict_next() == 0.0);
    CHECK(k.last_forecast().status == FitStatus::InsufficientData);
    // Python: 0, 0 skipped; NaN after the first non-zero point counts as 0 -> filter sees 5, 0, 7, 9, 11.
    for (double v : {0.0, 0.0, 5.0, std::nan(""), 7.0, 9.0}) k.add_data_point(v);
    CHECK(k.buffer().values() == std::vector<double>{5, 0, 7, 9});
    CHECK(k.predict_next() == 9.0);  // 4 points
    k.add_data_point(11.0);
    CHECK(k.predict_next() == Approx(15.347325780815599).epsilon(1e-12));
  }
  SECTION("negative forecasts are clamped at 0") {
    KalmanPredictor k = fed({100, 80, 60, 40, 20});
    CHECK(k.predict_next() == Approx(0.10435489099500472).epsilon(1e-9));
    CHECK_FALSE(k.last_forecast().clamped);
    k.add_data_point(5);  // Python: -15.789276692198122
    CHECK(k.predict_next() == 0.0);
    CHECK(k.last_forecast().clamped);
  }
  SECTION("constant window returns its value") {
    KalmanPredictor k = fed({7, 7, 7, 7, 7, 7});
    CHECK(k.predict_next() == Approx(7.0).epsilon(1e-12));
  }
  SECTION("an overflowing forecast falls back to the last value") {
    KalmanPredictor k = fed({1e308, 1.2e308, 1.4e308, 1.6e308, 1.7e308});
    CHECK(k.predict_next() == 1.7e308);
    CHECK(k.last_forecast().fell_back);
    CHECK(k.last_forecast().status == FitStatus::NumericalIssue);
  }
  SECTION("an infinite value stays out of the filter") {
    KalmanPredictor k = fed({10, 12, 15, 13, 18});
    const double before = k.predict_next();
    k.add_data_point(std::numeric_limits<double>::infinity());
    CHECK(k.filtered_points() == 5);
    CHECK(k.buffer().size() == 6);
    CHECK(k.state().allFinite());
    k.add_data_point(20);
    CHECK(std::isfinite(k.predict_next()));
    CHECK(k.predict_next() != before);
  }
}

TEST_CASE("KalmanParams::validate names the field", "[kalman][params]") {
  auto message = [](KalmanParams p) {
    try {
      p.validate();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  KalmanParams p;
  CHECK(message(p) == "no error");
  p.r = 0;
  CHECK(message(p) == "'r' must be > 0, got 0");
  p = KalmanParams{};
  p.q_level = -1;
  CHECK(message(p) == "'q_level' must be >= 0, got -1");
  p = KalmanParams{};
  p.min_points = 0;
  CHECK(message(p) == "'min_points' must be >= 1, got 0");
  CHECK_THROWS_AS(KalmanPredictor(p), std::invalid_argument);
}

TEST_CASE("LoadPredictor creates the Kalman predictor by name", "[kalman][load_predictor]") {
  LoadPredictorOptions o;
  o.kalman_q_level = 0.5;
  o.kalman_q_trend = 0.05;
  o.kalman_r = 4.0;
  LoadPredictor lp = LoadPredictor::create("kalman", o);
  CHECK(std::string(lp.name()) == "kalman");
  for (double v : {3.0, 5.0, 4.0, 8.0, 9.0, 12.0}) lp.add_data_point(v);
  CHECK(lp.predict_next() == Approx(13.351377486119414).epsilon(1e-12));
  o.kalman_r = 0;
  CHECK_THROWS_WITH(LoadPredictor::create("kalman", o), "'r' must be > 0, got 0");
}
