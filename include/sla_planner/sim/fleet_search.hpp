// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Which deployment to run: every static fleet within a GPU budget (P prefill engines of one
// engine configuration, D decode engines of another) and any planner policies, each replayed on a
// trace, ranked, and the cheapest one meeting an attainment target recommended; and the highest
// load one fleet sustains. The approach is the configuration search of Vidur (Agrawal et al.,
// "Vidur: A Large-Scale Simulation Framework for LLM Inference", MLSys 2024: simulate every
// deployment, keep those meeting the SLO, pick the cheapest; a fleet's capacity by searching the
// request rate at which it still meets the SLO) and DistServe's placement search over prefill and
// decode parallelism (Zhong et al., OSDI 2024), run on this project's fleet replay.
//
// The search does not know how a candidate is replayed: a callable does (a static fleet on a pair
// of profiles, a planner policy by name), so a new replay option or policy needs no change here.
//
// Pruning relies on one property of a static fleet, which the replay engine guarantees and the
// search checks on every static replay: all its GPUs are held from the first arrival until its
// last request finishes, no earlier than the last arrival, so it costs at least
// GPUs × (last arrival − first arrival) GPU-hours. Static fleets are replayed in waves of equal
// GPU count, cheapest first; a fleet whose bound exceeds (1 + cost tolerance) × the GPU-hours of
// a fleet of an earlier wave that meets the target cannot be recommended (the recommendation
// costs at most that much, and ties only within the tolerance), so it is not replayed. Only
// earlier waves' static results are consulted, so what is pruned does not depend on thread
// timing. Nothing else is assumed — in particular not that attainment grows with the number of
// engines, which the replay does not guarantee (more prefill engines feed decode faster and can
// raise its ITL). If a static replay ever costs less than its bound, the pruned fleets are
// replayed after all and FleetSearchResult::prune_bound_held says so.
#pragma once

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "sla_planner/sim/engine_config.hpp"
#include "sla_planner/sim/fleet_candidate.hpp"
#include "sla_planner/sim/fleet_search_options.hpp"
#include "sla_planner/sim/fleet_search_result.hpp"
#include "sla_planner/sim/max_rate_options.hpp"
#include "sla_planner/sim/replay_request.hpp"
#include "sla_planner/sim/replay_result.hpp"

namespace sla_planner {

/// Replays candidate deployments on a trace and recommends the cheapest meeting the target.
///
/// The replay callable must be safe to call from several threads at once (FleetSimulator's
/// const calls are; give each planner replay its own planner).
class FleetSearch {
public:
  /// Replays one candidate on the given requests (sorted by arrival).
  using Replay = std::function<ReplayResult(const FleetCandidate&, const std::vector<ReplayRequest>&)>;

  /// \throws std::invalid_argument for an empty callable or invalid options
  explicit FleetSearch(Replay replay, FleetSearchOptions options = {})
      : replay_(std::move(replay)), options_(std::move(options)) {
    if (!replay_) throw std::invalid_argument("'replay' must be a callable");
    options_.validate();
  }

  /// "3P2D" with one configuration; "3P2D@tp2" (both from tp2) or "3P2D@tp2/tp4" (prefill tp2,
  /// decode tp4) with several.
  static std::string candidate_name(const std::string& base, const std::vector<EngineConfig>& configs,
                                    std::size_t prefill_config, std::size_t decode_config) {
    if (configs.size() <= 1) return base;
    std::string n = base + "@" + configs.at(prefill_config).label;
    if (decode_config != prefill_config) n += "/" + configs.at(decode_config).label;
    return n;
  }

  /// Every static fleet within `max_gpu_budget`: for each (prefill, decode) pair of
  /// configurations, every P >= 1 and D >= 1 with P × prefill GPUs + D × decode GPUs <= budget.
  /// Ordered by pair (prefill configuration first), then P, then D.
  /// \throws std::invalid_argument for invalid or duplicate configurations, a budget < 1, or more
  ///         than 1,000,000 fleets
  static std::vector<FleetCandidate> static_fleets(const std::vector<EngineConfig>& configs, long long max_gpu_budget) {
    check_configs(configs);
    if (max_gpu_budget < 1)
      throw std::invalid_argument("'max_gpu_budget' must be >= 1, got " + std::to_string(max_gpu_budget));
    std::vector<FleetCandidate> out;
    for (std::size_t a = 0; a < configs.size(); ++a)
      for (std::size_t b = 0; b < configs.size(); ++b) {
        const long long gp = configs[a].prefill_gpus, gd = configs[b].decode_gpus;
        for (long long p = 1; p * gp + gd <= max_gpu_budget; ++p)
          for (long long d = 1; p * gp + d * gd <= max_gpu_budget; ++d) {
            if (out.size() >= 1000000)
              throw std::invalid_argument("more than 1000000 static fleets within the budget; lower 'max_gpu_budget'");
            FleetCandidate c;
            c.fleet.num_prefill = p;
            c.fleet.num_decode = d;
            c.fleet.prefill_engine_num_gpu = static_cast<int>(gp);
            c.fleet.decode_engine_num_gpu = static_cast<int>(gd);
            c.prefill_config = a;
            c.decode_config = b;
            c.name = candidate_name(c.fleet.name(), configs, a, b);
            out.push_back(std::move(c));
          }
      }
    return out;
  }

