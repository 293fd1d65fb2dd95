// FleetSearch: enumeration within the GPU budget, the recommendation on a constructed service
// model whose cheapest fleet is known by hand, pruning that changes no answer, the highest
// sustainable rate against a hand-computed limit, and the search on the H200 profile.
#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/formats/trace_loaders.hpp"
#include "sla_planner/sim/fleet_search.hpp"
#include "sla_planner/sim/fleet_simulator.hpp"
#include "test_helpers.hpp"

using namespace sla_planner;
using Catch::Matchers::Contains;

namespace {

/// Round numbers: every prefill takes `prefill` ms, every decode step `step` ms, and a decode
/// worker holds `slots` requests of the trace below (ISL 100 + OSL 11) at once.
struct RoundService {
  double prefill = 100;
  double slots = 1;
  double step = 10;
  double prefill_ms(std::int64_t) const { return prefill; }
  double decode_step_ms(double, double) const { return step; }
  double max_kv_tokens() const { return slots * 111; }
};

/// Two engine configurations: "a" (1 GPU: prefill 100 ms, so 10 req/s; decode one request at a
/// time for 10 steps of 10 ms, so 10 req/s) and "b" (2 GPUs: prefill 30 ms, 33.3 req/s; decode
/// three at a time, 30 req/s).
const std::vector<EngineConfig> kConfigs = {{"a", 1, 1}, {"b", 2, 2}};
const RoundService kServices[2] = {{100, 1, 10}, {30, 3, 10}};

/// 600 requests, one every 40 ms (25 req/s), ISL 100, OSL 11.
std::vector<ReplayRequest> uniform_trace(std::size_t n = 600, double gap_ms = 40) {
  std::vector<ReplayRequest> r;
  for (std::size_t i = 0; i < n; ++i) r.push_back({gap_ms * static_cast<double>(i), 100, 11});
  return r;
}

ReplayOptions targets() {
  ReplayOptions o;
  o.ttft_ms = 250;  // 100 ms of prefill leaves 150 ms for queueing
  o.itl_ms = 10.5;  // a step is 10 ms
  return o;
}

/// Replays static fleets on the (prefill, decode) pair of kServices; policy "schedule-3p3d"
/// follows a fixed schedule (a stand-in for a planner policy); records every call.
struct RoundReplay {
  std::shared_ptr<std::mutex> m = std::make_shared<std::mutex>();
  std::shared_ptr<std::vector<FleetCandidate>> calls = std::make_shared<std::vector<FleetCandidate>>();

  struct Pair {
    const RoundService* p;
    const RoundService* d;
    double prefill_ms(std::int64_t isl) const { return p->prefill_ms(isl); }
    double decode_step_ms(double kv, double ctx) const { return d->decode_step_ms(kv, ctx); }
    double max_kv_tokens() const { return d->max_kv_tokens(); }
  };

  ReplayResult operator()(const FleetCandidate& c, const std::vector<ReplayRequest>& requests) const {
    {
      std::lock_guard<std::mutex> lock(*m);
      calls->push_back(c);
    }
    const FleetSimulator<Pair> sim(Pair{&kServices[c.prefill_config], &kServices[c.decode_config]}, targets());
    if (c.is_static()) return sim.run_static(requests, c.fleet);
    if (c.policy == "schedule-3p3d") {
      FleetSchedule s;
      s.counts = {{3, 3}};
      s.name = c.name;
      return sim.run_schedule(requests, s);
    }
    throw std::invalid_argument("unknown policy '" + c.policy + "'");
  }
};

std::vector<std::string> names(const FleetSearchResult& r, const std::vector<std::size_t>& idx) {
  std::vector<std::string> out;
  for (std::size_t i : idx) out.push_back(r.candidates[i].candidate.name);
  return out;
}

const CandidateResult& by_name(const FleetSearchResult& r, const std::string& name) {
  for (const CandidateResult& c : r.candidates)
    if (c.candidate.name == name) return c;
  throw std::runtime_error("no candidate " + name);
}

FleetCandidate named(const std::vector<FleetCandidate>& cs, const std::string& name) {
  for (const FleetCandidate& c : cs)
    if (c.name == name) return c;
  throw std::runtime_error("no candidate " + name);
}

}  // namespace

