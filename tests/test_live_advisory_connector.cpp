// AdvisoryConnector: reports the advice, changes nothing, is always done.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "sla_planner/live/advisory_connector.hpp"

using namespace sla_planner;

TEST_CASE("advice is recorded and reported, never applied") {
  std::unique_ptr<ReplicaConnector> c = std::make_unique<AdvisoryConnector>();
  CHECK(std::string(c->name()) == "advisory");
  CHECK(c->last_change_done());
  ScaleResult r = c->set_replicas(2, 1);
  CHECK(r.outcome == ScaleOutcome::advisory);
  CHECK(r.message == "advice (not applied): prefill 2, decode 1");
  CHECK(std::string(to_string(r.outcome)) == "advisory");
  r = c->set_replicas(2, 1);  // the same advice again is still reported
  CHECK(r.outcome == ScaleOutcome::advisory);
  CHECK(c->last_change_done());
  const auto& a = static_cast<const AdvisoryConnector&>(*c);
  CHECK(a.last_prefill() == 2);
  CHECK(a.last_decode() == 1);
  CHECK(a.advice_count() == 2);
  r = c->set_replicas(1, -3);
  CHECK(r.outcome == ScaleOutcome::failed);
  CHECK(r.message == "replica counts must be >= 0, got prefill 1, decode -3");
  CHECK(a.advice_count() == 2);
}
