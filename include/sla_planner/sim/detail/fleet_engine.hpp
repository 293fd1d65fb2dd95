// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// The discrete-event engine behind FleetSimulator (see fleet_simulator.hpp for the model).
// Events, not clock ticks: a binary heap of timed events (prefill ends, KV arrivals, decode batch
// changes, workers becoming ready, planner decisions) merged with the sorted arrival stream.
// A decode worker's batch is advanced in bulk: between two changes of its batch every step takes
// the same time, so it needs one event per change — at the step boundary where the next request
// finishes, or where a newly arrived request can join — not one per token. Requests in the batch
// sit in a min-heap of the worker's step count at which they finish.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <optional>
#include <queue>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sla_planner/util/data_error.hpp"
#include "sla_planner/planner/decision.hpp"
#include "sla_planner/planner/fleet_observation.hpp"
#include "sla_planner/planner/metrics.hpp"
#include "sla_planner/sim/detail/percentile.hpp"
#include "sla_planner/sim/prefill_cost_model.hpp"
#include "sla_planner/sim/prefix_cache.hpp"
#include "sla_planner/sim/replay_options.hpp"
#include "sla_planner/sim/replay_request.hpp"
#include "sla_planner/sim/replay_result.hpp"
#include "sla_planner/sim/replay_tally.hpp"
#include "sla_planner/util/python_math.hpp"

namespace sla_planner::detail {

/// Fixed settings of one engine run (already validated by the caller).
struct EngineSetup {
  double ttft_ms = 0, itl_ms = 0;   ///< SLA targets
  double interval_s = 60;           ///< statistics (and planner) interval
  double startup_ms = 0;            ///< scale-up delay
  double transfer_ms = 0;           ///< KV transfer after prefill
  double fixed_ms = 0;              ///< part of the prefill time that does not occupy the worker
  int prefill_gpus = 1, decode_gpus = 1;
  long long start_p = 1, start_d = 1;
  bool keep_timings = false;
  PrefillModel prefill_model = PrefillModel::single;
  const PrefillCostModel* cost = nullptr;  ///< required for the chunked model
  std::int64_t max_batched = 8192;         ///< token budget of a chunked pass
  std::int64_t block_size = 512;
  std::int64_t cache_blocks = 0;           ///< per prefill worker: -1 unbounded, 0 none
  PrefillRouter router = PrefillRouter::shortest_queue;
  double transfer_ms_per_token = 0;        ///< KV bytes per token / bandwidth
  const std::uint64_t* hashes = nullptr;   ///< block hashes of all requests (or null)
  const std::uint64_t* hash_offsets = nullptr;  ///< requests + 1 offsets into hashes (or null)
  const std::function<void(std::size_t, std::size_t)>* progress = nullptr;
  double prefill_slowdown = 1.0;  ///< every prefill compute time × this (model mismatch)
  double decode_slowdown = 1.0;   ///< every decode step time × this
  double score_after_ms = 0;    ///< requests arriving earlier (from the first arrival) are not scored
  double tick_s = 0;            ///< observing controllers: seconds between ticks (0: interval_s)
  bool worker_loads = false;    ///< observing controllers: fill the per-engine state
  /// Workers deployed at the first arrival that become ready this many ms after it (besides
  /// start_p / start_d, which are ready at once).
  std::vector<double> starting_p_ms, starting_d_ms;
  ReplayTally* tally = nullptr;  ///< counts by arrival window (or null)
};

/// Whether a controller is shown FleetObservations (`static constexpr bool observes = true`,
/// `WorkerCounts observe_decide(const FleetObservation&)`) instead of interval Metrics.
template <class C, class = void>
struct controller_observes : std::false_type {};
template <class C>
struct controller_observes<C, std::void_t<decltype(C::observes)>> : std::bool_constant<C::observes> {};

/// Whether a service model takes a location hint in decode_step_ms (kv, mean, int& hint).
template <class S, class = void>
struct service_hinted : std::false_type {};
template <class S>
struct service_hinted<S, std::void_t<decltype(std::declval<const S&>().decode_step_ms(0.0, 0.0, std::declval<int&>()))>>
    : std::true_type {};

/// A controller that never changes the fleet.
struct StaticController {
  static constexpr bool dynamic = false;
  WorkerCounts decide(const Metrics&, WorkerCounts current) { return current; }
};

/// One replay of `requests` (sorted by arrival) on workers timed by `Service`.
/// Controller: `static constexpr bool dynamic`, `WorkerCounts decide(const Metrics&, WorkerCounts)`
/// called at every interval boundary when dynamic; or an observing controller (see
/// controller_observes), called every tick_s with what the tick showed.
template <class Service>
class FleetEngine {
public:
  FleetEngine(const Service& service, const std::vector<ReplayRequest>& requests, const EngineSetup& setup)
      : svc_(service), req_(requests), s_(setup), cap_(service.max_kv_tokens()) {}

  /// One whole replay.
  template <class Controller>
  ReplayResult run(std::string name, Controller& ctrl) {
    if (begin(std::move(name), ctrl)) advance(ctrl, std::numeric_limits<double>::infinity());
    return end();
  }

  /// Sets a replay up (the workers of the start, the first tick). Returns false when there is no
  /// request (nothing to advance).
  template <class Controller>
  bool begin(std::string name, Controller& ctrl) {
    (void)ctrl;
    res_.name = std::move(name);
    res_.interval_s = s_.interval_s;
    const std::size_t n = req_.size();
    res_.requests = n;
    if (s_.tally) count_by_window(*s_.tally);  // end() writes the counts back
    if (n == 0) return false;
    if (!(cap_ > 0) || !std::isfinite(cap_))
      throw DataError("decode KV capacity (max_kv_tokens) must be > 0, got " + std::to_string(cap_));

    start_ = req_.front().arrival_ms;
    first_index_ = static_cast<std::int64_t>(python_floordiv(start_ / 1000.0, s_.interval_s));
    dstart_.assign(n, 0.0);
    if (tallying_) darrive_.assign(n, 0.0);
    ttft_.assign(n, 0.0);
    itl_values_.clear();
    itl_values_.reserve(n);
    timed_ = s_.keep_timings;
    if (timed_) res_.timings.assign(n, RequestTiming{});
    now_ = paused_at_ = start_;
    score_from_ = start_ + s_.score_after_ms;
    tick_s_ = s_.tick_s > 0 ? s_.tick_s : s_.interval_s;
    first_tick_ = static_cast<std::int64_t>(python_floordiv(start_ / 1000.0, tick_s_));

    for (long long i = 0; i < s_.start_p; ++i) add_prefill(true);
    for (long long i = 0; i < s_.start_d; ++i) add_decode(true);
    for (const double ms : s_.starting_p_ms) add_prefill(false, start_ + ms);
    for (const double ms : s_.starting_d_ms) add_decode(false, start_ + ms);
    snapshot(0);
    observing_ = kObserves<Controller>;
    if constexpr (!kObserves<Controller>) static_ = !Controller::dynamic;
    if constexpr (kObserves<Controller>) push(policy_tick_time(1), kTick, 1, 0);
    else if constexpr (Controller::dynamic) push(tick_time(1), kTick, 1, 0);
    return true;
  }

