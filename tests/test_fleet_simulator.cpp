// FleetSimulator: the request-level replay against hand-computed timelines (a service model with
// round numbers), the H200 profile's own interpolants, and invariants on the sinusoidal example trace (rr-5-45_i3000o300).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include "sla_planner/formats/trace_loaders.hpp"
#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/planner/planner.hpp"
#include "sla_planner/planner/throughput_policy.hpp"
#include "sla_planner/sim/dry_run.hpp"
#include "sla_planner/sim/fleet_simulator.hpp"
#include "sla_planner/trace/interval_series.hpp"
#include "test_helpers.hpp"

using namespace sla_planner;
using Catch::Matchers::Contains;

namespace {

/// Round numbers: prefill 5 ms + 0.01 ms/token; a decode step 2 ms + 10 ms × KV usage.
struct LinearService {
  double cap = 10000;
  double prefill_ms(std::int64_t isl) const { return 5.0 + 0.01 * static_cast<double>(isl); }
  double decode_step_ms(double kv_usage, double /*mean_context*/) const { return 2.0 + 10.0 * kv_usage; }
  double max_kv_tokens() const { return cap; }
};

ReplayOptions opts(double ttft = 1000, double itl = 100) {
  ReplayOptions o;
  o.ttft_ms = ttft;
  o.itl_ms = itl;
  o.keep_timings = true;
  return o;
}

StaticFleet fleet(long long p, long long d) {
  StaticFleet f;
  f.num_prefill = p;
  f.num_decode = d;
  return f;
}

const Profile& h200() {
  static const Profile p = load_profile(test::profile_path("H200_TP1P_TP1D"));
  return p;
}

const std::vector<ReplayRequest>& seed_trace() {
  static const std::vector<ReplayRequest> r = load_replay_requests(test::data_path("traces/rr-5-45_i3000o300.jsonl"));
  return r;
}

PlannerConfig seed_config() {
  PlannerConfig c;
  c.ttft_ms = 200;
  c.itl_ms = 10;
  c.adjustment_interval_s = 60;
  c.load_predictor = PredictorKind::Constant;
  c.no_correction = true;
  c.max_gpu_budget = 8;
  return c;
}

/// A planner performance model with fixed numbers (only the TTFT/ITL it expects matter here).
struct FixedPerf {
  double prefill_ttft_ms(double) const { return 10.0; }
  double prefill_thpt_per_gpu(double) const { return 1e9; }
  double decode_itl_ms(double, double) const { return 1.0; }
  DecodeOperatingPoint decode_best(double itl, double) const { return {1e9, itl, 0.5, -1, -1}; }
};

}  // namespace

TEST_CASE("one request: TTFT is the prefill time, ITL the step time of a batch of one") {
  const FleetSimulator<LinearService> sim(LinearService{}, opts());
  const ReplayResult r = sim.run_static({{0.0, 1000, 101}}, fleet(1, 1));
  REQUIRE(r.requests == 1);
  REQUIRE(r.timings.size() == 1);
  const RequestTiming& t = r.timings[0];
  // prefill 5 + 0.01·1000 = 15 ms; context 1000 + 101/2 = 1050.5 → KV 0.10505 → step 3.0505 ms;
  // the first token comes with admission, the other 100 one step each.
  CHECK(t.prefill_start_ms == 0.0);
  CHECK(t.prefill_end_ms == Approx(15.0).epsilon(1e-12));
  CHECK(t.ttft_ms == Approx(15.0).epsilon(1e-12));
  CHECK(t.itl_ms == Approx(3.0505).epsilon(1e-12));
  CHECK(t.finish_ms == Approx(15.0 + 100 * 3.0505).epsilon(1e-12));
  CHECK(t.good);
  CHECK(r.good == 1);
  CHECK(r.duration_s == Approx(0.32005).epsilon(1e-12));
  CHECK(r.goodput_rps == Approx(1 / 0.32005).epsilon(1e-12));
  CHECK(r.avg_gpus == Approx(2.0).epsilon(1e-12));
  CHECK(r.gpu_hours == Approx(2 * 320.05 / 3.6e6).epsilon(1e-12));
  CHECK(r.ttft_ms.p50 == Approx(15.0).epsilon(1e-12));
  CHECK(r.itl_ms.p99 == Approx(3.0505).epsilon(1e-12));

  SECTION("KV transfer adds to TTFT only") {
    ReplayOptions o = opts();
    o.kv_transfer_ms = 2.5;
    const ReplayResult x = FleetSimulator<LinearService>(LinearService{}, o).run_static({{0.0, 1000, 101}}, fleet(1, 1));
    CHECK(x.timings[0].prefill_end_ms == Approx(15.0).epsilon(1e-12));
    CHECK(x.timings[0].ttft_ms == Approx(17.5).epsilon(1e-12));
    CHECK(x.timings[0].itl_ms == Approx(3.0505).epsilon(1e-12));
  }
  SECTION("a missed target fails the request, and goodput counts only the good ones") {
    const ReplayResult x = FleetSimulator<LinearService>(LinearService{}, opts(14.9, 100)).run_static({{0.0, 1000, 101}}, fleet(1, 1));
    CHECK_FALSE(x.timings[0].good);
    CHECK(x.good == 0);
    CHECK(x.goodput_rps == 0.0);
    CHECK(x.attainment_percent == 0.0);
    const ReplayResult y = FleetSimulator<LinearService>(LinearService{}, opts(15, 3.05)).run_static({{0.0, 1000, 101}}, fleet(1, 1));
    CHECK_FALSE(y.timings[0].good);  // ITL 3.0505 > 3.05
  }
  SECTION("one output token: no decode step, ITL 0") {
    const ReplayResult x = sim.run_static({{0.0, 1000, 1}, {1.0, 1000, 0}}, fleet(1, 1));
    CHECK(x.timings[0].finish_ms == Approx(15.0).epsilon(1e-12));
    CHECK(x.timings[0].itl_ms == 0.0);
    CHECK(x.timings[1].ttft_ms == Approx(29.0).epsilon(1e-12));  // queued behind the first: 15 - 1 + 15
    CHECK(x.good == 2);
  }
}

TEST_CASE("one request on the H200 profile: the profile's TTFT and the interpolant's ITL at its KV usage") {
  ReplayOptions o = opts(200, 10);
  const FleetSimulator<> sim(ProfileServiceModel(h200()), o);
  const ReplayResult r = sim.run_static({{1000.0, 3000, 300}}, fleet(1, 1));
  const PrefillInterpolator prefill(h200().prefill);
  const DecodeInterpolator decode(h200().decode);
  const double ttft = prefill.ttft_ms(3000);
  const double itl = decode.evaluate_exact(3150.0 / decode.max_kv_tokens(), 3150.0).first;
  CHECK(ttft == Approx(60.45866867507648).epsilon(1e-12));  // perf_interpolation's number
  CHECK(decode.max_kv_tokens() == 945029.0);
  const RequestTiming& t = r.timings[0];
  CHECK(t.ttft_ms == Approx(ttft).epsilon(1e-12));
  CHECK(t.itl_ms == Approx(itl).epsilon(1e-12));
  // Near the lightest profiled points (4.38 ms at context 350, 4.43 at 2997, 4.51 at 5644); the
  // cubic patch dips a little between them.
  CHECK(itl == Approx(4.3007).margin(1e-4));
  CHECK(t.finish_ms == Approx(1000.0 + ttft + 299 * itl).epsilon(1e-12));
  CHECK(t.good);
}

