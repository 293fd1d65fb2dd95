// ConstantPredictor: the Python planner's "constant" (the last value) with the common rules.
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "sla_planner/predict/constant_predictor.hpp"

using namespace sla_planner;

TEST_CASE("Constant forecasts the last value", "[constant]") {
  ConstantPredictor c;
  CHECK(c.predict_next() == 0.0);
  CHECK(c.last_forecast().status == FitStatus::InsufficientData);
  c.add_data_point(3.5);
  CHECK(c.predict_next() == 3.5);
  CHECK(c.last_forecast().status == FitStatus::Success);
  c.add_data_point(120.0);
  CHECK(c.predict_next() == 120.0);
  CHECK(ConstantPredictor::minimum_data_points == 1);
}

TEST_CASE("Constant common rules", "[constant][rules]") {
  SECTION("leading zeros are skipped, later zeros kept") {
    ConstantPredictor c;
    c.add_data_point(0.0);
    c.add_data_point(0.0);
    CHECK(c.buffer().empty());
    CHECK(c.predict_next() == 0.0);
    c.add_data_point(8.0);
    c.add_data_point(0.0);
    CHECK(c.buffer().values() == std::vector<double>{8.0, 0.0});
    CHECK(c.predict_next() == 0.0);
    CHECK(c.last_forecast().status == FitStatus::Success);
  }
  SECTION("NaN counts as 0") {
    ConstantPredictor c;
    c.add_data_point(std::nan(""));
    CHECK(c.buffer().empty());
    c.add_data_point(5.0);
    c.add_data_point(std::nan(""));
    CHECK(c.buffer().values() == std::vector<double>{5.0, 0.0});
    CHECK(c.predict_next() == 0.0);
  }
  SECTION("the window keeps the newest points") {
    ConstantPredictor c(3);
    for (double v : {1.0, 2.0, 3.0, 4.0, 5.0}) c.add_data_point(v);
    CHECK(c.buffer().values() == std::vector<double>{3.0, 4.0, 5.0});
    CHECK(c.predict_next() == 5.0);
  }
  SECTION("negative values are clamped at 0") {
    ConstantPredictor c;
    c.add_data_point(-4.0);
    CHECK(c.predict_next() == 0.0);
    CHECK(c.last_forecast().clamped);
  }
  SECTION("a window size of 0 is rejected") {
    CHECK_THROWS_WITH(ConstantPredictor(0), "'window_size' must be >= 1, got 0");
  }
}
