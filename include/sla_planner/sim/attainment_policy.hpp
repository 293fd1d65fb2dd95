// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// A planning policy that targets SLA attainment directly: at every tick it replays candidate
// fleets on this project's own fleet engine (FleetSimulator) over the horizon its decision
// controls, and picks the cheapest one whose simulated share of requests meeting both targets
// reaches AttainmentParams::attainment_target. The idea — size a serving fleet by simulating the
// queueing it will see rather than from mean throughput — follows DistServe (Zhong et al., OSDI
// 2024, placement by simulated goodput) and the queue-aware scaling Dynamo added in 2026
// (docs/dynamo_load_policy.md); the search, forecast and correction here are this project's.
//
// What it sees is what a live deployment exposes (FleetObservation): request counts, Dynamo's
// ISL/OSL histograms, mean TTFT/ITL, request duration, prefix hit rate, deployed and ready
// counts. It never reads the requests. Per decision:
//  1. Forecast. The throughput rules' load predictor (BasicPlanner) forecasts the next tick's
//     request count. The rate t seconds ahead is the larger of two lines: through the observed
//     rate (half a tick ago) and the forecast (half a tick ahead), and through the last two
//     observed rates — each continued over the horizon, falls at half their slope
//     (AttainmentParams::follow_trend; without it, the larger of the rate and the forecast). The
//     horizon reaches a tick past the start-up delay, so engines started now are ready when the
//     load the forecast points to arrives.
//  2. Workload. Arrivals are drawn as a Poisson process at that rate (a fixed seed: every
//     candidate sees the same arrivals) from warmup_s before now to the end of the horizon
//     (start-up delay + one tick); lengths are stratified draws from the last observed ISL/OSL
//     histograms, scaled to their observed means; with prefix caching in the model, each prompt
//     shares a leading run of blocks in the observed hit-rate proportion. When the engines report
//     their queues, the queued prefill requests arrive at the start of the horizon (a backlog
//     the candidate must drain). A light load is drawn several times (fresh arrivals and
//     lengths from the same state) until the draws hold AttainmentParams::min_late_requests
//     requests after the start-up delay; a candidate's shares are over all draws.
//  3. Correction. The warm-up (the last tick's load on the ready fleet) is what the model predicts
//     for the tick just observed; observed / predicted mean ITL moves one slowdown factor of the
//     simulated engines (square root of the ratio per tick, the ratio limited to 0.8..1.25).
//  4. Search. From the deployed fleet: while it meets the target, try one engine fewer of the
//     kind with more headroom (then of the other); while it misses, add an engine of the kind
//     whose target is missed (both when both are). Engines added become ready after the start-up
//     delay; engines already starting keep their ready time. A fleet "meets" when the requests
//     arriving after the start-up delay (those the decision shapes) reach the target and, for a
//     fleet with fewer engines than deployed, the requests before it do too (or do no worse than
//     on the deployed fleet). Only fleets within the GPU budget and at or above min_endpoint are
//     simulated. If none meets the target, the target becomes one percentage point below the best
//     simulated attainment and the search goes down from the best fleet as above, so that engines
//     that buy less than a point are not kept. A fleet that is the deployed one plus engines added
//     now replays exactly as the deployed one until they are ready: it goes on from a copy of the
//     deployed replay taken at the start-up delay (ResumableReplay): the same result, replaying only
//     what follows (about half of the warm-up and horizon).
//  5. Limits. At most AttainmentParams::max_scale_down engines of a kind are removed per
//     decision (default 1; the search does not go lower): a forecast is noisy, and an engine
//     removed by mistake takes a start-up delay to come back, while scaling up is not limited.
//     The operator's PlannerConfig::scale_down_patience and max_replica_change apply to the chosen
//     fleet as they do to the throughput rules (ScaleLimits); off by default.
// Deterministic: the same observations give the same decisions.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sla_planner/planner/basic_planner.hpp"
#include "sla_planner/planner/histogram.hpp"
#include "sla_planner/planner/planning_policy.hpp"
#include "sla_planner/planner/replica_calculator.hpp"
#include "sla_planner/planner/scale_limits.hpp"
#include "sla_planner/sim/attainment_params.hpp"
#include "sla_planner/sim/fleet_simulator.hpp"
#include "sla_planner/sim/replay_workload.hpp"
#include "sla_planner/sim/resumable_replay.hpp"
#include "sla_planner/util/format.hpp"

