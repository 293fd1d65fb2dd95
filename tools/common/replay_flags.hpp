// sla_planner tools — the replay model's flags, shared by planner_replay and planner_search.
// SPDX-License-Identifier: Apache-2.0
//
// Every flag that changes how the fleet is simulated (start-up delay, prefill model, prefix
// caching, routing, KV transfer, the planner fleet's first workers) is declared here once, so that
// every tool that replays a trace takes all of them. Two take the word `profile` for a value read
// from the profile once it is loaded: --prefill-fixed-latency-ms and --prefix-cache-tokens.
//
// The defaults are what a Dynamo + vLLM disaggregated deployment runs: vLLM's chunked prefill with
// an 8192-token budget and its prefix caching (both on by default in vLLM V1), and the frontend's
// default router mode, round-robin (Dynamo's disagg.yaml and disagg_planner.yaml start
// `dynamo.frontend` without --router-mode). The library's ReplayOptions keep the older model
// (single prefill, no cache, shortest queue) as their defaults.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <system_error>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "sla_planner/planner/planner_config.hpp"
#include "sla_planner/profile/profile.hpp"
#include "sla_planner/sim/profile_service_model.hpp"
#include "sla_planner/sim/replay_options.hpp"

namespace sla_tools {

/// Adds the replay model's flags (group "Replay model").
inline void add_replay_flags(cxxopts::Options& opts) {
  opts.add_options("Replay model")
      ("startup-delay", "Seconds before a worker the planner adds takes requests", cxxopts::value<double>()->default_value("60"))
      ("kv-transfer-ms", "Milliseconds to move a prefilled KV cache to the decode worker (fixed part)",
       cxxopts::value<double>()->default_value("0"))
      ("prefill-fixed-latency-ms",
       "Milliseconds of each profiled TTFT that do not occupy the prefill worker, or 'profile': the profile's "
       "estimate (TTFT at ISL 0 minus the fastest decode step)",
       cxxopts::value<std::string>()->default_value("profile"))
      ("prefill-model", "Prefill scheduling: chunked (vLLM's continuous batching with chunked prefill, what a Dynamo + "
       "vLLM deployment runs) or single (one request at a time, TTFT(isl) minus the fixed latency: the model before "
       "chunked prefill)", cxxopts::value<std::string>()->default_value("chunked"))
      ("max-num-batched-tokens", "Token budget of one chunked-prefill forward pass (vLLM's max_num_batched_tokens)",
       cxxopts::value<std::int64_t>()->default_value("8192"))
      ("block-size", "Tokens per KV block of the trace's hash_ids", cxxopts::value<std::int64_t>()->default_value("512"))
      ("prefix-cache-tokens",
       "Prefix cache per prefill worker, in tokens: 'profile' (the profile's max_kv_tokens: vLLM's prefix caching is on "
       "by default and reuses the whole KV cache), -1 unbounded, 0 off",
       cxxopts::value<std::string>()->default_value("profile"))
      ("router", "Prefill routing: round-robin (Dynamo's frontend default, --router-mode round-robin), kv (Dynamo's "
       "KV-aware cost, --router-mode kv) or shortest-queue",
       cxxopts::value<std::string>()->default_value("round-robin"))
      ("kv-bytes-per-token", "KV cache bytes per prompt token moved to the decode worker (0: only --kv-transfer-ms)",
       cxxopts::value<double>()->default_value("0"))
      ("kv-transfer-gbps", "Bandwidth of the KV transfer in GB/s (10^9 bytes/s)", cxxopts::value<double>()->default_value("50"))
      ("start-num-p", "Prefill workers the planner's fleet starts with", cxxopts::value<long long>()->default_value("1"))
      ("start-num-d", "Decode workers the planner's fleet starts with", cxxopts::value<long long>()->default_value("1"))
      ("score-after", "Seconds from the first arrival before requests are scored: earlier ones load the fleet but count "
       "in no result (goodput, attainment, percentiles, GPU-hours cover the rest)", cxxopts::value<double>()->default_value("0"))
      ("fleet-slowdown", "Multiply every simulated prefill and decode time by F (a fleet slower than its profile; "
       "planners are not told)", cxxopts::value<double>()->default_value("1"));
}

/// The replay model as the flags describe it, before a profile is known.
struct ReplayFlags {
  sla_planner::ReplayOptions options;  ///< targets and interval from the planner config; the rest from the flags
  bool fixed_from_profile = false;     ///< --prefill-fixed-latency-ms profile
  bool cache_from_profile = false;     ///< --prefix-cache-tokens profile
  std::string prefill_model = "chunked";
  std::string router = "round-robin";

