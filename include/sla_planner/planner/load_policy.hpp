// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// NVIDIA Dynamo's load-based scaling (2026), disaggregated mode: every short tick, each engine
// kind moves by at most one engine on per-engine queue and KV signals; with the "sla" target the
// throughput rules, run on their longer interval, are a lower bound. Followed:
// components/src/dynamo/planner/core/load_scaling.py (_advance_load_disagg, _prefill_easy_decision,
// _decode_easy_decision, _prefill_load_decision, _decode_load_decision, _scale_decision),
// core/perf_model (PrefillRegressionModel.estimate_next_ttft, DecodeRegressionModel.estimate_next_itl),
// core/budget.py (guard_disagg_scaling_budget) and config/planner_config.py, in their 2026
// versions with the "load" optimization target (Dynamo 1.2 and later).
// Differences: the "sla" wall-time model is the profile (prefill forward pass of c tokens =
// prefill_ttft_ms(c), decode step at K KV tokens = decode_itl_ms(K / context, context)) instead of
// a regression fitted online from forward-pass records; mean ISL/OSL come from the frontend;
// there is no min_gpu_budget floor and no speculative-decoding accept length.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sla_planner/planner/basic_planner.hpp"
#include "sla_planner/planner/detail/budget_guard.hpp"
#include "sla_planner/planner/load_policy_params.hpp"
#include "sla_planner/planner/planning_policy.hpp"
#include "sla_planner/planner/replica_calculator.hpp"
#include "sla_planner/util/format.hpp"

namespace sla_planner {

/// Dynamo's load-based planner as a PlanningPolicy (disaggregated fleets).
///
/// Each decide() (one tick of LoadPolicyParams::tick_s):
/// 1. "sla" with throughput_floor: every throughput_interval_s / tick_s ticks, the throughput
///    rules (BasicPlanner over the merged ticks, with throughput_interval_s as its adjustment
///    interval and at most max_throughput_scaling_replicas of change) set lower bounds for both
///    kinds; they do not scale by themselves.
/// 2. No decision while engines start or drain (deployed != ready), nor when the per-engine
///    reports do not match the ready counts.
/// 3. Per kind, from the ready engines' WorkerLoad: +1 / −1 / none (see LoadPolicyParams).
/// 4. max(decision or current, lower bound), at least min_endpoint; a floor-lifted proposal is
///    first fitted under the budget without reversing a kind; then the budget guard
///    (detail/budget_guard.hpp): a fleet at a full budget only trades one kind for the other.
///
/// `Perf` is as for BasicPlanner (ProfilePerfModel or a stand-in). Deterministic.
template <class Perf>
class LoadPolicy final : public PlanningPolicy {
public:
  /// \throws SettingError (a std::invalid_argument) when the config or the parameters are invalid,
  ///   or when the throughput interval is not a whole number (>= 2) of ticks while the floor is in use
  LoadPolicy(PlannerConfig config, LoadPolicyParams params, Perf perf)
      : config_(validated(std::move(config))),
        params_(validated(std::move(params))),
        calc_(config_),
        throughput_(throughput_config(config_, params_), std::move(perf)) {
    if (floor_enabled()) {
      const double interval = throughput_.config().adjustment_interval_s;
      const double ratio = interval / params_.tick_s;
      ticks_per_floor_ = static_cast<long long>(std::llround(ratio));
      if (ticks_per_floor_ < 2 || std::fabs(ratio - static_cast<double>(ticks_per_floor_)) > 1e-9 * ratio)
        throw SettingError::out_of_range("throughput_interval_s",
                                         "a whole multiple (>= 2) of load_tick_s (" + format_number(params_.tick_s) +
                                             ") with the throughput floor",
                                         format_number(interval));
    }
  }

  std::string name() const override { return "load"; }
  double tick_interval_s() const override { return params_.tick_s; }
  bool wants_worker_loads() const override { return true; }