namespace sla_planner {

/// What one candidate fleet's simulation showed (shares are fractions; 1 when no request fell in the window).
struct CandidateOutcome {
  WorkerCounts fleet;
  double early = 0;       ///< requests arriving before the start-up delay ends
  double late = 0;        ///< requests arriving after it, to the end of the horizon
  double late_ttft = 0;   ///< of the late ones, share not missing a target because of prefill
  double late_itl = 0;    ///< of the late ones, share not missing a target because of decode
  /// The replay stopped once the share of late (early) requests meeting both targets was sure to
  /// stay below `late_below` (`early_below`); the shares above are then of the requests counted
  /// by then.
  bool partial = false;
  double late_below = 2, early_below = 2;
};

/// The attainment-targeting policy (see the file comment). `Service` and `Perf` as for
/// FleetSimulator and BasicPlanner; the simulator passed in is the model of the fleet (its
/// options: start-up delay, prefill model, caching, routing, KV transfer; its targets, interval,
/// scoring and slowdown are replaced by the policy's).
template <class Perf, class Service = ProfileServiceModel>
class AttainmentPolicy final : public PlanningPolicy {
public:
  /// \throws std::invalid_argument when the config or the parameters are invalid
  AttainmentPolicy(PlannerConfig config, AttainmentParams params, Perf perf, const FleetSimulator<Service>& model)
      : config_(std::move(config)),
        params_(checked(std::move(params))),
        calc_(config_),
        limits_(config_),
        forecast_(config_, std::move(perf)),
        sim_(model_of(model, config_)),
        startup_ms_(model.options().startup_delay_s * 1000.0),
        cache_on_(model.options().prefix_cache_tokens != 0),
        block_(model.options().block_size) {}

  std::string name() const override { return "attainment"; }
  /// Uses the engines' queues when the deployment reports them (a backlog to drain).
  bool wants_worker_loads() const override { return true; }
  double tick_interval_s() const override { return config_.adjustment_interval_s; }

