// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Request-level, discrete-event replay of a disaggregated prefill/decode fleet: what AIPerf
// would measure replaying a mooncake trace against a Dynamo deployment (Dynamo's end-to-end
// planner test, tests/planner/README.md in ai-dynamo/dynamo), on a model of the hardware made
// from the profile. The model:
//   - Requests arrive as in the trace. The router (ReplayOptions::router) sends each to a ready
//     prefill worker: the shortest queue (waiting + in service; ties: lowest id), round robin, or
//     Dynamo's KV-aware cost (docs/router/kv_cache_routing.md in ai-dynamo/dynamo): overlap weight
//     (1) × prefill blocks + decode blocks, where prefill blocks are the tokens the worker still has
//     to compute (its queue as predicted at routing, plus this prompt minus the prefix it caches)
//     and decode blocks are 0 (Dynamo's prefill router does not track active blocks).
//   - PrefillModel::single: a prefill worker serves one request at a time, FIFO, for
//     Service::prefill_ms(isl) (the profile's single-request TTFT; optionally only TTFT −
//     prefill_fixed_latency_ms of it occupies the worker; with prefix caching, the TTFT of the
//     uncached tokens).
//   - PrefillModel::chunked (vLLM V1 continuous batching with chunked prefill): each forward pass
//     takes up to max_num_batched_tokens tokens from the worker's queued requests in FIFO order (a
//     request left partial continues first) and lasts PrefillCostModel's o + Σ chunk work; a
//     request's prefill ends with the pass computing its last chunk, then the fixed latency passes
//     off the worker.
//   - Prefix caching (prefix_cache_tokens, with a ReplayWorkload's block hashes): each prefill
//     worker keeps a PrefixCache; a request looks up its longest cached prefix when first scheduled
//     (min(hit blocks × block_size, isl − 1) tokens are not computed) and all its blocks enter the
//     cache when its prefill ends.
//   - The KV cache then reaches a decode worker kv_transfer_ms + isl × kv_bytes_per_token /
//     kv_transfer_gbps later; the prefill worker is free at once.
//   - The KV goes to the ready decode worker holding or awaiting the fewest KV tokens (Dynamo's
//     KV router with overlap weight 0 picks by active blocks; ties: lowest id).
//   - A decode worker runs continuous batching (vLLM/Orca iteration-level scheduling): each step
//     every request in the batch produces one token; requests join and leave at step boundaries.
//     A step takes Service::decode_step_ms(Σ context / max_kv_tokens, mean context), where a
//     request's context is isl + osl/2 — the profile's convention (profile_sla.py records decode
//     points at kv_usage = n·(isl + osl/2)/max_kv_tokens, context = isl + osl/2), so the step
//     time changes only when the batch does.
//   - Admission reserves the full context isl + osl (no preemption): a request joins only while
//     it fits; otherwise it waits, FIFO (the head blocks those behind it, as vLLM's scheduler
//     does). A request larger than the whole KV capacity is admitted only into an empty batch
//     (counted in ReplayResult::oversized).
//   - The first token reaches the client when the request joins a decode batch (the decode
//     worker streams the response), so TTFT = prefill queueing + prefill + KV transfer + wait
//     for decode admission (up to the next step boundary, or for KV space). The other osl − 1
//     tokens come one per step: ITL = (last token − first token) / (osl − 1), AIPerf's
//     definition — the mean step time over the request's steps. osl 0 is served as 1 (ITL 0).
//   - A request meets the SLA when TTFT <= target and ITL <= target (AIPerf's goodput).
//   - Planner fleets: at every interval boundary the planner observes the interval just ended
//     (requests that arrived, their mean ISL/OSL, mean TTFT of first tokens delivered, mean ITL
//     and duration of requests finished) and its decision is applied at once. New workers take
//     requests after startup_delay_s; removed workers take no new requests and drain what they
//     hold (no request is lost). GPU time counts from the decision to the end of the drain (or
//     the end of the replay).
// Deterministic: no randomness, ties broken by id and event order; the same input gives the
// same result bit for bit.
#pragma once