  void warm_up(const std::vector<double>& num_req, const std::vector<double>& isl, const std::vector<double>& osl) override {
    throughput_.warm_up(num_req, isl, osl);
  }
  Decision decide(const FleetObservation& obs) override {
    Decision d;
    remember_lengths(obs);
    if (floor_enabled()) update_floor(obs, d);
    fill_from_floor(d);

    const WorkerCounts cur = obs.ready;
    const auto hold = [&](const std::string& why) {
      d.notes.push_back(why);
      return finish(d, obs.deployed);
    };
    if (obs.scaling_in_progress())
      return hold("load: scaling in progress (deployed " + counts(obs.deployed) + ", ready " + counts(obs.ready) +
                  "); observing only");
    if (obs.prefill_workers.empty() && obs.decode_workers.empty()) return hold("load: no per-engine data; no decision");
    if (!obs.prefill_workers.empty() && static_cast<long long>(obs.prefill_workers.size()) != cur.prefill)
      return hold("load: " + std::to_string(obs.prefill_workers.size()) + " prefill engines reported, " +
                  std::to_string(cur.prefill) + " ready; no decision");
    if (!obs.decode_workers.empty() && static_cast<long long>(obs.decode_workers.size()) != cur.decode)
      return hold("load: " + std::to_string(obs.decode_workers.size()) + " decode engines reported, " +
                  std::to_string(cur.decode) + " ready; no decision");

    std::optional<long long> want_p, want_d;
    if (!obs.prefill_workers.empty()) want_p = prefill_decision(obs.prefill_workers, cur.prefill, d.notes);
    if (!obs.decode_workers.empty()) want_d = decode_decision(obs.decode_workers, cur.decode, d.notes);

    long long p = want_p.value_or(cur.prefill), q = want_d.value_or(cur.decode);
    bool lifted = false;
    if (floor_enabled()) {
      if (floor_p_ > p) d.notes.push_back("prefill raised to the throughput floor " + std::to_string(floor_p_));
      if (floor_d_ > q) d.notes.push_back("decode raised to the throughput floor " + std::to_string(floor_d_));
      lifted = floor_p_ > p || floor_d_ > q;
      p = std::max(p, floor_p_);
      q = std::max(q, floor_d_);
    }
    const long long min_ep = config_.min_endpoint;
    WorkerCounts want{std::max(p, min_ep), std::max(q, min_ep)};
    if (lifted) {  // fit the floor-lifted proposal under the ceiling first, as Dynamo does
      want = cur.prefill < min_ep || cur.decode < min_ep ? detail::proportional_clamp(calc_, want)
                                                         : detail::fit_directional(config_, cur, want);
    }
    const detail::BudgetFit fit = detail::guard_scaling_budget(config_, calc_, cur, want);
    if (!fit.reason.empty()) {
      d.budget_limited = true;
      d.notes.push_back("GPU budget " + std::to_string(config_.max_gpu_budget) + ": " + fit.reason + " (proposed " +
                        counts(want) + ", current " + counts(cur) + ", result " + counts(fit.counts) + ")");
    } else if (fit.counts.prefill != want.prefill || fit.counts.decode != want.decode) {
      d.budget_limited = true;
      d.notes.push_back("GPU budget " + std::to_string(config_.max_gpu_budget) + ": " + counts(want) + " clamped to " +
                        counts(fit.counts));
    }
    if (fit.counts.prefill == cur.prefill && fit.counts.decode == cur.decode) d.notes.push_back("load: no scaling needed");
    return finish(d, fit.counts);
  }

  /// Estimated TTFT (ms) of the next request on a prefill engine with `queued_prefill_tokens`
  /// waiting: (queued + mean ISL) × (1 − prefix hit rate) prefilled in chunks of
  /// max_num_batched_tokens, each taking the profile's prefill time of its size.
  double estimate_ttft_ms(double queued_prefill_tokens) const {
    const double total = (queued_prefill_tokens + avg_isl()) * (1.0 - hit_rate());
    if (!(total > 0)) return 0.0;
    // Every full chunk takes the same time; only the last one is shorter.
    const double chunk = params_.max_num_batched_tokens;
    const double full = std::floor(total / chunk);
    const double rest = total - full * chunk;
    const auto pass = [this](double tokens) { return std::max(1e-3, perf().prefill_ttft_ms(tokens)); };
    return full * pass(chunk) + (rest > 0 ? pass(rest) : 0.0);
  }
  /// Estimated ITL (ms) of a decode engine holding `decode_kv_tokens` (scheduled + queued) KV
  /// tokens after one more request joins, at the mean context (ISL + OSL/2); NaN when no length
  /// has been observed yet.
  double estimate_itl_ms(double decode_kv_tokens) const {
    const double ctx = avg_context();
    if (!(ctx > 0)) return std::nan("");
    return std::max(0.0, perf().decode_itl_ms((decode_kv_tokens + ctx) / ctx, ctx));
  }