  /// Handles every event (arrival, completion, tick) before `until_ms` on the replay's clock,
  /// unless the tally has stopped the replay. Returns whether the replay is over (every request
  /// finished, or the tally stopped it).
  template <class Controller>
  bool advance(Controller& ctrl, double until_ms) {
    const std::size_t n = req_.size();
    for (;;) {
      if (finished_ >= n || (tallying_ && tally_.stopped())) return true;
      // The next event: the earliest of the heap's and the decode workers' next steps (ties in
      // the order they were scheduled), unless an arrival comes strictly before it.
      const std::uint32_t sw = next_step();
      const bool step = sw != kNone && (heap_.empty() || Later()(heap_.top(), decode_[sw].next));
      if (!step && heap_.empty() && next_ >= n) break;  // nothing left to happen (not reached while requests are unfinished)
      const double te = step ? decode_[sw].next.t : heap_.empty() ? std::numeric_limits<double>::infinity() : heap_.top().t;
      const bool arrival = next_ < n && req_[next_].arrival_ms < te;
      const double t = arrival ? req_[next_].arrival_ms : te;
      if (!(t < until_ms)) break;
      if (arrival) {
        now_ = t;
        on_arrival(static_cast<std::uint32_t>(next_++));
        continue;
      }
      if (step) {
        now_ = t;
        boundary(sw, decode_[sw].pending);
        continue;
      }
      const Event e = heap_.top();
      heap_.pop();
      now_ = e.t;
      switch (e.kind) {
        case kPrefillDone: on_prefill_done(e.a); break;
        case kDecodeArrive: on_decode_arrival(e.a); break;
        case kDecodeStep: break;  // kept in decode_[].next, never in the heap
        case kReady: on_ready(e.a, e.b == 0); break;
        case kTick: {
          const auto k = static_cast<std::size_t>(e.a);
          if constexpr (kObserves<Controller>) {
            const FleetObservation o = observation(k - 1);
            apply(ctrl.observe_decide(o));
            snapshot(tick_s_ == s_.interval_s && first_tick_ == first_index_ ? k : interval_of(now_));
            push(policy_tick_time(k + 1), kTick, static_cast<std::uint32_t>(k + 1), 0);
          } else if constexpr (Controller::dynamic) {
            const Metrics m = metrics_of(k - 1);
            const WorkerCounts target = ctrl.decide(m, WorkerCounts{deployed_p_, deployed_d_});
            apply(target);
            snapshot(k);
            push(tick_time(k + 1), kTick, static_cast<std::uint32_t>(k + 1), 0);
          }
          break;
        }
      }
    }
    paused_at_ = std::max(paused_at_, until_ms);
    return false;
  }

  /// Adds a worker as if it had been deployed at the start, starting, and becomes ready at
  /// `ready_ms` (not before the time the last advance() stopped at). A copy of an engine paused
  /// there continues exactly as a replay that had the worker from its start (a starting worker
  /// takes no request; its ready event is handled before any other event at that time, as the
  /// start's are).
  /// \throws std::logic_error when `ready_ms` is earlier than that time
  void add_starting(bool prefill, double ready_ms) {
    if (!static_ || req_.empty())
      throw std::logic_error("fleet replay: workers are added part-way only to a begun replay of a fixed fleet");
    if (!(ready_ms >= paused_at_))
      throw std::logic_error("fleet replay: a worker added part-way must become ready after the pause");
    const std::uint32_t id = prefill ? new_prefill(start_) : new_decode(start_);
    heap_.push(Event{ready_ms, 0, id, prefill ? 0U : 1U, kReady});
    // The start's counts, as if it had been there (a fixed fleet takes no other); ready ones
    // as they were then.
    const long long rp = acc_[0].rp, rd = acc_[0].rd;
    snapshot(0);
    acc_[0].rp = rp;
    acc_[0].rd = rd;
  }

  /// Counts requests by arrival window from `t` on (its windows and limits), before begin().
  void count_by_window(const ReplayTally& t) {
    tally_ = t;
    tallying_ = true;
  }
  /// The counts by arrival window (when asked for).
  ReplayTally& tally() noexcept { return tally_; }

  /// The result, and the tally written back to the setup's. The engine is spent.
  ReplayResult end() {
    if (!req_.empty()) finish_result(res_);
    if (s_.tally) *s_.tally = tally_;
    return std::move(res_);
  }

private:
  template <class C>
  static constexpr bool kObserves = controller_observes<C>::value;
  template <class S>
  static constexpr bool kHinted = service_hinted<S>::value;

  enum Kind : std::uint8_t { kPrefillDone, kDecodeArrive, kDecodeStep, kReady, kTick };
  enum class Life : std::uint8_t { Starting, Ready, Draining, Gone };