  /// One planner candidate per policy and (prefill, decode) pair of configurations whose
  /// `min_endpoint` engines of each kind fit in `max_gpu_budget`, named "planner-<policy>" (with
  /// the configurations' labels when there are several). Ordered by policy, then pair.
  /// \throws std::invalid_argument for invalid or duplicate configurations, an empty or repeated
  ///         policy name, a budget < 1 or min_endpoint < 1
  static std::vector<FleetCandidate> planners(const std::vector<EngineConfig>& configs,
                                              const std::vector<std::string>& policies, long long max_gpu_budget,
                                              long long min_endpoint = 1) {
    check_configs(configs);
    if (max_gpu_budget < 1)
      throw std::invalid_argument("'max_gpu_budget' must be >= 1, got " + std::to_string(max_gpu_budget));
    if (min_endpoint < 1) throw std::invalid_argument("'min_endpoint' must be >= 1, got " + std::to_string(min_endpoint));
    std::set<std::string> seen;
    std::vector<FleetCandidate> out;
    for (const std::string& policy : policies) {
      if (policy.empty()) throw std::invalid_argument("a planner policy name must not be empty");
      if (!seen.insert(policy).second) throw std::invalid_argument("planner policy '" + policy + "' is given twice");
      for (std::size_t a = 0; a < configs.size(); ++a)
        for (std::size_t b = 0; b < configs.size(); ++b) {
          const long long gp = configs[a].prefill_gpus, gd = configs[b].decode_gpus;
          if (min_endpoint * (gp + gd) > max_gpu_budget) continue;
          FleetCandidate c;
          c.policy = policy;
          c.fleet.num_prefill = min_endpoint;
          c.fleet.num_decode = min_endpoint;
          c.fleet.prefill_engine_num_gpu = static_cast<int>(gp);
          c.fleet.decode_engine_num_gpu = static_cast<int>(gd);
          c.prefill_config = a;
          c.decode_config = b;
          c.name = candidate_name("planner-" + policy, configs, a, b);
          out.push_back(std::move(c));
        }
    }
    return out;
  }

  /// True when `r` served requests and the fraction meeting both targets is at least the target.
  bool meets_target(const ReplayResult& r) const {
    return r.requests > 0 &&
           static_cast<double>(r.good) / static_cast<double>(r.requests) >= options_.attainment_target;
  }