  void warm_up(const std::vector<double>& num_req, const std::vector<double>& isl, const std::vector<double>& osl) override {
    forecast_.warm_up(num_req, isl, osl);
  }
  Decision decide(const FleetObservation& obs) override {
    Decision d;
    const double tick = config_.adjustment_interval_s;
    now_s_ = obs.start_s + obs.duration_s;
    // 1. Forecast (the throughput rules' predictors; their replica counts are only a note).
    forecast_.observe(obs.to_metrics());
    const Decision base = forecast_.plan(obs.deployed);
    d.predicted_num_req = base.predicted_num_req;
    d.predicted_isl = base.predicted_isl;
    d.predicted_osl = base.predicted_osl;
    remember(obs);
    const double rate = obs.duration_s > 0 ? obs.num_req / obs.duration_s : 0.0;
    const double forecast_rate = std::isfinite(base.predicted_num_req) ? std::max(0.0, base.predicted_num_req) / tick : 0.0;
    const double slope = last_rate_ ? (rate - *last_rate_) / tick : 0.0;  // req/s per s
    last_rate_ = rate;

    const WorkerCounts deployed = within_budget(obs.deployed);
    forget_started(obs);
    if (isl_mean_ <= 0) {
      d.notes.push_back("attainment: no request lengths observed yet; fleet kept");
      return finish(d, deployed, obs.deployed);
    }
    // 2. The horizon's workload.
    const double warm = warmup_s(tick);
    const double horizon_s = startup_ms_ / 1000.0 + tick;
    const double slope_used = !params_.follow_trend ? 0.0 : slope >= 0 ? slope : 0.5 * slope;
    // The forecast's own direction (observed rate half a tick ago, forecast half a tick ahead),
    // continued over the horizon.
    const double f_slope = (forecast_rate - rate) / tick;
    const double f_slope_used = !params_.follow_trend ? 0.0 : f_slope >= 0 ? f_slope : 0.5 * f_slope;
    auto rate_at = [&](double t_s) {  // t_s from now
      if (t_s < 0) return rate;
      const double trend = rate + slope_used * (t_s + 0.5 * tick);
      const double ahead = forecast_rate + f_slope_used * (t_s - 0.5 * tick);
      return std::max({0.0, trend, ahead});
    };
    build_workload(warm, horizon_s, rate_at, obs);
    std::size_t simulated = 0;
    for (const ReplayWorkload& w : draws_) simulated += w.requests.size();
    d.notes.push_back("attainment: rate " + fmt(rate) + " req/s observed, forecast " + fmt(forecast_rate) +
                      " req/s, " + std::to_string(simulated) + " requests simulated over " + fmt(warm) +
                      " s warm-up + " + fmt(horizon_s) + " s horizon" +
                      (draws_.size() > 1 ? " (" + std::to_string(draws_.size()) + " draws)" : std::string()) +
                      (backlog_ ? ", " + std::to_string(backlog_) + " of them the reported prefill backlog" +
                                      (draws_.size() > 1 ? std::string(" (in each draw)") : std::string())
                                : std::string()));
    if (draws_.front().requests.empty()) {
      WorkerCounts least{config_.min_endpoint, config_.min_endpoint};
      d.notes.push_back("attainment: no load forecast; scaling to the minimum");
      return finish(d, within_budget(least), obs.deployed);
    }
    // 3. Correction from the warm-up (the last tick's load on the ready fleet).
    // Only from a tick without backlog (TTFT within target: queueing would pass for slowness),
    // replayed on the engines that served it (those ready when it began).
    const WorkerCounts served = prev_ready_.prefill >= 1 && prev_ready_.decode >= 1 ? prev_ready_ : obs.ready;
    prev_ready_ = obs.ready;
    if (params_.correct && !config_.no_correction && obs.ttft_ms && *obs.ttft_ms <= config_.ttft_ms &&
        served.prefill >= 1 && served.decode >= 1)
      correct(obs, served, warm, d);
    d.prefill_correction = factor_;
    d.decode_correction = factor_;

    // 4. Search from the deployed fleet (replayed in full: the others are judged against it).
    evaluated_.clear();
    sims_ = 0;
    deployed_ = deployed;
    dep_start_ = start_of(deployed, obs);
    std::vector<std::optional<ResumableReplay<Service>>> forks;  // per draw: the deployed replay at the start-up delay
    forks_ = &forks;
    const CandidateOutcome cur_out = *evaluate(deployed, obs, 0, 0);
    const double target = params_.attainment_target;
    double level = target;  // what a fleet must reach (lowered below when out of reach)
    // The shares fleet `c` must reach: `level` after the start-up delay; before it, for a fleet
    // with fewer engines than deployed, no worse than keeping them (0: no requirement).
    auto need_early = [&](WorkerCounts c) {
      const bool fewer = c.prefill < deployed.prefill || c.decode < deployed.decode;
      return fewer ? std::min(level, cur_out.early - 0.005) : 0.0;
    };
    auto meets = [&](const CandidateOutcome& o) {
      if (o.partial || !(o.late >= level)) return false;
      const double e = need_early(o.fleet);
      return !(e > 0) || !(o.early < e);
    };
    // Fleet `c` simulated as far as it takes to tell whether it meets the requirement (null: over
    // the simulation limit or the budget).
    auto judge = [&](WorkerCounts c) { return evaluate(c, obs, level, need_early(c)); };
    // Whether a fleet with at least as many engines of each kind as `c` is known to miss what `c`
    // must reach: then `c` misses it too (fewer engines never serve a request sooner), and is not
    // replayed. A fleet that stopped early is known to miss when it stopped below the level.
    auto fails_above = [&](WorkerCounts c) {
      for (const auto& [k, o] : evaluated_) {
        if (key(o.fleet) == key(c) || o.fleet.prefill < c.prefill || o.fleet.decode < c.decode) continue;
        const double e = need_early(o.fleet);
        if (o.partial ? o.late_below <= level || (e > 0 && o.early_below <= e) : !meets(o)) return true;
      }
      return false;
    };
    WorkerCounts at = deployed;
    // Up: add an engine of each kind whose target is missed until the fleet meets the target.
    // (A fleet found short part-way through its replay is judged on the requests counted by then.)
    while (!meets(evaluated_.at(key(at)))) {
      const CandidateOutcome& here = evaluated_.at(key(at));
      const bool more_p = here.late_ttft < target, more_d = here.late_itl < target;
      WorkerCounts c = at;
      if (more_p || !more_d) c.prefill += more_p || here.late_ttft <= here.late_itl ? 1 : 0;
      if (more_d || !more_p) c.decode += more_d || here.late_itl < here.late_ttft ? 1 : 0;
      if (!fits(c)) {  // the budget: add only the kind most behind, if that fits
        c = at;
        (here.late_ttft <= here.late_itl ? c.prefill : c.decode) += 1;
        if (!fits(c)) break;
      }
      if (!judge(c)) break;
      at = c;
    }
    // Out of reach within the budget: aim at one point below the best simulated attainment, so
    // that engines adding less than that are not kept. Fleets whose replay stopped early are
    // replayed in full where they could be the best or within a point of it.
    const bool reachable = meets(evaluated_.at(key(at)));
    if (!reachable) {
      evaluate(at, obs, 0, 0);
      double top = 0;
      for (;;) {
        const CandidateOutcome* open = nullptr;
        for (const auto& [k, o] : evaluated_)
          if (!o.partial) top = std::max(top, o.late);
        for (const auto& [k, o] : evaluated_)
          if (o.partial && o.late_below > top - 0.01) open = &o;
        if (!open || !evaluate(open->fleet, obs, top - 0.01, 0)) break;
      }
      level = top - 0.01;
      at = best_evaluated();
    }
    // Down: while the fleet meets the level, drop an engine of the kind with more headroom
    // (else of the other) if the smaller fleet still meets it.
    bool floor_hit = false;
    if (meets(evaluated_.at(key(at)))) {
      for (;;) {
        const CandidateOutcome& here = evaluated_.at(key(at));
        const bool p_first = here.late_ttft >= here.late_itl;
        std::optional<WorkerCounts> next;
        for (int k = 0; k < 2 && !next; ++k) {
          const bool prefill = (k == 0) == p_first;
          WorkerCounts c = at;
          (prefill ? c.prefill : c.decode) -= 1;
          if ((prefill ? c.prefill : c.decode) < std::max<long long>(1, config_.min_endpoint)) continue;
          if (below_floor(c, deployed)) {  // AttainmentParams::max_scale_down
            floor_hit = true;
            continue;
          }
          if (fails_above(c)) continue;
          const CandidateOutcome* o = judge(c);
          if (o && meets(*o)) next = c;
        }
        if (!next) break;
        at = *next;
      }
    }
    forks_ = nullptr;
    const CandidateOutcome& chosen = evaluated_.at(key(at));
    d.notes.push_back("attainment: " + counts(at) + " predicted " + pct(chosen.late) + " (TTFT " + pct(chosen.late_ttft) +
                      ", ITL " + pct(chosen.late_itl) + ") after the start-up delay, " + pct(chosen.early) + " before; " +
                      std::to_string(sims_) + " fleets simulated");
    if (floor_hit)
      d.notes.push_back("attainment: at most " + std::to_string(params_.max_scale_down) +
                        " engine(s) of a kind removed per decision; smaller fleets not simulated");
    if (!reachable)
      d.notes.push_back("attainment: no fleet simulated within the budget meets " + pct(target) +
                        "; the cheapest within 1 point of the best one (" + pct(level + 0.01) + ") is used");
    return finish(d, at, obs.deployed);
  }