  struct Event {
    double t;
    std::uint64_t seq;
    std::uint32_t a, b;
    Kind kind;
  };
  struct Later {
    bool operator()(const Event& x, const Event& y) const { return x.t != y.t ? x.t > y.t : x.seq > y.seq; }
  };
  struct PrefillWorker {
    std::uint32_t span = 0;
    Life life = Life::Starting;
    std::deque<std::uint32_t> queue;  // routed here, not started (chunked: not finished)
    bool busy = false;                // a request or a pass is being computed
    std::uint32_t current = 0;
    std::int64_t current_tokens = 0;  // single: prompt tokens the current request computes
    PrefixCache cache;
    std::int64_t outstanding = 0;     // KV router: prompt tokens routed here still to compute
    std::size_t pass_n = 0;           // chunked: queue entries in the running pass
    bool head_started = false;        // chunked: queue.front() was scheduled in an earlier pass
    std::int64_t head_done = 0;       // chunked: its tokens computed or cached so far
    std::int64_t last_done = 0;       // chunked: tokens of the pass's last entry after the pass
    std::size_t load() const { return queue.size() + (busy ? 1 : 0); }
  };
  struct InBatch {
    std::int64_t finish_step;
    std::uint32_t req;
  };
  struct FinishesLater {
    bool operator()(const InBatch& x, const InBatch& y) const {
      return x.finish_step != y.finish_step ? x.finish_step > y.finish_step : x.req > y.req;
    }
  };
  struct DecodeWorker {
    std::uint32_t span = 0;
    Life life = Life::Starting;
    std::vector<InBatch> batch;          // min-heap on finish_step
    std::deque<std::uint32_t> waiting;   // arrived, not admitted (FIFO)
    std::int64_t reserved = 0;           // Σ (isl + osl) over the batch: KV held
    std::int64_t waiting_reserved = 0;   // Σ (isl + osl) over waiting
    std::int64_t ctx2 = 0;               // Σ (2·isl + osl) over the batch: twice the profile context
    std::int64_t steps = 0;              // steps completed up to `base`
    double base = 0;                     // time of the last batch change (a step boundary)
    double tau = 0;                      // step time of the current batch (ms)
    std::int64_t pending = -1;           // steps from base to the scheduled step event (-1: none)
    Event next{0, 0, 0, 0, kDecodeStep}; // that event (when pending >= 0): its time and order
  };
  struct StepSlot {
    std::int64_t ctx2 = -1;
    std::size_t count = 0;
    double ms = 0;
  };
  static constexpr int kStepCacheBits = 12;
  struct IntervalAcc {
    std::size_t arrivals = 0, good = 0, first_tokens = 0, itl_n = 0, done = 0;
    std::int64_t prompt_tokens = 0, cached_tokens = 0;
    double isl = 0, osl = 0, ttft = 0, itl = 0, duration_s = 0;
    bool has_snapshot = false;
    long long p = 0, d = 0, rp = 0, rd = 0, gpus = 0;
  };
  /// What one policy tick observed (observing controllers only).
  struct TickAcc {
    std::size_t arrivals = 0, first_tokens = 0, itl_n = 0, done = 0;
    std::int64_t prompt_tokens = 0, cached_tokens = 0;
    double isl = 0, osl = 0, ttft = 0, itl = 0, duration_s = 0;
    Histogram isl_h = Histogram::dynamo_isl(), osl_h = Histogram::dynamo_osl();
    Histogram ttft_h = Histogram::dynamo_ttft_s(), itl_h = Histogram::dynamo_itl_s();
  };

  // ---- requests
  std::int64_t out_tokens(std::uint32_t r) const { return std::max<std::int64_t>(req_[r].osl, 1); }
  std::int64_t reserve(std::uint32_t r) const { return req_[r].isl + out_tokens(r); }
  std::int64_t ctx2(std::uint32_t r) const { return 2 * req_[r].isl + out_tokens(r); }

  // ---- events
  void push(double t, Kind k, std::uint32_t a, std::uint32_t b) { heap_.push(Event{t, seq_++, a, b, k}); }
  double tick_time(std::size_t k) const {
    return static_cast<double>(first_index_ + static_cast<std::int64_t>(k)) * s_.interval_s * 1000.0;
  }

  // ---- policy ticks
  double policy_tick_time(std::size_t k) const {
    return static_cast<double>(first_tick_ + static_cast<std::int64_t>(k)) * tick_s_ * 1000.0;
  }
  /// The accumulator of the tick holding now (observing controllers only; earlier ticks are gone).
  TickAcc& tick_acc() {
    const double q = python_floordiv(now_ / 1000.0, tick_s_) - static_cast<double>(first_tick_);
    const std::size_t j = q > 0 ? static_cast<std::size_t>(q) : 0;
    while (tick_base_ + ticks_.size() <= j) ticks_.emplace_back();
    return ticks_[j < tick_base_ ? 0 : j - tick_base_];
  }
  /// What tick k showed; drops its accumulator and those before it.
  FleetObservation observation(std::size_t k) {
    while (tick_base_ + ticks_.size() <= k) ticks_.emplace_back();
    while (tick_base_ < k) ticks_.pop_front(), ++tick_base_;
    TickAcc a = std::move(ticks_.front());
    ticks_.pop_front();
    ++tick_base_;
    FleetObservation o;
    o.start_s = policy_tick_time(k) / 1000.0;
    o.duration_s = tick_s_;
    o.num_req = static_cast<double>(a.arrivals);
    if (a.arrivals) {
      o.mean_isl = a.isl / static_cast<double>(a.arrivals);
      o.mean_osl = a.osl / static_cast<double>(a.arrivals);
    }
    if (a.first_tokens) o.ttft_ms = a.ttft / static_cast<double>(a.first_tokens);
    if (a.itl_n) o.itl_ms = a.itl / static_cast<double>(a.itl_n);
    if (a.done) o.request_duration_s = a.duration_s / static_cast<double>(a.done);
    if (a.prompt_tokens > 0) o.prefix_hit_rate = static_cast<double>(a.cached_tokens) / static_cast<double>(a.prompt_tokens);
    o.isl = std::move(a.isl_h);
    o.osl = std::move(a.osl_h);
    o.ttft_s = std::move(a.ttft_h);
    o.itl_s = std::move(a.itl_h);
    o.deployed = WorkerCounts{deployed_p_, deployed_d_};
    o.ready = WorkerCounts{static_cast<long long>(ready_p_.size()), static_cast<long long>(ready_d_.size())};
    if (s_.worker_loads) fill_loads(o);
    return o;
  }
  /// Per ready engine, what its scheduler would report now.
  void fill_loads(FleetObservation& o) const {
    for (const std::uint32_t id : ready_p_) {
      const PrefillWorker& w = prefill_[id];
      WorkerLoad l;
      const std::size_t from = s_.prefill_model == PrefillModel::chunked ? (w.busy ? w.pass_n : 0) : 0;
      for (std::size_t i = from; i < w.queue.size(); ++i) {
        const std::uint32_t r = w.queue[i];
        l.queued_prefill_tokens += static_cast<double>(kv_predicted_.empty() ? req_[r].isl : kv_predicted_[r]);
      }
      l.queued_requests = static_cast<double>(w.queue.size() - from);
      l.running_requests = s_.prefill_model == PrefillModel::chunked ? static_cast<double>(from) : (w.busy ? 1.0 : 0.0);
      o.prefill_workers.push_back(l);
    }
    for (const std::uint32_t id : ready_d_) {
      const DecodeWorker& d = decode_[id];
      WorkerLoad l;
      l.scheduled_decode_kv_tokens = 0.5 * static_cast<double>(d.ctx2);
      for (const std::uint32_t r : d.waiting) l.queued_decode_kv_tokens += static_cast<double>(req_[r].isl);
      l.queued_requests = static_cast<double>(d.waiting.size());
      l.running_requests = static_cast<double>(d.batch.size());
      o.decode_workers.push_back(l);
    }
  }