  /// Lower bounds set by the throughput rules (1 until they first ran).
  long long prefill_floor() const noexcept { return floor_p_; }
  long long decode_floor() const noexcept { return floor_d_; }
  /// Mean input length in use (tokens; 0 before any request was observed).
  double avg_isl() const noexcept { return len_n_ > 0 ? isl_sum_ / len_n_ : 0.0; }
  /// Mean context ISL + OSL/2 in use (tokens; 0 before any request was observed).
  double avg_context() const noexcept { return len_n_ > 0 ? (isl_sum_ + osl_sum_ / 2.0) / len_n_ : 0.0; }
  const PlannerConfig& config() const noexcept { return config_; }
  const LoadPolicyParams& params() const noexcept { return params_; }
  const BasicPlanner<Perf>& throughput_planner() const noexcept { return throughput_; }
  /// The planner that computes the floor, e.g. to warm its predictors up.
  BasicPlanner<Perf>& throughput_planner() noexcept { return throughput_; }
  const Perf& perf() const noexcept { return throughput_.perf(); }

private:
  /// Ticks whose mean lengths the estimates average over (Dynamo keeps 64 samples).
  static constexpr std::size_t kLengthWindow = 64;

  static PlannerConfig validated(PlannerConfig c) {
    c.validate();
    return c;
  }
  static LoadPolicyParams validated(LoadPolicyParams p) {
    p.validate();
    return p;
  }
  /// The throughput rules' config: this one with the throughput interval as adjustment interval
  /// and Dynamo's per-observation change limit.
  static PlannerConfig throughput_config(PlannerConfig c, const LoadPolicyParams& p) {
    if (p.throughput_interval_s > 0) c.adjustment_interval_s = p.throughput_interval_s;
    c.max_replica_change = p.max_throughput_scaling_replicas;
    return c;
  }
  bool floor_enabled() const noexcept { return params_.is_sla() && params_.throughput_floor; }
  double hit_rate() const noexcept { return std::min(1.0, std::max(0.0, last_hit_rate_)); }

  void remember_lengths(const FleetObservation& obs) {
    if (obs.prefix_hit_rate && std::isfinite(*obs.prefix_hit_rate)) last_hit_rate_ = *obs.prefix_hit_rate;
    if (!(obs.num_req > 0) || !obs.mean_isl || !std::isfinite(*obs.mean_isl)) return;
    const double osl = obs.mean_osl && std::isfinite(*obs.mean_osl) ? *obs.mean_osl : last_osl_;
    last_osl_ = osl;
    lengths_.push_back({obs.num_req, *obs.mean_isl, osl});
    isl_sum_ += obs.num_req * *obs.mean_isl;
    osl_sum_ += obs.num_req * osl;
    len_n_ += obs.num_req;
    if (lengths_.size() > kLengthWindow) {
      const Lengths& o = lengths_.front();
      isl_sum_ -= o.n * o.isl;
      osl_sum_ -= o.n * o.osl;
      len_n_ -= o.n;
      lengths_.pop_front();
    }
  }

  /// Merges the tick into the throughput window; at the end of the window runs the throughput
  /// rules, whose counts become the floors.
  void update_floor(const FleetObservation& obs, Decision& d) {
    if (window_ticks_ == 0) window_ = obs;
    else window_.absorb(obs);
    if (++window_ticks_ < ticks_per_floor_) return;
    throughput_.observe(window_.to_metrics());
    Decision t = throughput_.plan(obs.deployed);
    floor_p_ = t.num_prefill;
    floor_d_ = t.num_decode;
    window_ticks_ = 0;
    d.notes.insert(d.notes.end(), t.notes.begin(), t.notes.end());
    d.notes.push_back("throughput floor set: prefill " + std::to_string(floor_p_) + ", decode " +
                      std::to_string(floor_d_));
    last_throughput_ = std::move(t);
  }
  void fill_from_floor(Decision& d) const {
    if (!last_throughput_) return;
    const Decision& t = *last_throughput_;
    d.predicted_num_req = t.predicted_num_req;
    d.predicted_isl = t.predicted_isl;
    d.predicted_osl = t.predicted_osl;
    d.prefill_engine_capacity = t.prefill_engine_capacity;
    d.decode_engine_capacity = t.decode_engine_capacity;
    d.prefill_tokens_per_s = t.prefill_tokens_per_s;
    d.decode_tokens_per_s = t.decode_tokens_per_s;
    d.prefill_correction = t.prefill_correction;
    d.decode_correction = t.decode_correction;
    d.corrected_itl_ms = t.corrected_itl_ms;
  }

  Decision& finish(Decision& d, WorkerCounts c) const {
    // Whatever path led here, the result respects min_endpoint and the budget.
    ReplicaPlan r;
    r.num_prefill = std::max<long long>(c.prefill, config_.min_endpoint);
    r.num_decode = std::max<long long>(c.decode, config_.min_endpoint);
    if (config_.has_budget() && config_.gpus(r.num_prefill, r.num_decode) > config_.max_gpu_budget) {
      calc_.apply_budget(r);
      d.notes.insert(d.notes.end(), r.notes.begin(), r.notes.end());
      d.budget_limited = true;
    }
    d.num_prefill = r.num_prefill;
    d.num_decode = r.num_decode;
    d.gpus = config_.gpus(d.num_prefill, d.num_decode);
    return d;
  }