  /// Replays the candidates (static fleets pruned as the header explains, unless
  /// options().prune is false) on `requests` (sorted by arrival) on options().threads threads, and
  /// ranks them. Deterministic when the replay is.
  /// \throws std::invalid_argument for no requests, repeated candidate names or a static fleet
  ///         over options().max_gpu_budget; whatever the replay throws (the first candidate's
  ///         error, in candidate order, among those that failed)
  FleetSearchResult run(const std::vector<FleetCandidate>& candidates, const std::vector<ReplayRequest>& requests) const {
    if (requests.empty()) throw std::invalid_argument("a search needs at least one request");
    std::set<std::string> names;
    for (const FleetCandidate& c : candidates) {
      if (!names.insert(c.name).second) throw std::invalid_argument("candidate name '" + c.name + "' is given twice");
      if (c.is_static()) {
        c.fleet.validate();
        if (options_.max_gpu_budget != -1 && c.gpus() > options_.max_gpu_budget)
          throw std::invalid_argument("candidate '" + c.name + "' holds " + std::to_string(c.gpus()) +
                                      " GPUs, over the budget of " + std::to_string(options_.max_gpu_budget));
      }
    }
    const double span_h = (requests.back().arrival_ms - requests.front().arrival_ms) / 3.6e6;
    FleetSearchResult res;
    res.attainment_target = options_.attainment_target;
    res.candidates.resize(candidates.size());
    std::vector<std::size_t> dynamic, statics;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      CandidateResult& c = res.candidates[i];
      c.candidate = candidates[i];
      if (c.candidate.is_static()) {
        c.cost_lower_bound_gpu_hours = static_cast<double>(c.candidate.gpus()) * span_h;
        statics.push_back(i);
      } else {
        dynamic.push_back(i);
      }
    }
    // Waves of equal GPU count, fewest first (stable: candidate order within a wave).
    std::stable_sort(statics.begin(), statics.end(), [&](std::size_t x, std::size_t y) {
      return candidates[x].gpus() < candidates[y].gpus();
    });
    std::vector<std::vector<std::size_t>> waves;
    for (std::size_t k = 0; k < statics.size(); ++k) {
      if (k == 0 || candidates[statics[k]].gpus() != candidates[statics[k - 1]].gpus()) waves.emplace_back();
      waves.back().push_back(statics[k]);
    }
    std::size_t done = 0;
    execute(res, requests, dynamic, std::move(waves), options_.prune, done);
    if (!res.prune_bound_held && res.pruned > 0) {
      std::vector<std::size_t> again;
      for (std::size_t i = 0; i < res.candidates.size(); ++i)
        if (!res.candidates[i].replayed) again.push_back(i);
      res.pruned = 0;
      done -= again.size();
      execute(res, requests, again, {}, false, done);
    }
    rank(res);
    return res;
  }

  /// The highest time scale (arrival times divided by it) at which `candidate` still meets the
  /// target: the scale is doubled (or halved) from 1 until the target is missed (or met), then
  /// the bracket is narrowed by replaying options.points_per_round scales spaced evenly in log
  /// scale, keeping the highest that meets below the lowest that misses, until it is within
  /// options.relative_tolerance. Where attainment does not fall monotonically with the load, the
  /// answer is a scale that meets the target next to a higher one that misses it.
  /// \throws std::invalid_argument for no requests or invalid options; whatever the replay throws
  MaxRateResult max_rate(const FleetCandidate& candidate, const std::vector<ReplayRequest>& requests,
                         const MaxRateOptions& options = {}) const {
    options.validate();
    if (requests.empty()) throw std::invalid_argument("a rate search needs at least one request");
    MaxRateResult out;
    const double span_s = (requests.back().arrival_ms - requests.front().arrival_ms) / 1000.0;
    out.trace_rate_rps = span_s > 0 ? static_cast<double>(requests.size()) / span_s : 0.0;
    const double inf = std::numeric_limits<double>::infinity();
    double lo = 0, hi = inf;  // lo meets (0: nothing found), hi misses (inf: nothing found)
    auto take = [&](double x, ReplayResult& r) {
      if (meets_target(r)) lo = x, out.at_scale = std::move(r);
      else hi = x, out.at_fail_scale = std::move(r);
    };
    std::vector<ReplayResult> rs = replay_scaled(candidate, requests, {1.0});
    out.replays = 1;
    const bool ok_at_1 = meets_target(rs[0]);
    take(1.0, rs[0]);
    if (ok_at_1) {
      for (double x = 1; hi == inf && x < options.max_scale;) {
        x = std::min(2 * x, options.max_scale);
        rs = replay_scaled(candidate, requests, {x});
        ++out.replays;
        take(x, rs[0]);
      }
    } else {
      for (double x = 1; lo == 0 && x > options.min_scale;) {
        x = std::max(x / 2, options.min_scale);
        rs = replay_scaled(candidate, requests, {x});
        ++out.replays;
        take(x, rs[0]);
      }
    }
    while (lo > 0 && hi < inf && hi / lo > 1 + options.relative_tolerance) {
      const int k = options.points_per_round;
      std::vector<double> xs;
      for (int j = 1; j <= k; ++j) xs.push_back(lo * std::pow(hi / lo, static_cast<double>(j) / (k + 1)));
      rs = replay_scaled(candidate, requests, xs);
      out.replays += xs.size();
      // All scales below the first that misses met the target: the bracket becomes
      // [the last that met, the first that missed].
      for (std::size_t j = 0; j < xs.size(); ++j) {
        const bool ok = meets_target(rs[j]);
        take(xs[j], rs[j]);
        if (!ok) break;
      }
    }
    out.scale = lo;
    out.fail_scale = hi;
    out.rate_rps = out.trace_rate_rps * lo;
    out.fail_rate_rps = hi < inf ? out.trace_rate_rps * hi : inf;
    return out;
  }

