// sla_planner tools — the planner's command-line flags, shared by planner_dryrun and planner_replay.
// SPDX-License-Identifier: Apache-2.0
//
// Flags are PlannerConfig's JSON names with dashes (--max-gpu-budget), plus the Python planner's
// --ttft, --itl and --adjustment-interval. Precedence: defaults < --config FILE.json < flags.
#pragma once

#include <cmath>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "common/bundled_data.hpp"
#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/util/data_error.hpp"
#include "sla_planner/planner/planner_config.hpp"
#include "sla_planner/profile/profile.hpp"
#include "sla_planner/formats/mooncake_reader.hpp"

namespace sla_tools {

/// Adds the planner flags (no defaults in cxxopts, so that only given flags override --config).
inline void add_planner_flags(cxxopts::Options& opts) {
  const sla_planner::PlannerConfig d;
  auto def = [](auto v) { return " (default: " + nlohmann::json(v).dump() + ")"; };
  opts.add_options("Planner")
      ("config", "JSON file of planner settings (same names with underscores); flags override it", cxxopts::value<std::string>())
      ("ttft", "TTFT target in ms" + def(d.ttft_ms), cxxopts::value<double>())
      ("itl", "ITL target in ms" + def(d.itl_ms), cxxopts::value<double>())
      ("adjustment-interval", "seconds between decisions" + def(d.adjustment_interval_s), cxxopts::value<double>())
      ("max-gpu-budget", "most GPUs, -1 for none" + def(d.max_gpu_budget), cxxopts::value<int>())
      ("min-endpoint", "fewest engines of each kind" + def(d.min_endpoint), cxxopts::value<int>())
      ("prefill-engine-num-gpu", "GPUs per prefill engine" + def(d.prefill_engine_num_gpu), cxxopts::value<int>())
      ("decode-engine-num-gpu", "GPUs per decode engine" + def(d.decode_engine_num_gpu), cxxopts::value<int>())
      ("load-predictor", "constant, arima, prophet or kalman" + def(d.load_predictor), cxxopts::value<std::string>())
      ("load-prediction-window-size", "points each predictor keeps" + def(d.load_prediction_window_size), cxxopts::value<int>())
      ("load-predictor-warmup-trace", "mooncake trace whose per-interval load pre-feeds the predictors", cxxopts::value<std::string>())
      ("load-predictor-log1p", "ARIMA: log1p fallback when the search collapses to (0,d,0)")
      ("kalman-q-level", "Kalman level noise" + def(d.kalman_q_level), cxxopts::value<double>())
      ("kalman-q-trend", "Kalman trend noise" + def(d.kalman_q_trend), cxxopts::value<double>())
      ("kalman-r", "Kalman observation noise" + def(d.kalman_r), cxxopts::value<double>())
      ("kalman-min-points", "Kalman points before forecasting" + def(d.kalman_min_points), cxxopts::value<int>())
      ("prophet-seasonality-period", "Prophet: extra seasonality period in seconds (0 = none)", cxxopts::value<double>())
      ("no-correction", "disable correction factors")
      ("max-replica-change", "most engines added/removed per decision, 0 = unlimited" + def(d.max_replica_change), cxxopts::value<int>())
      ("scale-down-patience", "decisions in a row a scale-down must be recommended" + def(d.scale_down_patience), cxxopts::value<int>())
      ("scale-down-safety-check", "refuse scale-downs the observed load would not survive");
}

/// The planner config: defaults, then --config, then the flags given. Not validated.
/// \throws sla_planner::DataError for an unreadable or invalid config file
inline sla_planner::PlannerConfig planner_config_from_flags(const cxxopts::ParseResult& r) {
  sla_planner::PlannerConfig c;
  if (r.count("config")) {
    const std::string path = r["config"].as<std::string>();
    std::ifstream in(path);
    if (!in) throw sla_planner::DataError(path + ": cannot open config file");
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
      throw sla_planner::DataError(path + ": invalid JSON at byte " + std::to_string(e.byte));
    }
    try {
      c = sla_planner::PlannerConfig::from_json(j);
    } catch (const std::invalid_argument& e) {
      throw sla_planner::DataError(path + ": " + e.what());
    }
  }
  auto num = [&](const char* flag, double& field) { if (r.count(flag)) field = r[flag].as<double>(); };
  auto integer = [&](const char* flag, int& field) { if (r.count(flag)) field = r[flag].as<int>(); };
  num("ttft", c.ttft_ms);
  num("itl", c.itl_ms);
  num("adjustment-interval", c.adjustment_interval_s);
  integer("max-gpu-budget", c.max_gpu_budget);
  integer("min-endpoint", c.min_endpoint);
  integer("prefill-engine-num-gpu", c.prefill_engine_num_gpu);
  integer("decode-engine-num-gpu", c.decode_engine_num_gpu);
  if (r.count("load-predictor")) c.load_predictor = r["load-predictor"].as<std::string>();
  integer("load-prediction-window-size", c.load_prediction_window_size);
  if (r.count("load-predictor-warmup-trace")) c.load_predictor_warmup_trace = r["load-predictor-warmup-trace"].as<std::string>();
  if (r.count("load-predictor-log1p")) c.load_predictor_log1p = true;
  num("kalman-q-level", c.kalman_q_level);
  num("kalman-q-trend", c.kalman_q_trend);
  num("kalman-r", c.kalman_r);
  integer("kalman-min-points", c.kalman_min_points);
  num("prophet-seasonality-period", c.prophet_seasonality_period_s);
  if (r.count("no-correction")) c.no_correction = true;
  integer("max-replica-change", c.max_replica_change);
  integer("scale-down-patience", c.scale_down_patience);
  if (r.count("scale-down-safety-check")) c.scale_down_safety_check = true;
  return c;
}