TEST_CASE("queueing: the second of two simultaneous requests waits exactly the first one's prefill") {
  const FleetSimulator<LinearService> sim(LinearService{}, opts());
  const std::vector<ReplayRequest> two = {{0.0, 1000, 101}, {0.0, 1000, 101}};
  SECTION("two decode workers: each request has its own") {
    const ReplayResult r = sim.run_static(two, fleet(1, 2));
    CHECK(r.timings[0].prefill_start_ms == 0.0);
    CHECK(r.timings[1].prefill_start_ms == Approx(15.0).epsilon(1e-12));
    CHECK(r.timings[1].prefill_start_ms - r.timings[1].arrival_ms == r.timings[0].prefill_end_ms - r.timings[0].prefill_start_ms);
    CHECK(r.timings[1].ttft_ms == Approx(30.0).epsilon(1e-12));
    CHECK(r.timings[0].decode_worker != r.timings[1].decode_worker);
    CHECK(r.timings[1].itl_ms == Approx(3.0505).epsilon(1e-12));
  }
  SECTION("two prefill workers: no wait") {
    const ReplayResult r = sim.run_static(two, fleet(2, 2));
    CHECK(r.timings[1].prefill_start_ms == 0.0);
    CHECK(r.timings[0].prefill_worker != r.timings[1].prefill_worker);
  }
  SECTION("one decode worker: the second joins the running batch at the next step boundary") {
    const ReplayResult r = sim.run_static(two, fleet(1, 1));
    // Request 0 decodes from 15 ms at 3.0505 ms a step; request 1 is ready at 30 ms, 4.92 steps
    // later, and joins at step 5: 15 + 5 × 3.0505 = 30.2525 ms. Together: context 2101 → 4.101 ms.
    CHECK(r.timings[1].ttft_ms == Approx(30.2525).epsilon(1e-12));
    const double t0_end = 30.2525 + 95 * 4.101;  // request 0's remaining 95 steps
    CHECK(r.timings[0].finish_ms == Approx(t0_end).epsilon(1e-12));
    CHECK(r.timings[0].itl_ms == Approx((t0_end - 15.0) / 100).epsilon(1e-12));
    CHECK(r.timings[1].finish_ms == Approx(t0_end + 5 * 3.0505).epsilon(1e-12));  // alone again
    CHECK(r.timings[1].itl_ms == Approx((t0_end + 5 * 3.0505 - 30.2525) / 100).epsilon(1e-12));
  }
  SECTION("shortest queue, ties to the lowest id") {
    const std::vector<ReplayRequest> three = {{0.0, 1000, 2}, {0.0, 1000, 2}, {0.0, 1000, 2}};
    const ReplayResult r = sim.run_static(three, fleet(2, 1));
    CHECK(r.timings[0].prefill_worker == 0);
    CHECK(r.timings[1].prefill_worker == 1);
    CHECK(r.timings[2].prefill_worker == 0);
    CHECK(r.timings[2].prefill_start_ms == Approx(15.0).epsilon(1e-12));
  }
}

TEST_CASE("KV capacity: a request joins only while its whole context fits, otherwise it waits") {
  // Each request reserves 4000 + 1001 = 5001 tokens; its context is 4000 + 500.5.
  const std::vector<ReplayRequest> two = {{0.0, 4000, 1001}, {0.0, 4000, 1001}};
  SECTION("capacity 10000: the second waits for the first to finish") {
    const FleetSimulator<LinearService> sim(LinearService{10000}, opts(1e9, 1e9));
    const ReplayResult r = sim.run_static(two, fleet(2, 1));
    // Both prefills end at 45 ms; request 0 decodes alone: KV 0.45005 → 6.5005 ms a step, 1000 steps.
    const double end0 = 45.0 + 1000 * 6.5005;
    CHECK(r.timings[0].ttft_ms == Approx(45.0).epsilon(1e-12));
    CHECK(r.timings[0].finish_ms == Approx(end0).epsilon(1e-12));
    CHECK(r.timings[1].prefill_end_ms == Approx(45.0).epsilon(1e-12));
    CHECK(r.timings[1].decode_start_ms == Approx(end0).epsilon(1e-12));
    CHECK(r.timings[1].ttft_ms == Approx(end0).epsilon(1e-12));
    CHECK(r.timings[1].itl_ms == Approx(6.5005).epsilon(1e-12));
    CHECK(r.oversized == 0);
  }
  SECTION("capacity 10002: both fit and share the batch from the start") {
    const FleetSimulator<LinearService> sim(LinearService{10002}, opts(1e9, 1e9));
    const ReplayResult r = sim.run_static(two, fleet(2, 1));
    const double step = 2.0 + 10.0 * 9001.0 / 10002.0;
    for (const RequestTiming& t : r.timings) {
      CHECK(t.ttft_ms == Approx(45.0).epsilon(1e-12));
      CHECK(t.itl_ms == Approx(step).epsilon(1e-12));
    }
  }
  SECTION("FIFO: a small request behind a waiting large one waits too") {
    const FleetSimulator<LinearService> sim(LinearService{10000}, opts(1e9, 1e9));
    const std::vector<ReplayRequest> three = {{0.0, 4000, 1001}, {0.0, 4000, 1001}, {50.0, 100, 11}};
    const ReplayResult r = sim.run_static(three, fleet(2, 1));
    CHECK(r.timings[2].prefill_end_ms == Approx(56.0).epsilon(1e-12));
    CHECK(r.timings[2].decode_start_ms >= r.timings[0].finish_ms);  // would fit, but request 1 is ahead
    CHECK(r.timings[2].decode_start_ms == r.timings[1].decode_start_ms);
  }
  SECTION("a request larger than the whole cache runs alone") {
    const FleetSimulator<LinearService> sim(LinearService{1000}, opts(1e9, 1e9));
    const ReplayResult r = sim.run_static({{0.0, 2000, 11}, {0.0, 10, 11}}, fleet(1, 1));
    CHECK(r.oversized == 1);
    CHECK(r.requests == 2);
    CHECK(r.timings[1].decode_start_ms == Approx(r.timings[0].finish_ms).epsilon(1e-12));
  }
}

TEST_CASE("prefill fixed latency: capacity changes, a lone request's TTFT does not") {
  ReplayOptions o = opts();
  o.prefill_fixed_latency_ms = 4.0;
  const FleetSimulator<LinearService> sim(LinearService{}, o);
  const ReplayResult r = sim.run_static({{0.0, 1000, 101}, {0.0, 1000, 101}}, fleet(1, 2));
  CHECK(r.timings[0].ttft_ms == Approx(15.0).epsilon(1e-12));
  CHECK(r.timings[1].prefill_start_ms == Approx(11.0).epsilon(1e-12));  // worker busy 15 - 4 ms
  CHECK(r.timings[1].ttft_ms == Approx(26.0).epsilon(1e-12));
}

TEST_CASE("prefill fixed latency estimated from the profile: TTFT at ISL 0 minus the fastest decode step") {
  // H200: the line through (100, 19.5252) and (1117, 38.4941) meets ISL 0 at 17.660 ms; the
  // fastest decode step (one request, context 350) is 4.380 ms.
  CHECK(estimate_prefill_fixed_latency_ms(h200()) == Approx(17.660018 - 4.379870).margin(1e-4));
  Profile p;
  p.prefill.isl = {1000, 100, 2000};  // unsorted on purpose
  p.prefill.ttft_ms = {30, 12, 60};
  p.decode.itl_ms = {5, 3};
  CHECK(estimate_prefill_fixed_latency_ms(p) == Approx(10.0 - 3.0).epsilon(1e-12));  // slope 0.02 ms/token
  p.decode.itl_ms = {20};
  CHECK(estimate_prefill_fixed_latency_ms(p) == 0.0);  // never negative
  p.prefill.ttft_ms = {10, 20, 60};                    // TTFT falling at first: intercept 21.1
  p.decode.itl_ms = {0.5};
  CHECK(estimate_prefill_fixed_latency_ms(p) == 20.0);  // at most the smallest profiled TTFT
  p.decode.itl_ms.clear();
  CHECK(estimate_prefill_fixed_latency_ms(p) == 0.0);
  p.decode.itl_ms = {1};
  p.prefill.isl = {100, 100, 100};
  CHECK(estimate_prefill_fixed_latency_ms(p) == 0.0);
}