  // ---- intervals
  /// Index of the interval holding `t_ms` (Python's floor division, as the reference buckets
  /// time). The last interval found is kept: times inside it, away from its ends by far more than
  /// rounding, are answered without the division (the same answers).
  std::size_t interval_of(double t_ms) const {
    if (t_ms >= iv_lo_ && t_ms < iv_hi_) return iv_k_;
    const double q = python_floordiv(t_ms / 1000.0, s_.interval_s) - static_cast<double>(first_index_);
    const std::size_t k = q > 0 ? static_cast<std::size_t>(q) : 0;
    if (q >= 0) {
      const double a = (static_cast<double>(first_index_) + q) * s_.interval_s * 1000.0, b = a + s_.interval_s * 1000.0;
      const double slack = 1e-9 * (std::fabs(a) + std::fabs(b) + 1.0);
      iv_k_ = k;
      iv_lo_ = a + slack;
      iv_hi_ = b - slack;
    }
    return k;
  }
  IntervalAcc& acc(std::size_t k) {
    if (k >= acc_.size()) acc_.resize(k + 1);
    return acc_[k];
  }
  Metrics metrics_of(std::size_t k) {
    const IntervalAcc& a = acc(k);
    Metrics m;
    m.num_req = static_cast<double>(a.arrivals);
    if (a.arrivals) {
      m.isl = a.isl / static_cast<double>(a.arrivals);
      m.osl = a.osl / static_cast<double>(a.arrivals);
    }
    if (a.first_tokens) m.ttft_ms = a.ttft / static_cast<double>(a.first_tokens);
    if (a.itl_n) m.itl_ms = a.itl / static_cast<double>(a.itl_n);
    if (a.done) m.request_duration_s = a.duration_s / static_cast<double>(a.done);
    return m;
  }
  void snapshot(std::size_t k) {
    IntervalAcc& a = acc(k);
    a.has_snapshot = true;
    a.p = deployed_p_;
    a.d = deployed_d_;
    a.rp = static_cast<long long>(ready_p_.size());
    a.rd = static_cast<long long>(ready_d_.size());
    a.gpus = held_gpus_;
  }

  // ---- workers
  std::uint32_t new_span(bool prefill, double at) {
    WorkerSpan w;
    w.prefill = prefill;
    w.gpus = prefill ? s_.prefill_gpus : s_.decode_gpus;
    w.provisioned_ms = at;
    w.ready_ms = w.removed_ms = w.end_ms = std::numeric_limits<double>::infinity();
    res_.workers.push_back(w);
    held_gpus_ += w.gpus;
    peak_gpus_ = std::max(peak_gpus_, held_gpus_);
    return static_cast<std::uint32_t>(res_.workers.size() - 1);
  }
  static void insert_sorted(std::vector<std::uint32_t>& v, std::uint32_t id) {
    v.insert(std::upper_bound(v.begin(), v.end(), id), id);
  }
  static void erase_id(std::vector<std::uint32_t>& v, std::uint32_t id) {
    const auto it = std::lower_bound(v.begin(), v.end(), id);
    if (it != v.end() && *it == id) v.erase(it);
  }
  /// A new prefill (decode) worker, provisioned at `at`, not yet started; returns its id.
  std::uint32_t new_prefill(double at) {
    PrefillWorker w;
    w.span = new_span(true, at);
    w.cache = PrefixCache(s_.cache_blocks);
    prefill_.push_back(std::move(w));
    ++deployed_p_;
    peak_p_ = std::max(peak_p_, deployed_p_);
    return static_cast<std::uint32_t>(prefill_.size() - 1);
  }
  std::uint32_t new_decode(double at) {
    DecodeWorker w;
    w.span = new_span(false, at);
    decode_.push_back(std::move(w));
    ++deployed_d_;
    peak_d_ = std::max(peak_d_, deployed_d_);
    return static_cast<std::uint32_t>(decode_.size() - 1);
  }
  void add_prefill(bool ready_now, double ready_at = std::numeric_limits<double>::quiet_NaN()) {
    start(new_prefill(now_), true, ready_now, ready_at);
  }
  void add_decode(bool ready_now, double ready_at = std::numeric_limits<double>::quiet_NaN()) {
    start(new_decode(now_), false, ready_now, ready_at);
  }
  /// A worker just added becomes ready at `ready_at` when given (at once if that has passed),
  /// else at once when `ready_now` or without a start-up delay, else after the start-up delay.
  void start(std::uint32_t id, bool prefill, bool ready_now, double ready_at) {
    const std::uint32_t kind = prefill ? 0 : 1;
    if (!std::isnan(ready_at)) {
      if (ready_at <= now_) on_ready(id, prefill);
      else push(ready_at, kReady, id, kind);
    } else if (ready_now || s_.startup_ms == 0) on_ready(id, prefill);
    else push(now_ + s_.startup_ms, kReady, id, kind);
  }
  void on_ready(std::uint32_t id, bool prefill) {
    Life& life = prefill ? prefill_[id].life : decode_[id].life;
    if (life != Life::Starting) return;  // removed while starting
    life = Life::Ready;
    res_.workers[prefill ? prefill_[id].span : decode_[id].span].ready_ms = now_;
    insert_sorted(prefill ? ready_p_ : ready_d_, id);
  }
  void gone(std::uint32_t span) {
    WorkerSpan& w = res_.workers[span];
    w.end_ms = now_;
    held_gpus_ -= w.gpus;
  }
  /// Scales to `target` (at least one worker of each kind): new workers start; removal takes
  /// starting workers first (newest first), then the ready worker with the least outstanding
  /// work (newest on ties), which drains.
  void apply(WorkerCounts target) {
    target.prefill = std::max<long long>(target.prefill, 1);
    target.decode = std::max<long long>(target.decode, 1);
    while (deployed_p_ < target.prefill) add_prefill(false);
    while (deployed_d_ < target.decode) add_decode(false);
    while (deployed_p_ > target.prefill) remove_prefill();
    while (deployed_d_ > target.decode) remove_decode();
  }
  template <class W, class Load>
  std::uint32_t pick_removal(std::vector<W>& ws, const std::vector<std::uint32_t>& ready, Load load) {
    for (std::size_t i = ws.size(); i-- > 0;)
      if (ws[i].life == Life::Starting) return static_cast<std::uint32_t>(i);
    std::uint32_t best = ready.back();
    for (std::size_t i = ready.size(); i-- > 0;)
      if (load(ws[ready[i]]) < load(ws[best])) best = ready[i];
    return best;
  }
  void remove_prefill() {
    const std::uint32_t id = pick_removal(prefill_, ready_p_, [](const PrefillWorker& w) { return w.load(); });
    PrefillWorker& w = prefill_[id];
    --deployed_p_;
    res_.workers[w.span].removed_ms = now_;
    if (w.life == Life::Starting) {
      w.life = Life::Gone;
      gone(w.span);
      return;
    }
    erase_id(ready_p_, id);
    w.life = Life::Draining;
    if (w.load() == 0) {
      w.life = Life::Gone;
      gone(w.span);
    }
  }
  void remove_decode() {
    const std::uint32_t id = pick_removal(decode_, ready_d_, [](const DecodeWorker& w) {
      return w.reserved + w.waiting_reserved;
    });
    DecodeWorker& w = decode_[id];
    --deployed_d_;
    res_.workers[w.span].removed_ms = now_;
    if (w.life == Life::Starting) {
      w.life = Life::Gone;
      gone(w.span);
      return;
    }
    erase_id(ready_d_, id);
    w.life = Life::Draining;
    if (w.batch.empty() && w.waiting.empty()) {
      w.life = Life::Gone;
      gone(w.span);
    }
  }

