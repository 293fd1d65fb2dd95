// ResumableReplay: a replay paused, copied and given engines that become ready later goes on
// exactly as a replay that had them from its start (counts, attainment, GPU-hours, percentiles).
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/formats/trace_loaders.hpp"
#include "sla_planner/sim/fleet_simulator.hpp"
#include "test_helpers.hpp"

using namespace sla_planner;

namespace {

const Profile& h200() {
  static const Profile p = load_profile(test::profile_path("H200_TP1P_TP1D"));
  return p;
}

/// The simulator the attainment policy uses by default: chunked prefill, prefix caching, round robin.
FleetSimulator<> simulator() {
  ReplayOptions o;
  o.ttft_ms = 200;
  o.itl_ms = 10;
  o.prefill_model = PrefillModel::chunked;
  o.prefix_cache_tokens = static_cast<std::int64_t>(h200().decode.max_kv_tokens);
  o.router = PrefillRouter::round_robin;
  o.prefill_fixed_latency_ms = estimate_prefill_fixed_latency_ms(h200());
  return FleetSimulator<>(ProfileServiceModel(h200()), o, PrefillCostModel(h200().prefill, o.prefill_fixed_latency_ms));
}

/// 2,500 requests of the sinusoidal example trace, its busiest stretch, on a clock whose zero is
/// 20 s after the first arrival (a policy's warm-up runs at negative times); every prompt shares
/// its first half in 512-token blocks with the others.
ReplayWorkload workload() {
  const std::vector<ReplayRequest> all = load_replay_requests(test::data_path("traces/rr-5-45_i3000o300.jsonl"));
  ReplayWorkload w;
  w.requests.assign(all.begin() + 20000, all.begin() + 22500);
  const double zero = w.requests.front().arrival_ms + 20000;
  w.hash_offsets.push_back(0);
  for (ReplayRequest& r : w.requests) {
    r.arrival_ms -= zero;
    for (std::int64_t b = 0; b < r.isl / 1024; ++b) w.block_hashes.push_back(static_cast<std::uint64_t>(b + 1));
    w.hash_offsets.push_back(w.block_hashes.size());
  }
  return w;
}

ReplayTally windows() {
  ReplayTally t;
  t.warm_from_ms = -10000;
  t.split_ms = 0;
  t.late_from_ms = 30000;
  return t;
}

void check_same(const ReplayTally& a, const ReplayTally& b) {
  CHECK(a.warm == b.warm);
  CHECK(a.warm_itl_ms == b.warm_itl_ms);
  CHECK(a.early == b.early);
  CHECK(a.early_good == b.early_good);
  CHECK(a.late == b.late);
  CHECK(a.late_good == b.late_good);
  CHECK(a.late_prefill_ok == b.late_prefill_ok);
  CHECK(a.late_decode_ok == b.late_decode_ok);
  CHECK(a.stopped() == b.stopped());
}

void check_same(const ReplayResult& a, const ReplayResult& b) {
  CHECK(a.good == b.good);
  CHECK(a.scored == b.scored);
  CHECK(a.attainment_percent == b.attainment_percent);
  CHECK(a.gpu_hours == b.gpu_hours);
  CHECK(a.peak_gpus == b.peak_gpus);
  CHECK(a.cached_tokens == b.cached_tokens);
  CHECK(a.ttft_ms.p50 == b.ttft_ms.p50);
  CHECK(a.ttft_ms.p99 == b.ttft_ms.p99);
  CHECK(a.itl_ms.p90 == b.itl_ms.p90);
  CHECK(a.end_ms == b.end_ms);
  REQUIRE(a.intervals.size() == b.intervals.size());
  for (std::size_t k = 0; k < a.intervals.size(); ++k) {
    CHECK(a.intervals[k].good == b.intervals[k].good);
    CHECK(a.intervals[k].prefill_workers == b.intervals[k].prefill_workers);
    CHECK(a.intervals[k].decode_workers == b.intervals[k].decode_workers);
    CHECK(a.intervals[k].gpus == b.intervals[k].gpus);
  }
}

}  // namespace

TEST_CASE("ResumableReplay: a copy given engines ready later replays as the larger fleet from the start") {
  const FleetSimulator<> sim = simulator();
  const ReplayWorkload w = workload();
  const double first = w.requests.front().arrival_ms;
  // 2P2D ready, one decode engine of them still starting (ready 5 s after the first arrival); the
  // larger fleet has two more prefill engines and one more decode engine, ready 30 s (and 41 s)
  // after time zero.
  const double ready_at = 30000, later = 41000;
  ReplayTally whole = windows();
  const ReplayResult larger =
      sim.run_from(w, {2, 1}, {ready_at - first, later - first}, {5000.0, ready_at - first}, 1.1, 1.05, &whole);
  REQUIRE(whole.late > 300);
  REQUIRE(whole.early > 300);

  ResumableReplay<ProfileServiceModel> base = sim.begin_from(w, {2, 1}, {}, {5000.0}, 1.1, 1.05, windows());
  CHECK_FALSE(base.run_until(first + (ready_at - first)));
  ResumableReplay<ProfileServiceModel> fork = base;
  fork.add_starting(true, first + (ready_at - first));
  fork.add_starting(true, first + (later - first));
  fork.add_starting(false, first + (ready_at - first));
  const ReplayTally at_fork = fork.tally();
  CHECK(at_fork.late == 0);
  const ReplayResult forked = std::move(fork).finish();
  check_same(fork.tally(), whole);
  check_same(forked, larger);

  // The base replay, paused and copied, is still the smaller fleet's replay.
  ReplayTally small = windows();
  const ReplayResult smaller = sim.run_from(w, {2, 1}, {}, {5000.0}, 1.1, 1.05, &small);
  const ReplayResult resumed = std::move(base).finish();
  check_same(base.tally(), small);
  check_same(resumed, smaller);
  CHECK(smaller.attainment_percent < larger.attainment_percent);  // the engines made a difference
}

TEST_CASE("ResumableReplay: miss limits set after the pause stop the copy, not the original") {
  const FleetSimulator<> sim = simulator();
  const ReplayWorkload w = workload();
  ResumableReplay<ProfileServiceModel> base = sim.begin_from(w, {1, 1}, {}, {}, 1.0, 1.0, windows());
  base.run_until(30000);
  ResumableReplay<ProfileServiceModel> limited = base;
  limited.tally().late_miss_limit = 10;
  limited.run_to_end();
  CHECK(limited.tally().late_stop);
  CHECK(limited.tally().late - limited.tally().late_good == 11);
  base.run_to_end();
  CHECK_FALSE(base.tally().stopped());
  CHECK(base.tally().late - base.tally().late_good > 11);
}

TEST_CASE("ResumableReplay: an engine must become ready after the pause") {
  const FleetSimulator<> sim = simulator();
  const ReplayWorkload w = workload();
  ResumableReplay<ProfileServiceModel> r = sim.begin_from(w, {1, 1}, {}, {}, 1.0, 1.0, windows());
  r.run_until(1000);
  CHECK_THROWS_WITH(r.add_starting(true, 999), "fleet replay: a worker added part-way must become ready after the pause");
  CHECK_NOTHROW(r.add_starting(false, 1000));
}