TEST_CASE("schedule: startup delay, draining, removal while starting; no request lost, GPU time counted") {
  ReplayOptions o = opts();
  o.interval_s = 10;
  o.startup_delay_s = 5;
  FleetSchedule s;
  s.counts = {{1, 1}, {2, 1}, {1, 1}};
  // r1 arrives when the second prefill worker is still starting; r2 and r3 are long prefills
  // (5 + 3000 ms) on both workers when the schedule removes one at 20 s.
  const std::vector<ReplayRequest> reqs = {
      {0.0, 1000, 11}, {12000.0, 1000, 11}, {16000.0, 1000, 11}, {19900.0, 300000, 11}, {19900.0, 300000, 11}};
  const FleetSimulator<LinearService> sim(LinearService{1e6}, o);
  const ReplayResult r = sim.run_schedule(reqs, s);
  REQUIRE(r.workers.size() == 3);  // P0, D0 at the start, P1 at 10 s
  const WorkerSpan& p1 = r.workers[2];
  CHECK(p1.prefill);
  CHECK(p1.provisioned_ms == 10000.0);
  CHECK(p1.ready_ms == 15000.0);
  CHECK(p1.removed_ms == 20000.0);
  CHECK(p1.end_ms == Approx(19900.0 + 3005.0).epsilon(1e-12));  // drained its last prefill
  CHECK(r.timings[1].prefill_worker == 0);                       // P1 was not ready at 12 s
  CHECK(r.timings[1].prefill_start_ms == 12000.0);
  CHECK(r.timings[3].prefill_worker == 0);
  CHECK(r.timings[4].prefill_worker == 2);  // both idle: lowest id first, then the other
  CHECK(r.timings[4].finish_ms > p1.end_ms);  // served in full though its worker was removed
  CHECK(r.requests == 5);
  for (const RequestTiming& t : r.timings) CHECK(t.finish_ms > t.arrival_ms);
  const double end = r.end_ms;
  CHECK(end == r.timings[4].finish_ms);
  CHECK(r.workers[0].end_ms == end);
  CHECK(r.gpu_hours == Approx((end + end + (p1.end_ms - 10000.0)) / 3.6e6).epsilon(1e-12));
  CHECK(r.peak_gpus == 3);
  CHECK(r.peak_prefill == 2);
  REQUIRE(r.intervals.size() == 3);
  CHECK(r.intervals[1].prefill_workers == 2);
  CHECK(r.intervals[1].ready_prefill == 1);
  CHECK(r.intervals[1].gpus == 3);
  CHECK(r.intervals[2].prefill_workers == 1);
  CHECK(r.intervals[2].gpus == 3);  // the removed worker still drains
  CHECK(r.intervals[1].arrivals == 4);

  SECTION("a worker removed before it is ready never serves and holds its GPU until removal") {
    o.startup_delay_s = 15;
    const ReplayResult x = FleetSimulator<LinearService>(LinearService{1e6}, o).run_schedule(reqs, s);
    REQUIRE(x.workers.size() == 3);
    CHECK(std::isinf(x.workers[2].ready_ms));
    CHECK(x.workers[2].end_ms == 20000.0);
    for (const RequestTiming& t : x.timings) CHECK(t.prefill_worker == 0);
    CHECK(x.gpu_hours == Approx((2 * x.end_ms + 10000.0) / 3.6e6).epsilon(1e-12));
  }
}

TEST_CASE("planner-driven fleet on the sinusoidal example trace: startup delay, draining and GPU time") {
  const PlannerConfig c = seed_config();
  Planner planner(c, ProfilePerfModel(h200()));
  ReplayOptions o = opts(200, 10);
  o.keep_timings = true;
  const FleetSimulator<> sim(ProfileServiceModel(h200()), o);
  const ReplayResult r = sim.run_planner(seed_trace(), planner);
  REQUIRE(r.requests == 44941);
  REQUIRE(r.timings.size() == 44941);
  double gpu_ms = 0;
  std::size_t added = 0, removed = 0;
  for (std::size_t i = 0; i < r.workers.size(); ++i) {
    const WorkerSpan& w = r.workers[i];
    if (i >= 2) {  // added by the planner
      ++added;
      if (std::isfinite(w.ready_ms)) CHECK(w.ready_ms - w.provisioned_ms == Approx(60000.0).epsilon(1e-12));
    }
    if (std::isfinite(w.removed_ms)) {
      ++removed;
      CHECK(w.end_ms >= w.removed_ms);
    }
    CHECK(w.end_ms <= r.end_ms);
    gpu_ms += w.gpus * (w.end_ms - w.provisioned_ms);
  }
  CHECK(added > 0);
  CHECK(removed > 0);
  CHECK(r.gpu_hours == Approx(gpu_ms / 3.6e6).epsilon(1e-12));
  CHECK(r.avg_gpus == Approx(gpu_ms / (r.end_ms - r.start_ms)).epsilon(1e-12));
  // Every request was served by workers that were taking requests when it reached them, and
  // finished before its decode worker released its GPU.
  std::size_t good = 0, bad_prefill = 0, bad_decode = 0, bad_order = 0;
  for (const RequestTiming& t : r.timings) {
    const WorkerSpan& p = r.workers[t.prefill_worker];
    const WorkerSpan& d = r.workers[t.decode_worker];
    bad_prefill += !p.prefill || t.arrival_ms < p.ready_ms || t.arrival_ms >= p.removed_ms || t.prefill_end_ms > p.end_ms;
    bad_decode += d.prefill || t.prefill_end_ms < d.ready_ms || t.prefill_end_ms >= d.removed_ms || t.finish_ms > d.end_ms;
    bad_order += !(t.arrival_ms <= t.prefill_start_ms && t.prefill_start_ms < t.prefill_end_ms &&
                   t.prefill_end_ms <= t.decode_start_ms && t.decode_start_ms < t.finish_ms);
    good += t.good;
  }
  CHECK(bad_prefill == 0);
  CHECK(bad_decode == 0);
  CHECK(bad_order == 0);
  CHECK(good == r.good);
  // One decision per interval boundary passed, each applied to the next interval's counts.
  REQUIRE(r.decisions.size() >= 30);
  for (std::size_t k = 1; k < r.intervals.size() && k <= r.decisions.size(); ++k) {
    CHECK(r.intervals[k].prefill_workers == r.decisions[k - 1].num_prefill);
    CHECK(r.intervals[k].decode_workers == r.decisions[k - 1].num_decode);
  }
}

