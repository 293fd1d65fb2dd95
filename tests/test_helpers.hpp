// Shared helpers for the test programs: paths to committed data and golden files.
#pragma once

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

namespace sla_planner::test {

/// Path of a file under tests/data (golden results, traces, fixtures).
inline std::string data_path(const std::string& rel) { return std::string(SLA_PLANNER_TEST_DATA_DIR) + "/" + rel; }
/// Path under the bundled profiling_results/.
inline std::string profile_path(const std::string& rel) { return std::string(SLA_PLANNER_PROFILES_DIR) + "/" + rel; }

inline nlohmann::json load_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return nlohmann::json::parse(in);
}

/// Relative difference |a-b| / max(|b|, tiny) — used for golden comparisons.
inline double rel_diff(double a, double b) {
  const double d = a > b ? a - b : b - a;
  const double m = b < 0 ? -b : b;
  return m > 0 ? d / m : d;
}

}  // namespace sla_planner::test