  const PlannerConfig& config() const noexcept { return config_; }
  const AttainmentParams& params() const noexcept { return params_; }
  /// Slowdown factor the simulation runs with (observed / modelled ITL; 1 until corrected).
  double correction() const noexcept { return factor_; }
  /// The throughput rules whose predictors forecast the load, e.g. to warm them up.
  BasicPlanner<Perf>& forecaster() noexcept { return forecast_; }

private:
  static AttainmentParams checked(AttainmentParams p) {
    p.validate();
    return p;
  }
  static ReplayOptions sim_options(ReplayOptions o, const PlannerConfig& c) {
    o.ttft_ms = c.ttft_ms;
    o.itl_ms = c.itl_ms;
    o.interval_s = c.adjustment_interval_s;
    o.keep_timings = false;
    o.progress = nullptr;
    o.score_after_s = 0;
    o.fleet_slowdown = 1.0;
    return o;
  }
  static FleetSimulator<Service> model_of(const FleetSimulator<Service>& m, const PlannerConfig& c) {
    if (m.prefill_cost()) return FleetSimulator<Service>(m.service(), sim_options(m.options(), c), *m.prefill_cost());
    return FleetSimulator<Service>(m.service(), sim_options(m.options(), c));
  }

  static std::uint64_t key(WorkerCounts c) {
    return (static_cast<std::uint64_t>(c.prefill) << 32) | static_cast<std::uint64_t>(c.decode);
  }
  bool fits(WorkerCounts c) const {
    return !config_.has_budget() || config_.gpus(c.prefill, c.decode) <= config_.max_gpu_budget;
  }
  WorkerCounts within_budget(WorkerCounts c) const {
    c.prefill = std::max<long long>(c.prefill, std::max(1, config_.min_endpoint));
    c.decode = std::max<long long>(c.decode, std::max(1, config_.min_endpoint));
    if (fits(c)) return c;
    ReplicaPlan r;
    r.num_prefill = c.prefill;
    r.num_decode = c.decode;
    calc_.apply_budget(r);
    return {r.num_prefill, r.num_decode};
  }

  /// Keeps the latest non-empty length histograms and means, and the mean duration.
  void remember(const FleetObservation& o) {
    if (o.num_req > 0 && o.mean_isl && *o.mean_isl > 0) {
      isl_mean_ = *o.mean_isl;
      isl_h_ = o.isl.empty() ? Histogram() : o.isl;
    }
    if (o.mean_osl && *o.mean_osl >= 0 && o.num_req > 0) {
      osl_mean_ = *o.mean_osl;
      osl_h_ = o.osl.empty() ? Histogram() : o.osl;
    }
    if (o.request_duration_s && *o.request_duration_s > 0) duration_s_ = *o.request_duration_s;
    if (o.prefix_hit_rate) hit_rate_ = std::clamp(*o.prefix_hit_rate, 0.0, 1.0);
  }
  /// Drops the start times of engines this policy started that are ready by now.
  void forget_started(const FleetObservation& o) {
    trim(started_p_, o.deployed.prefill - o.ready.prefill);
    trim(started_d_, o.deployed.decode - o.ready.decode);
  }
  static void trim(std::deque<double>& q, long long starting) {
    while (static_cast<long long>(q.size()) > std::max<long long>(starting, 0)) q.pop_front();
  }
  double warmup_s(double tick) const {
    if (params_.warmup_s > 0) return params_.warmup_s;
    return std::clamp(4.0 * duration_s_, std::min(10.0, tick), tick);
  }