TEST_CASE("planner decisions equal the dry run's when the planner sees the same load") {
  // Constant predictor, no correction: the replay feeds the planner each interval's request count
  // and mean ISL/OSL, as the dry run does from the trace.
  const PlannerConfig c = seed_config();
  Planner p1(c, ProfilePerfModel(h200())), p2(c, ProfilePerfModel(h200()));
  const IntervalSeries s = load_interval_series(test::data_path("traces/rr-5-45_i3000o300.jsonl"));
  const DryRunResult dry = dry_run(p1, s.num_req_double(), s.isl, s.osl);
  const FleetSimulator<> sim(ProfileServiceModel(h200()), opts(200, 10));
  const ReplayResult r = sim.run_planner(seed_trace(), p2);
  REQUIRE(r.intervals.size() >= dry.series.num_p.size());
  for (std::size_t k = 0; k < dry.series.num_p.size(); ++k) {
    INFO("interval " << k);
    CHECK(r.intervals[k].prefill_workers == dry.series.num_p[k]);
    CHECK(r.intervals[k].decode_workers == dry.series.num_d[k]);
    CHECK(r.intervals[k].arrivals == static_cast<std::size_t>(s.num_req[k]));
  }
  CHECK(r.peak_gpus == dry.summary.peak_gpus);

  SECTION("and a schedule of the dry run's counts replays exactly like the planner") {
    FleetSchedule sched;
    for (std::size_t k = 0; k < dry.series.num_p.size(); ++k)
      sched.counts.push_back({dry.series.num_p[k], dry.series.num_d[k]});
    for (std::size_t k = dry.series.num_p.size(); k < r.decisions.size() + 1; ++k)
      sched.counts.push_back({r.decisions[k - 1].num_prefill, r.decisions[k - 1].num_decode});
    const ReplayResult x = sim.run_schedule(seed_trace(), sched);
    CHECK(x.good == r.good);
    CHECK(x.end_ms == r.end_ms);
    CHECK(x.gpu_hours == r.gpu_hours);
  }
}

TEST_CASE("the planner observes the replay's latencies (correction factors)") {
  // FixedPerf expects a 10 ms TTFT and a 1 ms ITL; one request per interval, alone on the
  // fleet: observed TTFT 15 ms, ITL 3.0505 ms → factors 1.5 and 3.0505.
  PlannerConfig c;
  c.adjustment_interval_s = 10;
  c.load_predictor = PredictorKind::Constant;
  c.ttft_ms = 1000;
  c.itl_ms = 100;
  BasicPlanner<FixedPerf> planner(c, FixedPerf{});
  ReplayOptions o = opts();
  const FleetSimulator<LinearService> sim(LinearService{}, o);
  const ReplayResult r = sim.run_planner({{0.0, 1000, 101}, {10000.0, 1000, 101}, {20000.0, 1000, 101}}, planner);
  REQUIRE(r.decisions.size() == 2);
  CHECK(r.decisions[0].prefill_correction == Approx(1.5).epsilon(1e-12));
  CHECK(r.decisions[0].decode_correction == Approx(3.0505).epsilon(1e-12));
  CHECK(r.decisions[0].predicted_num_req == 1.0);
  CHECK(r.decisions[0].predicted_isl == 1000.0);
  CHECK(r.decisions[0].predicted_osl == 101.0);
}

TEST_CASE("deterministic: the same input gives the same result, whatever ran before") {
  const FleetSimulator<> sim(ProfileServiceModel(h200()), opts(200, 10));
  auto run = [&] {
    Planner planner(seed_config(), ProfilePerfModel(h200()));
    return sim.run_planner(seed_trace(), planner);
  };
  auto same = [](const ReplayResult& x, const ReplayResult& y) {
    CHECK(x.good == y.good);
    CHECK(x.end_ms == y.end_ms);
    CHECK(x.gpu_hours == y.gpu_hours);
    CHECK(x.ttft_ms.p50 == y.ttft_ms.p50);
    CHECK(x.ttft_ms.p99 == y.ttft_ms.p99);
    CHECK(x.itl_ms.p90 == y.itl_ms.p90);
    REQUIRE(x.timings.size() == y.timings.size());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < x.timings.size(); ++i)
      differ += x.timings[i].finish_ms != y.timings[i].finish_ms || x.timings[i].decode_start_ms != y.timings[i].decode_start_ms;
    CHECK(differ == 0);
  };
  const ReplayResult a = run();
  const ReplayResult s1 = sim.run_static(seed_trace(), fleet(2, 2));
  const ReplayResult b = run();
  const ReplayResult s2 = sim.run_static(seed_trace(), fleet(2, 2));
  same(a, b);
  same(s1, s2);
  CHECK(a.decisions.size() == b.decisions.size());
}

TEST_CASE("seed comparison on the model: 3P1D is far worse than 2P2D; numbers pinned") {
  // Pinned so that a change of the model shows up here (and in the README tables).
  SECTION("with the profile's fixed latency (planner_replay's default)") {
    ReplayOptions o = opts(200, 10);
    o.prefill_fixed_latency_ms = estimate_prefill_fixed_latency_ms(h200());
    const FleetSimulator<> sim(ProfileServiceModel(h200()), o);
    const ReplayResult p2d2 = sim.run_static(seed_trace(), fleet(2, 2));
    CHECK(p2d2.good == 18431);
    CHECK(p2d2.goodput_rps == Approx(10.232).margin(1e-3));
    CHECK(sim.run_static(seed_trace(), fleet(3, 1)).good == 898);  // decode-bound: prefill does not matter
  }
  const FleetSimulator<> sim(ProfileServiceModel(h200()), opts(200, 10));  // the literal model
  const ReplayResult p3d1 = sim.run_static(seed_trace(), fleet(3, 1));
  const ReplayResult p2d2 = sim.run_static(seed_trace(), fleet(2, 2));
  CHECK(p3d1.goodput_rps < p2d2.goodput_rps);
  CHECK(p3d1.goodput_per_gpu < p2d2.goodput_per_gpu);
  CHECK(p2d2.good == 9722);
  CHECK(p3d1.good == 898);
  CHECK(p2d2.avg_gpus == Approx(4.0).epsilon(1e-12));
  // The single decode worker of 3P1D saturates its KV cache: every request at the top ITL.
  CHECK(p3d1.itl_ms.p50 == Approx(41.708).margin(0.01));
}

TEST_CASE("seed comparison: the ARIMA planner beats 2P2D and 3P1D in goodput and goodput/GPU") {
  // The README's seed table (planner_replay's defaults: the profile's fixed latency, 60 s start-up).
  ReplayOptions o = opts(200, 10);
  o.keep_timings = false;
  o.prefill_fixed_latency_ms = estimate_prefill_fixed_latency_ms(h200());
  const FleetSimulator<> sim(ProfileServiceModel(h200()), o);
  PlannerConfig c = seed_config();
  c.load_predictor = PredictorKind::Arima;
  Planner planner(c, ProfilePerfModel(h200()));
  const ReplayResult planned = sim.run_planner(seed_trace(), planner);
  const ReplayResult p2d2 = sim.run_static(seed_trace(), fleet(2, 2));
  const ReplayResult p3d1 = sim.run_static(seed_trace(), fleet(3, 1));
  CHECK(planned.goodput_rps > p2d2.goodput_rps);
  CHECK(p2d2.goodput_rps > p3d1.goodput_rps);
  CHECK(planned.goodput_per_gpu > p2d2.goodput_per_gpu);
  CHECK(p2d2.goodput_per_gpu > p3d1.goodput_per_gpu);
  CHECK(planned.goodput_rps == Approx(12.47).margin(0.01));
  CHECK(planned.goodput_per_gpu == Approx(3.19).margin(0.01));
  CHECK(planned.peak_gpus == 6);
}

