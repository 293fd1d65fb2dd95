// One predict_next() per iteration at window 50: the 50-point windows of the mooncake golden file,
// and 50-point windows of a sinusoidal load like the sin trace's (period 10 intervals, seeded noise).
#include <cmath>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "sla_planner/predict/constant_predictor.hpp"
#include "sla_planner/predict/kalman_predictor.hpp"
#include "sla_planner/predict/prophet_predictor.hpp"

namespace {

/// The full 50-point windows of a golden file.
std::vector<std::vector<double>> windows(const std::string& file) {
  std::ifstream in(std::string(SLA_PLANNER_TEST_DATA_DIR) + "/golden/predictors/" + file);
  const auto j = nlohmann::json::parse(in);
  std::vector<std::vector<double>> out;
  for (const auto& c : j.at("cases"))
    if (c.at("window").size() == 50) out.push_back(c.at("window").get<std::vector<double>>());
  return out;
}

/// 20 windows of 50 points: 1500 + 1000 sin(2 pi i / 10 + phase) + uniform noise in [-50, 50].
std::vector<std::vector<double>> sinusoid_windows() {
  std::vector<std::vector<double>> out;
  unsigned long long state = 7;
  for (int w = 0; w < 20; ++w) {
    std::vector<double> y;
    for (int i = 0; i < 50; ++i) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      const double u = static_cast<double>(state >> 11) / 9007199254740992.0;
      y.push_back(std::round(1500.0 + 1000.0 * std::sin(6.283185307179586 * (i + w) / 10.0) + 100.0 * (u - 0.5)));
    }
    out.push_back(y);
  }
  return out;
}

template <typename Predictor>
void run(benchmark::State& state, const std::string& file) {
  const auto ws = file.empty() ? sinusoid_windows() : windows(file);
  std::vector<Predictor> ps(ws.size());
  for (std::size_t i = 0; i < ws.size(); ++i)
    for (double v : ws[i]) ps[i].add_data_point(v);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ps[i].predict_next());
    i = (i + 1) % ps.size();
  }
  state.counters["windows"] = static_cast<double>(ws.size());
}

void BM_Prophet_Sin(benchmark::State& s) { run<sla_planner::ProphetPredictor>(s, ""); }
void BM_Prophet_Mooncake(benchmark::State& s) { run<sla_planner::ProphetPredictor>(s, "mooncake_conversation_request_counts.json"); }
void BM_Kalman_Sin(benchmark::State& s) { run<sla_planner::KalmanPredictor>(s, ""); }
void BM_Kalman_Mooncake(benchmark::State& s) { run<sla_planner::KalmanPredictor>(s, "mooncake_conversation_request_counts.json"); }
void BM_Constant_Mooncake(benchmark::State& s) { run<sla_planner::ConstantPredictor>(s, "mooncake_conversation_request_counts.json"); }

/// Kalman's real per-interval cost includes filtering the new point: add one, then forecast.
void BM_Kalman_AddAndPredict(benchmark::State& state) {
  sla_planner::KalmanPredictor k;
  for (int i = 0; i < 50; ++i) k.add_data_point(100.0 + i);
  double v = 150.0;
  for (auto _ : state) {
    k.add_data_point(v);
    benchmark::DoNotOptimize(k.predict_next());
    v = v < 400.0 ? v + 1.0 : 100.0;
  }
}

}  // namespace

BENCHMARK(BM_Prophet_Sin)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Prophet_Mooncake)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Kalman_Sin)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_Kalman_Mooncake)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_Kalman_AddAndPredict)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_Constant_Mooncake)->Unit(benchmark::kNanosecond);
BENCHMARK_MAIN();