TEST_CASE("static fleets: every P, D within the budget, none over it") {
  const auto one = FleetSearch::static_fleets({{"h200", 1, 1}}, 12);
  REQUIRE(one.size() == 66);  // P + D <= 12, P, D >= 1: 1 + 2 + ... + 11
  std::set<std::string> seen;
  for (const FleetCandidate& c : one) {
    REQUIRE(c.is_static());
    REQUIRE(c.gpus() <= 12);
    REQUIRE(c.name == c.fleet.name());  // one configuration: planner_replay's names
    seen.insert(c.name);
  }
  REQUIRE(seen.size() == 66);
  REQUIRE(one.front().name == "1P1D");
  REQUIRE(one.back().name == "11P1D");

  // TP2 and TP4 engines, budget 8: pairs (2,2): P + D <= 4 -> 6; (2,4): 2P + 4D <= 8 -> P in 1..2 -> 2;
  // (4,2): 2; (4,4): 4P + 4D <= 8 -> 1.
  const auto two = FleetSearch::static_fleets({{"tp2", 2, 2}, {"tp4", 4, 4}}, 8);
  REQUIRE(two.size() == 11);
  std::set<std::string> n2;
  for (const FleetCandidate& c : two) {
    REQUIRE(c.gpus() <= 8);
    n2.insert(c.name);
  }
  REQUIRE(n2.count("3P1D@tp2") == 1);
  REQUIRE(n2.count("1P1D@tp2/tp4") == 1);
  REQUIRE(n2.count("2P1D@tp2/tp4") == 1);
  REQUIRE(n2.count("1P1D@tp4/tp2") == 1);
  REQUIRE(n2.count("1P1D@tp4") == 1);
  REQUIRE(n2.count("2P1D@tp4/tp2") == 0);  // 8 + 2 GPUs

  // a budget too small for one engine of each kind: nothing
  REQUIRE(FleetSearch::static_fleets({{"tp4", 4, 4}}, 7).empty());
  REQUIRE_THROWS_WITH(FleetSearch::static_fleets({{"x", 1, 1}}, 0), "'max_gpu_budget' must be >= 1, got 0");
  REQUIRE_THROWS_WITH(FleetSearch::static_fleets({{"x", 1, 1}, {"x", 2, 2}}, 8),
                      "engine configuration label 'x' is given twice");
  REQUIRE_THROWS_WITH(FleetSearch::static_fleets({{"x", 0, 1}}, 8), "'prefill_gpus' must be >= 1, got 0");
}

TEST_CASE("planner candidates: one per policy and pair that fits the budget") {
  const auto one = FleetSearch::planners({{"h200", 1, 1}}, {"throughput"}, 8);
  REQUIRE(one.size() == 1);
  REQUIRE(one[0].name == "planner-throughput");
  REQUIRE_FALSE(one[0].is_static());
  REQUIRE(one[0].gpus() == 0);
  const auto two = FleetSearch::planners({{"tp2", 2, 2}, {"tp8", 8, 8}}, {"throughput", "load"}, 10);
  // pairs within 10 GPUs: tp2/tp2, tp2/tp8, tp8/tp2 (tp8/tp8 needs 16)
  std::vector<std::string> n;
  for (const auto& c : two) n.push_back(c.name);
  REQUIRE(n == std::vector<std::string>{"planner-throughput@tp2", "planner-throughput@tp2/tp8",
                                        "planner-throughput@tp8/tp2", "planner-load@tp2", "planner-load@tp2/tp8",
                                        "planner-load@tp8/tp2"});
  REQUIRE(two[1].fleet.prefill_engine_num_gpu == 2);
  REQUIRE(two[1].fleet.decode_engine_num_gpu == 8);
  REQUIRE_THROWS_WITH(FleetSearch::planners({{"x", 1, 1}}, {"a", "a"}, 8), "planner policy 'a' is given twice");
}