TEST_CASE("bad input and options are rejected with the field named") {
  const FleetSimulator<LinearService> sim(LinearService{}, opts());
  CHECK_THROWS_WITH(sim.run_static({{5.0, 10, 10}, {1.0, 10, 10}}, fleet(1, 1)),
                    Contains("requests must be sorted by arrival_ms (request 1"));
  CHECK_THROWS_WITH(sim.run_static({{0.0, -1, 10}}, fleet(1, 1)), Contains("'isl' and 'osl' must be >= 0, got -1"));
  CHECK_THROWS_WITH(sim.run_static({{std::nan(""), 1, 10}}, fleet(1, 1)), Contains("'arrival_ms' must be finite"));
  CHECK_THROWS_WITH(sim.run_static({{0.0, 1, 1}}, fleet(0, 1)), Contains("'num_prefill' must be in [1, 100000], got 0"));
  ReplayOptions o;
  o.startup_delay_s = -1;
  CHECK_THROWS_WITH(o.validate(), "'startup_delay_s' must be >= 0, got -1");
  o = ReplayOptions();
  o.interval_s = 0;
  CHECK_THROWS_WITH(FleetSimulator<LinearService>(LinearService{}, o), "'interval_s' must be > 0, got 0");
  o = ReplayOptions();
  o.start_num_d = 0;
  CHECK_THROWS_WITH(o.validate(), "'start_num_d' must be >= 1, got 0");
  FleetSchedule s;
  CHECK_THROWS_WITH(s.validate(), "'counts' must hold at least one entry, got 0");
  s.counts = {{1, 0}};
  CHECK_THROWS_WITH(s.validate(), Contains("'counts[0]' must have 1..100000 prefill and decode workers, got 1P0D"));
  // A service model that gives a non-positive step time cannot drive a replay.
  struct Broken : LinearService {
    double decode_step_ms(double, double) const { return 0.0; }
  };
  CHECK_THROWS_AS(FleetSimulator<Broken>(Broken{}, opts()).run_static({{0.0, 10, 10}}, fleet(1, 1)), DataError);
  // Nothing to replay is not an error.
  const ReplayResult empty = sim.run_static({}, fleet(1, 1));
  CHECK(empty.requests == 0);
  CHECK(empty.goodput_rps == 0.0);
}

TEST_CASE("static fleet names") {
  CHECK(StaticFleet::parse("2P2D").num_prefill == 2);
  CHECK(StaticFleet::parse("3p1d").num_decode == 1);
  CHECK(StaticFleet::parse("12P7D").name() == "12P7D");
  for (const char* bad : {"", "2P", "P2D", "2X2D", "2P2D ", "-1P1D", "2P2Dx"})
    CHECK_THROWS_WITH(StaticFleet::parse(bad), Contains("must look like 2P2D"));
  CHECK_THROWS_WITH(StaticFleet::parse("0P1D"), "'num_prefill' must be in [1, 100000], got 0");
}

TEST_CASE("load_replay_requests sorts by arrival and scales time") {
  const std::vector<ReplayRequest>& r = seed_trace();
  REQUIRE(r.size() == 44941);
  CHECK(r.front().arrival_ms == 0.0);
  CHECK(r.back().arrival_ms == 1799875.0);
  CHECK(r.front().isl == 3000);
  CHECK(r.front().osl == 300);
  const auto fast = load_replay_requests(test::data_path("traces/rr-5-45_i3000o300.jsonl"), {}, 2.0);
  CHECK(fast.back().arrival_ms == 1799875.0 / 2);
  CHECK_THROWS_WITH(load_replay_requests("x.jsonl", {}, 0.0), Contains("'time_scale' must be > 0"));
}

// ---- chunked prefill, prefix caching, routing, KV transfer

namespace {

/// A prefill profile on the line TTFT(n) = 10 + 0.01 n: with a fixed latency of 5 ms a pass costs
/// o = 5 ms plus 0.01 ms per token computed, at any ISL.
PrefillCostModel linear_cost() {
  PrefillProfile p;
  p.isl = {1000, 2000, 3000, 4000};
  p.ttft_ms = {20, 30, 40, 50};
  p.thpt_per_gpu = {1, 1, 1, 1};
  p.source = "linear";
  return PrefillCostModel(p, 5.0);
}

ReplayOptions chunked(std::int64_t budget = 8192) {
  ReplayOptions o = opts();
  o.prefill_model = PrefillModel::chunked;
  o.prefill_fixed_latency_ms = 5.0;
  o.max_num_batched_tokens = budget;
  return o;
}

ReplayWorkload workload(std::vector<ReplayRequest> r, std::vector<std::vector<std::uint64_t>> ids) {
  ReplayWorkload w;
  w.requests = std::move(r);
  w.hash_offsets.push_back(0);
  for (const auto& v : ids) {
    w.block_hashes.insert(w.block_hashes.end(), v.begin(), v.end());
    w.hash_offsets.push_back(w.block_hashes.size());
  }
  return w;
}

}  // namespace

TEST_CASE("chunked prefill: three prompts queued behind a pass share the next pass") {
  const FleetSimulator<LinearService> sim(LinearService{}, chunked(), linear_cost());
  // r0 starts a pass alone at 0: 5 + 10 = 15 ms. r1..r3 arrive meanwhile and share the next pass,
  // 15 → 15 + 5 + 3 × 10 = 50 ms; each prefill then ends the fixed 5 ms later.
  const ReplayResult r = sim.run_static({{0.0, 1000, 1}, {1.0, 1000, 1}, {2.0, 1000, 1}, {3.0, 1000, 1}}, fleet(1, 1));
  CHECK(r.timings[0].prefill_start_ms == 0.0);
  CHECK(r.timings[0].prefill_end_ms == Approx(20.0));
  for (int i = 1; i <= 3; ++i) {
    CHECK(r.timings[i].prefill_start_ms == 15.0);
    CHECK(r.timings[i].prefill_end_ms == Approx(55.0));
    CHECK(r.timings[i].ttft_ms == Approx(55.0 - i));  // one output token: it is the first
  }
  CHECK(r.prefill_tokens_computed == 4000);
  CHECK(r.prefix_hit_rate == 0.0);
}

TEST_CASE("chunked prefill: a prompt longer than the budget is split over three passes") {
  const FleetSimulator<LinearService> sim(LinearService{}, chunked(1000), linear_cost());
  // 2500 tokens with 1000 per pass: 15 + 15 + 10 ms (three overheads instead of one).
  const ReplayResult one = sim.run_static({{0.0, 2500, 1}}, fleet(1, 1));
  CHECK(one.timings[0].prefill_end_ms == Approx(40.0 + 5.0));
  // A 500-token prompt arriving during the first pass waits for the long one's chunks (it continues
  // first), then shares the third pass: 30 → 30 + 5 + 5 + 5 = 45 ms.
  const ReplayResult two = sim.run_static({{0.0, 2500, 1}, {1.0, 500, 1}}, fleet(1, 1));
  CHECK(two.timings[0].prefill_end_ms == Approx(50.0));
  CHECK(two.timings[1].prefill_start_ms == 30.0);
  CHECK(two.timings[1].prefill_end_ms == Approx(50.0));
  // In one pass it would take W(2500) = 5 + 25 ms.
  const FleetSimulator<LinearService> big(LinearService{}, chunked(8192), linear_cost());
  CHECK(big.run_static({{0.0, 2500, 1}}, fleet(1, 1)).timings[0].prefill_end_ms == Approx(35.0));
}

TEST_CASE("chunked prefill on the H200 profile: twice the largest ISL takes longer than the largest") {
  const double fixed = estimate_prefill_fixed_latency_ms(h200());
  const PrefillCostModel cost(h200().prefill, fixed);
  ReplayOptions o = opts(1e9, 1e9);
  o.prefill_fixed_latency_ms = fixed;
  o.prefill_model = PrefillModel::chunked;
  const auto nmax = static_cast<std::int64_t>(cost.max_isl());
  for (std::int64_t budget : {std::int64_t(8192), std::int64_t(1) << 40}) {
    o.max_num_batched_tokens = budget;
    const FleetSimulator<> sim(ProfileServiceModel(h200()), o, cost);
    const double at_max = sim.run_static({{0.0, nmax, 1}}, fleet(1, 1)).timings[0].prefill_end_ms;
    const double twice = sim.run_static({{0.0, 2 * nmax, 1}}, fleet(1, 1)).timings[0].prefill_end_ms;
    CHECK(twice > at_max + 0.5 * (at_max - fixed));
    if (budget > 2 * nmax) {  // one pass: exactly W(n) + the fixed latency
      CHECK(at_max == Approx(PrefillInterpolator(h200().prefill).ttft_ms(static_cast<double>(nmax))));
      CHECK(twice == Approx(cost.lone_ms(2.0 * static_cast<double>(nmax)) + fixed));
    }
  }
  // The one-at-a-time model clamps the ISL: both take the same time.
  ReplayOptions s = opts(1e9, 1e9);
  s.prefill_fixed_latency_ms = fixed;
  const FleetSimulator<> single(ProfileServiceModel(h200()), s);
  CHECK(single.run_static({{0.0, 2 * nmax, 1}}, fleet(1, 1)).timings[0].prefill_end_ms ==
        single.run_static({{0.0, nmax, 1}}, fleet(1, 1)).timings[0].prefill_end_ms);
}