  /// Stratified value `u` of a histogram (linear inside a bucket; the open last bucket spans
  /// one more doubling), or the mean when there is no histogram.
  static double quantile(const Histogram& h, double mean, double u) {
    if (h.empty() || h.counts.size() != h.bounds.size() + 1) return mean;
    const double want = u * h.count;
    double c = 0;
    for (std::size_t i = 0; i < h.counts.size(); ++i) {
      if (h.counts[i] <= 0) continue;
      if (c + h.counts[i] >= want || i + 1 == h.counts.size()) {
        const double lo = i == 0 ? 0.0 : h.bounds[i - 1];
        const double hi = i < h.bounds.size() ? h.bounds[i] : 2.0 * std::max(1.0, lo);
        const double f = std::clamp((want - c) / h.counts[i], 0.0, 1.0);
        return lo + f * (hi - lo);
      }
      c += h.counts[i];
    }
    return mean;
  }
  static std::vector<std::int64_t> lengths(const Histogram& h, double mean, std::size_t n, std::uint64_t salt,
                                           std::int64_t least) {
    std::vector<double> v(n);
    const double phi = 0.6180339887498949;
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double x = (static_cast<double>(i) + 0.5) * phi + static_cast<double>(salt % 97) * 0.0103;
      const double u = x - std::floor(x);  // fmod(x, 1) for x >= 0, exactly (Sterbenz), without the division
      v[i] = std::max(0.0, quantile(h, mean, u));
      sum += v[i];
    }
    const double scale = sum > 0 ? mean * static_cast<double>(n) / sum : 1.0;
    std::vector<std::int64_t> out(n);
    for (std::size_t i = 0; i < n; ++i)
      out[i] = std::max<std::int64_t>(least, static_cast<std::int64_t>(std::llround(v[i] * scale)));
    return out;
  }

  /// The horizon's workload: one draw (see build_draw), repeated with fresh arrivals and lengths
  /// until the draws hold AttainmentParams::min_late_requests requests after the start-up delay
  /// (at most max_draws), so that a light load's attainment is measured on enough requests.
  template <class Rate>
  void build_workload(double warm_s, double horizon_s, Rate rate_at, const FleetObservation& obs) {
    backlog_ = 0;
    double queued_tokens = 0, queued_requests = 0;
    for (const WorkerLoad& w : obs.prefill_workers) {
      if (std::isfinite(w.queued_prefill_tokens) && w.queued_prefill_tokens > 0) queued_tokens += w.queued_prefill_tokens;
      if (std::isfinite(w.queued_requests) && w.queued_requests > 0) queued_requests += w.queued_requests;
    }
    if (queued_tokens >= 1) {
      const double count = queued_requests >= 1 ? std::round(queued_requests) : std::ceil(queued_tokens / isl_mean_);
      backlog_ = static_cast<std::size_t>(std::min(count, 200000.0));
      backlog_isl_ = std::max<std::int64_t>(1, std::llround(queued_tokens / static_cast<double>(backlog_)));
    }
    early_total_ = late_total_ = 0;
    std::size_t used = 0;
    for (int k = 0; k < params_.max_draws; ++k) {
      if (static_cast<std::size_t>(k) == draws_.size()) draws_.emplace_back();
      const std::size_t n_warm = build_draw(draws_[static_cast<std::size_t>(k)], static_cast<std::uint64_t>(k), warm_s, horizon_s, rate_at);
      if (k == 0) warm_part(draws_[0], n_warm);
      used = static_cast<std::size_t>(k) + 1;
      for (const ReplayRequest& r : draws_[static_cast<std::size_t>(k)].requests)
        if (r.arrival_ms >= startup_ms_) ++late_total_;
        else if (r.arrival_ms >= 0) ++early_total_;
      if (late_total_ >= params_.min_late_requests || draws_[0].requests.empty()) break;
    }
    draws_.resize(used);
  }
  /// Draw `k`: arrivals from warm_s before now to the end of the horizon (a Poisson process at
  /// rate_at), lengths from the observed histograms, the reported backlog at the start of the
  /// horizon, the shared prefix blocks. Returns how many requests arrive before now (the warm-up).
  template <class Rate>
  std::size_t build_draw(ReplayWorkload& w, std::uint64_t k, double warm_s, double horizon_s, Rate rate_at) {
    w.requests.clear();
    w.block_hashes.clear();
    w.hash_offsets.clear();
    std::uint64_t state = params_.seed + k * 0xD1B54A32D192ED03ULL;
    auto uniform = [&state] {  // splitmix64
      std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      z ^= z >> 31;
      return (static_cast<double>(z >> 11) + 0.5) * (1.0 / 9007199254740992.0);
    };
    std::vector<double> arrivals;
    double t = -warm_s;
    const double cap = 1e6;  // requests: a bound on the work of one simulation
    while (t < horizon_s && static_cast<double>(arrivals.size()) < cap) {
      const double r = rate_at(t);
      if (!(r > 0)) {  // no load here: skip ahead a second
        t = std::floor(t + 1.0);
        continue;
      }
      t += -std::log(uniform()) / r;
      if (t < horizon_s) arrivals.push_back(t);
    }
    const std::size_t n = arrivals.size();
    const std::vector<std::int64_t> isl = lengths(isl_h_, isl_mean_, n, 1 + 2 * k, 1);
    const std::vector<std::int64_t> osl = lengths(osl_h_, osl_mean_, n, 2 + 2 * k, 1);
    w.requests.resize(n);
    for (std::size_t i = 0; i < n; ++i) w.requests[i] = ReplayRequest{arrivals[i] * 1000.0, isl[i], osl[i]};
    std::size_t n_warm = 0;
    while (n_warm < n && arrivals[n_warm] < 0) ++n_warm;
    // The backlog the engines report (requests queued for prefill) arrives at the start of the
    // horizon, so that a candidate must drain it.
    if (backlog_) {
      const auto osl_b = std::max<std::int64_t>(1, std::llround(osl_mean_));
      w.requests.insert(w.requests.begin() + static_cast<std::ptrdiff_t>(n_warm), backlog_, ReplayRequest{0.0, backlog_isl_, osl_b});
    }
    const std::size_t total = w.requests.size();
    if (cache_on_ && hit_rate_ > 0) {
      w.hash_offsets.reserve(total + 1);
      w.hash_offsets.push_back(0);
      // Only the shared blocks are listed: a prompt's other blocks would be unique, never hit and
      // only churn the caches (which hold far more than the shared run), so the simulator is told
      // of none of them — the same hits for much less work.
      for (std::size_t i = 0; i < total; ++i) {
        const std::int64_t len = w.requests[i].isl;
        const std::int64_t blocks = (len + block_ - 1) / block_;
        const auto shared = std::min(blocks, static_cast<std::int64_t>(std::floor(hit_rate_ * static_cast<double>(len) / static_cast<double>(block_) + 0.5)));
        for (std::int64_t b = 0; b < shared; ++b) w.block_hashes.push_back(static_cast<std::uint64_t>(b + 1));
        w.hash_offsets.push_back(w.block_hashes.size());
      }
    }
    return n_warm;
  }
  /// warm_: the first `n_warm` requests of `w` (the correction replays them).
  void warm_part(const ReplayWorkload& w, std::size_t n_warm) {
    warm_.requests.assign(w.requests.begin(), w.requests.begin() + static_cast<std::ptrdiff_t>(n_warm));
    warm_.hash_offsets.clear();
    warm_.block_hashes.clear();
    if (w.has_hashes()) {
      warm_.hash_offsets.assign(w.hash_offsets.begin(), w.hash_offsets.begin() + static_cast<std::ptrdiff_t>(n_warm + 1));
      warm_.block_hashes.assign(w.block_hashes.begin(), w.block_hashes.begin() + static_cast<std::ptrdiff_t>(warm_.hash_offsets.back()));
    }
  }