#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sla_planner/planner/basic_planner.hpp"
#include "sla_planner/planner/planning_policy.hpp"
#include "sla_planner/sim/detail/fleet_engine.hpp"
#include "sla_planner/sim/fleet_schedule.hpp"
#include "sla_planner/sim/prefill_cost_model.hpp"
#include "sla_planner/sim/profile_service_model.hpp"
#include "sla_planner/sim/replay_options.hpp"
#include "sla_planner/sim/replay_request.hpp"
#include "sla_planner/sim/replay_result.hpp"
#include "sla_planner/sim/replay_workload.hpp"
#include "sla_planner/sim/resumable_replay.hpp"
#include "sla_planner/sim/static_fleet.hpp"

namespace sla_planner {

/// Replays requests on a static or planner-driven fleet.
///
/// `Service` times the workers: ProfileServiceModel, or any type with
/// `double prefill_ms(std::int64_t isl) const`, `double decode_step_ms(double kv_usage, double
/// mean_context) const` and `double max_kv_tokens() const`.
///
/// Thread-compatible: const member functions may run concurrently (each run has its own state);
/// a planner passed to run_planner is mutated and must not be shared.
template <class Service = ProfileServiceModel>
class FleetSimulator {
public:
  /// \throws std::invalid_argument when the options are invalid
  explicit FleetSimulator(Service service, ReplayOptions options = {})
      : service_(std::move(service)), options_(std::move(options)) {
    options_.validate();
    if (options_.prefill_model == PrefillModel::chunked)
      throw std::invalid_argument("the chunked prefill model needs a PrefillCostModel (the other constructor)");
  }
  /// Same, with the pass-time model of the chunked prefill model (ReplayOptions::prefill_model).
  FleetSimulator(Service service, ReplayOptions options, PrefillCostModel prefill_cost)
      : service_(std::move(service)), options_(std::move(options)), cost_(std::move(prefill_cost)) {
    options_.validate();
  }

  /// Replays `requests` (sorted by arrival) on a fixed fleet, with the options' targets.
  /// \throws std::invalid_argument for unsorted or invalid requests or an invalid fleet;
  ///         DataError when the service model gives an unusable time
  ReplayResult run_static(const std::vector<ReplayRequest>& requests, const StaticFleet& fleet) const {
    return static_run(requests, fleet, nullptr);
  }
  /// The same with the workload's block hashes (prefix caching, KV routing). (A template only so
  /// that a braced list still picks the overload above.)
  template <class W, class = std::enable_if_t<std::is_same_v<W, ReplayWorkload>>>
  ReplayResult run_static(const W& workload, const StaticFleet& fleet) const {
    workload.validate();
    return static_run(workload.requests, fleet, &workload);
  }

  /// Replays `requests` (sorted by arrival) on a fleet that follows `schedule` (one entry per
  /// statistics interval of options().interval_s; see FleetSchedule), with the options' targets.
  /// \throws as run_static
  ReplayResult run_schedule(const std::vector<ReplayRequest>& requests, const FleetSchedule& schedule) const {
    return schedule_run(requests, schedule, nullptr);
  }
  /// The same with the workload's block hashes.
  template <class W, class = std::enable_if_t<std::is_same_v<W, ReplayWorkload>>>
  ReplayResult run_schedule(const W& workload, const FleetSchedule& schedule) const {
    workload.validate();
    return schedule_run(workload.requests, schedule, &workload);
  }

  /// Replays `requests` (sorted by arrival) on a fleet the planner sizes every
  /// adjustment_interval_s from the metrics the replay observes, starting from
  /// options().start_num_p / start_num_d ready workers. The planner's TTFT/ITL targets, interval
  /// and GPUs per engine are used. `planner` should be fresh (or warmed up); it is fed observe()
  /// and plan() calls, and every Decision is kept in ReplayResult::decisions.
  /// \throws as run_static
  template <class Perf>
  ReplayResult run_planner(const std::vector<ReplayRequest>& requests, BasicPlanner<Perf>& planner,
                           std::string name = "planner") const {
    return planner_run(requests, planner, std::move(name), nullptr);
  }
  /// The same with the workload's block hashes.
  template <class Perf, class W, class = std::enable_if_t<std::is_same_v<W, ReplayWorkload>>>
  ReplayResult run_planner(const W& workload, BasicPlanner<Perf>& planner,
                           std::string name = "planner") const {
    workload.validate();
    return planner_run(workload.requests, planner, std::move(name), &workload);
  }