  // ---- prefill
  void on_arrival(std::uint32_t r) {
    IntervalAcc& a = acc(interval_of(now_));
    ++a.arrivals;
    a.isl += static_cast<double>(req_[r].isl);
    a.osl += static_cast<double>(req_[r].osl);
    if (observing_) {
      TickAcc& t = tick_acc();
      ++t.arrivals;
      t.isl += static_cast<double>(req_[r].isl);
      t.osl += static_cast<double>(req_[r].osl);
      t.isl_h.add(static_cast<double>(req_[r].isl));
    }
    if (timed_) res_.timings[r].arrival_ms = now_;
    // Shortest queue (waiting + in service); ties go to the lowest id. There is always a ready
    // worker: the first ones are ready at once, and removal takes starting workers first.
    if (ready_p_.empty()) throw std::logic_error("fleet replay: no prefill worker is taking requests");
    std::uint32_t best = ready_p_.front();
    if (s_.router == PrefillRouter::shortest_queue) {
      std::size_t best_load = prefill_[best].load();
      for (std::size_t i = 1; i < ready_p_.size() && best_load > 0; ++i) {
        const std::size_t l = prefill_[ready_p_[i]].load();
        if (l < best_load) best = ready_p_[i], best_load = l;
      }
    } else if (s_.router == PrefillRouter::round_robin) {
      best = ready_p_[rr_++ % ready_p_.size()];
    } else {
      best = route_kv(r);
    }
    PrefillWorker& w = prefill_[best];
    if (timed_) res_.timings[r].prefill_worker = w.span;
    if (s_.prefill_model == PrefillModel::chunked) {
      w.queue.push_back(r);
      if (!w.busy) start_pass(best);
    } else if (w.busy) {
      w.queue.push_back(r);
    } else {
      start_prefill(best, r);
    }
  }
  /// Dynamo's KV router cost for a prefill worker: overlap_score_weight (1) × prefill blocks +
  /// decode blocks, where prefill blocks are the prompt tokens the worker still has to compute
  /// (its queue, as predicted when each was routed, plus this prompt's uncached tokens) over the
  /// block size, and decode blocks are 0 (Dynamo's prefill router does not track active blocks).
  /// Lowest cost wins; ties: lowest id.
  std::uint32_t route_kv(std::uint32_t r) {
    const std::int64_t isl = req_[r].isl;
    std::uint32_t best = ready_p_.front();
    std::int64_t best_cost = std::numeric_limits<std::int64_t>::max(), best_new = isl;
    for (const std::uint32_t id : ready_p_) {
      const PrefillWorker& w = prefill_[id];
      const std::int64_t fresh = isl - cached_tokens(r, w.cache.match(hash_ptr(r), hash_count(r)));
      const std::int64_t cost = w.outstanding + fresh;
      if (cost < best_cost) best = id, best_cost = cost, best_new = fresh;
    }
    if (kv_predicted_.empty()) kv_predicted_.assign(req_.size(), 0);
    kv_predicted_[r] = best_new;
    prefill_[best].outstanding += best_new;
    return best;
  }
  const std::uint64_t* hash_ptr(std::uint32_t r) const {
    return s_.hash_offsets ? s_.hashes + s_.hash_offsets[r] : nullptr;
  }
  std::size_t hash_count(std::uint32_t r) const {
    return s_.hash_offsets ? static_cast<std::size_t>(s_.hash_offsets[r + 1] - s_.hash_offsets[r]) : 0;
  }
  /// Prompt tokens served from the cache for `hits` leading blocks: at most isl − 1 (the last
  /// prompt token is always computed).
  std::int64_t cached_tokens(std::uint32_t r, std::size_t hits) const {
    if (hits == 0) return 0;
    const std::int64_t isl = req_[r].isl;
    return std::max<std::int64_t>(0, std::min<std::int64_t>(static_cast<std::int64_t>(hits) * s_.block_size, isl - 1));
  }
  /// Looks the request's prefix up in worker `id`'s cache when it is first scheduled; counts it.
  std::int64_t lookup(std::uint32_t id, std::uint32_t r) {
    std::int64_t c = 0;
    if (s_.cache_blocks != 0 && s_.hash_offsets) c = cached_tokens(r, prefill_[id].cache.lookup(hash_ptr(r), hash_count(r)));
    IntervalAcc& a = acc(interval_of(req_[r].arrival_ms));
    a.prompt_tokens += req_[r].isl;
    a.cached_tokens += c;
    prompt_tokens_ += req_[r].isl;
    cached_total_ += c;
    if (observing_) {
      TickAcc& t = tick_acc();
      t.prompt_tokens += req_[r].isl;
      t.cached_tokens += c;
    }
    if (timed_) {
      res_.timings[r].prefill_start_ms = now_;
      res_.timings[r].cached_tokens = c;
    }
    return c;
  }
  /// The request's prefill is done on worker `id`: its blocks enter the cache, the router's
  /// prediction is released.
  void prefill_finished(std::uint32_t id, std::uint32_t r) {
    PrefillWorker& w = prefill_[id];
    if (s_.cache_blocks != 0 && s_.hash_offsets) w.cache.insert(hash_ptr(r), hash_count(r));
    if (!kv_predicted_.empty()) w.outstanding -= kv_predicted_[r];
  }
  /// Hands the request to the decode side `rest` ms (the fixed latency) plus the KV transfer later.
  void send_to_decode(std::uint32_t r, double rest) {
    if (timed_) res_.timings[r].prefill_end_ms = now_ + rest;
    double transfer = s_.transfer_ms;
    if (s_.transfer_ms_per_token > 0) transfer += static_cast<double>(req_[r].isl) * s_.transfer_ms_per_token;
    if (rest + transfer > 0) push(now_ + rest + transfer, kDecodeArrive, r, 0);
    else on_decode_arrival(r);
  }

