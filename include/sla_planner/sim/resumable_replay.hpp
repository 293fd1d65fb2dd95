// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// A replay of a fixed fleet (FleetSimulator::run_from) that can stop at a time, be copied and go
// on: fleets whose replays agree up to a time — a fleet, and the same fleet with engines that
// become ready only then — share that part, replayed once (AttainmentPolicy's candidates).
#pragma once

#include <limits>
#include <utility>
#include <vector>

#include "sla_planner/sim/detail/fleet_engine.hpp"
#include "sla_planner/sim/replay_request.hpp"
#include "sla_planner/sim/replay_result.hpp"
#include "sla_planner/sim/replay_tally.hpp"

namespace sla_planner {

template <class Service>
class FleetSimulator;

/// A paused replay (made by FleetSimulator::begin_from). Copies are independent replays; all
/// refer to the simulator and the workload they were made from, which must outlive them. Times
/// are on the workload's clock (its arrival times).
template <class Service>
class ResumableReplay {
public:
  /// Handles every event before `t_ms`. Returns whether the replay is over (every request
  /// finished, or the tally's miss limits stopped it).
  bool run_until(double t_ms) { return engine_.advance(ctrl_, t_ms); }
  /// Handles every event left (or until the tally's limits stop it).
  void run_to_end() { engine_.advance(ctrl_, std::numeric_limits<double>::infinity()); }
  /// Adds an engine that was deployed, starting, from the first arrival and becomes ready at
  /// `ready_ms`, at or after the last run_until's time: the replay then goes on exactly as a
  /// replay that had it from the start (it takes no request before then).
  /// \throws std::logic_error when `ready_ms` is before that time
  void add_starting(bool prefill, double ready_ms) { engine_.add_starting(prefill, ready_ms); }
  /// Counts by arrival window so far; its miss limits may be changed between runs.
  ReplayTally& tally() noexcept { return engine_.tally(); }
  /// Runs to the end and returns the result (the replay is spent).
  ReplayResult finish() && {
    run_to_end();
    return engine_.end();
  }

private:
  friend class FleetSimulator<Service>;
  ResumableReplay(const Service& service, const std::vector<ReplayRequest>& requests, const detail::EngineSetup& setup,
                  const ReplayTally& tally)
      : engine_(service, requests, setup) {
    engine_.count_by_window(tally);
    engine_.begin("candidate", ctrl_);
  }

  detail::FleetEngine<Service> engine_;
  detail::StaticController ctrl_;
};

}  // namespace sla_planner