  // ---- per-kind rules

  std::optional<long long> prefill_decision(const std::vector<WorkerLoad>& w, long long n,
                                            std::vector<std::string>& notes) const {
    if (n <= 0) return none(notes, "prefill: no ready engines");
    const long long down = std::max<long long>(n - 1, config_.min_endpoint);
    const LoadTarget t = params_.optimization_target;
    if (t == LoadTarget::Sla) return prefill_sla(w, n, notes);
    std::vector<double> v;
    double up_at = 0, down_at = 0;
    if (t == LoadTarget::Load) {
      for (const WorkerLoad& x : w) v.push_back(x.queued_prefill_tokens);
      up_at = params_.prefill_scale_up_queue_tokens;
      down_at = params_.prefill_scale_down_queue_tokens;
    } else {
      if (!(params_.context_length > 0)) return none(notes, "prefill: context length unknown; no decision");
      for (const WorkerLoad& x : w) v.push_back(x.queued_prefill_tokens / params_.context_length);
      up_at = t == LoadTarget::Latency ? 0.1 : 1.0;
      down_at = t == LoadTarget::Latency ? 0.0 : 0.1;
    }
    const bool any_up = std::any_of(v.begin(), v.end(), [&](double x) { return x >= up_at; });
    if (any_up) return changed(notes, "prefill", n, n + 1, "an engine's queue at or above " + fmt2(up_at));
    // throughput: strictly below; latency and load: at or below.
    const bool strict = t == LoadTarget::Throughput;
    const bool all_down =
        std::all_of(v.begin(), v.end(), [&](double x) { return strict ? x < down_at : x <= down_at; });
    if (n > 1 && all_down)
      return changed(notes, "prefill", n, down, std::string("every engine's queue ") + (strict ? "below " : "at or below ") +
                                                  fmt2(down_at));
    return none(notes, "prefill: no change");
  }

  std::optional<long long> decode_decision(const std::vector<WorkerLoad>& w, long long n,
                                           std::vector<std::string>& notes) const {
    if (n <= 0) return none(notes, "decode: no ready engines");
    const long long down = std::max<long long>(n - 1, config_.min_endpoint);
    const LoadTarget t = params_.optimization_target;
    if (t == LoadTarget::Sla) return decode_sla(w, n, notes);
    if (!(params_.max_kv_tokens > 0)) return none(notes, "decode: KV capacity unknown; no decision");
    std::vector<double> u;
    for (const WorkerLoad& x : w) u.push_back((x.scheduled_decode_kv_tokens + x.queued_decode_kv_tokens) / params_.max_kv_tokens);
    double up_at = 1.0, down_at = 0.6;
    if (t == LoadTarget::Latency) up_at = 0.4, down_at = 0.1;
    if (t == LoadTarget::Load) up_at = params_.decode_scale_up_kv_rate / 100.0, down_at = params_.decode_scale_down_kv_rate / 100.0;
    const bool inclusive = t == LoadTarget::Load;  // load: >= and <=; throughput and latency: > and <
    if (std::any_of(u.begin(), u.end(), [&](double x) { return inclusive ? x >= up_at : x > up_at; }))
      return changed(notes, "decode", n, n + 1, "an engine's KV use " + std::string(inclusive ? "at or above " : "above ") +
                                                  fmt2(100 * up_at) + "%");
    if (n > 1 && std::all_of(u.begin(), u.end(), [&](double x) { return inclusive ? x <= down_at : x < down_at; }))
      return changed(notes, "decode", n, down, "every engine's KV use " + std::string(inclusive ? "at or below " : "below ") +
                                                 fmt2(100 * down_at) + "%");
    return none(notes, "decode: no change");
  }