TEST_CASE("the cheapest fleet meeting the target on a constructed model") {
  // By hand, 25 req/s: engines of "a" serve 10 req/s each (prefill and decode), so P >= 3 and
  // D >= 3 meet the target (no queue: each engine gets every third request, 120 ms apart, and
  // serves it in 100 ms) and P or D = 2 builds a queue that grows 20 ms per request (TTFT over
  // 250 ms after the first ~16): 3P3D, 6 GPUs. One "b" engine (2 GPUs) carries the whole load on
  // either side: 1P1D@b, 4 GPUs, is the cheapest; 4-GPU fleets with an "a" side of 2 engines miss.
  const auto requests = uniform_trace();
  const RoundReplay replay;
  FleetSearchOptions o;
  o.max_gpu_budget = 8;
  const FleetSearch search(replay, o);

  SECTION("one configuration: 3P3D") {
    const std::vector<EngineConfig> a = {kConfigs[0]};
    auto cands = FleetSearch::static_fleets(a, 8);
    const FleetSearchResult r = search.run(cands, requests);
    REQUIRE(r.recommendation);
    const CandidateResult& best = r.candidates[*r.recommendation];
    REQUIRE(best.candidate.name == "3P3D");
    REQUIRE(best.attainment() == 1.0);
    REQUIRE(best.replay.ttft_ms.p99 == Approx(100.0));
    REQUIRE(r.ranking.front() == *r.recommendation);
    REQUIRE_FALSE(r.closest);
    REQUIRE(by_name(r, "2P3D").attainment() < 0.1);
    REQUIRE(by_name(r, "3P2D").attainment() < 0.1);
    // pruning: waves of 2..6 GPUs are replayed (1+2+3+4+5 fleets); 7 and 8 GPUs cost at least
    // 7 × 23.96 s, more than 3P3D's 6 × ~24.1 s (+1 %)
    REQUIRE(r.replayed == 15);
    REQUIRE(r.pruned == 13);
    REQUIRE(r.prune_bound_held);
    for (const CandidateResult& c : r.candidates) REQUIRE(c.replayed == (c.candidate.gpus() <= 6));
  }

  SECTION("two configurations, prefill and decode mixed: 1P1D@b") {
    auto cands = FleetSearch::static_fleets(kConfigs, 8);
    auto plan = FleetSearch::planners(kConfigs, {"schedule-3p3d"}, 8);
    cands.insert(cands.begin(), plan.front());  // schedule-3p3d on a/a: 6 GPUs
    const FleetSearchResult r = search.run(cands, requests);
    REQUIRE(r.recommendation);
    REQUIRE(r.candidates[*r.recommendation].candidate.name == "1P1D@b");
    REQUIRE(r.candidates[*r.recommendation].candidate.gpus() == 4);
    REQUIRE(by_name(r, "2P2D@a").attainment() < 0.1);
    REQUIRE(by_name(r, "1P2D@b/a").attainment() < 0.1);
    REQUIRE(by_name(r, "2P1D@a/b").attainment() < 0.1);
    const CandidateResult& sched = by_name(r, "planner-schedule-3p3d@a");
    REQUIRE(sched.replayed);  // planners are never pruned
    REQUIRE(sched.attainment() == 1.0);
    REQUIRE(sched.replay.avg_gpus == 6.0);
  }

  SECTION("nothing meets the target within 5 GPUs: no recommendation, the closest instead") {
    const std::vector<EngineConfig> a = {kConfigs[0]};
    const FleetSearchResult r = search.run(FleetSearch::static_fleets(a, 5), requests);
    REQUIRE_FALSE(r.recommendation);
    REQUIRE(r.closest);
    REQUIRE(r.pruned == 0);
    double top = 0;
    for (const CandidateResult& c : r.candidates) top = std::max(top, c.attainment());
    REQUIRE(r.candidates[*r.closest].attainment() == top);
    REQUIRE(r.ranking.front() == *r.closest);
  }
}