TEST_CASE("prefix caching: a repeated prompt computes only its last token") {
  ReplayOptions o = chunked();
  o.prefix_cache_tokens = -1;
  const FleetSimulator<LinearService> sim(LinearService{}, o, linear_cost());
  // r0 (1500 tokens, blocks 1 2 3) ends its pass at 20; r1, the same prompt at 100, finds all 3
  // blocks: min(3 × 512, 1500 − 1) = 1499 cached tokens, a pass of 5 + 0.01 ms. r2 shares only
  // block 1 (512 tokens); r3 holds blocks 2 and 3 behind an uncached first block: no hit.
  const ReplayWorkload w = workload({{0.0, 1500, 1}, {100.0, 1500, 1}, {200.0, 1500, 1}, {300.0, 1500, 1}},
                                    {{1, 2, 3}, {1, 2, 3}, {1, 9, 10}, {13, 2, 3}});
  const ReplayResult r = sim.run_static(w, fleet(1, 1));
  CHECK(r.timings[1].cached_tokens == 1499);
  CHECK(r.timings[1].prefill_end_ms == Approx(100.0 + 5.01 + 5.0));
  CHECK(r.timings[2].cached_tokens == 512);
  CHECK(r.timings[2].prefill_end_ms == Approx(200.0 + 5.0 + 9.88 + 5.0));
  CHECK(r.timings[3].cached_tokens == 0);
  CHECK(r.cached_tokens == 2011);
  CHECK(r.prefill_tokens_computed == 6000 - 2011);
  CHECK(r.prefix_hit_rate == Approx(2011.0 / 6000.0));
  CHECK(r.intervals[0].prefix_hit_rate() == Approx(2011.0 / 6000.0));
  // The one-at-a-time model uses the cache too: TTFT(1) − 0 for the repeated prompt.
  ReplayOptions s = opts();
  s.prefix_cache_tokens = -1;
  const ReplayResult one = FleetSimulator<LinearService>(LinearService{}, s).run_static(w, fleet(1, 1));
  CHECK(one.timings[1].prefill_end_ms == Approx(100.0 + 5.01));
  CHECK(one.cached_tokens == 2011);
  // Without hashes (or with caching off) nothing hits.
  CHECK(sim.run_static(w.requests, fleet(1, 1)).prefix_hit_rate == 0.0);
  CHECK(FleetSimulator<LinearService>(LinearService{}, chunked(), linear_cost()).run_static(w, fleet(1, 1)).cached_tokens == 0);
}

TEST_CASE("KV router: the worker holding the prefix wins until its queue outweighs it") {
  ReplayOptions o = chunked();
  o.prefix_cache_tokens = -1;
  o.router = PrefillRouter::kv;
  const FleetSimulator<LinearService> sim(LinearService{}, o, linear_cost());
  // r0 (blocks 1-4) ties (2048 tokens each) and goes to worker 0, which caches its blocks by 25.48.
  // At 100, rA (blocks 1-4 + 8 new, 6144 tokens): worker 0 must compute 4096, worker 1 6144 → 0.
  // rB (blocks 1-4 + 8 others): worker 0 4096 queued + 4096 = 8192 > 6144 on worker 1 → 1.
  // rC (blocks 1-4, 2048 tokens): worker 0 4096 + 1 = 4097 < 6144 + 2048 → 0.
  std::vector<std::uint64_t> a = {1, 2, 3, 4}, b = a, c = a;
  for (std::uint64_t k = 0; k < 8; ++k) b.push_back(20 + k), c.push_back(30 + k);
  const ReplayWorkload w =
      workload({{0.0, 2048, 1}, {100.0, 6144, 1}, {100.0, 6144, 1}, {100.0, 2048, 1}}, {a, b, c, a});
  const ReplayResult r = sim.run_static(w, fleet(2, 1));
  CHECK(r.timings[0].prefill_worker == 0);
  CHECK(r.timings[1].prefill_worker == 0);
  CHECK(r.timings[2].prefill_worker == 1);
  CHECK(r.timings[3].prefill_worker == 0);
  CHECK(r.timings[1].cached_tokens == 2048);
  CHECK(r.timings[2].cached_tokens == 0);
  // Round robin: 0, 1, 0, 1.
  o.router = PrefillRouter::round_robin;
  const ReplayResult rr = FleetSimulator<LinearService>(LinearService{}, o, linear_cost()).run_static(w, fleet(2, 1));
  CHECK(rr.timings[0].prefill_worker == 0);
  CHECK(rr.timings[1].prefill_worker == 1);
  CHECK(rr.timings[2].prefill_worker == 0);
  CHECK(rr.timings[3].prefill_worker == 1);
}

TEST_CASE("KV transfer time from bytes per token and bandwidth") {
  ReplayOptions o = opts();
  o.kv_transfer_ms = 3;
  o.kv_bytes_per_token = 1e6;  // 1 MB per token at 10 GB/s: 0.1 ms per token
  o.kv_transfer_gbps = 10;
  const ReplayResult r = FleetSimulator<LinearService>(LinearService{}, o).run_static({{0.0, 1000, 1}}, fleet(1, 1));
  // prefill 5 + 10 = 15 ms, then 1000 × 0.1 + 3 ms of transfer
  CHECK(r.timings[0].prefill_end_ms == Approx(15.0));
  CHECK(r.timings[0].ttft_ms == Approx(118.0));
}

TEST_CASE("prefix hit rate on the Mooncake conversation trace equals the trace's own reuse share") {
  MooncakeReadOptions ro;
  const ReplayWorkload w = load_replay_workload(test::data_path("traces/mooncake_conversation_trace.jsonl"), ro);
  REQUIRE(w.has_hashes());
  // Independently: in arrival order, the longest prefix of each request's ids seen in any earlier
  // request, min(blocks × 512, isl − 1) tokens.
  std::set<std::uint64_t> seen;
  double cached = 0, prompt = 0;
  for (std::size_t i = 0; i < w.requests.size(); ++i) {
    const std::uint64_t* ids = w.block_hashes.data() + w.hash_offsets[i];
    const std::size_t n = w.hash_offsets[i + 1] - w.hash_offsets[i];
    std::size_t k = 0;
    while (k < n && seen.count(ids[k])) ++k;
    const std::int64_t isl = w.requests[i].isl;
    if (k) cached += static_cast<double>(std::max<std::int64_t>(0, std::min<std::int64_t>(std::int64_t(k) * 512, isl - 1)));
    prompt += static_cast<double>(isl);
    seen.insert(ids, ids + n);
  }
  const double share = cached / prompt;
  CHECK(share == Approx(0.374).margin(0.001));
  ReplayOptions o = opts();
  o.prefix_cache_tokens = -1;
  o.prefill_fixed_latency_ms = estimate_prefill_fixed_latency_ms(h200());
  const FleetSimulator<> sim(ProfileServiceModel(h200()), o);
  const ReplayResult r = sim.run_static(w, fleet(1, 1));
  CHECK(r.prefix_hit_rate == Approx(share).epsilon(1e-12));
  CHECK(r.requests == w.requests.size());
}