  /// The options for one profile: the fixed latency and the cache size read from it where the
  /// flags said `profile`.
  sla_planner::ReplayOptions for_profile(const sla_planner::Profile& p) const {
    sla_planner::ReplayOptions o = options;
    if (fixed_from_profile) o.prefill_fixed_latency_ms = sla_planner::estimate_prefill_fixed_latency_ms(p);
    if (cache_from_profile) o.prefix_cache_tokens = static_cast<std::int64_t>(p.decode.max_kv_tokens);
    return o;
  }
  /// Whether the trace's block hashes are needed (prefix caching or KV-aware routing).
  bool needs_hashes() const {
    return cache_from_profile || options.prefix_cache_tokens != 0 || options.router == sla_planner::PrefillRouter::kv;
  }
  /// The model's settings for an output's "args" (`o`: the options in use, after for_profile).
  void add_to_json(nlohmann::json& args, const sla_planner::ReplayOptions& o) const {
    args["startup_delay_s"] = o.startup_delay_s;
    args["kv_transfer_ms"] = o.kv_transfer_ms;
    args["prefill_fixed_latency_ms"] = o.prefill_fixed_latency_ms;
    args["prefill_fixed_latency_from_profile"] = fixed_from_profile;
    args["prefill_model"] = prefill_model;
    args["max_num_batched_tokens"] = o.max_num_batched_tokens;
    args["block_size"] = o.block_size;
    args["prefix_cache_tokens"] = o.prefix_cache_tokens;
    args["prefix_cache_tokens_from_profile"] = cache_from_profile;
    args["router"] = router;
    args["kv_bytes_per_token"] = o.kv_bytes_per_token;
    args["kv_transfer_gbps"] = o.kv_transfer_gbps;
    args["start_num_p"] = o.start_num_p;
    args["start_num_d"] = o.start_num_d;
    args["score_after_s"] = o.score_after_s;
    args["fleet_slowdown"] = o.fleet_slowdown;
  }
};

namespace detail {
/// A whole-string decimal number, or a UsageError naming the flag.
inline double flag_number(const char* flag, const std::string& text, const char* also) {
  double v = 0;
  const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || res.ec != std::errc() || res.ptr != text.data() + text.size())
    throw UsageError(std::string("--") + flag + " must be a number or " + also + ", got '" + text + "'");
  return v;
}
}  // namespace detail

/// Reads the replay model's flags; targets and interval come from `config`. Validated.
/// \throws UsageError or std::invalid_argument naming the flag
inline ReplayFlags replay_flags(const cxxopts::ParseResult& r, const sla_planner::PlannerConfig& config) {
  using namespace sla_planner;
  ReplayFlags f;
  ReplayOptions& ro = f.options;
  ro.ttft_ms = config.ttft_ms;
  ro.itl_ms = config.itl_ms;
  ro.interval_s = config.adjustment_interval_s;
  ro.startup_delay_s = r["startup-delay"].as<double>();
  ro.kv_transfer_ms = r["kv-transfer-ms"].as<double>();
  const std::string fixed = r["prefill-fixed-latency-ms"].as<std::string>();
  f.fixed_from_profile = fixed == "profile";
  if (!f.fixed_from_profile) ro.prefill_fixed_latency_ms = detail::flag_number("prefill-fixed-latency-ms", fixed, "'profile'");
  f.prefill_model = r["prefill-model"].as<std::string>();
  if (f.prefill_model == "chunked") ro.prefill_model = PrefillModel::chunked;
  else if (f.prefill_model != "single")
    throw UsageError("--prefill-model must be single or chunked, got '" + f.prefill_model + "'");
  ro.max_num_batched_tokens = r["max-num-batched-tokens"].as<std::int64_t>();
  ro.block_size = r["block-size"].as<std::int64_t>();
  const std::string cache = r["prefix-cache-tokens"].as<std::string>();
  f.cache_from_profile = cache == "profile";
  if (!f.cache_from_profile) {
    const double v = detail::flag_number("prefix-cache-tokens", cache, "'profile'");
    if (v != std::floor(v) || v < -1 || v > 9e18)
      throw UsageError("--prefix-cache-tokens must be 'profile', -1 or a whole number of tokens >= 0, got '" + cache + "'");
    ro.prefix_cache_tokens = static_cast<std::int64_t>(v);
  }
  f.router = r["router"].as<std::string>();
  if (f.router == "round-robin") ro.router = PrefillRouter::round_robin;
  else if (f.router == "kv") ro.router = PrefillRouter::kv;
  else if (f.router != "shortest-queue")
    throw UsageError("--router must be shortest-queue, round-robin or kv, got '" + f.router + "'");
  ro.kv_bytes_per_token = r["kv-bytes-per-token"].as<double>();
  ro.kv_transfer_gbps = r["kv-transfer-gbps"].as<double>();
  ro.start_num_p = r["start-num-p"].as<long long>();
  ro.start_num_d = r["start-num-d"].as<long long>();
  ro.score_after_s = r["score-after"].as<double>();
  ro.fleet_slowdown = r["fleet-slowdown"].as<double>();
  if (!(ro.score_after_s >= 0) || !std::isfinite(ro.score_after_s))
    throw UsageError("--score-after must be a number of seconds >= 0, got " + sla_planner::format_number(ro.score_after_s));
  if (!(ro.fleet_slowdown > 0) || !std::isfinite(ro.fleet_slowdown))
    throw UsageError("--fleet-slowdown must be > 0, got " + sla_planner::format_number(ro.fleet_slowdown));
  ro.validate();
  return f;
}

}  // namespace sla_tools