  /// One slowdown factor for the fleet's engines, moved by observed / simulated mean ITL of the
  /// warm-up requests on the ready fleet. ITL is the engines' step time and depends little on
  /// queueing; TTFT mixes queueing, lengths and bursts, so it is not used: a fleet slower than its
  /// profile is taken to be slower in prefill and decode alike.
  void correct(const FleetObservation& obs, WorkerCounts served, double warm_s, Decision& d) {
    if (!(obs.itl_ms && *obs.itl_ms > 0)) return;
    if (warm_.requests.empty()) return;
    // Requests of the warm-up's second half: the first half fills the empty simulated batches.
    ReplayTally t;
    t.warm_from_ms = -500.0 * warm_s;
    t.split_ms = t.late_from_ms = 0;
    sim_.run_from(warm_, served, {}, {}, factor_, factor_, &t);
    const double itl = t.warm_itl_ms;
    const std::size_t m = t.warm;
    if (m < 20 || !(itl > 0)) return;
    const double step = std::clamp(*obs.itl_ms / (itl / static_cast<double>(m)), 0.8, 1.25);
    factor_ = std::clamp(factor_ * std::pow(step, 0.35), 0.5, 4.0);
    d.notes.push_back("attainment: engines modelled x" + fmt(factor_) + " slower than the profile (observed ITL " +
                      fmt(*obs.itl_ms) + " ms, simulated " + fmt(itl / static_cast<double>(m)) + " ms)");
  }

