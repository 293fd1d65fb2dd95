// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Request-level, discrete-event replay of a disaggregated prefill/decode fleet: what AIPerf
// would measure replaying a mooncake trace against a Dynamo deployment (Dynamo's end-to-end
// planner test, tests/planner/README.md in ai-dynamo/dynamo), on a model of the hardware made
// from the profile. The model:
//   - Requests arrive as in the trace. The router sends each to the ready prefill worker with the
//     shortest queue (waiting + in service; ties: lowest id).
//   - A prefill worker serves one request at a time, FIFO, for Service::prefill_ms(isl) (the
//     profile's single-request TTFT; optionally only TTFT − prefill_fixed_latency_ms of it
//     occupies the worker). The KV cache then reaches a decode worker `kv_transfer_ms` later; the
//     prefill worker is free at once.
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
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sla_planner/planner/basic_planner.hpp"
#include "sla_planner/sim/detail/fleet_engine.hpp"
#include "sla_planner/sim/fleet_schedule.hpp"
#include "sla_planner/sim/profile_service_model.hpp"
#include "sla_planner/sim/replay_options.hpp"
#include "sla_planner/sim/replay_request.hpp"
#include "sla_planner/sim/replay_result.hpp"
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
  }

  /// Replays `requests` (sorted by arrival) on a fixed fleet, with the options' targets.
  /// \throws std::invalid_argument for unsorted or invalid requests or an invalid fleet;
  ///         DataError when the service model gives an unusable time
  ReplayResult run_static(const std::vector<ReplayRequest>& requests, const StaticFleet& fleet) const {
    fleet.validate();
    check(requests);
    detail::EngineSetup s = setup(options_.ttft_ms, options_.itl_ms, options_.interval_s);
    s.prefill_gpus = fleet.prefill_engine_num_gpu;
    s.decode_gpus = fleet.decode_engine_num_gpu;
    s.start_p = fleet.num_prefill;
    s.start_d = fleet.num_decode;
    detail::StaticController ctrl;
    return detail::FleetEngine<Service>(service_, requests, s).run(fleet.name(), ctrl);
  }

  /// Replays `requests` (sorted by arrival) on a fleet that follows `schedule` (one entry per
  /// statistics interval of options().interval_s; see FleetSchedule), with the options' targets.
  /// \throws as run_static
  ReplayResult run_schedule(const std::vector<ReplayRequest>& requests, const FleetSchedule& schedule) const {
    schedule.validate();
    check(requests);
    detail::EngineSetup s = setup(options_.ttft_ms, options_.itl_ms, options_.interval_s);
    s.prefill_gpus = schedule.prefill_engine_num_gpu;
    s.decode_gpus = schedule.decode_engine_num_gpu;
    s.start_p = schedule.counts.front().prefill;
    s.start_d = schedule.counts.front().decode;
    ScheduleController ctrl{schedule.counts, 0};
    return detail::FleetEngine<Service>(service_, requests, s).run(schedule.name, ctrl);
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
    check(requests);
    const PlannerConfig& c = planner.config();
    detail::EngineSetup s = setup(c.ttft_ms, c.itl_ms, c.adjustment_interval_s);
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
    detail::EngineSetup s = setup(options_.ttft_ms, options_.itl_ms, options_.interval_s);
    s.prefill_gpus = prefill_engine_num_gpu;
    s.decode_gpus = decode_engine_num_gpu;
    s.start_p = options_.start_num_p;
    s.start_d = options_.start_num_d;
    FunctionController<Fn> ctrl{controller};
    return detail::FleetEngine<Service>(service_, requests, s).run(std::move(name), ctrl);
  }

  const Service& service() const noexcept { return service_; }
  const ReplayOptions& options() const noexcept { return options_; }

private:
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

  detail::EngineSetup setup(double ttft, double itl, double interval) const {
    detail::EngineSetup s;
    s.ttft_ms = ttft;
    s.itl_ms = itl;
    s.interval_s = interval;
    s.startup_ms = options_.startup_delay_s * 1000.0;
    s.transfer_ms = options_.kv_transfer_ms;
    s.fixed_ms = options_.prefill_fixed_latency_ms;
    s.keep_timings = options_.keep_timings;
    s.progress = &options_.progress;
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
};

}  // namespace sla_planner