  /// Up when every engine's estimated TTFT exceeds the target; down when, with the queues of
  /// n engines spread over n − 1, every engine's queueing stays within sensitivity × (target −
  /// own prefill time).
  std::optional<long long> prefill_sla(const std::vector<WorkerLoad>& w, long long n,
                                       std::vector<std::string>& notes) const {
    const double target = config_.ttft_ms, s = params_.scale_down_sensitivity / 100.0;
    const double c = n > 1 ? static_cast<double>(n) / static_cast<double>(n - 1) : 1.0;
    bool all_above = true, can_down = n > 1;
    double worst = 0;
    const double own = estimate_ttft_ms(0.0);
    const double budget = (target - own) * s;
    if (can_down && !(budget > 0)) can_down = false;
    for (const WorkerLoad& x : w) {
      const double est = estimate_ttft_ms(x.queued_prefill_tokens);
      worst = std::max(worst, est);
      if (!(est > target)) all_above = false;
      if (can_down) {
        const double post = estimate_ttft_ms(std::floor(x.queued_prefill_tokens * c));
        if (!(post - own < budget)) can_down = false;
      }
    }
    notes.push_back("prefill: estimated TTFT up to " + fmt2(worst) + " ms (target " + fmt2(target) + " ms)");
    if (all_above) return changed(notes, "prefill", n, n + 1, "every engine's estimated TTFT above the target");
    if (can_down)
      return changed(notes, "prefill", n, std::max<long long>(n - 1, config_.min_endpoint),
                     "queues of " + std::to_string(n) + " engines fit " + std::to_string(n - 1) + " within " +
                         fmt2(params_.scale_down_sensitivity) + "% of the TTFT budget");
    return none(notes, n > 1 ? "prefill: no change (scale-down refused: consolidated queues would exceed the budget)"
                             : "prefill: no change");
  }

  /// Up when every engine's estimated ITL exceeds the target; down when, with the KV of n engines
  /// spread over n − 1, every engine still fits its cache and its ITL stays below sensitivity ×
  /// target.
  std::optional<long long> decode_sla(const std::vector<WorkerLoad>& w, long long n,
                                      std::vector<std::string>& notes) const {
    if (!(avg_context() > 0)) return none(notes, "decode: no request lengths observed yet; no decision");
    const double target = config_.itl_ms, s = params_.scale_down_sensitivity / 100.0;
    const double c = n > 1 ? static_cast<double>(n) / static_cast<double>(n - 1) : 1.0;
    bool all_above = true, can_down = n > 1;
    double worst = 0;
    for (const WorkerLoad& x : w) {
      const double kv = x.scheduled_decode_kv_tokens + x.queued_decode_kv_tokens;
      const double est = estimate_itl_ms(kv);
      worst = std::max(worst, est);
      if (!(est > target)) all_above = false;
      if (can_down) {
        const double post_kv = std::floor(kv * c);
        if (params_.max_kv_tokens > 0 && post_kv >= params_.max_kv_tokens) can_down = false;
        else if (!(estimate_itl_ms(post_kv) < target * s)) can_down = false;
      }
    }
    notes.push_back("decode: estimated ITL up to " + fmt2(worst) + " ms (target " + fmt2(target) + " ms)");
    if (all_above) return changed(notes, "decode", n, n + 1, "every engine's estimated ITL above the target");
    if (can_down)
      return changed(notes, "decode", n, std::max<long long>(n - 1, config_.min_endpoint),
                     "KV of " + std::to_string(n) + " engines fits " + std::to_string(n - 1) + " below " +
                         fmt2(params_.scale_down_sensitivity) + "% of the ITL target");
    return none(notes, n > 1 ? "decode: no change (scale-down refused: consolidated engines would be too slow or full)"
                             : "decode: no change");
  }

  // ---- notes

  static std::optional<long long> none(std::vector<std::string>& notes, std::string why) {
    notes.push_back(std::move(why));
    return std::nullopt;
  }
  static std::optional<long long> changed(std::vector<std::string>& notes, const char* kind, long long from,
                                          long long to, const std::string& why) {
    notes.push_back(std::string(kind) + ": " + (to > from ? "scale up " : to < from ? "scale down " : "stay ") +
                    std::to_string(from) + " -> " + std::to_string(to) + " (" + why + ")");
    return to;
  }
  static std::string counts(WorkerCounts c) {
    return std::to_string(c.prefill) + "P/" + std::to_string(c.decode) + "D";
  }
  static std::string fmt2(double v) { return format_fixed(v, 2); }

  struct Lengths {
    double n, isl, osl;
  };

  PlannerConfig config_;
  LoadPolicyParams params_;
  ReplicaCalculator calc_;
  BasicPlanner<Perf> throughput_;
  long long ticks_per_floor_ = 0;
  long long window_ticks_ = 0;
  FleetObservation window_;
  long long floor_p_ = 1, floor_d_ = 1;
  std::optional<Decision> last_throughput_;
  std::deque<Lengths> lengths_;
  double isl_sum_ = 0, osl_sum_ = 0, len_n_ = 0;
  double last_osl_ = 0;
  double last_hit_rate_ = 0;
};

}  // namespace sla_planner