  const FleetSearchOptions& options() const noexcept { return options_; }

private:
  static void check_configs(const std::vector<EngineConfig>& configs) {
    if (configs.empty()) throw std::invalid_argument("a search needs at least one engine configuration");
    std::set<std::string> labels;
    for (const EngineConfig& c : configs) {
      c.validate();
      if (!labels.insert(c.label).second)
        throw std::invalid_argument("engine configuration label '" + c.label + "' is given twice");
    }
  }

  unsigned thread_count(std::size_t jobs) const {
    unsigned t = options_.threads ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
    return static_cast<unsigned>(std::min<std::size_t>(t, std::max<std::size_t>(jobs, 1)));
  }

  /// Runs `body()` on `threads` threads (the calling one included) and joins them.
  static void on_threads(unsigned threads, const std::function<void()>& body) {
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) {
      try {
        pool.emplace_back(body);
      } catch (const std::system_error&) {
        break;  // fewer threads: the work still gets done
      }
    }
    body();
    for (std::thread& t : pool) t.join();
  }

  /// Replays the candidates in `dynamic` (first, in order) and the static `waves` (in order; a
  /// wave starts when the previous one is done, then its fleets are pruned against the earlier
  /// waves' results when `prune`).
  void execute(FleetSearchResult& res, const std::vector<ReplayRequest>& requests, const std::vector<std::size_t>& dynamic,
               std::vector<std::vector<std::size_t>> waves, bool prune, std::size_t& done) const {
    std::mutex m;
    std::condition_variable cv;
    std::size_t next_dynamic = 0, wave = 0, pos = 0, in_flight = 0;
    double best = std::numeric_limits<double>::infinity();  // least GPU-hours meeting the target, earlier waves
    std::exception_ptr error;
    std::size_t error_index = 0;
    const std::size_t total = res.candidates.size();
    std::size_t jobs = dynamic.size();
    for (const auto& w : waves) jobs += w.size();
    auto report = [&] {  // under the lock
      ++done;
      if (options_.progress) options_.progress(done, total);
    };
    auto close_wave = [&] {  // under the lock, when wave `wave` is complete
      for (std::size_t i : waves[wave]) {
        const CandidateResult& c = res.candidates[i];
        if (c.replayed && c.meets_target) best = std::min(best, c.replay.gpu_hours);
      }
      ++wave;
      pos = 0;
      if (!prune || wave >= waves.size()) return;
      std::vector<std::size_t> keep;
      for (std::size_t i : waves[wave]) {
        if (res.candidates[i].cost_lower_bound_gpu_hours > best * (1 + options_.cost_tolerance)) {
          ++res.pruned;
          report();
        } else {
          keep.push_back(i);
        }
      }
      waves[wave].swap(keep);
    };
    auto worker = [&] {
      for (;;) {
        std::size_t job = 0;
        bool in_wave = false;
        {
          std::unique_lock<std::mutex> lock(m);
          for (;;) {
            if (error) return;
            if (next_dynamic < dynamic.size()) {
              job = dynamic[next_dynamic++];
              break;
            }
            if (wave >= waves.size()) return;
            if (pos < waves[wave].size()) {
              job = waves[wave][pos++];
              ++in_flight;
              in_wave = true;
              break;
            }
            if (in_flight == 0) {
              close_wave();
              cv.notify_all();
              continue;
            }
            cv.wait(lock);
          }
        }
        ReplayResult r;
        std::exception_ptr e;
        try {
          r = replay_(res.candidates[job].candidate, requests);
        } catch (...) {
          e = std::current_exception();
        }
        std::lock_guard<std::mutex> lock(m);
        if (e) {
          if (!error || job < error_index) error = e, error_index = job;
        } else {
          CandidateResult& c = res.candidates[job];
          c.replay = std::move(r);
          c.replayed = true;
          c.meets_target = meets_target(c.replay);
          ++res.replayed;
          if (c.candidate.is_static() && c.replay.gpu_hours < c.cost_lower_bound_gpu_hours * (1 - 1e-9))
            res.prune_bound_held = false;
          report();
        }
        if (in_wave) --in_flight;
        cv.notify_all();
      }
    };
    on_threads(thread_count(jobs), worker);
    if (error) std::rethrow_exception(error);
  }

  /// Replays `candidate` with arrival times divided by each of `scales`, concurrently.
  std::vector<ReplayResult> replay_scaled(const FleetCandidate& candidate, const std::vector<ReplayRequest>& requests,
                                          const std::vector<double>& scales) const {
    std::vector<ReplayResult> out(scales.size());
    std::vector<std::exception_ptr> errors(scales.size());
    std::mutex m;
    std::size_t next = 0;
    auto worker = [&] {
      for (;;) {
        std::size_t k;
        {
          std::lock_guard<std::mutex> lock(m);
          if (next >= scales.size()) return;
          k = next++;
        }
        try {
          if (scales[k] == 1.0) {
            out[k] = replay_(candidate, requests);
          } else {
            std::vector<ReplayRequest> scaled = requests;
            for (ReplayRequest& r : scaled) r.arrival_ms /= scales[k];
            out[k] = replay_(candidate, scaled);
          }
        } catch (...) {
          errors[k] = std::current_exception();
        }
      }
    };
    on_threads(thread_count(scales.size()), worker);
    for (const std::exception_ptr& e : errors)
      if (e) std::rethrow_exception(e);
    return out;
  }

  /// Fills ranking, recommendation, closest and pareto_front.
  void rank(FleetSearchResult& res) const {
    const std::vector<CandidateResult>& c = res.candidates;
    auto cost = [&](std::size_t i) { return c[i].replay.gpu_hours; };
    auto per_gpu = [&](std::size_t i) { return c[i].replay.goodput_per_gpu; };
    std::vector<std::size_t> meet, miss, pruned;
    for (std::size_t i = 0; i < c.size(); ++i) (!c[i].replayed ? pruned : c[i].meets_target ? meet : miss).push_back(i);
    std::sort(meet.begin(), meet.end(), [&](std::size_t x, std::size_t y) {
      if (cost(x) != cost(y)) return cost(x) < cost(y);
      if (per_gpu(x) != per_gpu(y)) return per_gpu(x) > per_gpu(y);
      return x < y;
    });
    std::sort(miss.begin(), miss.end(), [&](std::size_t x, std::size_t y) {
      if (c[x].attainment() != c[y].attainment()) return c[x].attainment() > c[y].attainment();
      if (cost(x) != cost(y)) return cost(x) < cost(y);
      return x < y;
    });
    std::sort(pruned.begin(), pruned.end(), [&](std::size_t x, std::size_t y) {
      if (c[x].cost_lower_bound_gpu_hours != c[y].cost_lower_bound_gpu_hours)
        return c[x].cost_lower_bound_gpu_hours < c[y].cost_lower_bound_gpu_hours;
      return x < y;
    });
    if (!meet.empty()) {
      // Within the tolerance of the cheapest, the highest goodput per GPU (then the cheaper).
      const double limit = cost(meet.front()) * (1 + options_.cost_tolerance);
      std::size_t best = meet.front();
      for (std::size_t i : meet)
        if (cost(i) <= limit && per_gpu(i) > per_gpu(best)) best = i;
      res.recommendation = best;
      meet.erase(std::find(meet.begin(), meet.end(), best));
      meet.insert(meet.begin(), best);
    } else if (!miss.empty()) {
      res.closest = miss.front();
    }
    res.ranking.clear();
    for (const auto* part : {&meet, &miss, &pruned}) res.ranking.insert(res.ranking.end(), part->begin(), part->end());

    // Pareto front: sorted by GPU-hours (then attainment, highest first), a candidate is on it
    // when no cheaper one reaches its attainment and none of the same cost exceeds it.
    std::vector<std::size_t> r;
    for (std::size_t i = 0; i < c.size(); ++i)
      if (c[i].replayed) r.push_back(i);
    std::sort(r.begin(), r.end(), [&](std::size_t x, std::size_t y) {
      if (cost(x) != cost(y)) return cost(x) < cost(y);
      if (c[x].attainment() != c[y].attainment()) return c[x].attainment() > c[y].attainment();
      return x < y;
    });
    res.pareto_front.clear();
    double cheaper_best = -std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < r.size();) {
      std::size_t end = k;
      while (end < r.size() && cost(r[end]) == cost(r[k])) ++end;
      const double top = c[r[k]].attainment();  // the group's highest
      if (top > cheaper_best)
        for (std::size_t j = k; j < end && c[r[j]].attainment() == top; ++j) res.pareto_front.push_back(r[j]);
      cheaper_best = std::max(cheaper_best, top);
      k = end;
    }
  }

  Replay replay_;
  FleetSearchOptions options_;
};

}  // namespace sla_planner
