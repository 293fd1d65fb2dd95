#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "sla_planner/formats/planner_config_json.hpp"
#include "sla_planner/planner/planner_config.hpp"

using namespace sla_planner;

TEST_CASE("PlannerConfig defaults are the reference planner's") {
  PlannerConfig c;
  CHECK(c.ttft_ms == 500.0);
  CHECK(c.itl_ms == 50.0);
  CHECK(c.adjustment_interval_s == 60.0);
  CHECK(c.max_gpu_budget == 8);
  CHECK(c.min_endpoint == 1);
  CHECK(c.prefill_engine_num_gpu == 1);
  CHECK(c.decode_engine_num_gpu == 1);
  CHECK(c.load_predictor == PredictorKind::Arima);
  CHECK(c.load_prediction_window_size == 50);
  CHECK_FALSE(c.no_correction);
  CHECK(c.max_replica_change == 0);
  CHECK(c.scale_down_patience == 1);
  CHECK_FALSE(c.scale_down_safety_check);
  CHECK_NOTHROW(c.validate());
}

TEST_CASE("PlannerConfig::validate names the field and the range") {
  PlannerConfig c;
  c.min_endpoint = 0;
  CHECK_THROWS_WITH(c.validate(), "'min_endpoint' must be >= 1, got 0");
  c = {};
  c.ttft_ms = -5;
  CHECK_THROWS_WITH(c.validate(), "'ttft_ms' must be > 0, got -5");
  c = {};
  c.itl_ms = std::nan("");
  CHECK_THROWS_WITH(c.validate(), "'itl_ms' must be > 0, got nan");
  c = {};
  c.adjustment_interval_s = 0;
  CHECK_THROWS_WITH(c.validate(), "'adjustment_interval_s' must be > 0, got 0");
  c = {};
  c.load_prediction_window_size = 3;  // ARIMA fits need five points
  CHECK_THROWS_WITH(c.validate(), "'load_prediction_window_size' must be >= 5 with load_predictor arima, got 3");
  c.load_predictor = PredictorKind::Constant;
  CHECK_NOTHROW(c.validate());
  c = {};
  c.max_gpu_budget = 0;
  CHECK_THROWS_WITH(c.validate(), "'max_gpu_budget' must be >= 1 or -1 (no budget), got 0");
  c = {};
  c.max_gpu_budget = -1;
  CHECK_NOTHROW(c.validate());
  c.max_gpu_budget = 3;
  c.min_endpoint = 2;
  CHECK_THROWS_WITH(c.validate(),
                    "'max_gpu_budget' (3) cannot hold min_endpoint (2) prefill engines of 1 GPU(s) and 2 decode "
                    "engines of 1 GPU(s): needs 4");
  c = {};
  c.max_gpu_budget = 5;
  c.prefill_engine_num_gpu = 2;
  c.decode_engine_num_gpu = 4;
  CHECK_THROWS_WITH(c.validate(),
                    "'max_gpu_budget' (5) cannot hold min_endpoint (1) prefill engines of 2 GPU(s) and 1 decode "
                    "engines of 4 GPU(s): needs 6");
  c = {};
  c.scale_down_patience = 0;
  CHECK_THROWS_WITH(c.validate(), "'scale_down_patience' must be >= 1, got 0");
}

TEST_CASE("PlannerConfig reads JSON with the same names and the reference aliases") {
  auto c = planner_config_from_json(nlohmann::json::parse(
      R"({"ttft": 200, "itl_ms": 10, "adjustment_interval": 30, "max_gpu_budget": -1,
          "load_predictor": "constant", "no_correction": true, "min_endpoint": 2})"));
  CHECK(c.ttft_ms == 200);
  CHECK(c.itl_ms == 10);
  CHECK(c.adjustment_interval_s == 30);
  CHECK(c.max_gpu_budget == -1);
  CHECK(c.load_predictor == PredictorKind::Constant);
  CHECK(c.no_correction);
  CHECK(c.min_endpoint == 2);
  CHECK_THROWS_WITH(planner_config_from_json(nlohmann::json::parse(R"({"ttf": 1})")),
                    "unknown planner config key 'ttf'");
  CHECK_THROWS_WITH(planner_config_from_json(nlohmann::json::parse(R"({"min_endpoint": 1.5})")),
                    "planner config 'min_endpoint' must be an integer, got 1.5");
  CHECK_THROWS_WITH(planner_config_from_json(nlohmann::json::parse(R"({"no_correction": 1})")),
                    "planner config 'no_correction' must be true or false, got 1");
  CHECK_THROWS_WITH(planner_config_from_json(nlohmann::json::parse(R"([1])")), "planner config must be a JSON object");
  CHECK_THROWS_WITH(planner_config_from_json(nlohmann::json::parse(R"({"load_predictor": "lstm"})")),
                    "'load_predictor' must be one of constant, arima, prophet, kalman, got 'lstm'");
  // Round trip.
  const auto again = planner_config_from_json(planner_config_to_json(c));
  CHECK(planner_config_to_json(again) == planner_config_to_json(c));
}

TEST_CASE("PlannerConfig's settings table lists every field once, with a flag and a help line") {
  const auto& t = PlannerConfig::settings();
  CHECK(t.size() == 20);
  std::set<std::string> keys, flags;
  for (const auto& s : t) {
    CHECK(keys.insert(s.key).second);
    CHECK(flags.insert(s.flag).second);
    CHECK_FALSE(s.help.empty());
  }
  CHECK(find_setting(t, "ttft")->key == "ttft_ms");
  CHECK(find_setting(t, "adjustment_interval")->flag == "adjustment-interval");
  CHECK(find_setting(t, "nonsense") == nullptr);
  // Every field survives a JSON round trip with non-default values.
  PlannerConfig c;
  c.ttft_ms = 123.5;
  c.load_predictor = PredictorKind::Kalman;
  c.kalman_min_points = 7;
  c.load_predictor_warmup_trace = "w.jsonl";
  c.scale_down_safety_check = true;
  const nlohmann::json j = planner_config_to_json(c);
  CHECK(j.size() == t.size());
  CHECK(j["load_predictor"] == "kalman");
  const PlannerConfig back = planner_config_from_json(j);
  CHECK(back.ttft_ms == 123.5);
  CHECK(back.load_predictor == PredictorKind::Kalman);
  CHECK(back.kalman_min_points == 7);
  CHECK(back.load_predictor_warmup_trace == "w.jsonl");
  CHECK(back.scale_down_safety_check);
}

TEST_CASE("SettingError names the key, or the flag it is given") {
  PlannerConfig c;
  c.min_endpoint = 0;
  try {
    c.validate();
    FAIL("no error");
  } catch (const SettingError& e) {
    CHECK(e.key() == "min_endpoint");
    CHECK(e.named_as("--min-endpoint") == "--min-endpoint must be >= 1, got 0");
  }
}
