// ArimaPredictor cost: one predict_next on full 50-point windows of the shared mooncake trace
// (the planner's steady state), on the longest sinusoid window (the hardest case of the golden
// set), and one exact log-likelihood evaluation. Reported as medians of 10 repetitions.
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sla_planner/predict/arima_predictor.hpp"

namespace {

std::vector<std::vector<double>> golden_windows(const std::string& file) {
  std::ifstream in(std::string(SLA_PLANNER_TEST_DATA_DIR) + "/golden/predictors/" + file);
  const nlohmann::json j = nlohmann::json::parse(in);
  std::vector<std::vector<double>> out;
  for (const auto& c : j.at("cases")) out.push_back(c.at("window").get<std::vector<double>>());
  return out;
}

/// The golden window at `index` (negative: from the end), fed through add_data_point.
sla_planner::ArimaPredictor loaded(const std::string& file, int index) {
  const auto windows = golden_windows(file);
  const auto& w = windows[static_cast<std::size_t>(index < 0 ? static_cast<int>(windows.size()) + index : index)];
  sla_planner::ArimaPredictor a;
  for (double v : w) a.add_data_point(v);
  return a;
}

void BM_ArimaPredictNext_Mooncake50(benchmark::State& state) {
  // Golden mooncake cases 45..54 hold full 50-point windows; Arg(k) picks case 45 + k.
  sla_planner::ArimaPredictor a = loaded("mooncake_conversation_request_counts.json", 45 + static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(a.predict_next());
  state.SetLabel("n=" + std::to_string(a.buffer().size()) + " order (" + std::to_string(a.order().p) + "," +
                 std::to_string(a.order().d) + "," + std::to_string(a.order().q) + ")");
}
BENCHMARK(BM_ArimaPredictNext_Mooncake50)->DenseRange(0, 9, 3)->Unit(benchmark::kMillisecond)->Repetitions(10)->ReportAggregatesOnly(true);

void BM_ArimaPredictNext_Sin30(benchmark::State& state) {
  sla_planner::ArimaPredictor a = loaded("sin_request_counts.json", -1);
  for (auto _ : state) benchmark::DoNotOptimize(a.predict_next());
  state.SetLabel("n=" + std::to_string(a.buffer().size()));
}
BENCHMARK(BM_ArimaPredictNext_Sin30)->Unit(benchmark::kMillisecond)->Repetitions(10)->ReportAggregatesOnly(true);

void BM_ArimaLoglike50(benchmark::State& state) {
  // One exact log-likelihood of ARIMA(1,1,1) on a 50-point window (about 1/10 of a fit's
  // optimiser step costs this much per parameter).
  const auto w = golden_windows("mooncake_conversation_request_counts.json").back();
  sla_planner::detail::ArimaStateSpace m(w, {1, 1, 1, false});
  const double par[3] = {0.3, -0.8, 400.0};
  for (auto _ : state) benchmark::DoNotOptimize(m.loglike(par));
}
BENCHMARK(BM_ArimaLoglike50)->Unit(benchmark::kMicrosecond)->Repetitions(10)->ReportAggregatesOnly(true);

}  // namespace

BENCHMARK_MAIN();