  /// Simulates fleet `c` (from the deployed one: engines added start now, engines removed are
  /// the starting ones first, then ready ones), far enough to tell whether the shares of late and
  /// early requests meeting both targets reach `late_need` and `early_need` (0: in full);
  /// memoised per decision (an earlier replay is reused when it answers that). Null over the
  /// simulation limit or the budget.
  const CandidateOutcome* evaluate(WorkerCounts c, const FleetObservation& obs, double late_need, double early_need) {
    const auto it = evaluated_.find(key(c));
    if (it != evaluated_.end()) {
      const CandidateOutcome& o = it->second;
      const bool known = !o.partial || (late_need > 0 && o.late_below <= late_need) ||
                         (early_need > 0 && o.early_below <= early_need);
      if (known) return &o;
    }
    if (sims_ >= params_.max_simulations || !fits(c)) return nullptr;
    ++sims_;
    // Early: arrivals before the start-up delay ends; late: after (what added engines serve).
    // A share below `need` is certain once more than (1 − need) of the window's requests missed.
    auto limit = [](double need, std::size_t total) {
      return need > 0 ? static_cast<std::size_t>(std::floor((1.0 - need) * static_cast<double>(total))) : SIZE_MAX;
    };
    const std::size_t late_limit = limit(late_need, late_total_), early_limit = limit(early_need, early_total_);
    const Start st = start_of(c, obs);
    // A fleet that is the deployed one plus engines ready after the start-up delay replays, up to
    // then, exactly as the deployed one: it goes on from the deployed replay's copy at that time.
    const bool base = forks_ && forks_->empty() && key(c) == key(deployed_);
    const bool forked = forks_ && forks_->size() == draws_.size() && extends(st, dep_start_);
    auto from_first = [](std::vector<double> v, double first) {
      for (double& x : v) x -= first;
      return v;
    };
    ReplayTally sum;
    for (std::size_t k = 0; k < draws_.size(); ++k) {
      const ReplayWorkload& w = draws_[k];
      if (w.requests.empty()) continue;
      const double first = w.requests.front().arrival_ms;  // −warm-up, in ms
      std::optional<ResumableReplay<Service>> run;
      if (forked && (*forks_)[k]) {
        run.emplace(*(*forks_)[k]);
        for (std::size_t i = dep_start_.p.size(); i < st.p.size(); ++i) run->add_starting(true, first + (st.p[i] - first));
        for (std::size_t i = dep_start_.d.size(); i < st.d.size(); ++i) run->add_starting(false, first + (st.d[i] - first));
      } else {
        ReplayTally windows;  // early: from now to the start-up delay; late: after it
        windows.warm_from_ms = windows.split_ms = 0;
        windows.late_from_ms = startup_ms_;
        run.emplace(sim_.begin_from(w, WorkerCounts{st.rp, st.rd}, from_first(st.p, first), from_first(st.d, first), factor_,
                                    factor_, windows));
        if (base) {  // the point where fleets with more engines part from it (if after the start)
          forks_->resize(draws_.size());
          const double part = first + (startup_ms_ - first);
          if (part > first) {
            run->run_until(part);
            (*forks_)[k].emplace(*run);
          }
        }
      }
      // What the draws before this one left of each limit.
      ReplayTally& t = run->tally();
      t.late_miss_limit = late_limit != SIZE_MAX ? late_limit - (sum.late - sum.late_good) : SIZE_MAX;
      t.early_miss_limit = early_limit != SIZE_MAX ? early_limit - (sum.early - sum.early_good) : SIZE_MAX;
      run->run_to_end();
      sum.early += t.early;
      sum.early_good += t.early_good;
      sum.late += t.late;
      sum.late_good += t.late_good;
      sum.late_prefill_ok += t.late_prefill_ok;
      sum.late_decode_ok += t.late_decode_ok;
      sum.late_stop = t.late_stop;
      sum.early_stop = t.early_stop;
      if (t.stopped()) break;
    }
    const ReplayTally& t = sum;
    CandidateOutcome o;
    o.fleet = c;
    o.partial = t.stopped();
    if (t.late_stop) o.late_below = late_need;
    if (t.early_stop) o.early_below = early_need;
    auto share = [](std::size_t a, std::size_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 1.0; };
    o.early = share(t.early_good, t.early);
    o.late = share(t.late_good, t.late);
    o.late_ttft = share(t.late_prefill_ok, t.late);
    o.late_itl = share(t.late_decode_ok, t.late);
    CandidateOutcome& slot = evaluated_[key(c)];
    slot = o;
    return &slot;
  }
  /// How a candidate fleet starts: engines ready at once, and the ready times (ms from now) of
  /// the others, oldest first.
  struct Start {
    long long rp = 1, rd = 1;
    std::vector<double> p, d;
  };
  /// Per kind: the ready engines kept; of the starting ones (deployed − ready) the oldest kept,
  /// ready when this policy's record says (unknown ones: a full start-up from now); new ones
  /// ready after a full start-up. At least one engine of each kind serves from the start.
  Start start_of(WorkerCounts c, const FleetObservation& obs) const {
    auto side = [&](long long want, long long ready, long long deployed, const std::deque<double>& started,
                    std::vector<double>& starting) {
      const long long kept_ready = std::min(want, ready);
      const long long kept_starting = std::min(std::max<long long>(want - ready, 0), std::max<long long>(deployed - ready, 0));
      for (long long i = 0; i < kept_starting; ++i) {
        double at = startup_ms_;
        if (i < static_cast<long long>(started.size()))
          at = std::max(0.0, (started[static_cast<std::size_t>(i)] - now_s_) * 1000.0 + startup_ms_);
        starting.push_back(at);
      }
      for (long long i = kept_ready + kept_starting; i < want; ++i) starting.push_back(startup_ms_);
      if (kept_ready >= 1) return kept_ready;
      if (!starting.empty()) starting.erase(starting.begin());  // one engine must serve from the start
      return 1LL;
    };
    Start s;
    s.rp = side(c.prefill, obs.ready.prefill, obs.deployed.prefill, started_p_, s.p);
    s.rd = side(c.decode, obs.ready.decode, obs.deployed.decode, started_d_, s.d);
    return s;
  }
  /// Whether `s` is `base` plus engines that become ready after the start-up delay (or with it).
  bool extends(const Start& s, const Start& base) const {
    auto more = [&](const std::vector<double>& v, const std::vector<double>& b) {
      if (v.size() < b.size() || !std::equal(b.begin(), b.end(), v.begin())) return false;
      return std::all_of(v.begin() + static_cast<std::ptrdiff_t>(b.size()), v.end(), [&](double x) { return x >= startup_ms_; });
    };
    return s.rp == base.rp && s.rd == base.rd && more(s.p, base.p) && more(s.d, base.d);
  }