  /// Replays `requests` (sorted by arrival) on a fleet that `policy` resizes every
  /// policy.tick_interval_s(), starting from options().start_num_p / start_num_d ready workers,
  /// with the options' targets and statistics interval. At each tick the policy is shown a
  /// FleetObservation of the tick just ended, built from the simulated frontend and engines
  /// (request count, ISL/OSL/TTFT/ITL histograms with Dynamo's buckets and their means, prefix
  /// hit rate, deployed and ready counts, and per-engine queue and KV state when
  /// policy.wants_worker_loads()); never the requests. Every Decision is kept in
  /// ReplayResult::decisions. A ThroughputPolicy gives exactly run_planner's result.
  /// \throws as run_static
  ReplayResult run_policy(const std::vector<ReplayRequest>& requests, PlanningPolicy& policy, std::string name = "planner",
                          int prefill_engine_num_gpu = 1, int decode_engine_num_gpu = 1) const {
    return policy_run(requests, policy, std::move(name), prefill_engine_num_gpu, decode_engine_num_gpu, nullptr);
  }
  /// The same with the workload's block hashes.
  template <class W, class = std::enable_if_t<std::is_same_v<W, ReplayWorkload>>>
  ReplayResult run_policy(const W& workload, PlanningPolicy& policy, std::string name = "planner",
                          int prefill_engine_num_gpu = 1, int decode_engine_num_gpu = 1) const {
    workload.validate();
    return policy_run(workload.requests, policy, std::move(name), prefill_engine_num_gpu, decode_engine_num_gpu, &workload);
  }

  /// Replays the workload (sorted by arrival) on a fixed fleet caught mid-scaling: `ready`
  /// workers take requests from the first arrival, and one more worker becomes ready at each of
  /// `starting_p_ms` / `starting_d_ms` (ms after the first arrival). Prefill and decode compute
  /// times are multiplied by `prefill_slowdown` / `decode_slowdown` on top of the options'
  /// fleet_slowdown. With `tally`, counts by arrival window are kept there as the replay runs.
  /// What a policy simulates a candidate fleet with.
  /// \throws as run_static
  ReplayResult run_from(const ReplayWorkload& workload, WorkerCounts ready, std::vector<double> starting_p_ms,
                        std::vector<double> starting_d_ms, double prefill_slowdown = 1.0, double decode_slowdown = 1.0,
                        ReplayTally* tally = nullptr) const {
    const detail::EngineSetup s = from_setup(workload, ready, std::move(starting_p_ms), std::move(starting_d_ms),
                                             prefill_slowdown, decode_slowdown, tally);
    detail::StaticController ctrl;
    return detail::FleetEngine<Service>(service_, workload.requests, s).run("candidate", ctrl);
  }
  /// The same replay, begun and paused before its first event, counting by arrival window from
  /// `tally` on (see ResumableReplay). The simulator and the workload must outlive it.
  /// \throws as run_from
  ResumableReplay<Service> begin_from(const ReplayWorkload& workload, WorkerCounts ready, std::vector<double> starting_p_ms,
                                      std::vector<double> starting_d_ms, double prefill_slowdown, double decode_slowdown,
                                      const ReplayTally& tally) const {
    return ResumableReplay<Service>(service_, workload.requests,
                                    from_setup(workload, ready, std::move(starting_p_ms), std::move(starting_d_ms),
                                               prefill_slowdown, decode_slowdown, nullptr),
                                    tally);
  }

  /// Replays `requests` (sorted by arrival) on a fleet that `controller` resizes at every
  /// boundary of options().interval_s, starting from options().start_num_p / start_num_d ready
  /// workers. `controller` is called as `WorkerCounts controller(const Metrics& last_interval,
  /// WorkerCounts deployed)` with what the interval just ended showed and the counts deployed;
  /// its answer is applied at once, as a planner's decision is (new workers serve after
  /// startup_delay_s). For fleets whose decisions come from elsewhere, e.g. an emulated
  /// deployment driven by a live planner. Exceptions from `controller` end the replay.
  /// \throws as run_static
  template <class Fn>
  ReplayResult run_controlled(const std::vector<ReplayRequest>& requests, Fn& controller, int prefill_engine_num_gpu = 1,
                              int decode_engine_num_gpu = 1, std::string name = "controlled") const {
    check(requests);
    detail::EngineSetup s = setup(options_.ttft_ms, options_.itl_ms, options_.interval_s, nullptr);
    s.prefill_gpus = prefill_engine_num_gpu;
    s.decode_gpus = decode_engine_num_gpu;
    s.start_p = options_.start_num_p;
    s.start_d = options_.start_num_d;
    FunctionController<Fn> ctrl{controller};
    return detail::FleetEngine<Service>(service_, requests, s).run(std::move(name), ctrl);
  }

