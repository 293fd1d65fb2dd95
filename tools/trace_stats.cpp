// trace_stats — what is in a mooncake JSONL trace — requests, time span, request rate per interval
// (min/mean/max and a sparkline), ISL/OSL distribution, requests beyond a context length.
// SPDX-License-Identifier: Apache-2.0
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "sla_planner/formats/trace_loaders.hpp"
#include "sla_planner/trace/trace_summary.hpp"

namespace {

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

/// A percentile: integral values without decimals, others with one.
std::string pct(double v) {
  std::string s = fmt("%.1f", v);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

std::string lengths_line(const char* name, const sla_planner::LengthStats& s) {
  return std::string(name) + ": mean " + fmt("%.1f", s.mean) + "  p50 " + pct(s.p50) + "  p90 " + pct(s.p90) + "  p99 " + pct(s.p99) +
         "  min " + std::to_string(s.min) + "  max " + std::to_string(s.max);
}

nlohmann::json lengths_json(const sla_planner::LengthStats& s) {
  return {{"mean", s.mean}, {"p50", s.p50}, {"p90", s.p90}, {"p99", s.p99}, {"min", s.min}, {"max", s.max}};
}

}  // namespace

namespace {

int run(int argc, char** argv) {
  cxxopts::Options opts("trace_stats",
                        "Summarise a mooncake JSONL trace (.jsonl or .jsonl.gz): requests, time span, request rate per\n"
                        "interval, ISL/OSL distribution (NumPy-style percentiles), requests beyond a context length.\n\n"
                        "  trace_stats TRACE [--interval 60] [--max-context N] [--json]");
  opts.add_options()
    ("trace", "Trace file", cxxopts::value<std::string>())
    ("interval", "Interval for the request rate, in seconds", cxxopts::value<double>()->default_value("60"))
    ("time-scale", "Divide timestamps by this first", cxxopts::value<double>()->default_value("1"))
    ("max-context", "Also count requests with ISL (and ISL + OSL) above this many tokens", cxxopts::value<std::int64_t>())
    ("width", "Sparkline width in characters", cxxopts::value<std::size_t>()->default_value("60"))
    ("json", "Print JSON instead of text")
    ("skip-invalid", "Skip bad lines and report how many (default: stop at the first)")
    ("h,help", "Show this help");
  sla_tools::add_progress_flags(opts);
  opts.parse_positional({"trace"});
  opts.positional_help("TRACE");
  const auto parsed = sla_tools::parse_command_line(opts, argc, argv);
  if (!parsed) return static_cast<int>(sla_tools::kOk);
  const cxxopts::ParseResult& r = *parsed;
  if (!r.count("trace")) throw sla_tools::UsageError("no TRACE file given");
  const std::string path = r["trace"].as<std::string>();
  sla_planner::TraceSummaryOptions o;
  o.intervals.interval_s = r["interval"].as<double>();
  o.intervals.time_scale = r["time-scale"].as<double>();
  if (r.count("max-context")) {
    o.max_context = r["max-context"].as<std::int64_t>();
    if (o.max_context < 1) throw std::invalid_argument("--max-context must be >= 1, got " + std::to_string(o.max_context));
  }
  o.validate();
  sla_planner::MooncakeReadOptions ro;
  ro.skip_invalid = r.count("skip-invalid") > 0;
  struct stat st {};
  const std::uint64_t bytes = ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  sla_tools::Progress bar(sla_tools::ProgressFlags(r).show_for_bytes(bytes), "trace_stats");
  ro.on_progress = [&](std::uint64_t done, std::uint64_t total) {
    if (total) bar.update(static_cast<double>(done), static_cast<double>(total));
  };
  sla_planner::MooncakeReadStats rs;
  const auto s = sla_planner::load_trace_summary(path, o, ro, &rs);
  bar.finish();
  const std::string spark = sla_planner::sparkline(s.rate, r["width"].as<std::size_t>());
  if (r.count("json")) {
    nlohmann::json j = {{"trace", path},
                        {"requests", s.requests},
                        {"lines", rs.lines},
                        {"invalid_lines", rs.invalid},
                        {"first_ms", s.first_ms},
                        {"last_ms", s.last_ms},
                        {"span_s", s.span_s},
                        {"interval_s", s.interval_s},
                        {"intervals", s.rate.size()},
                        {"rate", {{"min", s.rate_min}, {"mean", s.rate_mean}, {"max", s.rate_max}, {"per_interval", s.rate}}},
                        {"sparkline", spark},
                        {"isl", lengths_json(s.isl)},
                        {"osl", lengths_json(s.osl)}};
    if (rs.invalid) j["first_error"] = rs.first_error;
    if (s.max_context > 0)
      j["max_context"] = {{"tokens", s.max_context},
                          {"isl_over", s.isl_over_context},
                          {"isl_plus_osl_over", s.total_over_context},
                          {"isl_over_share", static_cast<double>(s.isl_over_context) / static_cast<double>(s.requests)},
                          {"isl_plus_osl_over_share", static_cast<double>(s.total_over_context) / static_cast<double>(s.requests)}};
    std::printf("%s\n", j.dump(2).c_str());
    return sla_tools::kOk;
  }
  std::printf("trace: %s\n", path.c_str());
  std::printf("requests: %llu (%llu lines", static_cast<unsigned long long>(s.requests), static_cast<unsigned long long>(rs.lines));
  if (rs.invalid) std::printf(", %llu invalid skipped; first: %s", static_cast<unsigned long long>(rs.invalid), rs.first_error.c_str());
  std::printf(")\n");
  std::printf("time span: %s s (first %s ms, last %s ms)\n", fmt("%.3f", s.span_s).c_str(), fmt("%.17g", s.first_ms).c_str(),
              fmt("%.17g", s.last_ms).c_str());
  std::printf("requests/s per %s s interval (%zu intervals): min %s  mean %s  max %s\n", fmt("%g", s.interval_s).c_str(), s.rate.size(),
              fmt("%.3f", s.rate_min).c_str(), fmt("%.3f", s.rate_mean).c_str(), fmt("%.3f", s.rate_max).c_str());
  std::printf("  %s\n", spark.c_str());
  std::printf("%s\n%s\n", lengths_line("ISL", s.isl).c_str(), lengths_line("OSL", s.osl).c_str());
  if (s.max_context > 0) {
    const double n = static_cast<double>(s.requests);
    std::printf("beyond %lld tokens: ISL %llu (%s%%), ISL+OSL %llu (%s%%)\n", static_cast<long long>(s.max_context),
                static_cast<unsigned long long>(s.isl_over_context), fmt("%.2f", 100.0 * static_cast<double>(s.isl_over_context) / n).c_str(),
                static_cast<unsigned long long>(s.total_over_context), fmt("%.2f", 100.0 * static_cast<double>(s.total_over_context) / n).c_str());
  }
  return sla_tools::kOk;
}

}  // namespace

int main(int argc, char** argv) {
  return sla_tools::run_main("trace_stats", [&] { return run(argc, argv); });
}
