// Shared helpers for the test programs: paths to committed data and golden files.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
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

/// Result of running one of the built tools.
struct ToolRun {
  int exit_code = -1;
  std::string out, err;
};

/// Runs `<build>/tools/<tool> <args>` through the shell (args are shell words), capturing output.
inline ToolRun run_tool(const std::string& tool, const std::string& args) {
  const std::string base = "/tmp/sla_planner_test_" + std::to_string(::getpid());
  const std::string cmd = std::string(SLA_PLANNER_TOOLS_DIR) + "/" + tool + " " + args + " >" + base + ".out 2>" + base + ".err";
  const int status = std::system(cmd.c_str());
  ToolRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

/// A fresh empty directory under /tmp for one test's files.
inline std::string temp_dir(const std::string& name) {
  char tmpl[256];
  std::snprintf(tmpl, sizeof tmpl, "/tmp/sla_planner_%s_XXXXXX", name.c_str());
  const char* d = ::mkdtemp(tmpl);
  if (!d) throw std::runtime_error("mkdtemp failed");
  return d;
}

inline bool file_exists(const std::string& p) { return ::access(p.c_str(), F_OK) == 0; }

}  // namespace sla_planner::test