TEST_CASE("chunked prefill with caching on the seed trace: no request lost, GPU time, deterministic") {
  const ReplayWorkload w = load_replay_workload(test::data_path("traces/rr-5-45_i3000o300.jsonl"));
  const double fixed = estimate_prefill_fixed_latency_ms(h200());
  ReplayOptions o = opts(200, 10);
  o.prefill_fixed_latency_ms = fixed;
  o.prefill_model = PrefillModel::chunked;
  o.prefix_cache_tokens = static_cast<std::int64_t>(h200().decode.max_kv_tokens);
  for (PrefillRouter router : {PrefillRouter::shortest_queue, PrefillRouter::round_robin, PrefillRouter::kv}) {
    o.router = router;
    const FleetSimulator<> sim(ProfileServiceModel(h200()), o, PrefillCostModel(h200().prefill, fixed));
    const ReplayResult a = sim.run_static(w, fleet(2, 2));
    const ReplayResult b = sim.run_static(w, fleet(2, 2));
    CHECK(a.requests == w.requests.size());
    std::size_t finished = 0;
    for (const RequestTiming& t : a.timings) finished += t.finish_ms >= t.decode_start_ms && t.decode_start_ms >= t.prefill_end_ms;
    CHECK(finished == w.requests.size());
    CHECK(a.gpu_hours == Approx(4 * a.duration_s / 3600.0));
    CHECK(a.prefix_hit_rate > 0.03);  // random ids from 10,000: some first blocks repeat
    CHECK(a.prefill_tokens_computed + a.cached_tokens == a.prompt_tokens);
    CHECK(a.ttft_ms.p50 == b.ttft_ms.p50);
    CHECK(a.itl_ms.p99 == b.itl_ms.p99);
    CHECK(a.good == b.good);
    CHECK(a.end_ms == b.end_ms);
  }
}

TEST_CASE("the tools' default model on the seed trace: README numbers pinned, every timing bit for bit") {
  // planner_replay's defaults: chunked prefill, a prefix cache of max_kv_tokens per prefill worker,
  // round-robin routing, the profile's fixed latency.
  const ReplayWorkload w = load_replay_workload(test::data_path("traces/rr-5-45_i3000o300.jsonl"));
  const double fixed = estimate_prefill_fixed_latency_ms(h200());
  ReplayOptions o = opts(200, 10);
  o.prefill_fixed_latency_ms = fixed;
  o.prefill_model = PrefillModel::chunked;
  o.prefix_cache_tokens = static_cast<std::int64_t>(h200().decode.max_kv_tokens);
  o.router = PrefillRouter::round_robin;
  const FleetSimulator<> sim(ProfileServiceModel(h200()), o, PrefillCostModel(h200().prefill, fixed));
  auto planned = [&] {
    Planner planner(seed_config(), ProfilePerfModel(h200()));
    return sim.run_planner(w, planner);
  };
  const ReplayResult p1 = planned();
  const ReplayResult a = sim.run_static(w, fleet(2, 2));
  const ReplayResult other = sim.run_static(w, fleet(3, 1));
  const ReplayResult p2 = planned();
  const ReplayResult b = sim.run_static(w, fleet(2, 2));
  // README: 2P2D 10.53 req/s (42.2 %), 3P1D 0.44, the constant-predictor planner 9.09.
  CHECK(a.good == 18962);
  CHECK(a.prefill_tokens_computed == 129687640);
  CHECK(a.goodput_rps == Approx(10.53).margin(0.005));
  CHECK(other.good == 898);
  CHECK(p1.good == 16380);
  CHECK(p1.prefill_tokens_computed == 129710314);
  CHECK(p1.goodput_rps == Approx(9.09).margin(0.005));
  for (const auto& pair : {std::make_pair(&a, &b), std::make_pair(&p1, &p2)}) {
    const ReplayResult& x = *pair.first;
    const ReplayResult& y = *pair.second;
    REQUIRE(x.timings.size() == w.requests.size());
    REQUIRE(y.timings.size() == x.timings.size());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < x.timings.size(); ++i) {
      const RequestTiming& s = x.timings[i];
      const RequestTiming& t = y.timings[i];
      differ += s.prefill_start_ms != t.prefill_start_ms || s.prefill_end_ms != t.prefill_end_ms ||
                s.decode_start_ms != t.decode_start_ms || s.finish_ms != t.finish_ms ||
                s.cached_tokens != t.cached_tokens || s.prefill_worker != t.prefill_worker ||
                s.decode_worker != t.decode_worker;
    }
    CHECK(differ == 0);
    CHECK(x.cached_tokens == y.cached_tokens);
    CHECK(x.gpu_hours == y.gpu_hours);
  }
}

// ---- policy-driven replays, the scored window, model mismatch, fleets caught mid-scaling

TEST_CASE("run_policy with the throughput rules gives run_planner's result, number for number") {
  PlannerConfig c = seed_config();
  c.load_predictor = PredictorKind::Arima;
  c.no_correction = false;
  const FleetSimulator<> sim(ProfileServiceModel(h200()), opts(200, 10));
  Planner planner(c, ProfilePerfModel(h200()));
  const ReplayResult a = sim.run_planner(seed_trace(), planner);
  ThroughputPolicy<ProfilePerfModel> policy(c, ProfilePerfModel(h200()));
  const ReplayResult b = sim.run_policy(seed_trace(), policy, "planner", c.prefill_engine_num_gpu, c.decode_engine_num_gpu);
  CHECK(a.good == b.good);
  CHECK(a.gpu_hours == b.gpu_hours);
  CHECK(a.end_ms == b.end_ms);
  CHECK(a.ttft_ms.p99 == b.ttft_ms.p99);
  CHECK(a.itl_ms.p90 == b.itl_ms.p90);
  REQUIRE(a.decisions.size() == b.decisions.size());
  for (std::size_t i = 0; i < a.decisions.size(); ++i) {
    CHECK(a.decisions[i].num_prefill == b.decisions[i].num_prefill);
    CHECK(a.decisions[i].num_decode == b.decisions[i].num_decode);
    CHECK(a.decisions[i].notes == b.decisions[i].notes);
  }
  REQUIRE(a.intervals.size() == b.intervals.size());
  for (std::size_t k = 0; k < a.intervals.size(); ++k) {
    CHECK(a.intervals[k].prefill_workers == b.intervals[k].prefill_workers);
    CHECK(a.intervals[k].good == b.intervals[k].good);
  }
  REQUIRE(a.timings.size() == b.timings.size());
  std::size_t differ = 0;
  for (std::size_t i = 0; i < a.timings.size(); ++i) differ += a.timings[i].finish_ms != b.timings[i].finish_ms;
  CHECK(differ == 0);
}

