// perf_interpolation — what one prefill GPU and one decode GPU sustain under TTFT/ITL targets.
// SPDX-License-Identifier: Apache-2.0
//
// The C++ counterpart of NVIDIA Dynamo's perf_interpolation.py: loads a profile (a directory or a
// pre-swept row), estimates prefill TTFT/throughput at the ISL and the best decode throughput under
// the ITL target at context isl + osl/2, and prints them as text (the Python tool's form) or as JSON.
#include <sys/stat.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <system_error>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/interp/decode_interpolator.hpp"
#include "common/bundled_data.hpp"
#include "sla_planner/interp/perf_estimate.hpp"
#include "sla_planner/interp/prefill_interpolator.hpp"
#include "sla_planner/profile/pre_swept_spec.hpp"
#include "sla_planner/profile/profile.hpp"


namespace {

constexpr const char* kTool = "perf_interpolation";

/// The integer value of flag `--name`. \throws UsageError naming the flag
long parse_long(const cxxopts::ParseResult& r, const char* name) {
  const std::string s = r[name].as<std::string>();
  long v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size())
    throw sla_tools::UsageError(std::string("--") + name + ": expected an integer, got '" + s + "'");
  return v;
}

/// The number value of flag `--name`. \throws UsageError naming the flag
double parse_double(const cxxopts::ParseResult& r, const char* name) {
  const std::string s = r[name].as<std::string>();
  char* end = nullptr;
  const double v = s.empty() ? 0.0 : std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size())
    throw sla_tools::UsageError(std::string("--") + name + ": expected a number, got '" + s + "'");
  return v;
}

using sla_tools::shortest;

void print_text(const sla_planner::PerfEstimate& e, const std::string& dir) {
  const auto& q = e.query;
  std::printf("ISL=%ld, OSL=%ld\n", q.isl, q.osl);
  std::printf("TTFT=%sms, ITL=%sms\n", shortest(q.ttft_ms).c_str(), shortest(q.itl_ms).c_str());
  std::printf("Using profile results from %s\n\n", dir.c_str());

  std::printf("Interpolating prefill performance ...\n");
  if (e.prefill.meets_ttft)
    std::printf("        Estimated TTFT=%.2fms <= target TTFT=%.2fms. Requests can queue %.2fms maximally while "
                "meeting TTFT SLA.\n",
                e.prefill.ttft_ms, q.ttft_ms, e.prefill.max_queue_ms);
  else
    std::printf("        Estimated TTFT=%.2fms > target TTFT=%.2fms. Cannot meet TTFT SLA.\n", e.prefill.ttft_ms,
                q.ttft_ms);
  std::printf("        Estimated throughput: %.2f tokens/s/gpu. Request rate at %.2f requests/s will saturate one "
              "GPU.\n\n",
              e.prefill.thpt_per_gpu, e.prefill.req_per_s_per_gpu);

  std::printf("Interpolating decode performance ...\n");
  std::printf("        Average context length: isl + osl/2 = %ld.\n", e.decode.context_length);
  if (e.decode.meets_itl) {
    std::printf("        Estimated ITL=%.2fms <= target ITL=%.2fms at %.2f%% active kv usage.\n", e.decode.itl_ms,
                q.itl_ms, e.decode.kv_usage * 100);
    std::printf("        Estimated throughput: %.2f token/s/gpu. Request rate at %.2f requests/s will saturate one "
                "GPU.\n",
                e.decode.thpt_per_gpu, e.decode.req_per_s_per_gpu);
  } else {
    std::printf("        Estimated ITL=%.2fms > target ITL=%.2fms. Cannot meet ITL SLA.\n", e.decode.itl_ms, q.itl_ms);
  }
}

