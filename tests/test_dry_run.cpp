// The dry run against tests/data/golden/dryrun/*.json (the Python planner's dry-run rules; see
// ../shared/golden/README). The per-interval load (rr, isl, osl) comes from the golden file here;
// test_planner_dryrun_tool checks that reading the trace gives the same load.
#include <catch2/catch.hpp>

#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/planner/planner.hpp"
#include "sla_planner/sim/dry_run.hpp"
#include "test_helpers.hpp"

using namespace sla_planner;

namespace {
void check_series(const nlohmann::json& e, const char* key, const std::vector<double>& got) {
  const auto want = e.at(key).get<std::vector<double>>();
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO(key << "[" << i << "] = " << got[i] << ", expected " << want[i]);
    REQUIRE(test::rel_diff(got[i], want[i]) <= 1e-9);
  }
}
void check_counts(const nlohmann::json& e, const char* key, const std::vector<long long>& got) {
  const auto want = e.at(key).get<std::vector<long long>>();
  REQUIRE(got == want);
}

void replay_golden(const std::string& name) {
  const auto g = test::load_json(test::data_path("golden/dryrun/" + name));
  const auto& a = g["args"];
  PlannerConfig c;
  c.ttft_ms = a["ttft"].get<double>();
  c.itl_ms = a["itl"].get<double>();
  c.adjustment_interval_s = a["adjustment_interval"].get<double>();
  if (a.contains("max_gpu_budget")) c.max_gpu_budget = a["max_gpu_budget"].get<int>();
  c.load_predictor = parse_predictor_kind(a["load_predictor"].get<std::string>());
  c.no_correction = true;
  const std::string profile = g["profile"].get<std::string>();  // "profiles/<name>"
  const Profile prof = load_profile(test::profile_path(profile.substr(profile.find('/') + 1)));
  Planner planner(c, ProfilePerfModel(prof));
  const auto& e = g["expected"];
  const DryRunResult r = dry_run(planner, e["rr"].get<std::vector<double>>(), e["isl"].get<std::vector<double>>(),
                                 e["osl"].get<std::vector<double>>());
  const DryRunSeries& s = r.series;
  check_series(e, "time", s.time);
  check_series(e, "est_rr", s.est_rr);
  check_series(e, "est_isl", s.est_isl);
  check_series(e, "est_osl", s.est_osl);
  check_counts(e, "num_p", s.num_p);
  check_counts(e, "num_d", s.num_d);
  check_series(e, "p_thpt", s.p_thpt);
  check_series(e, "d_thpt", s.d_thpt);
  check_series(e, "safe_p_thpt", s.safe_p_thpt);
  check_series(e, "safe_d_thpt", s.safe_d_thpt);
  CHECK(r.summary.intervals == s.time.size());
}
}  // namespace

TEST_CASE("dry run reproduces the Python planner on the sinusoidal example (sin_constant)") { replay_golden("sin_constant.json"); }
TEST_CASE("dry run under a GPU budget of 4 (sin_budget4_constant)") { replay_golden("sin_budget4_constant.json"); }
TEST_CASE("dry run on the Mooncake conversation trace (mooncake_conv_constant)") {
  replay_golden("mooncake_conv_constant.json");
}

TEST_CASE("dry run summary: GPU-hours, overloads, peaks, MAPE") {
  PlannerConfig c;
  c.ttft_ms = 200;
  c.itl_ms = 10;
  c.load_predictor = PredictorKind::Constant;
  c.no_correction = true;
  const Profile prof = load_profile(test::profile_path("H200_TP1P_TP1D"));
  Planner planner(c, ProfilePerfModel(prof));
  const DryRunResult r = dry_run(planner, {100, 200, 0, 400}, {3000, 3000, 3000, 3000}, {300, 300, 300, 300});
  const auto& s = r.series;
  REQUIRE(s.num_p == std::vector<long long>{1, 1, 1, 1});
  CHECK(r.summary.gpu_hours == Approx(4 * 2 * 60 / 3600.0));
  CHECK(r.summary.peak_gpus == 2);
  // forecasts (constant): 100, 200, 0 for actuals 200, 0, 400 -> |100-200|/200 and |0-400|/400
  CHECK(r.summary.mape_rr == Approx(100.0 * (0.5 + 1.0) / 2));
  CHECK(r.summary.mape_isl == 0.0);
  CHECK(one_step_mape({1, 0, 0}, {1, 5, 5}) == 0.0);
  CHECK_THROWS_WITH(dry_run(planner, {1, 2}, {1}, {1, 2}), "dry_run: num_req, isl and osl must have the same length");
  DryRunOptions bad;
  bad.start_num_p = 0;
  CHECK_THROWS_WITH(dry_run(planner, {1}, {1}, {1}, bad), "'start_num_p' must be >= 1, got 0");
}

TEST_CASE("forecasts computed up front on several threads give exactly the sequential dry run") {
  // ARIMA and Prophet forecasts depend only on the intervals before them: any thread count must
  // reproduce the one-thread run bit for bit (the Mooncake golden load, 60 intervals, varied).
  const auto g = test::load_json(test::data_path("golden/dryrun/mooncake_conv_constant.json"));
  const auto& e = g["expected"];
  const auto rr = e["rr"].get<std::vector<double>>(), isl = e["isl"].get<std::vector<double>>(),
             osl = e["osl"].get<std::vector<double>>();
  const Profile prof = load_profile(test::profile_path("H200_TP1P_TP1D"));
  for (const char* predictor : {"arima", "prophet"}) {
    INFO(predictor);
    PlannerConfig c;
    c.ttft_ms = 200;
    c.itl_ms = 10;
    c.load_predictor = parse_predictor_kind(predictor);
    c.no_correction = true;
    c.max_gpu_budget = 6;
    std::vector<DryRunResult> runs;
    for (unsigned threads : {1u, 2u, 3u}) {
      Planner planner(c, ProfilePerfModel(prof));
      planner.warm_up({5, 9, 7}, {1000, 1200, 900}, {100, 150, 120});  // copies carry the warm-up too
      DryRunOptions o;
      o.forecast_threads = threads;
      runs.push_back(dry_run(planner, rr, isl, osl, o));
      // the planner's own predictors observed every interval in either mode
      CHECK(planner.num_req_predictor().size() == std::min<std::size_t>(50, rr.size() + 3));
    }
    REQUIRE(runs[0].series.est_rr.size() == rr.size());
    for (std::size_t k = 1; k < runs.size(); ++k) {
      CHECK(runs[k].series.est_rr == runs[0].series.est_rr);
      CHECK(runs[k].series.est_isl == runs[0].series.est_isl);
      CHECK(runs[k].series.est_osl == runs[0].series.est_osl);
      CHECK(runs[k].series.num_p == runs[0].series.num_p);
      CHECK(runs[k].series.num_d == runs[0].series.num_d);
    }
    // the forecasts are not trivial: many differ from the constant predictor's (the last value);
    // ARIMA keeps a random walk on some windows (12 of 30 move)
    std::size_t moved = 0;
    for (std::size_t i = 2; i < rr.size(); ++i) moved += runs[0].series.est_rr[i] != rr[i - 1];
    CHECK(moved > rr.size() / 3);
  }
}