  // ---- chunked prefill
  /// Starts a forward pass on worker `id` (its queue is not empty): tokens from the queued requests
  /// in order up to the budget; the request left partial by the last pass continues first.
  void start_pass(std::uint32_t id) {
    PrefillWorker& w = prefill_[id];
    const PrefillCostModel& cm = *s_.cost;
    std::int64_t budget = s_.max_batched;
    double ms = cm.overhead_ms();
    std::size_t k = 0;
    for (; k < w.queue.size() && budget > 0; ++k) {
      const std::uint32_t r = w.queue[k];
      std::int64_t done;
      if (k == 0 && w.head_started) done = w.head_done;
      else done = lookup(id, r);
      const std::int64_t total = std::max<std::int64_t>(req_[r].isl, 1);
      const std::int64_t t = std::min(total - done, budget);
      ms += cm.chunk_ms(static_cast<double>(done), static_cast<double>(t));
      budget -= t;
      w.last_done = done + t;
    }
    ms *= s_.prefill_slowdown;
    w.pass_n = k;
    w.busy = true;
    if (!(ms >= 0) || !std::isfinite(ms))
      throw DataError("prefill pass time " + std::to_string(ms) + " ms is not a non-negative number; the profile cannot drive a replay");
    push(now_ + ms, kPrefillDone, id, 0);
  }
  void on_pass_done(std::uint32_t id) {
    PrefillWorker& w = prefill_[id];
    w.busy = false;
    const double rest = s_.fixed_ms;
    for (std::size_t j = 0; j < w.pass_n; ++j) {
      const std::uint32_t r = w.queue.front();
      const bool last = j + 1 == w.pass_n;
      if (last && w.last_done < std::max<std::int64_t>(req_[r].isl, 1)) {
        w.head_started = true;
        w.head_done = w.last_done;
        break;
      }
      w.queue.pop_front();
      w.head_started = false;
      prefill_finished(id, r);
      send_to_decode(r, rest);
    }
    if (!w.queue.empty()) start_pass(id);
    else if (w.life == Life::Draining) {
      w.life = Life::Gone;
      gone(w.span);
    }
  }
  void start_prefill(std::uint32_t id, std::uint32_t r) {
    PrefillWorker& w = prefill_[id];
    w.busy = true;
    w.current = r;
    w.current_tokens = req_[r].isl - lookup(id, r);
    const double ms = svc_.prefill_ms(w.current_tokens);
    if (!(ms >= 0) || !std::isfinite(ms))
      throw DataError("prefill time " + std::to_string(ms) + " ms at ISL " + std::to_string(req_[r].isl) +
                      " is not a non-negative number; the profile cannot drive a replay");
    push(now_ + std::max(0.0, ms - s_.fixed_ms) * s_.prefill_slowdown, kPrefillDone, id, 0);
  }
  void on_prefill_done(std::uint32_t id) {
    if (s_.prefill_model == PrefillModel::chunked) {
      on_pass_done(id);
      return;
    }
    PrefillWorker& w = prefill_[id];
    const std::uint32_t r = w.current;
    w.busy = false;
    // The rest of the request's prefill time (the fixed latency) passes off the worker.
    const double rest = s_.fixed_ms > 0 ? std::min(s_.fixed_ms, svc_.prefill_ms(w.current_tokens)) : 0.0;
    prefill_finished(id, r);
    if (!w.queue.empty()) {
      const std::uint32_t nxt = w.queue.front();
      w.queue.pop_front();
      start_prefill(id, nxt);
    } else if (w.life == Life::Draining) {
      w.life = Life::Gone;
      gone(w.span);
    }
    send_to_decode(r, rest);
  }

