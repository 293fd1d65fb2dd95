// planner_replay — request-level replay of a mooncake trace on a disaggregated fleet: the planner's
// fleet against fixed fleets, in goodput (requests/s meeting TTFT and ITL), goodput per GPU and cost.
// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <system_error>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "common/planner_flags.hpp"
#include "common/plot.hpp"
#include "common/replay_flags.hpp"
#include "sla_planner/formats/trace_loaders.hpp"
#include "sla_planner/planner/planner.hpp"
#include "sla_planner/sim/fleet_simulator.hpp"
#include "sla_planner/sim/planning_policies.hpp"
#include "sla_planner/trace/interval_series.hpp"

namespace {

using namespace sla_planner;
using namespace sla_tools;

std::string policy_list() { return name_list(planning_policy_names()); }

/// JSON number, or null for NaN/infinity (JSON has neither).
nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json fleet_json(const ReplayResult& r) {
  auto pct = [](const LatencyPercentiles& p) { return nlohmann::json{{"p50", p.p50}, {"p90", p.p90}, {"p99", p.p99}}; };
  nlohmann::json time_s = nlohmann::json::array(), arrivals = nlohmann::json::array(), att = nlohmann::json::array(),
                 np = nlohmann::json::array(), nd = nlohmann::json::array(), gpus = nlohmann::json::array(),
                 ttft = nlohmann::json::array(), itl = nlohmann::json::array(), hit = nlohmann::json::array();
  for (const ReplayInterval& i : r.intervals) {
    time_s.push_back(i.start_s);
    arrivals.push_back(i.arrivals);
    att.push_back(jnum(i.attainment_percent()));
    np.push_back(i.prefill_workers);
    nd.push_back(i.decode_workers);
    gpus.push_back(i.gpus);
    ttft.push_back(jnum(i.mean_ttft_ms));
    itl.push_back(jnum(i.mean_itl_ms));
    hit.push_back(jnum(i.prefix_hit_rate()));
  }
  nlohmann::json decisions = nlohmann::json::array();
  for (const Decision& d : r.decisions)
    decisions.push_back({{"num_prefill", d.num_prefill}, {"num_decode", d.num_decode}, {"notes", d.notes}});
  return {{"name", r.name},
          {"requests", r.requests},
          {"scored", r.scored},
          {"decisions", decisions},
          {"goodput_rps", r.goodput_rps},
          {"goodput_per_gpu", r.goodput_per_gpu},
          {"attainment", r.attainment_percent},
          {"ttft_ms", pct(r.ttft_ms)},
          {"itl_ms", pct(r.itl_ms)},
          {"avg_gpus", r.avg_gpus},
          {"peak_gpus", r.peak_gpus},
          {"gpu_hours", r.gpu_hours},
          {"good", r.good},
          {"oversized", r.oversized},
          {"duration_s", r.duration_s},
          {"prefix_hit_rate", r.prefix_hit_rate},
          {"prefill_tokens_computed", r.prefill_tokens_computed},
          {"series",
           {{"interval_s", r.interval_s},
            {"time_s", time_s},
            {"arrivals", arrivals},
            {"attainment", att},
            {"prefill_workers", np},
            {"decode_workers", nd},
            {"gpus", gpus},
            {"mean_ttft_ms", ttft},
            {"mean_itl_ms", itl},
            {"prefix_hit_rate", hit}}}};
}

/// "64.2" below 100, "20309" above: latencies span five orders of magnitude.
std::string ms(double v) {
  char b[32];
  std::snprintf(b, sizeof b, std::fabs(v) < 100 ? "%.1f" : "%.0f", v);
  return b;
}
std::string triple(const LatencyPercentiles& p) { return ms(p.p50) + "/" + ms(p.p90) + "/" + ms(p.p99); }

void print_table(const std::vector<ReplayResult>& rs, bool markdown) {
  char line[512];
  if (markdown) {
    std::printf("| fleet | requests | goodput (req/s) | goodput/GPU | SLA attainment | TTFT p50/p90/p99 (ms) | "
                "ITL p50/p90/p99 (ms) | avg GPUs | peak GPUs | GPU-hours | prefix hit rate | prefill tokens |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const ReplayResult& r : rs)
      std::printf("| %s | %zu | %.2f | %.2f | %.1f %% | %s | %s | %.2f | %lld | %.3f | %.3f | %lld |\n", r.name.c_str(),
                  r.requests, r.goodput_rps, r.goodput_per_gpu, r.attainment_percent, triple(r.ttft_ms).c_str(),
                  triple(r.itl_ms).c_str(), r.avg_gpus, r.peak_gpus, r.gpu_hours, r.prefix_hit_rate,
                  static_cast<long long>(r.prefill_tokens_computed));
    return;
  }
  std::snprintf(line, sizeof line, "%-9s %9s %9s %8s %8s  %-22s %-17s %6s %5s %9s %6s %12s", "fleet", "requests",
                "goodput", "good/GPU", "SLA met", "TTFT p50/p90/p99 ms", "ITL p50/p90/p99 ms", "avgGPU", "peak",
                "GPU-hours", "hit", "prefill tok");
  std::printf("%s\n", line);
  for (const ReplayResult& r : rs) {
    char att[32];
    std::snprintf(att, sizeof att, "%.1f%%", r.attainment_percent);
    std::snprintf(line, sizeof line, "%-9s %9zu %9.2f %8.2f %8s  %-22s %-17s %6.2f %5lld %9.3f %6.3f %12lld",
                  r.name.c_str(), r.requests, r.goodput_rps, r.goodput_per_gpu, att, triple(r.ttft_ms).c_str(),
                  triple(r.itl_ms).c_str(), r.avg_gpus, r.peak_gpus, r.gpu_hours, r.prefix_hit_rate,
                  static_cast<long long>(r.prefill_tokens_computed));
    std::printf("%s\n", line);
  }
  std::printf("goodput: requests/s with TTFT and ITL within target (AIPerf's definition: over first arrival to last "
              "token); good/GPU: goodput / avg GPUs; hit: prefix-cached share of prompt tokens; prefill tok: prompt tokens "
              "computed\n");
}

void write_plot(const std::string& path, const std::vector<ReplayResult>& rs, const PlannerConfig& c,
                const std::string& dataset) {
  std::vector<PlotPanel> p(4);
  p[0].title = "Goodput (TTFT <= " + shortest(c.ttft_ms) + " ms, ITL <= " + shortest(c.itl_ms) + " ms)";
  p[0].ylabel = "requests/s";
  p[0].bars.color = kBlue;
  p[1].title = "Goodput per GPU";
  p[1].ylabel = "requests/s per GPU";
  p[1].bars.color = kGreen;
  for (const ReplayResult& r : rs) {
    p[0].bars.values.push_back(r.goodput_rps);
    p[0].bars.categories.push_back(r.name);
    p[1].bars.values.push_back(r.goodput_per_gpu);
    p[1].bars.categories.push_back(r.name);
  }
  const ReplayResult& ref = rs.front();  // the planner's fleet when there is one
  const bool has_planner = ref.name.rfind("planner", 0) == 0;
  const double span = ref.intervals.empty() ? 0 : ref.intervals.back().start_s + ref.interval_s;
  const double unit = span >= 36000 ? 3600 : span >= 600 ? 60 : 1;
  const std::string xl = unit == 3600 ? "time (h)" : unit == 60 ? "time (min)" : "time (s)";
  auto t_of = [&](const ReplayResult& r) {
    std::vector<double> t;
    for (const ReplayInterval& i : r.intervals) t.push_back(i.start_s / unit);
    return t;
  };
  std::vector<double> t = t_of(ref), rate, np, nd, gpus;
  for (const ReplayInterval& i : ref.intervals) {
    rate.push_back(static_cast<double>(i.arrivals) / ref.interval_s);
    np.push_back(static_cast<double>(i.prefill_workers));
    nd.push_back(static_cast<double>(i.decode_workers));
    gpus.push_back(static_cast<double>(i.gpus));
  }
  p[2].xlabel = xl;
  p[2].ylabel_right = "requests/s";
  if (has_planner) {
    p[2].title = ref.name + " fleet (" + to_string(c.load_predictor) + " predictor)";
    p[2].ylabel = "workers / GPUs";
    p[2].lines = {{t, np, "prefill workers", kVermillion, kSolid, 2.5, true},
                  {t, nd, "decode workers", kBlue, kDashed, 2.5, true},
                  {t, gpus, "GPUs held", kBlack, kDotted, 1.5, true},
                  {t, rate, "request rate", kSky, kSolid, 1.5, false, true}};
  } else {
    p[2].title = "Load";
    p[2].ylabel = "requests/s";
    p[2].ylabel_right.clear();
    p[2].lines = {{t, rate, "request rate", kSky, kSolid, 2.0}};
  }
  p[3].title = "SLA attainment per interval (by arrival)";
  p[3].xlabel = xl;
  p[3].ylabel = "% meeting both targets";
  const int colors[] = {kVermillion, kBlue, kGreen, kOrange, kPurple, kSky, kBlack};
  for (std::size_t k = 0; k < rs.size(); ++k) {
    std::vector<double> att;
    for (const ReplayInterval& i : rs[k].intervals) att.push_back(i.attainment_percent());
    const bool main = has_planner && k == 0;
    p[3].lines.push_back({t_of(rs[k]), att, rs[k].name, colors[k % 7], main ? kSolid : kDashed, main ? 2.5 : 1.5, true});
  }
  render_figure(path, 1500, 1000, 2, 2, p, "Fleet replay: " + base_name(dataset));
}

int run(int argc, char** argv) {
  cxxopts::Options opts("planner_replay",
                        "Replay a mooncake JSONL trace request by request on a disaggregated prefill/decode fleet\n"
                        "driven by the SLA planner, and on fixed fleets (--static 2P2D), and report goodput\n"
                        "(requests/s meeting both TTFT and ITL targets), goodput per GPU and GPU cost.\n"
                        "TTFT and ITL are in milliseconds. Exit codes: 0 ok, 1 bad data, 2 bad usage.");
  opts.set_width(100);
  opts.add_options()
      ("dataset", "Mooncake trace (.jsonl or .jsonl.gz) to replay (required)", cxxopts::value<std::string>())
      ("profile-results-dir", "Profile directory, or use-pre-swept-results:<gpu>:<model>:...",
       cxxopts::value<std::string>()->default_value("profiling_results/H200_TP1P_TP1D"))
      ("pre-swept-root", "Folder of the pre-swept tables", cxxopts::value<std::string>()->default_value(""))
      ("static", "A fixed fleet to replay too, e.g. 2P2D (repeatable)", cxxopts::value<std::vector<std::string>>())
      ("no-planner", "Replay only the --static fleets")
      ("policy", "Planning policy driving the planner's fleet (repeatable): " + policy_list() +
       ". One policy: fleet 'planner'; several: 'planner-<policy>'", cxxopts::value<std::vector<std::string>>())
      ("attainment-target", "attainment policy: share of requests (0..1] that must meet both targets",
       cxxopts::value<double>()->default_value("0.95"))
      ("attainment-max-scale-down", "attainment policy: most engines of one kind removed per decision (0: no limit)",
       cxxopts::value<int>()->default_value("1"))
      ("time-scale", "Divide timestamps by X (replay X times faster)", cxxopts::value<double>()->default_value("1"))
      ("skip-invalid", "Skip bad trace lines (and report how many) instead of stopping")
      ("output-json", "Write args and one object per fleet as JSON", cxxopts::value<std::string>())
      ("output-plot", "Goodput bars and the planner's fleet over time (.png or .svg)", cxxopts::value<std::string>())
      ("markdown", "Print the table as Markdown")
      ("h,help", "Show this help");
  add_progress_flags(opts);
  add_replay_flags(opts);
  add_planner_flags(opts);
  const auto parsed = parse_command_line(opts, argc, argv);
  if (!parsed) return kOk;
  const cxxopts::ParseResult& r = *parsed;
  if (!r.count("dataset")) throw UsageError("--dataset is required");
  const std::string dataset = r["dataset"].as<std::string>();

  const PlannerConfig config = planner_config_from_flags(r);
  const bool with_planner = !r.count("no-planner");
  std::vector<std::string> policies;
  if (with_planner) {
    policies = r.count("policy") ? r["policy"].as<std::vector<std::string>>() : std::vector<std::string>{"throughput"};
    for (std::size_t i = 0; i < policies.size(); ++i) {
      const auto& names = planning_policy_names();
      if (std::find(names.begin(), names.end(), policies[i]) == names.end())
        throw UsageError("--policy must be one of " + policy_list() + ", got '" + policies[i] + "'");
      for (std::size_t j = 0; j < i; ++j)
        if (policies[j] == policies[i]) throw UsageError("--policy " + policies[i] + " is given twice");
    }
  } else if (r.count("policy")) {
    throw UsageError("--policy and --no-planner contradict each other");
  }
  PolicyParams policy_params;
  policy_params.attainment.attainment_target = r["attainment-target"].as<double>();
  if (!(policy_params.attainment.attainment_target > 0 && policy_params.attainment.attainment_target <= 1))
    throw UsageError("--attainment-target must be in (0, 1], got " + format_number(policy_params.attainment.attainment_target));
  policy_params.attainment.max_scale_down = r["attainment-max-scale-down"].as<int>();
  if (policy_params.attainment.max_scale_down < 0)
    throw UsageError("--attainment-max-scale-down must be >= 0, got " + std::to_string(policy_params.attainment.max_scale_down));
  std::vector<StaticFleet> statics;
  if (r.count("static"))
    for (const std::string& s : r["static"].as<std::vector<std::string>>()) {
      StaticFleet f = StaticFleet::parse(s);
      f.prefill_engine_num_gpu = config.prefill_engine_num_gpu;
      f.decode_engine_num_gpu = config.decode_engine_num_gpu;
      statics.push_back(f);
    }
  if (!with_planner && statics.empty()) throw UsageError("nothing to replay: --no-planner needs at least one --static fleet");

  const ReplayFlags model_flags = replay_flags(r, config);
  const double time_scale = time_scale_flag(r);
  std::string plot_path;
  if (r.count("output-plot")) {
    plot_path = r["output-plot"].as<std::string>();
    check_plot_path(plot_path);
  }
  const ProgressFlags pf(r);

  const Profile profile = load_profile_flag(r);
  const ReplayOptions ro = model_flags.for_profile(profile);
  const ProfilePerfModel perf(profile);
  const PrefillCostModel prefill_cost(profile.prefill, ro.prefill_fixed_latency_ms);
  const FleetSimulator<> sim(ProfileServiceModel(perf), ro, prefill_cost);
  // Policies are made before the trace is read, so that a bad predictor fails fast.
  policy_params.load.max_kv_tokens = profile.decode.max_kv_tokens;
  policy_params.load.max_num_batched_tokens = static_cast<double>(ro.max_num_batched_tokens);
  ReplayOptions model_options = ro;  // what the attainment policy believes: the profile's times
  model_options.fleet_slowdown = 1.0;
  model_options.score_after_s = 0;
  const FleetSimulator<> model(sim.service(), model_options, *sim.prefill_cost());
  std::vector<std::unique_ptr<PlanningPolicy>> planners;
  for (const std::string& p : policies) planners.push_back(make_planning_policy(p, config, perf, model, policy_params));

  Progress read_bar(pf.show(true), "reading trace");
  const MooncakeReadOptions mro = trace_read_options(r, pf, read_bar);
  MooncakeReadStats stats;
  // Block hashes are read only when something uses them.
  const bool need_hashes = model_flags.needs_hashes();
  ReplayWorkload workload;
  if (need_hashes) workload = load_replay_workload(dataset, mro, time_scale, &stats);
  else workload.requests = load_replay_requests(dataset, mro, time_scale, &stats);
  const std::vector<ReplayRequest>& requests = workload.requests;
  read_bar.finish();
  if (stats.invalid)
    std::fprintf(stderr, "planner_replay: skipped %llu invalid line(s); first: %s\n",
                 static_cast<unsigned long long>(stats.invalid), stats.first_error.c_str());

  std::vector<ReplayResult> results;
  auto replay = [&](const std::string& label, auto&& body) {
    Progress bar(pf.show_for_items(requests.size()), "replay " + label);
    ReplayOptions with_bar = ro;
    with_bar.progress = [&](std::size_t done, std::size_t total) { bar.update(double(done), double(total)); };
    const FleetSimulator<> s(sim.service(), with_bar, *sim.prefill_cost());
    results.push_back(body(s));
    bar.finish();
  };
  if (!planners.empty() && !config.load_predictor_warmup_trace.empty()) {
    IntervalSeriesOptions wo;
    wo.interval_s = config.adjustment_interval_s;
    const IntervalSeries warm = load_interval_series(config.load_predictor_warmup_trace, wo, mro);
    for (auto& p : planners) p->warm_up(warm.num_req_double(), warm.isl, warm.osl);
  }
  for (auto& p : planners) {
    const std::string name = planners.size() == 1 ? "planner" : "planner-" + p->name();
    replay(name, [&](const FleetSimulator<>& s) {
      return s.run_policy(workload, *p, name, config.prefill_engine_num_gpu, config.decode_engine_num_gpu);
    });
  }
  for (const StaticFleet& f : statics)
    replay(f.name(), [&](const FleetSimulator<>& s) { return s.run_static(workload, f); });

  // Outputs: each complete or absent.
  if (r.count("output-json")) {
    nlohmann::json args_json = planner_config_to_json(config);
    args_json["dataset"] = dataset;
    args_json["profile_results_dir"] = r["profile-results-dir"].as<std::string>();
    model_flags.add_to_json(args_json, ro);
    args_json["time_scale"] = time_scale;
    args_json["planner"] = with_planner;
    args_json["policies"] = policies;
    args_json["attainment_target"] = policy_params.attainment.attainment_target;
    args_json["attainment_max_scale_down"] = policy_params.attainment.max_scale_down;
    nlohmann::json fleets = nlohmann::json::array();
    for (const ReplayResult& x : results) fleets.push_back(fleet_json(x));
    OutputFile out(r["output-json"].as<std::string>());
    out.stream() << nlohmann::json{{"args", args_json}, {"fleets", fleets}}.dump(1) << '\n';
    out.commit();
  }
  if (!plot_path.empty()) write_plot(plot_path, results, config, dataset);

  const double span_min = (requests.back().arrival_ms - requests.front().arrival_ms) / 60000.0;
  std::printf("Replay of %s: %zu requests over %.1f min; SLA TTFT <= %s ms, ITL <= %s ms\n", dataset.c_str(),
              requests.size(), span_min, shortest(config.ttft_ms).c_str(), shortest(config.itl_ms).c_str());
  std::printf("model: prefill fixed latency %.2f ms%s, KV transfer %s ms", ro.prefill_fixed_latency_ms,
              model_flags.fixed_from_profile ? " (profile estimate)" : "", shortest(ro.kv_transfer_ms).c_str());
  if (ro.kv_bytes_per_token > 0)
    std::printf(" + %s bytes/token at %s GB/s", shortest(ro.kv_bytes_per_token).c_str(), shortest(ro.kv_transfer_gbps).c_str());
  std::printf("; prefill %s", model_flags.prefill_model.c_str());
  if (ro.prefill_model == PrefillModel::chunked) std::printf(" (%lld tokens/pass)", static_cast<long long>(ro.max_num_batched_tokens));
  std::printf(", router %s, prefix cache ", model_flags.router.c_str());
  if (ro.prefix_cache_tokens == 0) std::printf("off\n");
  else if (ro.prefix_cache_tokens < 0) std::printf("unbounded (blocks of %lld)\n", static_cast<long long>(ro.block_size));
  else std::printf("%lld tokens (blocks of %lld)\n", static_cast<long long>(ro.prefix_cache_tokens), static_cast<long long>(ro.block_size));
  if (ro.score_after_s > 0 || ro.fleet_slowdown != 1)
    std::printf("scored: requests arriving %s s or more after the first; fleet slowdown x%s (planners not told)\n",
                shortest(ro.score_after_s).c_str(), shortest(ro.fleet_slowdown).c_str());
  if (with_planner)
    std::printf("planner (%s): %s predictor, interval %s s, GPU budget %d, correction %s, start %lldP%lldD, startup delay %s s\n",
                name_list(policies).c_str(), to_string(config.load_predictor).c_str(),
                shortest(config.adjustment_interval_s).c_str(), config.max_gpu_budget,
                config.no_correction ? "off" : "on", ro.start_num_p, ro.start_num_d, shortest(ro.startup_delay_s).c_str());
  print_table(results, r.count("markdown") != 0);
  for (const ReplayResult& x : results)
    if (x.oversized)
      std::printf("note: %s: %zu request(s) larger than a decode worker's KV capacity ran alone\n", x.name.c_str(),
                  x.oversized);
  if (!plot_path.empty()) std::printf("plot: %s\n", plot_path.c_str());
  if (r.count("output-json")) std::printf("json: %s\n", r["output-json"].as<std::string>().c_str());
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  return sla_tools::run_main("planner_replay", [&] { return run(argc, argv); });
}
