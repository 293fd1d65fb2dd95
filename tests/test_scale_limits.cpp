// ScaleLimits: scale-down patience and the per-decision change cap, on their own (the throughput
// rules' use of them is in test_basic_planner.cpp, the attainment policy's in
// test_attainment_policy.cpp).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sla_planner/planner/scale_limits.hpp"

using namespace sla_planner;

namespace {

PlannerConfig limits(int patience, int cap) {
  PlannerConfig c;
  c.scale_down_patience = patience;
  c.max_replica_change = cap;
  return c;
}

}  // namespace

TEST_CASE("scale limits: off by default, every decision passes unchanged") {
  ScaleLimits l{PlannerConfig{}};
  CHECK_FALSE(l.active());
  std::vector<std::string> notes;
  const WorkerCounts a = l.apply({1, 9}, {6, 2}, notes);
  CHECK(a.prefill == 1);
  CHECK(a.decode == 9);
  CHECK(notes.empty());
}

TEST_CASE("scale limits: patience holds a scale-down, then takes the highest of the last N") {
  ScaleLimits l{limits(3, 0)};
  REQUIRE(l.active());
  std::vector<std::string> notes;
  WorkerCounts a = l.apply({2, 6}, {5, 5}, notes);  // scale-ups pass at once; prefill down held
  CHECK(a.prefill == 5);
  CHECK(a.decode == 6);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0] == "prefill scale-down to 2 held: recommended 1 of 3 decisions");
  notes.clear();
  a = l.apply({3, 6}, {5, 6}, notes);
  CHECK(a.prefill == 5);
  CHECK(notes.at(0) == "prefill scale-down to 3 held: recommended 2 of 3 decisions");
  notes.clear();
  a = l.apply({1, 6}, {5, 6}, notes);  // three in a row below 5: the highest of 2, 3, 1
  CHECK(a.prefill == 3);
  CHECK(a.decode == 6);
  CHECK(notes.empty());
  notes.clear();
  a = l.apply({2, 6}, {3, 6}, notes);  // 3, 1, 2: 3 is not below the 3 deployed
  CHECK(a.prefill == 3);
  CHECK(notes.at(0) == "prefill scale-down to 2 held: not recommended in each of the last 3 decisions");
}

TEST_CASE("scale limits: the change cap bounds each kind, never below min_endpoint") {
  PlannerConfig c = limits(1, 2);
  c.min_endpoint = 2;
  ScaleLimits l{c};
  std::vector<std::string> notes;
  WorkerCounts a = l.apply({9, 1}, {1, 6}, notes);
  CHECK(a.prefill == 3);
  CHECK(a.decode == 4);
  REQUIRE(notes.size() == 2);
  CHECK(notes[0] == "prefill change limited to 2 per decision: 1 -> 3 (wanted 9)");
  CHECK(notes[1] == "decode change limited to 2 per decision: 6 -> 4 (wanted 1)");
  notes.clear();
  a = l.apply({1, 3}, {3, 3}, notes);  // within the cap, but min_endpoint is 2
  CHECK(a.prefill == 2);
  CHECK(notes.at(0) == "prefill change limited to 2 per decision: 3 -> 2 (wanted 1)");
}