TEST_CASE("pruning on and off: the same recommendation and the same numbers") {
  const auto requests = uniform_trace();
  for (double target : {0.95, 0.5, 0.02}) {
    const RoundReplay on_calls, off_calls;
    FleetSearchOptions on;
    on.attainment_target = target;
    FleetSearchOptions off = on;
    off.prune = false;
    const auto cands = FleetSearch::static_fleets(kConfigs, 10);
    const FleetSearchResult a = FleetSearch(on_calls, on).run(cands, requests);
    const FleetSearchResult b = FleetSearch(off_calls, off).run(cands, requests);
    INFO("target " << target);
    REQUIRE(b.pruned == 0);
    REQUIRE(b.replayed == cands.size());
    REQUIRE(a.pruned > 0);
    REQUIRE(a.replayed + a.pruned == cands.size());
    REQUIRE(on_calls.calls->size() == a.replayed);
    REQUIRE(a.recommendation.has_value() == b.recommendation.has_value());
    REQUIRE(*a.recommendation == *b.recommendation);
    for (std::size_t i = 0; i < cands.size(); ++i)
      if (a.candidates[i].replayed) {
        REQUIRE(a.candidates[i].replay.good == b.candidates[i].replay.good);
        REQUIRE(a.candidates[i].replay.gpu_hours == b.candidates[i].replay.gpu_hours);
      }
    // the property pruning relies on, on every fleet: GPU-hours >= GPUs × arrival span
    for (const CandidateResult& c : b.candidates)
      REQUIRE(c.replay.gpu_hours >= c.cost_lower_bound_gpu_hours);
    // pruned fleets could not have been recommended: each costs more than the cheapest fleet
    // meeting the target + 1 %
    double best = 1e300;
    for (const CandidateResult& c : b.candidates)
      if (c.meets_target) best = std::min(best, c.replay.gpu_hours);
    for (std::size_t i = 0; i < cands.size(); ++i)
      if (!a.candidates[i].replayed) REQUIRE(b.candidates[i].replay.gpu_hours > best * 1.01);
  }
}

TEST_CASE("a replay that breaks the pruning bound: the pruned fleets are replayed after all") {
  // A fake replay: 2-GPU fleets miss the target, the others meet it and cost 1.1 h per GPU, except
  // 3-GPU fleets, which claim 0.01 h — below their own bound of 3 GPUs × 1 h — so that 4-GPU
  // fleets and up get pruned at first.
  std::vector<ReplayRequest> requests = {{0, 1, 1}, {3.6e6, 1, 1}};  // span: 1 hour
  auto fake = [](const FleetCandidate& c, const std::vector<ReplayRequest>& r) {
    ReplayResult x;
    x.name = c.name;
    x.requests = r.size();
    x.good = c.gpus() == 2 ? 0 : r.size();
    x.gpu_hours = c.gpus() == 3 ? 0.01 : 1.1 * static_cast<double>(c.gpus());
    x.goodput_per_gpu = 1;
    return x;
  };
  const auto cands = FleetSearch::static_fleets({{"x", 1, 1}}, 6);
  const FleetSearchResult r = FleetSearch(fake).run(cands, requests);
  REQUIRE_FALSE(r.prune_bound_held);
  REQUIRE(r.pruned == 0);
  REQUIRE(r.replayed == cands.size());
  REQUIRE(r.candidates[*r.recommendation].candidate.gpus() == 3);
}

TEST_CASE("ties within the cost tolerance go to the higher goodput per GPU") {
  std::vector<ReplayRequest> requests = {{0, 1, 1}, {1000, 1, 1}};
  auto fake = [](const FleetCandidate& c, const std::vector<ReplayRequest>& r) {
    ReplayResult x;
    x.name = c.name;
    x.requests = r.size();
    x.good = c.gpus() >= 4 ? r.size() : 0;
    // 3P1D is 0.5 % dearer than 2P2D but serves more per GPU; 1P3D is 2 % dearer
    x.gpu_hours = c.name == "2P2D" ? 1.0 : c.name == "3P1D" ? 1.005 : c.name == "1P3D" ? 1.02 : c.gpus();
    x.goodput_per_gpu = c.name == "3P1D" ? 2.0 : c.name == "1P3D" ? 3.0 : 1.0;
    return x;
  };
  const FleetSearchResult r = FleetSearch(fake).run(FleetSearch::static_fleets({{"x", 1, 1}}, 4), requests);
  REQUIRE(r.candidates[*r.recommendation].candidate.name == "3P1D");
  REQUIRE(names(r, r.ranking).front() == "3P1D");
  REQUIRE(names(r, r.ranking)[1] == "2P2D");
  FleetSearchOptions exact;
  exact.cost_tolerance = 0;
  REQUIRE(FleetSearch(fake, exact).run(FleetSearch::static_fleets({{"x", 1, 1}}, 4), requests).recommendation);
  const FleetSearchResult e = FleetSearch(fake, exact).run(FleetSearch::static_fleets({{"x", 1, 1}}, 4), requests);
  REQUIRE(e.candidates[*e.recommendation].candidate.name == "2P2D");
}

