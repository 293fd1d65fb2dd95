// planner_search — which deployment to run: every static fleet within a GPU budget (prefill and
// decode engines possibly of different profiles/TP) and the planner, replayed request by request on
// a trace, ranked, and the cheapest one meeting the attainment target recommended; optionally the
// highest load a fleet sustains.
// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "common/planner_flags.hpp"
#include "common/plot.hpp"
#include "common/replay_flags.hpp"
#include "sla_planner/formats/trace_loaders.hpp"
#include "sla_planner/planner/planner.hpp"
#include "sla_planner/profile/pre_swept_spec.hpp"
#include "sla_planner/sim/fleet_search.hpp"
#include "sla_planner/sim/fleet_simulator.hpp"
#include "sla_planner/sim/planning_policies.hpp"
#include "sla_planner/trace/interval_series.hpp"

namespace {

using namespace sla_planner;
using namespace sla_tools;

/// One --profile-results-dir: the profile, its label in candidate names and its engines' GPUs.
struct ProfileEntry {
  std::string spec;   ///< as given (directory or pre-swept selector)
  std::string label;  ///< unique short name ("tp2", "H200_TP1P_TP1D")
  Profile profile;
  int prefill_gpus = 1, decode_gpus = 1;
  double fixed_ms = 0;  ///< prefill fixed latency used when this profile prefills
};

/// What a planner replay needs besides the simulator: the configuration for its engine pair and
/// the predictors' warm-up series (may be null).
struct PlannerSetup {
  PlannerConfig config;
  const ProfilePerfModel* perf = nullptr;
  const IntervalSeries* warm_up = nullptr;
  double attainment_target = 0.95;  ///< the attainment policy's target (the search's)
};

/// Replays the policy `policy` (made by make_planning_policy; its model of the fleet is `sim`).
ReplayResult replay_policy(const std::string& policy, const FleetSimulator<>& sim, const ReplayWorkload& requests,
                           const PlannerSetup& s, const std::string& name) {
  PolicyParams params;
  params.load.max_kv_tokens = sim.service().max_kv_tokens();
  params.load.max_num_batched_tokens = static_cast<double>(sim.options().max_num_batched_tokens);
  params.attainment.attainment_target = s.attainment_target;
  std::unique_ptr<PlanningPolicy> p = make_planning_policy(policy, s.config, *s.perf, sim, params);
  if (s.warm_up) p->warm_up(s.warm_up->num_req_double(), s.warm_up->isl, s.warm_up->osl);
  return sim.run_policy(requests, *p, name, s.config.prefill_engine_num_gpu, s.config.decode_engine_num_gpu);
}

/// How each planner policy named with --policy is replayed. A new policy is one entry here.
using PolicyReplay = std::function<ReplayResult(const FleetSimulator<>&, const ReplayWorkload&,
                                                const PlannerSetup&, const std::string& name)>;
const std::map<std::string, PolicyReplay>& policy_table() {
  static const std::map<std::string, PolicyReplay> table = {
      // Dynamo's throughput rules (BasicPlanner), as planner_replay runs them.
      {"throughput", [](const FleetSimulator<>& sim, const ReplayWorkload& requests, const PlannerSetup& s,
                        const std::string& name) {
         Planner planner(s.config, *s.perf);
         if (s.warm_up) planner.warm_up(s.warm_up->num_req_double(), s.warm_up->isl, s.warm_up->osl);
         return sim.run_planner(requests, planner, name);
       }},
      // Dynamo's load-based scaling and the attainment policy, through run_policy.
      {"load", [](const FleetSimulator<>& sim, const ReplayWorkload& requests, const PlannerSetup& s,
                  const std::string& name) { return replay_policy("load", sim, requests, s, name); }},
      {"attainment", [](const FleetSimulator<>& sim, const ReplayWorkload& requests, const PlannerSetup& s,
                        const std::string& name) { return replay_policy("attainment", sim, requests, s, name); }},
  };
  return table;
}

std::string known_policies() {
  std::vector<std::string> names;
  for (const auto& [name, f] : policy_table()) names.push_back(name);
  return name_list(names);
}

/// JSON number, or null for NaN/infinity (JSON has neither).
nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string basename_of(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// "tp2" for a pre-swept row (with "dp2"/"pp2" when not 1), the directory's name otherwise.
std::string base_label(const std::string& spec) {
  if (!PreSweptSpec::matches(spec)) return basename_of(spec);
  const PreSweptSpec p = PreSweptSpec::parse(spec);
  std::string l = "tp" + std::to_string(p.tp);
  if (p.dp != 1) l += "dp" + std::to_string(p.dp);
  if (p.pp != 1) l += "pp" + std::to_string(p.pp);
  return l;
}

/// Unique labels: the short ones; where two collide, the GPU type is prefixed (pre-swept rows),
/// then a counter is appended.
std::vector<std::string> unique_labels(const std::vector<std::string>& specs) {
  std::vector<std::string> l;
  for (const std::string& s : specs) l.push_back(base_label(s));
  auto count = [&](const std::string& x) { return std::count(l.begin(), l.end(), x); };
  std::vector<std::string> out = l;
  for (std::size_t i = 0; i < l.size(); ++i)
    if (count(l[i]) > 1 && PreSweptSpec::matches(specs[i])) out[i] = PreSweptSpec::parse(specs[i]).gpu_type + "-" + l[i];
  for (std::size_t i = 0; i < out.size(); ++i) {
    int k = 1;
    for (std::size_t j = 0; j < i; ++j)
      if (out[j] == out[i]) ++k;
    if (k > 1) out[i] += "-" + std::to_string(k);
  }
  return out;
}

std::string ms(double v) {
  if (!std::isfinite(v)) return "-";
  char b[32];
  std::snprintf(b, sizeof b, std::fabs(v) < 100 ? "%.1f" : "%.0f", v);
  return b;
}

std::string gpus_text(const CandidateResult& c) {
  char b[32];
  if (c.candidate.is_static()) std::snprintf(b, sizeof b, "%lld", c.candidate.gpus());
  else std::snprintf(b, sizeof b, "%.2f", c.replay.avg_gpus);
  return b;
}

std::string pct(double fraction) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%", 100 * fraction);
  return b;
}

void print_table(const FleetSearchResult& r, bool markdown) {
  std::size_t rank = 0;
  if (markdown) {
    std::printf("| rank | candidate | GPUs | SLA attainment | goodput (req/s) | goodput/GPU | GPU-hours | TTFT p90 (ms) | "
                "ITL p90 (ms) | meets target |\n");
    std::printf("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (std::size_t i : r.ranking) {
      const CandidateResult& c = r.candidates[i];
      if (!c.replayed) continue;
      std::printf("| %zu | %s | %s | %.1f %% | %.2f | %.2f | %.3f | %s | %s | %s |\n", ++rank, c.candidate.name.c_str(),
                  gpus_text(c).c_str(), 100 * c.attainment(), c.replay.goodput_rps, c.replay.goodput_per_gpu,
                  c.replay.gpu_hours, ms(c.replay.ttft_ms.p90).c_str(), ms(c.replay.itl_ms.p90).c_str(),
                  r.recommendation == i ? "**recommended**" : c.meets_target ? "yes" : "no");
    }
    return;
  }
  std::size_t width = 9;
  for (const CandidateResult& c : r.candidates) width = std::max(width, c.candidate.name.size());
  const int w = static_cast<int>(width);
  std::printf("%4s  %-*s %6s %8s %9s %8s %9s %9s %8s\n", "rank", w, "candidate", "GPUs", "SLA met", "goodput", "good/GPU",
              "GPU-hours", "TTFT p90", "ITL p90");
  for (std::size_t i : r.ranking) {
    const CandidateResult& c = r.candidates[i];
    if (!c.replayed) continue;
    std::printf("%4zu  %-*s %6s %8s %9.2f %8.2f %9.3f %9s %8s  %s\n", ++rank, w, c.candidate.name.c_str(),
                gpus_text(c).c_str(), pct(c.attainment()).c_str(), c.replay.goodput_rps, c.replay.goodput_per_gpu,
                c.replay.gpu_hours, ms(c.replay.ttft_ms.p90).c_str(), ms(c.replay.itl_ms.p90).c_str(),
                r.recommendation == i ? "<- recommended" : c.meets_target ? "meets" : "");
  }
  std::printf("SLA met: requests meeting both targets; goodput: those per second (AIPerf's definition); good/GPU: goodput / "
              "average GPUs; GPUs: a planner's average; TTFT/ITL in ms\n");
}

nlohmann::json candidate_json(const CandidateResult& c, const std::vector<ProfileEntry>& profiles) {
  const FleetCandidate& f = c.candidate;
  nlohmann::json j = {{"name", f.name},
                      {"kind", f.is_static() ? "static" : "planner"},
                      {"prefill_profile", profiles[f.prefill_config].label},
                      {"decode_profile", profiles[f.decode_config].label},
                      {"prefill_engine_num_gpu", f.fleet.prefill_engine_num_gpu},
                      {"decode_engine_num_gpu", f.fleet.decode_engine_num_gpu},
                      {"pruned", !c.replayed},
                      {"meets_target", c.meets_target}};
  if (f.is_static()) {
    j["num_prefill"] = f.fleet.num_prefill;
    j["num_decode"] = f.fleet.num_decode;
    j["gpus"] = f.gpus();
    j["cost_lower_bound_gpu_hours"] = c.cost_lower_bound_gpu_hours;
  } else {
    j["policy"] = f.policy;
  }
  if (!c.replayed) return j;
  const ReplayResult& r = c.replay;
  auto lat = [](const LatencyPercentiles& p) { return nlohmann::json{{"p50", jnum(p.p50)}, {"p90", jnum(p.p90)}, {"p99", jnum(p.p99)}}; };
  j["requests"] = r.requests;
  j["good"] = r.good;
  j["attainment"] = 100 * c.attainment();
  j["goodput_rps"] = r.goodput_rps;
  j["goodput_per_gpu"] = r.goodput_per_gpu;
  j["gpu_hours"] = r.gpu_hours;
  j["avg_gpus"] = r.avg_gpus;
  j["peak_gpus"] = r.peak_gpus;
  j["ttft_ms"] = lat(r.ttft_ms);
  j["itl_ms"] = lat(r.itl_ms);
  j["duration_s"] = r.duration_s;
  j["oversized"] = r.oversized;
  j["prefix_hit_rate"] = r.prefix_hit_rate;
  j["prefill_tokens_computed"] = r.prefill_tokens_computed;
  return j;
}

void write_plot(const std::string& path, const FleetSearchResult& r, const PlannerConfig& c, const std::string& dataset) {
  PlotPanel p;
  p.title = "GPU-hours against SLA attainment (TTFT <= " + shortest(c.ttft_ms) + " ms, ITL <= " + shortest(c.itl_ms) + " ms)";
  p.xlabel = "requests meeting both targets (%)";
  p.ylabel = "GPU-hours";
  p.x_min = 0;
  p.x_max = 103;
  PlotLine statics, planners, front_line, front_points, target, rec;
  statics.marker = "●";
  statics.marker_size = 0.8;
  statics.color = kBlue;
  statics.label = "static fleets";
  planners.marker = "▲";
  planners.color = kVermillion;
  planners.label = "planner";
  double top = 0;
  for (const CandidateResult& x : r.candidates) {
    if (!x.replayed) continue;
    PlotLine& l = x.candidate.is_static() ? statics : planners;
    l.x.push_back(100 * x.attainment());
    l.y.push_back(x.replay.gpu_hours);
    top = std::max(top, x.replay.gpu_hours);
  }
  front_line.color = front_points.color = kBlack;
  front_line.style = kDashed;
  front_line.width = 1.2;
  front_line.label = "Pareto front";
  front_points.marker = "○";
  front_points.marker_size = 1.5;
  for (std::size_t i : r.pareto_front) top = std::max(top, r.candidates[i].replay.gpu_hours);
  for (std::size_t k = 0; k < r.pareto_front.size();) {
    // Points that coincide on the figure get one label: the first name and how many more.
    const CandidateResult& x = r.candidates[r.pareto_front[k]];
    std::size_t end = k + 1;
    while (end < r.pareto_front.size()) {
      const CandidateResult& y = r.candidates[r.pareto_front[end]];
      if (std::fabs(y.attainment() - x.attainment()) > 0.005 || std::fabs(y.replay.gpu_hours - x.replay.gpu_hours) > 0.01 * top)
        break;
      ++end;
    }
    for (std::size_t j = k; j < end; ++j) {
      const CandidateResult& y = r.candidates[r.pareto_front[j]];
      front_line.x.push_back(100 * y.attainment());
      front_line.y.push_back(y.replay.gpu_hours);
    }
    front_points.x.push_back(100 * x.attainment());
    front_points.y.push_back(x.replay.gpu_hours);
    front_points.point_labels.push_back(x.candidate.name + (end - k > 1 ? " (+" + std::to_string(end - k - 1) + ")" : ""));
    k = end;
  }
  front_points.label = "on the front";
  target.x = {100 * r.attainment_target, 100 * r.attainment_target};
  target.y = {0, top};
  target.color = kGreen;
  target.style = kDotted;
  target.width = 1.5;
  target.label = "target " + shortest(100 * r.attainment_target) + " %";
  p.lines = {statics};
  if (!planners.x.empty()) p.lines.push_back(planners);
  p.lines.push_back(front_line);
  p.lines.push_back(front_points);
  p.lines.push_back(target);
  if (r.recommendation) {
    const CandidateResult& x = r.candidates[*r.recommendation];
    rec.marker = "★";
    rec.marker_size = 2.2;
    rec.color = kGreen;
    rec.x = {100 * x.attainment()};
    rec.y = {x.replay.gpu_hours};
    rec.label = "recommended: " + x.candidate.name;
    p.lines.push_back(rec);
  }
  render_figure(path, 1200, 800, 1, 1, {p}, "Deployment search: " + basename_of(dataset));
}

int run(int argc, char** argv) {
  cxxopts::Options opts(
      "planner_search",
      "Which deployment to run: replay a mooncake JSONL trace on every static fleet within the GPU budget\n"
      "(P prefill engines of one profile, D decode engines of the same or another; P x GPUs + D x GPUs <=\n"
      "--max-gpu-budget) and on the planner, rank them, and recommend the cheapest (GPU-hours) meeting the\n"
      "attainment target. TTFT and ITL are in milliseconds. Exit codes: 0 ok, 1 bad data, 2 bad usage.");
  opts.set_width(100);
  opts.add_options()
      ("dataset", "Mooncake trace (.jsonl or .jsonl.gz) to replay (required)", cxxopts::value<std::string>())
      ("profile-results-dir",
       "Profile directory, or use-pre-swept-results:<gpu>:<model>:...; repeatable: engines of every given profile "
       "are combined (default: the bundled H200 profile)",
       cxxopts::value<std::vector<std::string>>())
      ("pre-swept-root", "Folder of the pre-swept tables", cxxopts::value<std::string>()->default_value(""))
      ("attainment-target", "Fraction of requests that must meet both targets", cxxopts::value<double>()->default_value("0.95"))
      ("policy", "Planner policy to replay too (repeatable; known: " + known_policies() + ")",
       cxxopts::value<std::vector<std::string>>())
      ("no-planner", "Search the static fleets only")
      ("only", "Replay only this candidate (repeatable), e.g. 3P1D, planner-throughput, 1P1D@tp4",
       cxxopts::value<std::vector<std::string>>())
      ("no-prune", "Replay every candidate (pruning skips only fleets that cannot be recommended)")
      ("cost-tolerance", "Relative GPU-hour difference counted as a tie (then goodput/GPU decides)",
       cxxopts::value<double>()->default_value("0.01"))
      ("max-rate",
       "Also find the highest load the recommended fleet sustains within the target; --max-rate=NAME: that "
       "candidate's",
       cxxopts::value<std::string>()->implicit_value(""))
      ("threads", "Replay threads (0: every core)", cxxopts::value<unsigned>()->default_value("0"))
      ("time-scale", "Divide timestamps by X (replay X times faster)", cxxopts::value<double>()->default_value("1"))
      ("skip-invalid", "Skip bad trace lines (and report how many) instead of stopping")
      ("output-json", "Write args, every candidate and the recommendation as JSON", cxxopts::value<std::string>())
      ("output-plot", "GPU-hours against attainment for every candidate (.png or .svg)", cxxopts::value<std::string>())
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

  PlannerConfig config = planner_config_from_flags(r);
  config.validate();
  if (config.max_gpu_budget < 1)
    throw UsageError("--max-gpu-budget must be a number of GPUs (>= 1) for a search, got " +
                     std::to_string(config.max_gpu_budget));
  FleetSearchOptions so;
  so.attainment_target = r["attainment-target"].as<double>();
  so.cost_tolerance = r["cost-tolerance"].as<double>();
  so.prune = !r.count("no-prune");
  so.max_gpu_budget = config.max_gpu_budget;
  so.threads = r["threads"].as<unsigned>();
  so.validate();
  std::vector<std::string> policies;
  if (!r.count("no-planner")) {
    policies = r.count("policy") ? r["policy"].as<std::vector<std::string>>() : std::vector<std::string>{"throughput"};
    for (const std::string& p : policies)
      if (!policy_table().count(p)) throw UsageError("unknown --policy '" + p + "' (known: " + known_policies() + ")");
  } else if (r.count("policy")) {
    throw UsageError("--policy and --no-planner contradict each other");
  }

  const ReplayFlags model_flags = replay_flags(r, config);
  const ReplayOptions& ro = model_flags.options;
  const double time_scale = time_scale_flag(r);
  std::string plot_path;
  if (r.count("output-plot")) {
    plot_path = r["output-plot"].as<std::string>();
    check_plot_path(plot_path);
  }
  const ProgressFlags pf(r);

  // Profiles: selectors are checked (exit 2) before any is loaded (exit 1 when unreadable).
  std::vector<std::string> specs = r.count("profile-results-dir") ? r["profile-results-dir"].as<std::vector<std::string>>()
                                                                   : std::vector<std::string>{default_profile_dir()};
  for (std::size_t i = 0; i < specs.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (specs[i] == specs[j]) throw UsageError("--profile-results-dir '" + specs[i] + "' is given twice");
  const std::vector<std::string> labels = unique_labels(specs);
  std::string root = r["pre-swept-root"].as<std::string>();
  if (root.empty()) root = default_pre_swept_root();
  std::vector<ProfileEntry> profiles;
  std::vector<EngineConfig> configs;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    ProfileEntry e;
    e.spec = specs[i];
    e.label = labels[i];
    e.profile = load_profile(specs[i], root);
    if (PreSweptSpec::matches(specs[i])) {
      const PreSweptSpec s = PreSweptSpec::parse(specs[i]);
      e.prefill_gpus = e.decode_gpus = static_cast<int>(s.tp * s.dp * s.pp);
    } else {
      e.prefill_gpus = config.prefill_engine_num_gpu;
      e.decode_gpus = config.decode_engine_num_gpu;
    }
    e.fixed_ms = model_flags.for_profile(e.profile).prefill_fixed_latency_ms;
    configs.push_back({e.label, e.prefill_gpus, e.decode_gpus});
    profiles.push_back(std::move(e));
  }

  // Candidates.
  std::vector<FleetCandidate> all = FleetSearch::static_fleets(configs, config.max_gpu_budget);
  if (!policies.empty()) {
    const auto pl = FleetSearch::planners(configs, policies, config.max_gpu_budget, config.min_endpoint);
    all.insert(all.begin(), pl.begin(), pl.end());
  }
  auto find = [&](const std::string& name) -> const FleetCandidate* {
    for (const FleetCandidate& c : all)
      if (lower(c.name) == lower(name)) return &c;
    return nullptr;
  };
  std::vector<FleetCandidate> candidates;
  if (r.count("only")) {
    for (const std::string& n : r["only"].as<std::vector<std::string>>()) {
      const FleetCandidate* c = find(n);
      if (!c)
        throw UsageError("--only '" + n + "' is not a candidate (" + std::to_string(all.size()) +
                         " candidates: static fleets within --max-gpu-budget " + std::to_string(config.max_gpu_budget) +
                         (configs.size() > 1 ? " named like 3P1D@" + configs[0].label + "/" + configs[1].label : std::string(" named like 3P1D")) +
                         (policies.empty() ? "" : ", and planner-<policy>") + ")");
      if (std::none_of(candidates.begin(), candidates.end(), [&](const FleetCandidate& x) { return x.name == c->name; }))
        candidates.push_back(*c);
    }
  } else {
    candidates = all;
  }
  if (candidates.empty())
    throw UsageError("no candidate fits --max-gpu-budget " + std::to_string(config.max_gpu_budget) +
                     " (one prefill and one decode engine must fit)");
  std::optional<FleetCandidate> rate_target;
  const bool want_rate = r.count("max-rate") != 0;
  if (want_rate && !r["max-rate"].as<std::string>().empty()) {
    const FleetCandidate* c = find(r["max-rate"].as<std::string>());
    if (!c) throw UsageError("--max-rate '" + r["max-rate"].as<std::string>() + "' is not a candidate");
    rate_target = *c;
  }

  // One simulator (and planner model) per (prefill, decode) pair the candidates use.
  const std::size_t k = profiles.size();
  std::vector<std::unique_ptr<FleetSimulator<>>> sims(k * k);
  std::vector<std::unique_ptr<ProfilePerfModel>> perfs(k * k);
  std::vector<PlannerSetup> setups(k * k);
  {
    std::vector<std::optional<PrefillInterpolator>> pre(k);
    std::vector<std::optional<DecodeInterpolator>> dec(k);
    auto need = [&](const FleetCandidate& c) {
      const std::size_t a = c.prefill_config, b = c.decode_config, ab = a * k + b;
      if (sims[ab]) return;
      if (!pre[a]) pre[a].emplace(profiles[a].profile.prefill);
      if (!dec[b]) dec[b].emplace(profiles[b].profile.decode);
      // The prefill engines' profile decides the fixed latency, the pass times and the cache size.
      const ReplayOptions o = model_flags.for_profile(profiles[a].profile);
      sims[ab] = std::make_unique<FleetSimulator<>>(ProfileServiceModel(*pre[a], *dec[b]), o,
                                                    PrefillCostModel(profiles[a].profile.prefill, o.prefill_fixed_latency_ms));
      perfs[ab] = std::make_unique<ProfilePerfModel>(*pre[a], *dec[b]);
    };
    for (const FleetCandidate& c : candidates) need(c);
    if (rate_target) need(*rate_target);
  }
  for (std::size_t ab = 0; ab < k * k; ++ab) {
    setups[ab].config = config;
    setups[ab].config.prefill_engine_num_gpu = profiles[ab / k].prefill_gpus;
    setups[ab].config.decode_engine_num_gpu = profiles[ab % k].decode_gpus;
    setups[ab].perf = perfs[ab].get();
    setups[ab].attainment_target = so.attainment_target;
  }
  // A planner made before the trace is read, so that bad planner settings fail fast.
  for (const FleetCandidate& c : candidates)
    if (!c.is_static()) {
      const PlannerSetup& s = setups[c.prefill_config * k + c.decode_config];
      s.config.validate();
      Planner check(s.config, *s.perf);
      break;
    }

  Progress read_bar(pf.show(true), "reading trace");
  const MooncakeReadOptions mro = trace_read_options(r, pf, read_bar);
  MooncakeReadStats stats;
  // Block hashes are read only when something uses them (prefix caching, KV routing).
  ReplayWorkload workload;
  if (model_flags.needs_hashes()) workload = load_replay_workload(dataset, mro, time_scale, &stats);
  else workload.requests = load_replay_requests(dataset, mro, time_scale, &stats);
  const std::vector<ReplayRequest>& requests = workload.requests;
  read_bar.finish();
  if (stats.invalid)
    std::fprintf(stderr, "planner_search: skipped %llu invalid line(s); first: %s\n",
                 static_cast<unsigned long long>(stats.invalid), stats.first_error.c_str());
  std::optional<IntervalSeries> warm;
  if (!policies.empty() && !config.load_predictor_warmup_trace.empty()) {
    IntervalSeriesOptions wo;
    wo.interval_s = config.adjustment_interval_s;
    warm = load_interval_series(config.load_predictor_warmup_trace, wo, mro);
    for (PlannerSetup& s : setups) s.warm_up = &*warm;
  }

  // The replay of one candidate: a static fleet on its pair's simulator, a policy through the table.
  auto replay = [&](const FleetCandidate& c, const std::vector<ReplayRequest>& reqs) {
    const std::size_t ab = c.prefill_config * k + c.decode_config;
    ReplayWorkload w;  // `reqs` (perhaps time-scaled) with the trace's block hashes
    w.requests = reqs;
    w.block_hashes = workload.block_hashes;
    w.hash_offsets = workload.hash_offsets;
    if (c.is_static()) {
      ReplayResult x = sims[ab]->run_static(w, c.fleet);
      x.name = c.name;
      return x;
    }
    return policy_table().at(c.policy)(*sims[ab], w, setups[ab], c.name);
  };
  Progress bar(pf.show_for_items(candidates.size() * requests.size()), "search");
  so.progress = [&](std::size_t done, std::size_t total) { bar.update(double(done), double(total)); };
  const FleetSearch search(replay, so);
  const FleetSearchResult result = search.run(candidates, requests);
  bar.finish();

  std::optional<MaxRateResult> rate;
  std::string rate_name;
  if (want_rate) {
    if (!rate_target && result.recommendation) rate_target = result.candidates[*result.recommendation].candidate;
    if (rate_target) {
      rate_name = rate_target->name;
      Progress rbar(pf.forced, "max rate");
      rate = search.max_rate(*rate_target, requests);
      rbar.finish();
    }
  }

  // Outputs: each complete or absent.
  const double span_s = (requests.back().arrival_ms - requests.front().arrival_ms) / 1000.0;
  const double trace_rate = span_s > 0 ? static_cast<double>(requests.size()) / span_s : 0.0;
  if (r.count("output-json")) {
    nlohmann::json args = planner_config_to_json(config);
    args["dataset"] = dataset;
    args["attainment_target"] = so.attainment_target;
    args["cost_tolerance"] = so.cost_tolerance;
    args["prune"] = so.prune;
    args["policies"] = policies;
    model_flags.add_to_json(args, ro);  // per-profile values (fixed latency) are under "profiles"
    args["time_scale"] = time_scale;
    nlohmann::json profs = nlohmann::json::array();
    for (const ProfileEntry& e : profiles)
      profs.push_back({{"label", e.label}, {"profile_results_dir", e.spec}, {"prefill_engine_num_gpu", e.prefill_gpus},
                       {"decode_engine_num_gpu", e.decode_gpus}, {"prefill_fixed_latency_ms", e.fixed_ms}});
    args["profiles"] = profs;
    nlohmann::json cands = nlohmann::json::array(), front = nlohmann::json::array();
    for (std::size_t i : result.ranking) cands.push_back(candidate_json(result.candidates[i], profiles));
    for (std::size_t i : result.pareto_front) front.push_back(result.candidates[i].candidate.name);
    nlohmann::json out = {
        {"args", args},
        {"trace", {{"requests", requests.size()}, {"span_s", span_s}, {"rate_rps", trace_rate}}},
        {"candidates", cands},
        {"recommendation", result.recommendation ? candidate_json(result.candidates[*result.recommendation], profiles)
                                                 : nlohmann::json(nullptr)},
        {"closest", result.closest ? candidate_json(result.candidates[*result.closest], profiles) : nlohmann::json(nullptr)},
        {"pareto_front", front},
        {"replayed", result.replayed},
        {"pruned", result.pruned},
        {"prune_bound_held", result.prune_bound_held}};
    if (want_rate)
      out["max_rate"] = rate ? nlohmann::json{{"name", rate_name},
                                              {"scale", rate->scale},
                                              {"rate_rps", rate->rate_rps},
                                              {"fail_scale", jnum(rate->fail_scale)},
                                              {"fail_rate_rps", jnum(rate->fail_rate_rps)},
                                              {"trace_rate_rps", rate->trace_rate_rps},
                                              {"attainment_at_scale", 100.0 * (rate->at_scale.requests ? double(rate->at_scale.good) / double(rate->at_scale.requests) : 0.0)},
                                              {"replays", rate->replays}}
                             : nlohmann::json(nullptr);
    OutputFile f(r["output-json"].as<std::string>());
    f.stream() << out.dump(1) << '\n';
    f.commit();
  }
  if (!plot_path.empty()) write_plot(plot_path, result, config, dataset);

  std::printf("Search of %s: %zu requests over %.1f min (%.2f req/s); SLA TTFT <= %s ms, ITL <= %s ms; target %s of requests; "
              "GPU budget %d\n",
              dataset.c_str(), requests.size(), span_s / 60, trace_rate, shortest(config.ttft_ms).c_str(),
              shortest(config.itl_ms).c_str(), (shortest(100 * so.attainment_target) + " %").c_str(), config.max_gpu_budget);
  for (const ProfileEntry& e : profiles)
    std::printf("profile %s: %s (GPUs per engine: prefill %d, decode %d; prefill fixed latency %.2f ms%s)\n", e.label.c_str(),
                e.spec.c_str(), e.prefill_gpus, e.decode_gpus, e.fixed_ms, model_flags.fixed_from_profile ? ", profile estimate" : "");
  std::size_t n_static = 0;
  for (const FleetCandidate& c : candidates) n_static += c.is_static();
  std::printf("candidates: %zu static fleet(s), %zu planner(s)", n_static, candidates.size() - n_static);
  if (!policies.empty())
    std::printf(" (%s predictor, interval %s s, correction %s, startup delay %s s)", to_string(config.load_predictor).c_str(),
                shortest(config.adjustment_interval_s).c_str(), config.no_correction ? "off" : "on",
                shortest(ro.startup_delay_s).c_str());
  std::printf("; replayed %zu, pruned %zu\n", result.replayed, result.pruned);
  print_table(result, r.count("markdown") != 0);
  if (result.pruned) {
    long long lo = -1, hi = 0;
    for (const CandidateResult& c : result.candidates)
      if (!c.replayed) {
        lo = lo < 0 ? c.candidate.gpus() : std::min(lo, c.candidate.gpus());
        hi = std::max(hi, c.candidate.gpus());
      }
    std::printf("pruned: %zu static fleet(s) of %lld-%lld GPUs, each costing more than a fleet above that meets the "
                "target (--no-prune replays them)\n",
                result.pruned, lo, hi);
  }
  if (!result.prune_bound_held)
    std::printf("note: a static fleet cost less than GPUs x trace span; pruning was undone\n");
  for (const CandidateResult& c : result.candidates)
    if (c.replayed && c.replay.oversized)
      std::printf("note: %s: %zu request(s) larger than a decode worker's KV capacity ran alone\n", c.candidate.name.c_str(),
                  c.replay.oversized);
  if (result.recommendation) {
    const CandidateResult& c = result.candidates[*result.recommendation];
    std::printf("recommendation: %s — %s GPUs%s, %.1f %% of requests within TTFT %s ms and ITL %s ms, goodput %.2f req/s "
                "(%.2f per GPU), %.3f GPU-hours\n",
                c.candidate.name.c_str(), gpus_text(c).c_str(), c.candidate.is_static() ? "" : " on average",
                100 * c.attainment(), shortest(config.ttft_ms).c_str(), shortest(config.itl_ms).c_str(), c.replay.goodput_rps,
                c.replay.goodput_per_gpu, c.replay.gpu_hours);
  } else if (result.closest) {
    const CandidateResult& c = result.candidates[*result.closest];
    std::printf("recommendation: none — none of the %zu candidates (within %d GPUs) meets %s %%; closest: %s with %.1f %% "
                "(%s GPUs, %.3f GPU-hours)\n",
                candidates.size(), config.max_gpu_budget, shortest(100 * so.attainment_target).c_str(), c.candidate.name.c_str(),
                100 * c.attainment(), gpus_text(c).c_str(), c.replay.gpu_hours);
  }
  if (want_rate) {
    if (!rate) {
      std::printf("max rate: no recommended fleet to measure; name one with --max-rate NAME\n");
    } else if (rate->scale == 0) {
      std::printf("max rate: %s misses the target even at 1/64 of the trace's rate (%.2f req/s)\n", rate_name.c_str(),
                  rate->trace_rate_rps / 64);
    } else if (!std::isfinite(rate->fail_scale)) {
      std::printf("max rate: %s meets the target up to %sx the trace's rate (%.2f req/s), the most tried\n", rate_name.c_str(),
                  shortest(rate->scale).c_str(), rate->rate_rps);
    } else {
      std::printf("max rate: %s meets the target up to %.3fx the trace's rate: %.2f req/s (the trace: %.2f req/s); misses it "
                  "at %.3fx (%.2f req/s); %zu replays\n",
                  rate_name.c_str(), rate->scale, rate->rate_rps, rate->trace_rate_rps, rate->fail_scale, rate->fail_rate_rps,
                  rate->replays);
    }
  }
  if (!plot_path.empty()) std::printf("plot: %s\n", plot_path.c_str());
  if (r.count("output-json")) std::printf("json: %s\n", r["output-json"].as<std::string>().c_str());
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  return sla_tools::run_main("planner_search", [&] { return run(argc, argv); });
}