void print_json(const sla_planner::PerfEstimate& e) {
  nlohmann::ordered_json j;
  j["isl"] = e.query.isl;
  j["osl"] = e.query.osl;
  j["ttft_ms"] = e.query.ttft_ms;
  j["itl_ms"] = e.query.itl_ms;
  j["prefill"] = {{"ttft_ms", e.prefill.ttft_ms},
                  {"thpt_per_gpu", e.prefill.thpt_per_gpu},
                  {"meets_ttft", e.prefill.meets_ttft},
                  {"max_queue_ms", e.prefill.max_queue_ms},
                  {"req_per_s_per_gpu", e.prefill.req_per_s_per_gpu}};
  j["decode"] = {{"context_length", e.decode.context_length},
                 {"itl_ms", e.decode.itl_ms},
                 {"kv_usage", e.decode.kv_usage},
                 {"thpt_per_gpu", e.decode.thpt_per_gpu},
                 {"meets_itl", e.decode.meets_itl},
                 {"req_per_s_per_gpu", e.decode.req_per_s_per_gpu}};
  std::printf("%s\n", j.dump().c_str());
}

int run(int argc, char** argv) {
  cxxopts::Options opts(kTool,
                        "What one GPU sustains under TTFT/ITL targets: prefill TTFT and throughput at the ISL, "
                        "decode throughput at the best KV usage meeting the ITL target (context isl + osl/2).\n"
                        "Exit codes: 0 ok, 1 bad data, 2 bad usage.");
  opts.add_options()
      ("profile-results-dir", "profile directory (selected_{prefill,decode}_interpolation/raw_data.npz or "
                              "*_raw_data.json), or use-pre-swept-results:<gpu_type>:<model>:<framework>:"
                              "<framework_version>:<tp>:<dp>:<pp>:<block_size>:<max_batch_size>:<gpu_count>",
       cxxopts::value<std::string>(), "DIR")
      ("pre-swept-root", "folder holding <gpu_type>/<framework>/<model>/{prefill,decode}.npz (default: "
                         "profiling_results/pre_swept, else the bundled copy)",
       cxxopts::value<std::string>(), "DIR")
      ("isl", "input sequence length (tokens)", cxxopts::value<std::string>()->default_value("3000"), "N")
      ("osl", "output sequence length (tokens)", cxxopts::value<std::string>()->default_value("150"), "N")
      ("ttft", "TTFT target (milliseconds)", cxxopts::value<std::string>()->default_value("100"), "MS")
      ("itl", "ITL target (milliseconds)", cxxopts::value<std::string>()->default_value("10"), "MS")
      ("json", "print one JSON object instead of text")
      ("h,help", "show this help");
  const auto parsed = sla_tools::parse_command_line(opts, argc, argv);
  if (!parsed) return static_cast<int>(sla_tools::kOk);
  const cxxopts::ParseResult& r = *parsed;
  if (!r.count("profile-results-dir")) throw sla_tools::UsageError("--profile-results-dir is required");

  sla_planner::PerfQuery q;
  q.isl = parse_long(r, "isl");
  q.osl = parse_long(r, "osl");
  q.ttft_ms = parse_double(r, "ttft");
  q.itl_ms = parse_double(r, "itl");
  q.validate();

  const std::string dir = r["profile-results-dir"].as<std::string>();
  const std::string root = r.count("pre-swept-root") ? r["pre-swept-root"].as<std::string>() : sla_tools::default_pre_swept_root();
  const auto profile = sla_planner::load_profile(dir, root);
  const sla_planner::PrefillInterpolator prefill(profile.prefill);
  const sla_planner::DecodeInterpolator decode(profile.decode);
  const auto estimate = sla_planner::estimate_performance(prefill, decode, q);

  if (r.count("json")) print_json(estimate);
  else print_text(estimate, dir);
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) throw sla_planner::DataError("<stdout>: write failed");
  return static_cast<int>(sla_tools::kOk);
}

}  // namespace

int main(int argc, char** argv) {
  return sla_tools::run_main(kTool, [&] { return run(argc, argv); });
}
