// FleetObservation: what a policy sees per tick; absorb() merges ticks into a longer window and
// to_metrics() hands the interval summary to the throughput rules unchanged.
#include <catch2/catch.hpp>

#include "sla_planner/planner/fleet_observation.hpp"

using namespace sla_planner;

TEST_CASE("FleetObservation::absorb weights means by requests and keeps the later fleet") {
  FleetObservation a, b;
  a.duration_s = b.duration_s = 5;
  a.num_req = 10;
  a.mean_isl = 1000;
  a.ttft_ms = 100;
  a.isl.add(1000, 10);
  a.ttft_s.add(0.1, 10);
  a.ready = a.deployed = {1, 1};
  b.num_req = 30;
  b.mean_isl = 2000;
  b.isl.add(2000, 30);
  b.ttft_s.add(0.3, 30);
  b.itl_ms = 12;
  b.ready = {2, 1};
  b.deployed = {2, 2};
  b.decode_workers.resize(1);
  a.absorb(b);
  CHECK(a.num_req == 40);
  CHECK(a.duration_s == 10);
  CHECK(*a.mean_isl == Approx(1750));
  CHECK(*a.ttft_ms == 100);  // only the first window measured it
  CHECK(*a.itl_ms == 12);
  CHECK(a.isl.count == 40);
  CHECK(a.isl.mean() == Approx(1750));
  CHECK(a.ttft_s.count == 40);
  CHECK(a.ttft_s.share_at_or_below(0.22) == Approx(0.25));
  CHECK(a.ready.prefill == 2);
  CHECK(a.deployed.decode == 2);
  CHECK(a.decode_workers.size() == 1);
  CHECK(a.scaling_in_progress());
}

TEST_CASE("to_metrics passes the means through untouched") {
  FleetObservation o;
  o.num_req = 7;
  o.mean_isl = 1234.5;
  o.ttft_ms = 99.25;
  const Metrics m = o.to_metrics();
  CHECK(*m.num_req == 7);
  CHECK(*m.isl == 1234.5);
  CHECK_FALSE(m.osl.has_value());
  CHECK(*m.ttft_ms == 99.25);
  CHECK_FALSE(m.itl_ms.has_value());
  CHECK_FALSE(m.request_duration_s.has_value());
}

TEST_CASE("from_metrics and to_metrics round-trip the interval summary") {
  Metrics m;
  m.num_req = 12;
  m.isl = 3000;
  m.itl_ms = 9.5;
  const FleetObservation o = FleetObservation::from_metrics(m, 60, {2, 3}, {2, 2});
  CHECK(o.num_req == 12);
  CHECK(o.duration_s == 60);
  CHECK(o.scaling_in_progress());
  CHECK(o.prefill_workers.empty());
  const Metrics back = o.to_metrics();
  CHECK(*back.num_req == 12);
  CHECK(*back.isl == 3000);
  CHECK(*back.itl_ms == 9.5);
  CHECK_FALSE(back.osl.has_value());
  Metrics missing;  // a missing request count is 0 requests
  CHECK(FleetObservation::from_metrics(missing, 60, {1, 1}, {1, 1}).num_req == 0);
}