TEST_CASE("score_after: earlier requests load the fleet but are not scored; GPU-hours over the scored window") {
  // 1P1D (2 GPUs), ISL 100, OSL 2: TTFT = 5 + 1 = 6 ms, one decode step of 2 + 10 × 101/10000 ms.
  const std::vector<ReplayRequest> reqs = {{0, 100, 2}, {10000, 100, 2}};
  ReplayOptions o = opts(1000, 100);
  const double step = 2.0 + 10.0 * 101.0 / 10000.0;
  const ReplayResult all = FleetSimulator<LinearService>(LinearService{}, o).run_static(reqs, fleet(1, 1));
  CHECK(all.scored == 2);
  CHECK(all.good == 2);
  CHECK(all.end_ms == Approx(10000 + 6 + step));
  CHECK(all.gpu_hours == Approx(2 * all.end_ms / 3.6e6));
  o.score_after_s = 5;
  const ReplayResult late = FleetSimulator<LinearService>(LinearService{}, o).run_static(reqs, fleet(1, 1));
  CHECK(late.requests == 2);
  CHECK(late.scored == 1);
  CHECK(late.good == 1);
  CHECK(late.attainment_percent == 100.0);
  CHECK(late.score_from_ms == 5000.0);
  CHECK(late.duration_s == Approx((10000 + 6 + step - 5000) / 1000.0));
  CHECK(late.gpu_hours == Approx(2 * (10000 + 6 + step - 5000) / 3.6e6));
  CHECK(late.goodput_rps == Approx(1 / late.duration_s));
  CHECK(late.ttft_ms.p50 == Approx(6.0));
  // The first request still ran: its timeline is kept.
  CHECK(late.timings[0].finish_ms == Approx(6 + step));
}

TEST_CASE("fleet_slowdown multiplies every prefill and decode time; the targets are judged on the slower times") {
  const std::vector<ReplayRequest> reqs = {{0, 100, 3}};
  ReplayOptions o = opts(8, 100);
  o.fleet_slowdown = 1.5;
  const ReplayResult r = FleetSimulator<LinearService>(LinearService{}, o).run_static(reqs, fleet(1, 1));
  const double step = 2.0 + 10.0 * 101.5 / 10000.0;
  CHECK(r.timings[0].ttft_ms == Approx(6.0 * 1.5));
  CHECK(r.timings[0].itl_ms == Approx(step * 1.5));
  CHECK(r.good == 0);  // 9 ms > the 8 ms TTFT target; at the profile's 6 ms it would pass
  o.fleet_slowdown = 1.0;
  CHECK(FleetSimulator<LinearService>(LinearService{}, o).run_static(reqs, fleet(1, 1)).good == 1);
  o.fleet_slowdown = 0;
  CHECK_THROWS_WITH(o.validate(), Contains("fleet_slowdown"));
}

namespace {
/// Records what it is shown and asks for 2P1D.
struct RecordingPolicy final : PlanningPolicy {
  std::vector<FleetObservation> seen;
  std::string name() const override { return "recording"; }
  double tick_interval_s() const override { return 5; }
  bool wants_worker_loads() const override { return true; }
  Decision decide(const FleetObservation& o) override {
    seen.push_back(o);
    Decision d;
    d.num_prefill = 2;
    d.num_decode = 1;
    return d;
  }
};
}  // namespace

TEST_CASE("run_policy shows each tick's frontend metrics and engine state, at the policy's own tick") {
  // 2 req/s for 30 s, ISL 1000, OSL 10; ticks of 5 s; start-up delay 60 s (the default).
  std::vector<ReplayRequest> reqs;
  for (int i = 0; i < 60; ++i) reqs.push_back({500.0 * i, 1000, 10});
  ReplayOptions o = opts();
  RecordingPolicy p;
  const ReplayResult r = FleetSimulator<LinearService>(LinearService{}, o).run_policy(reqs, p);
  REQUIRE(p.seen.size() == 5);  // ticks at 5, 10, ..., 25 s; the last request ends before 30 s
  for (std::size_t k = 0; k < 5; ++k) {
    const FleetObservation& x = p.seen[k];
    CHECK(x.start_s == Approx(5.0 * k));
    CHECK(x.duration_s == 5.0);
    CHECK(x.num_req == 10);
    CHECK(x.mean_isl.value() == 1000);
    CHECK(x.isl.count == 10);
    CHECK(x.isl.share_at_or_below(870) == 0.0);
    CHECK(x.isl.share_at_or_below(1800) == 1.0);
    REQUIRE(x.ttft_ms.has_value());
    CHECK(*x.ttft_ms == Approx(15.0));  // 5 + 0.01 × 1000, no queueing at 2 req/s
    CHECK(static_cast<long long>(x.prefill_workers.size()) == x.ready.prefill);
    CHECK(static_cast<long long>(x.decode_workers.size()) == x.ready.decode);
  }
  // The first tick sees the starting fleet; later ones the 2P1D asked for, one engine starting.
  CHECK(p.seen[0].deployed.prefill == 1);
  CHECK(p.seen[1].deployed.prefill == 2);
  CHECK(p.seen[1].ready.prefill == 1);
  CHECK(p.seen[1].scaling_in_progress());
  CHECK(r.decisions.size() == p.seen.size());
  // The series keeps the replay's statistics interval (60 s).
  CHECK(r.intervals.front().arrivals == 60);
}

TEST_CASE("run_from: an engine starting mid-replay takes requests only once it is ready") {
  std::vector<ReplayRequest> reqs;
  for (int i = 0; i < 200; ++i) reqs.push_back({10.0 * i, 1000, 2});
  ReplayWorkload w;
  w.requests = reqs;
  const FleetSimulator<LinearService> sim(LinearService{}, opts(100, 100));
  ReplayTally t;
  t.warm_from_ms = 0;
  t.split_ms = 0;
  t.late_from_ms = 1000;
  const ReplayResult r = sim.run_from(w, {1, 1}, {1000.0}, {}, 1.0, 1.0, &t);
  REQUIRE(r.workers.size() == 3);
  CHECK(r.workers[2].prefill);
  CHECK(r.workers[2].ready_ms == 1000.0);
  CHECK(r.workers[2].provisioned_ms == 0.0);
  CHECK(t.early + t.late == 200);
  CHECK(t.early == 100);
  // One engine alone serves 66.7 req/s; 100 req/s arrive: the queue grows until the second is ready.
  CHECK(t.early_good < t.early);
  CHECK(t.late_good > 0);
}

TEST_CASE("run_from: a tally's miss limit stops the replay as soon as it is exceeded") {
  // 100 req/s on one prefill engine that serves 66.7 req/s: after the first second every request
  // misses the 100-ms TTFT.
  std::vector<ReplayRequest> reqs;
  for (int i = 0; i < 2000; ++i) reqs.push_back({10.0 * i, 1000, 2});
  ReplayWorkload w;
  w.requests = reqs;
  const FleetSimulator<LinearService> sim(LinearService{}, opts(100, 100));
  auto tally = [] {
    ReplayTally t;
    t.warm_from_ms = t.split_ms = 0;
    t.late_from_ms = 5000;  // early: the first 500 requests, late: the other 1500
    return t;
  };
  ReplayTally full = tally();
  sim.run_from(w, {1, 1}, {}, {}, 1.0, 1.0, &full);
  CHECK_FALSE(full.stopped());
  CHECK(full.early == 500);
  CHECK(full.late == 1500);
  REQUIRE(full.late - full.late_good > 100);
  // Stops at the 101st late miss; the counts are those of the requests finished by then.
  ReplayTally late = tally();
  late.late_miss_limit = 100;
  sim.run_from(w, {1, 1}, {}, {}, 1.0, 1.0, &late);
  CHECK(late.late_stop);
  CHECK_FALSE(late.early_stop);
  CHECK(late.late - late.late_good == 101);
  CHECK(late.late < full.late);
  // The early limit likewise; a limit never exceeded changes nothing.
  ReplayTally early = tally();
  early.early_miss_limit = 10;
  sim.run_from(w, {1, 1}, {}, {}, 1.0, 1.0, &early);
  CHECK(early.early_stop);
  CHECK(early.early - early.early_good == 11);
  ReplayTally loose = tally();
  loose.late_miss_limit = 1500;
  loose.early_miss_limit = 500;
  sim.run_from(w, {1, 1}, {}, {}, 1.0, 1.0, &loose);
  CHECK_FALSE(loose.stopped());
  CHECK(loose.late_good == full.late_good);
  CHECK(loose.early_good == full.early_good);
}