  /// When no fleet meets the target: the cheapest of those within one percentage point of the
  /// best simulated attainment (more engines for a sliver of attainment waste GPUs), then the
  /// higher attainment.
  WorkerCounts best_evaluated() const {
    double top = 0;
    for (const auto& [k, o] : evaluated_)
      if (!o.partial) top = std::max(top, o.late);
    const CandidateOutcome* best = nullptr;
    for (const auto& [k, o] : evaluated_) {
      if (o.partial || o.late < top - 0.01) continue;
      const long long g = config_.gpus(o.fleet.prefill, o.fleet.decode);
      const long long bg = best ? config_.gpus(best->fleet.prefill, best->fleet.decode) : 0;
      if (!best || g < bg || (g == bg && o.late > best->late)) best = &o;
    }
    return best->fleet;
  }

  /// Whether `c` removes more engines of a kind than AttainmentParams::max_scale_down allows.
  bool below_floor(WorkerCounts c, WorkerCounts deployed) const {
    const long long cap = params_.max_scale_down;
    return cap > 0 && (c.prefill < deployed.prefill - cap || c.decode < deployed.decode - cap);
  }
  Decision& finish(Decision& d, WorkerCounts c, WorkerCounts deployed) {
    if (below_floor(c, deployed)) {
      const long long cap = params_.max_scale_down;
      const WorkerCounts wanted = c;
      c.prefill = std::max(c.prefill, deployed.prefill - cap);
      c.decode = std::max(c.decode, deployed.decode - cap);
      d.notes.push_back("attainment: scale-down limited to " + std::to_string(cap) + " engine(s) of a kind per decision: " +
                        counts(c) + " (wanted " + counts(wanted) + ")");
    }
    c = within_budget(c);
    if (limits_.active()) c = within_budget(limits_.apply(c, deployed, d.notes));
    d.num_prefill = c.prefill;
    d.num_decode = c.decode;
    d.gpus = config_.gpus(c.prefill, c.decode);
    // This policy's record of engines still starting: a scale-down removes the newest starting
    // ones first (as the fleet does); engines asked for now start now.
    record(started_p_, deployed.prefill, c.prefill);
    record(started_d_, deployed.decode, c.decode);
    return d;
  }
  void record(std::deque<double>& started, long long deployed, long long want) {
    for (long long i = want; i < deployed && !started.empty(); ++i) started.pop_back();
    for (long long i = deployed; i < want; ++i) started.push_back(now_s_);
  }

  static std::string fmt(double v) { return format_fixed(v, 2); }
  static std::string pct(double v) { return format_fixed(100.0 * v, 1) + " %"; }
  static std::string counts(WorkerCounts c) { return std::to_string(c.prefill) + "P" + std::to_string(c.decode) + "D"; }

  PlannerConfig config_;
  AttainmentParams params_;
  ReplicaCalculator calc_;
  ScaleLimits limits_;  ///< scale_down_patience and max_replica_change, applied to every decision
  BasicPlanner<Perf> forecast_;
  FleetSimulator<Service> sim_;
  double startup_ms_;
  bool cache_on_;
  std::int64_t block_;

  std::vector<ReplayWorkload> draws_;  // the horizon's draws: warm-up (negative times) then the horizon
  ReplayWorkload warm_;                // the first draw's warm-up requests alone
  std::int64_t backlog_isl_ = 1;       // prompt length of each backlog request
  std::size_t backlog_ = 0;  // requests queued for prefill, added at the start of the horizon
  std::size_t early_total_ = 0, late_total_ = 0;  // requests arriving before / after the start-up delay
  std::map<std::uint64_t, CandidateOutcome> evaluated_;
  WorkerCounts deployed_{1, 1};  // this decision's deployed fleet (within the budget)
  Start dep_start_;              // how it starts
  std::vector<std::optional<ResumableReplay<Service>>>* forks_ = nullptr;  // during a search: the deployed replay's copies
  int sims_ = 0;
  double now_s_ = 0;
  std::optional<double> last_rate_;
  double isl_mean_ = 0, osl_mean_ = 0, duration_s_ = 0, hit_rate_ = 0;
  Histogram isl_h_, osl_h_;
  double factor_ = 1.0;
  WorkerCounts prev_ready_{0, 0};
  std::deque<double> started_p_, started_d_;  // when engines still starting were asked for (s)
};

}  // namespace sla_planner