  // ---- decode
  void on_decode_arrival(std::uint32_t r) {
    if (tallying_) darrive_[r] = now_;
    // Least KV held or claimed (admitted + waiting); ties go to the lowest id.
    if (ready_d_.empty()) throw std::logic_error("fleet replay: no decode worker is taking requests");
    std::uint32_t best = ready_d_.front();
    std::int64_t best_load = decode_[best].reserved + decode_[best].waiting_reserved;
    for (std::size_t i = 1; i < ready_d_.size() && best_load > 0; ++i) {
      const DecodeWorker& d = decode_[ready_d_[i]];
      const std::int64_t l = d.reserved + d.waiting_reserved;
      if (l < best_load) best = ready_d_[i], best_load = l;
    }
    DecodeWorker& d = decode_[best];
    if (timed_) res_.timings[r].decode_worker = d.span;
    d.waiting.push_back(r);
    d.waiting_reserved += reserve(r);
    if (d.batch.empty()) {  // idle (then nothing was waiting either): joins now
      boundary(best, 0);
      return;
    }
    if (d.waiting.size() == 1 && static_cast<double>(d.reserved + reserve(r)) <= cap_) {
      // Joins at the first step boundary at or after now.
      auto steps = static_cast<std::int64_t>(std::ceil((now_ - d.base) / d.tau - 1e-9));
      if (steps <= 0) boundary(best, 0);
      else if (steps < d.pending) schedule(best, steps);
    }
  }
  /// The batch of worker `id` next changes `steps` steps after its last change. Each worker has
  /// at most one such event; they are kept beside the heap (stepping_), not in it, so that moving
  /// one earlier leaves no stale event behind.
  void schedule(std::uint32_t id, std::int64_t steps) {
    DecodeWorker& d = decode_[id];
    if (d.pending < 0) stepping_.push_back(id);
    d.pending = steps;
    d.next = Event{d.base + static_cast<double>(steps) * d.tau, seq_++, id, 0, kDecodeStep};
    step_min_ = kNone;
  }
  void unschedule(std::uint32_t id) {
    DecodeWorker& d = decode_[id];
    if (d.pending < 0) return;
    d.pending = -1;
    stepping_.erase(std::find(stepping_.begin(), stepping_.end(), id));
    step_min_ = kNone;
  }
  /// The decode worker whose step event is next (kNone: none scheduled).
  std::uint32_t next_step() {
    if (step_min_ == kNone && !stepping_.empty()) {
      std::uint32_t m = stepping_.front();
      for (std::uint32_t id : stepping_)
        if (Later()(decode_[m].next, decode_[id].next)) m = id;
      step_min_ = m;
    }
    return step_min_;
  }
  /// The batch of worker `id` changes now, `steps` steps after its last change: finished
  /// requests leave, waiting ones join in FIFO order while their full context fits.
  void boundary(std::uint32_t id, std::int64_t steps) {
    DecodeWorker& d = decode_[id];
    d.steps += steps;
    d.base = now_;
    unschedule(id);
    while (!d.batch.empty() && d.batch.front().finish_step <= d.steps) {
      std::pop_heap(d.batch.begin(), d.batch.end(), FinishesLater());
      const std::uint32_t r = d.batch.back().req;
      d.batch.pop_back();
      d.reserved -= reserve(r);
      d.ctx2 -= ctx2(r);
      finish(r);
    }
    while (!d.waiting.empty()) {
      const std::uint32_t r = d.waiting.front();
      if (!d.batch.empty() && static_cast<double>(d.reserved + reserve(r)) > cap_) break;
      d.waiting.pop_front();
      d.waiting_reserved -= reserve(r);
      admit(r);
      if (static_cast<double>(reserve(r)) > cap_) ++oversized_;
      if (out_tokens(r) == 1) {  // the first token was the only one
        finish(r);
        continue;
      }
      d.batch.push_back(InBatch{d.steps + out_tokens(r) - 1, r});
      std::push_heap(d.batch.begin(), d.batch.end(), FinishesLater());
      d.reserved += reserve(r);
      d.ctx2 += ctx2(r);
    }
    if (d.batch.empty()) {
      d.tau = 0;
      if (d.life == Life::Draining && d.waiting.empty()) {
        d.life = Life::Gone;
        gone(d.span);
      }
      return;
    }
    d.tau = step_ms(d.ctx2, d.batch.size());
    schedule(id, d.batch.front().finish_step - d.steps);
  }
  /// Step time of a batch of `count` requests whose contexts sum to ctx2 / 2, memoised: the
  /// service model is a pure function, and batches of one shape recur (exactly the same
  /// arguments give exactly the same value, so the cache changes no result).
  double step_ms(std::int64_t ctx2, std::size_t count) {
    const std::uint64_t h = (static_cast<std::uint64_t>(ctx2) * 0x9E3779B97F4A7C15ULL) ^
                            (static_cast<std::uint64_t>(count) * 0xC2B2AE3D27D4EB4FULL);
    StepSlot& slot = step_cache_[static_cast<std::size_t>(h >> (64 - kStepCacheBits))];
    if (slot.ctx2 == ctx2 && slot.count == count) return slot.ms;
    const double context = 0.5 * static_cast<double>(ctx2);
    const double kv = context / cap_, mean = context / static_cast<double>(count);
    double ms;
    if constexpr (kHinted<Service>) ms = svc_.decode_step_ms(kv, mean, step_hint_) * s_.decode_slowdown;
    else ms = svc_.decode_step_ms(kv, mean) * s_.decode_slowdown;
    if (!(ms > 0) || !std::isfinite(ms))
      throw DataError("decode step time " + std::to_string(ms) + " ms at KV usage " + std::to_string(kv) +
                      " and context " + std::to_string(mean) + " is not positive; the profile cannot drive a replay");
    slot = StepSlot{ctx2, count, ms};
    return ms;
  }
  void admit(std::uint32_t r) {
    dstart_[r] = now_;
    ttft_[r] = now_ - req_[r].arrival_ms;
    IntervalAcc& a = acc(interval_of(now_));
    ++a.first_tokens;
    a.ttft += ttft_[r];
    if (observing_) {
      TickAcc& t = tick_acc();
      ++t.first_tokens;
      t.ttft += ttft_[r];
      t.ttft_h.add(ttft_[r] / 1000.0);
    }
    if (timed_) {
      res_.timings[r].decode_start_ms = now_;
      res_.timings[r].ttft_ms = ttft_[r];
    }
  }
  void finish(std::uint32_t r) {
    const std::int64_t out = out_tokens(r);
    const double itl = out >= 2 ? (now_ - dstart_[r]) / static_cast<double>(out - 1) : 0.0;
    const bool ttft_ok = ttft_[r] <= s_.ttft_ms, itl_ok = itl <= s_.itl_ms, good = ttft_ok && itl_ok;
    const bool scored = req_[r].arrival_ms >= score_from_;
    IntervalAcc& a = acc(interval_of(now_));
    ++a.done;
    a.duration_s += (now_ - req_[r].arrival_ms) / 1000.0;
    if (out >= 2) {
      a.itl += itl;
      ++a.itl_n;
      if (scored) itl_values_.push_back(itl);
    }
    if (observing_) {
      TickAcc& t = tick_acc();
      ++t.done;
      t.duration_s += (now_ - req_[r].arrival_ms) / 1000.0;
      t.osl_h.add(static_cast<double>(req_[r].osl));
      if (out >= 2) {
        t.itl += itl;
        ++t.itl_n;
        t.itl_h.add(itl / 1000.0, static_cast<double>(out - 1));
      }
    }
    if (good) {
      ++acc(interval_of(req_[r].arrival_ms)).good;
      if (scored) ++good_;
    }
    scored_ += scored;
    if (tallying_) tally(r, itl, ttft_ok, itl_ok, good);
    if (timed_) {
      RequestTiming& t = res_.timings[r];
      t.finish_ms = now_;
      t.itl_ms = itl;
      t.good = good;
    }
    end_ = now_;
    ++finished_;
    if (s_.progress && *s_.progress && ((finished_ & 0xFFFF) == 0 || finished_ == req_.size()))
      (*s_.progress)(finished_, req_.size());
  }