  const Service& service() const noexcept { return service_; }
  const ReplayOptions& options() const noexcept { return options_; }
  /// The chunked prefill model's pass times, when given.
  const std::optional<PrefillCostModel>& prefill_cost() const noexcept { return cost_; }

private:
  ReplayResult static_run(const std::vector<ReplayRequest>& requests, const StaticFleet& fleet,
                          const ReplayWorkload* hashes) const {
    fleet.validate();
    check(requests);
    detail::EngineSetup s = setup(options_.ttft_ms, options_.itl_ms, options_.interval_s, hashes);
    s.prefill_gpus = fleet.prefill_engine_num_gpu;
    s.decode_gpus = fleet.decode_engine_num_gpu;
    s.start_p = fleet.num_prefill;
    s.start_d = fleet.num_decode;
    detail::StaticController ctrl;
    return detail::FleetEngine<Service>(service_, requests, s).run(fleet.name(), ctrl);
  }

  ReplayResult schedule_run(const std::vector<ReplayRequest>& requests, const FleetSchedule& schedule,
                            const ReplayWorkload* hashes) const {
    schedule.validate();
    check(requests);
    detail::EngineSetup s = setup(options_.ttft_ms, options_.itl_ms, options_.interval_s, hashes);
    s.prefill_gpus = schedule.prefill_engine_num_gpu;
    s.decode_gpus = schedule.decode_engine_num_gpu;
    s.start_p = schedule.counts.front().prefill;
    s.start_d = schedule.counts.front().decode;
    ScheduleController ctrl{schedule.counts, 0};
    return detail::FleetEngine<Service>(service_, requests, s).run(schedule.name, ctrl);
  }

  ReplayResult policy_run(const std::vector<ReplayRequest>& requests, PlanningPolicy& policy, std::string name,
                          int prefill_gpus, int decode_gpus, const ReplayWorkload* hashes) const {
    check(requests);
    if (!(policy.tick_interval_s() > 0) || !std::isfinite(policy.tick_interval_s()))
      throw std::invalid_argument("policy '" + policy.name() + "': tick interval must be > 0 s");
    detail::EngineSetup s = setup(options_.ttft_ms, options_.itl_ms, options_.interval_s, hashes);
    s.prefill_gpus = prefill_gpus;
    s.decode_gpus = decode_gpus;
    s.start_p = options_.start_num_p;
    s.start_d = options_.start_num_d;
    s.tick_s = policy.tick_interval_s();
    s.worker_loads = policy.wants_worker_loads();
    std::vector<Decision> decisions;
    PolicyController ctrl{policy, decisions};
    ReplayResult r = detail::FleetEngine<Service>(service_, requests, s).run(std::move(name), ctrl);
    r.decisions = std::move(decisions);
    return r;
  }

  struct PolicyController {
    static constexpr bool dynamic = true;
    static constexpr bool observes = true;
    PlanningPolicy& policy;
    std::vector<Decision>& decisions;
    WorkerCounts observe_decide(const FleetObservation& o) {
      decisions.push_back(policy.decide(o));
      return {decisions.back().num_prefill, decisions.back().num_decode};
    }
  };

  template <class Perf>
  ReplayResult planner_run(const std::vector<ReplayRequest>& requests, BasicPlanner<Perf>& planner,
                           std::string name, const ReplayWorkload* hashes) const {
    check(requests);
    const PlannerConfig& c = planner.config();
    detail::EngineSetup s = setup(c.ttft_ms, c.itl_ms, c.adjustment_interval_s, hashes);
    s.prefill_gpus = c.prefill_engine_num_gpu;
    s.decode_gpus = c.decode_engine_num_gpu;
    s.start_p = options_.start_num_p;
    s.start_d = options_.start_num_d;
    std::vector<Decision> decisions;
    PlannerController<Perf> ctrl{planner, decisions};
    ReplayResult r = detail::FleetEngine<Service>(service_, requests, s).run(std::move(name), ctrl);
    r.decisions = std::move(decisions);
    return r;
  }