TEST_CASE("the Pareto front of GPU-hours against attainment") {
  std::vector<ReplayRequest> requests = {{0, 1, 1}};
  // (GPU-hours, good of 100): 1P1D (2, 10), 2P1D (3, 50), 1P2D (3, 40), 3P1D (4, 50), 2P2D (4, 90), 1P3D (4, 90)
  std::map<std::string, std::pair<double, std::size_t>> v = {{"1P1D", {2, 10}}, {"2P1D", {3, 50}}, {"1P2D", {3, 40}},
                                                             {"3P1D", {4, 50}}, {"2P2D", {4, 90}}, {"1P3D", {4, 90}}};
  auto fake = [&](const FleetCandidate& c, const std::vector<ReplayRequest>&) {
    ReplayResult x;
    x.requests = 100;
    x.gpu_hours = v.at(c.name).first;
    x.good = v.at(c.name).second;
    return x;
  };
  const FleetSearchResult r = FleetSearch(fake).run(FleetSearch::static_fleets({{"x", 1, 1}}, 4), requests);
  // both 4-GPU-hour fleets at 90 % are on it (candidate order: 1P3D comes before 2P2D)
  REQUIRE(names(r, r.pareto_front) == std::vector<std::string>{"1P1D", "2P1D", "1P3D", "2P2D"});
  REQUIRE_FALSE(r.recommendation);
  REQUIRE(r.candidates[*r.closest].candidate.name == "1P3D");  // 90 % at 4 GPU-hours, as 2P2D: the earlier
}

TEST_CASE("errors: budget, names, replay failures") {
  const auto requests = uniform_trace(10);
  const RoundReplay replay;
  FleetSearchOptions o;
  o.max_gpu_budget = 5;
  const FleetSearch search(replay, o);
  auto cands = FleetSearch::static_fleets({kConfigs[0]}, 6);
  REQUIRE_THROWS_WITH(search.run(cands, requests), "candidate '1P5D' holds 6 GPUs, over the budget of 5");
  REQUIRE(replay.calls->empty());  // nothing over the budget is ever replayed
  cands = FleetSearch::static_fleets({kConfigs[0]}, 3);
  cands.push_back(cands.front());
  REQUIRE_THROWS_WITH(search.run(cands, requests), "candidate name '1P1D' is given twice");
  REQUIRE_THROWS_WITH(search.run(FleetSearch::static_fleets({kConfigs[0]}, 3), {}), "a search needs at least one request");
  auto plan = FleetSearch::planners({kConfigs[0]}, {"nope"}, 4);
  REQUIRE_THROWS_WITH(search.run(plan, requests), "unknown policy 'nope'");
  FleetSearchOptions bad;
  bad.attainment_target = 1.5;
  REQUIRE_THROWS_WITH(FleetSearch(replay, bad), "'attainment_target' must be in (0, 1], got 1.5");
  bad = FleetSearchOptions{};
  bad.cost_tolerance = -1;
  REQUIRE_THROWS_WITH(FleetSearch(replay, bad), "'cost_tolerance' must be >= 0, got -1");
}

