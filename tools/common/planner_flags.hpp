// sla_planner tools — the planner's command-line flags, shared by planner_dryrun and planner_replay.
// SPDX-License-Identifier: Apache-2.0
//
// Flags come from PlannerConfig::settings() (--max-gpu-budget; the Python planner's --ttft, --itl
// and --adjustment-interval). Precedence: defaults < --config FILE.json < flags.
#pragma once

#include <cmath>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "common/settings_flags.hpp"
#include "common/bundled_data.hpp"
#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/util/data_error.hpp"
#include "sla_planner/formats/planner_config_json.hpp"
#include "sla_planner/planner/planner_config.hpp"
#include "sla_planner/profile/profile.hpp"
#include "sla_planner/formats/mooncake_reader.hpp"

namespace sla_tools {

/// Adds --config and one flag per PlannerConfig setting (PlannerConfig::settings()).
inline void add_planner_flags(cxxopts::Options& opts) {
  opts.add_options("Planner")("config", "JSON file of planner settings (same names with underscores); flags override it",
                              cxxopts::value<std::string>());
  add_setting_flags(opts, "Planner", sla_planner::PlannerConfig::settings());
}

/// The planner config: defaults, then --config, then the flags given; validated, an error naming
/// the flag or the file and key the bad value came from.
/// \throws sla_planner::DataError for an unreadable or invalid config file;
///         std::invalid_argument for a value out of range
inline sla_planner::PlannerConfig planner_config_from_flags(const cxxopts::ParseResult& r) {
  sla_planner::PlannerConfig c;
  SettingSources src;
  if (r.count("config")) {
    src.config_path = r["config"].as<std::string>();
    std::ifstream in(src.config_path);
    if (!in) throw sla_planner::DataError(src.config_path + ": cannot open config file");
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
      throw sla_planner::DataError(src.config_path + ": invalid JSON at byte " + std::to_string(e.byte));
    }
    try {
      c = sla_planner::planner_config_from_json(j, c, &src.from_file);
    } catch (const std::invalid_argument& e) {
      throw sla_planner::DataError(src.config_path + ": " + e.what());
    }
  }
  src.from_flags = read_setting_flags(r, sla_planner::PlannerConfig::settings(), c);
  validate_named(c, sla_planner::PlannerConfig::settings(), src);
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

/// Trace-reading options from --skip-invalid, reporting progress to `bar` when the progress rule
/// (ProgressFlags::show_for_bytes) holds for the input's size.
inline sla_planner::MooncakeReadOptions trace_read_options(const cxxopts::ParseResult& r, const ProgressFlags& pf, Progress& bar) {
  sla_planner::MooncakeReadOptions mro;
  mro.skip_invalid = r.count("skip-invalid") != 0;
  mro.on_progress = [&bar, pf](std::uint64_t done, std::uint64_t total) {
    if (pf.show_for_bytes(total)) bar.update(static_cast<double>(done), static_cast<double>(total));
  };
  return mro;
}

}  // namespace sla_tools