  template <class Perf>
  struct PlannerController {
    static constexpr bool dynamic = true;
    BasicPlanner<Perf>& planner;
    std::vector<Decision>& decisions;
    WorkerCounts decide(const Metrics& m, WorkerCounts current) {
      planner.observe(m);
      decisions.push_back(planner.plan(current));
      return {decisions.back().num_prefill, decisions.back().num_decode};
    }
  };

  template <class Fn>
  struct FunctionController {
    static constexpr bool dynamic = true;
    Fn& fn;
    WorkerCounts decide(const Metrics& m, WorkerCounts current) { return fn(m, current); }
  };

  struct ScheduleController {
    static constexpr bool dynamic = true;
    const std::vector<WorkerCounts>& counts;
    std::size_t k;
    WorkerCounts decide(const Metrics&, WorkerCounts current) {
      ++k;
      return k < counts.size() ? counts[k] : current;
    }
  };

  detail::EngineSetup from_setup(const ReplayWorkload& workload, WorkerCounts ready, std::vector<double> starting_p_ms,
                                 std::vector<double> starting_d_ms, double prefill_slowdown, double decode_slowdown,
                                 ReplayTally* tally) const {
    check(workload.requests);
    if (ready.prefill < 1 || ready.decode < 1)
      throw std::invalid_argument("run_from needs at least one ready worker of each kind");
    detail::EngineSetup s = setup(options_.ttft_ms, options_.itl_ms, options_.interval_s, &workload);
    s.start_p = ready.prefill;
    s.start_d = ready.decode;
    s.starting_p_ms = std::move(starting_p_ms);
    s.starting_d_ms = std::move(starting_d_ms);
    s.prefill_slowdown *= prefill_slowdown;
    s.decode_slowdown *= decode_slowdown;
    s.tally = tally;
    return s;
  }
  detail::EngineSetup setup(double ttft, double itl, double interval, const ReplayWorkload* hashes) const {
    detail::EngineSetup s;
    s.ttft_ms = ttft;
    s.itl_ms = itl;
    s.interval_s = interval;
    s.startup_ms = options_.startup_delay_s * 1000.0;
    s.transfer_ms = options_.kv_transfer_ms;
    s.fixed_ms = options_.prefill_fixed_latency_ms;
    s.keep_timings = options_.keep_timings;
    s.prefill_model = options_.prefill_model;
    s.cost = cost_ ? &*cost_ : nullptr;
    s.max_batched = options_.max_num_batched_tokens;
    s.block_size = options_.block_size;
    s.cache_blocks = options_.prefix_cache_tokens < 0 ? -1
                     : std::min<std::int64_t>(options_.prefix_cache_tokens / options_.block_size, std::int64_t(1) << 31);
    s.router = options_.router;
    // bytes / (GB/s · 10^9 bytes/GB) s = bytes / GB/s · 10^-6 ms
    s.transfer_ms_per_token = options_.kv_bytes_per_token > 0 ? options_.kv_bytes_per_token / options_.kv_transfer_gbps * 1e-6 : 0.0;
    if (hashes && hashes->has_hashes()) {
      s.hashes = hashes->block_hashes.data();
      s.hash_offsets = hashes->hash_offsets.data();
    }
    s.progress = &options_.progress;
    s.prefill_slowdown = options_.fleet_slowdown;
    s.decode_slowdown = options_.fleet_slowdown;
    s.score_after_ms = options_.score_after_s * 1000.0;
    return s;
  }

  static void check(const std::vector<ReplayRequest>& r) {
    if (r.size() >= std::numeric_limits<std::uint32_t>::max())
      throw std::invalid_argument("a replay holds at most 4294967294 requests, got " + std::to_string(r.size()));
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (!std::isfinite(r[i].arrival_ms))
        throw std::invalid_argument("request " + std::to_string(i) + ": 'arrival_ms' must be finite");
      if (i > 0 && r[i].arrival_ms < r[i - 1].arrival_ms)
        throw std::invalid_argument("requests must be sorted by arrival_ms (request " + std::to_string(i) +
                                    " arrives before request " + std::to_string(i - 1) + ")");
      if (r[i].isl < 0 || r[i].osl < 0)
        throw std::invalid_argument("request " + std::to_string(i) + ": 'isl' and 'osl' must be >= 0, got " +
                                    std::to_string(r[i].isl) + " and " + std::to_string(r[i].osl));
    }
  }

  Service service_;
  ReplayOptions options_;
  std::optional<PrefillCostModel> cost_;
};

}  // namespace sla_planner