TEST_CASE("max_rate brackets the known limit of 3P3D") {
  // Scale x: a request every 40/x ms; each of the three prefill engines gets every third, 120/x ms
  // apart, and needs 100 ms: no queue up to x = 1.2 (all requests meet the target). At x = 1.25 a
  // queue grows by 4 ms per request and passes the 150 ms of slack after ~37 of an engine's 200:
  // attainment ~20 %. So the limit lies in (1.2, 1.25].
  const auto requests = uniform_trace();
  const RoundReplay replay;
  const FleetSearch search(replay);
  const FleetCandidate c = named(FleetSearch::static_fleets({kConfigs[0]}, 6), "3P3D");
  const MaxRateResult m = search.max_rate(c, requests);
  REQUIRE(m.fail_scale > 1.2);  // every scale up to 1.2 meets
  REQUIRE(m.scale < 1.25);      // every scale from 1.25 misses
  REQUIRE(m.scale < m.fail_scale);
  REQUIRE(m.fail_scale / m.scale <= 1.01);
  REQUIRE(m.trace_rate_rps == Approx(600 / 23.96));
  REQUIRE(m.rate_rps == Approx(m.trace_rate_rps * m.scale));
  REQUIRE(search.meets_target(m.at_scale));
  REQUIRE_FALSE(search.meets_target(m.at_fail_scale));
  REQUIRE(m.replays >= 4);

  // 2P3D misses at x = 1 (20 req/s of prefill) and meets at 0.5; each prefill engine gets a
  // request every 80/x ms and needs 100: no queue up to x = 0.8; at 0.84 the queue grows 4.8 ms per
  // request and passes the slack after ~31 of 300
  const FleetCandidate slow = named(FleetSearch::static_fleets({kConfigs[0]}, 6), "2P3D");
  const MaxRateResult s = search.max_rate(slow, requests);
  REQUIRE(s.fail_scale > 0.8);
  REQUIRE(s.scale < 0.84);
  REQUIRE(s.fail_scale / s.scale <= 1.01);

  // bounds: a fleet that meets at every scale up to max_scale, and one that never meets
  MaxRateOptions tight;
  tight.max_scale = 1.1;
  const MaxRateResult up = search.max_rate(c, requests, tight);
  REQUIRE(up.scale == 1.1);
  REQUIRE(std::isinf(up.fail_scale));
  FleetSearchOptions strict;
  strict.attainment_target = 1.0;
  const FleetCandidate tiny = FleetSearch::static_fleets({kConfigs[0]}, 2)[0];
  MaxRateOptions low;
  low.min_scale = 0.25;
  const MaxRateResult never = FleetSearch(replay, strict).max_rate(tiny, uniform_trace(600, 10), low);
  REQUIRE(never.scale == 0);
  REQUIRE(never.fail_scale == 0.25);
}

TEST_CASE("the H200 profile on a slice of the seed trace: pruning changes no answer") {
  const Profile profile = load_profile(test::profile_path("H200_TP1P_TP1D"));
  std::vector<ReplayRequest> requests = load_replay_requests(test::data_path("traces/rr-5-45_i3000o300.jsonl"));
  requests.resize(6000);  // the first ~6 minutes, a rising flank
  ReplayOptions ro;
  ro.ttft_ms = 200;
  ro.itl_ms = 10;
  ro.prefill_fixed_latency_ms = estimate_prefill_fixed_latency_ms(profile);
  const FleetSimulator<> sim(ProfileServiceModel(profile), ro);
  auto replay = [&](const FleetCandidate& c, const std::vector<ReplayRequest>& r) { return sim.run_static(r, c.fleet); };
  const auto cands = FleetSearch::static_fleets({{"h200", 1, 1}}, 8);
  FleetSearchOptions off;
  off.prune = false;
  const FleetSearchResult a = FleetSearch(replay).run(cands, requests);
  const FleetSearchResult b = FleetSearch(replay, off).run(cands, requests);
  REQUIRE(a.recommendation);
  REQUIRE(*a.recommendation == *b.recommendation);
  REQUIRE(a.pruned > 0);
  const CandidateResult& best = a.candidates[*a.recommendation];
  INFO(best.candidate.name << " " << best.attainment() << " " << best.replay.gpu_hours);
  REQUIRE(best.attainment() >= 0.95);
  for (const CandidateResult& c : b.candidates) {
    REQUIRE(c.replay.gpu_hours >= c.cost_lower_bound_gpu_hours);
    if (c.meets_target) REQUIRE(c.replay.gpu_hours >= best.replay.gpu_hours);
  }
}