/// Loads --profile-results-dir (a directory or a pre-swept selector; --pre-swept-root if given),
/// or the bundled H200 profile when the flag is absent.
inline sla_planner::Profile load_profile_flag(const cxxopts::ParseResult& r) {
  const std::string dir = r.count("profile-results-dir") ? r["profile-results-dir"].as<std::string>() : default_profile_dir();
  std::string root = r.count("pre-swept-root") ? r["pre-swept-root"].as<std::string>() : std::string();
  if (root.empty()) root = default_pre_swept_root();
  return sla_planner::load_profile(dir, root);
}

/// --time-scale, checked: > 0 and finite.
inline double time_scale_flag(const cxxopts::ParseResult& r) {
  const double x = r["time-scale"].as<double>();
  if (!(x > 0) || !std::isfinite(x)) throw std::invalid_argument("'time_scale' must be > 0, got " + shortest(x));
  return x;
}

/// Checks a plot file name: it must end in .png or .svg.
inline void check_plot_path(const std::string& path) {
  const auto ends = [&](const char* ext) { return path.size() > 4 && path.compare(path.size() - 4, 4, ext) == 0; };
  if (!ends(".png") && !ends(".svg")) throw UsageError("--output-plot must end in .png or .svg, got '" + path + "'");
}

/// --progress / --no-progress: a bar is shown when forced, or when stderr is a terminal and the
/// caller finds the run long enough.
struct ProgressFlags {
  bool forced = false, off = false;
  explicit ProgressFlags(const cxxopts::ParseResult& r) : forced(r.count("progress") != 0), off(r.count("no-progress") != 0) {}
  bool show(bool long_run) const { return forced || (!off && long_run && stderr_is_tty()); }
};

/// Trace-reading options from --skip-invalid, reporting progress to `bar` for inputs over 64 MiB
/// (or always when --progress is given).
inline sla_planner::MooncakeReadOptions trace_read_options(const cxxopts::ParseResult& r, const ProgressFlags& pf, Progress& bar) {
  sla_planner::MooncakeReadOptions mro;
  mro.skip_invalid = r.count("skip-invalid") != 0;
  const bool forced = pf.forced;
  mro.on_progress = [&bar, forced](std::uint64_t done, std::uint64_t total) {
    if (total > (64u << 20) || forced) bar.update(static_cast<double>(done), static_cast<double>(total));
  };
  return mro;
}

}  // namespace sla_tools