  void tally(std::uint32_t r, double itl, bool ttft_ok, bool itl_ok, bool good) {
    ReplayTally& t = tally_;
    const double a = req_[r].arrival_ms;
    if (a < t.warm_from_ms) return;
    if (a < t.split_ms) {
      if (out_tokens(r) >= 2) ++t.warm, t.warm_itl_ms += itl;
      return;
    }
    if (a < t.late_from_ms) {
      ++t.early;
      t.early_good += good;
      if (t.early - t.early_good > t.early_miss_limit) t.early_stop = true;
      return;
    }
    ++t.late;
    t.late_good += good;
    if (t.late - t.late_good > t.late_miss_limit) t.late_stop = true;
    const bool decode_wait = !ttft_ok && dstart_[r] - darrive_[r] > ttft_[r] - s_.ttft_ms;
    t.late_prefill_ok += ttft_ok || decode_wait;
    t.late_decode_ok += itl_ok && !decode_wait;
  }

  // ---- result
  void finish_result(ReplayResult& res) {
    now_ = end_;
    // Scored window: from score_from_ (the first arrival unless score_after_ms) to the end.
    const double from = std::min(std::max(start_, score_from_), end_);
    double gpu_ms = 0;
    for (WorkerSpan& w : res.workers) {
      if (!std::isfinite(w.end_ms)) w.end_ms = end_;
      const double a = std::max(w.provisioned_ms, from);
      if (w.end_ms > a) gpu_ms += static_cast<double>(w.gpus) * (w.end_ms - a);
    }
    if (score_from_ > start_) {  // percentiles over the scored requests only
      std::size_t k = 0;
      for (std::size_t i = 0; i < req_.size(); ++i)
        if (req_[i].arrival_ms >= score_from_) ttft_[k++] = ttft_[i];
      ttft_.resize(k);
    }
    res.good = good_;
    res.scored = scored_;
    res.score_from_ms = from;
    res.oversized = oversized_;
    res.prompt_tokens = prompt_tokens_;
    res.cached_tokens = cached_total_;
    res.prefill_tokens_computed = prompt_tokens_ - cached_total_;
    res.prefix_hit_rate = prompt_tokens_ > 0 ? static_cast<double>(cached_total_) / static_cast<double>(prompt_tokens_) : 0.0;
    res.start_ms = start_;
    res.end_ms = end_;
    res.duration_s = (end_ - from) / 1000.0;
    res.gpu_hours = gpu_ms / 3.6e6;
    res.avg_gpus = end_ > from ? gpu_ms / (end_ - from) : static_cast<double>(peak_gpus_);
    res.peak_gpus = peak_gpus_;
    res.peak_prefill = peak_p_;
    res.peak_decode = peak_d_;
    res.goodput_rps = res.duration_s > 0 ? static_cast<double>(good_) / res.duration_s : 0.0;
    res.goodput_per_gpu = res.avg_gpus > 0 ? res.goodput_rps / res.avg_gpus : 0.0;
    res.attainment_percent = scored_ ? 100.0 * static_cast<double>(good_) / static_cast<double>(scored_) : 0.0;
    res.ttft_ms = latency_percentiles(ttft_);
    res.itl_ms = latency_percentiles(itl_values_);

    const std::size_t n_int = interval_of(end_) + 1;
    acc(n_int - 1);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    res.intervals.resize(n_int);
    const IntervalAcc* last = &acc_[0];
    for (std::size_t k = 0; k < n_int; ++k) {
      const IntervalAcc& a = acc_[k];
      if (a.has_snapshot) last = &a;
      ReplayInterval& o = res.intervals[k];
      o.start_s = static_cast<double>(k) * s_.interval_s;
      o.arrivals = a.arrivals;
      o.good = a.good;
      o.prompt_tokens = a.prompt_tokens;
      o.cached_tokens = a.cached_tokens;
      o.mean_ttft_ms = a.first_tokens ? a.ttft / static_cast<double>(a.first_tokens) : nan;
      o.mean_itl_ms = a.itl_n ? a.itl / static_cast<double>(a.itl_n) : nan;
      o.prefill_workers = last->p;
      o.decode_workers = last->d;
      o.ready_prefill = last->rp;
      o.ready_decode = last->rd;
      o.gpus = last->gpus;
    }
  }

  const Service& svc_;
  const std::vector<ReplayRequest>& req_;
  EngineSetup s_;
  double cap_;

  std::priority_queue<Event, std::vector<Event>, Later> heap_;  // every event but the decode steps
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  std::vector<std::uint32_t> stepping_;  // decode workers with a step event scheduled
  std::uint32_t step_min_ = kNone;       // the one of them whose event is next (kNone: to find)
  std::uint64_t seq_ = 1;  // 0 is for workers added part-way (add_starting)
  double now_ = 0, start_ = 0, end_ = 0;
  double paused_at_ = 0;  // advance() handled every event before this time
  mutable std::size_t iv_k_ = 0;                  // interval_of's last interval
  mutable double iv_lo_ = 1, iv_hi_ = 0;          // times surely inside it (empty at first)
  std::int64_t first_index_ = 0;

  std::vector<PrefillWorker> prefill_;
  std::vector<DecodeWorker> decode_;
  std::vector<std::uint32_t> ready_p_, ready_d_;  // ids taking requests, ascending
  long long deployed_p_ = 0, deployed_d_ = 0, peak_p_ = 0, peak_d_ = 0;
  long long held_gpus_ = 0, peak_gpus_ = 0;

  std::vector<double> dstart_, ttft_, itl_values_, darrive_;
  ReplayResult res_;                        // built up as the replay runs (workers, timings)
  bool timed_ = false;                      // keep every request's timeline in res_.timings
  ReplayTally tally_;                       // counts by arrival window (when tallying_)
  bool tallying_ = false;
  bool static_ = false;                     // begun with a controller that never acts
  std::size_t next_ = 0;                    // next arrival to take
  std::vector<IntervalAcc> acc_;
  int step_hint_ = -1;  // the service model's last decode-step triangle (when it takes one)
  std::vector<StepSlot> step_cache_ = std::vector<StepSlot>(std::size_t(1) << kStepCacheBits);
  std::size_t finished_ = 0, good_ = 0, oversized_ = 0;
  std::int64_t prompt_tokens_ = 0, cached_total_ = 0;
  std::vector<std::int64_t> kv_predicted_;  // KV router: tokens each request was predicted to compute
  std::size_t rr_ = 0;                      // round robin position
  double score_from_ = 0;                   // requests arriving earlier are not scored
  std::size_t scored_ = 0;
  bool observing_ = false;                  // an observing controller runs: fill ticks_
  double tick_s_ = 60;
  std::int64_t first_tick_ = 0;
  std::deque<TickAcc> ticks_;               // ticks not yet observed, from tick_base_
  std::size_t tick_base_ = 0;
};

}  // namespace sla_planner::detail
