// VirtualConnector against a real etcd, with an environment that behaves like Dynamo's
// VirtualConnectorClient (reads the keys under v1/<ns>/planner/ by suffix, acknowledges by
// writing scaled_decision_id). Covers decision ids from 0, unchanged requests, holding back
// until acknowledged or max_wait_s, continuing after a planner restart, and etcd going away.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "live_test_etcd.hpp"
#include "sla_planner/live/virtual_connector.hpp"

using namespace sla_planner;
using sla_planner::test::EtcdServer;

namespace {
HttpOptions quick() {
  HttpOptions o;
  o.connect_timeout_s = 0.5;
  o.total_timeout_s = 3;
  return o;
}

/// The environment's side, as Dynamo's VirtualConnectorClient does it (get() by key suffix,
/// complete() writes "<root>scaled_decision_id").
struct Environment {
  EtcdClient etcd;
  std::string root;
  Environment(const std::string& url, const std::string& ns) : etcd(url, quick()), root("v1/" + ns + "/planner/") {}

  struct Decision {
    long prefill = -1, decode = -1, id = -1;
  };
  Decision get() {
    Decision d;
    const EtcdResult r = etcd.get_prefix(root);
    REQUIRE(r.ok());
    for (const auto& [k, v] : r.kvs) {
      if (k == root + "num_prefill_workers") d.prefill = std::stol(v);
      else if (k == root + "num_decode_workers") d.decode = std::stol(v);
      else if (k == root + "decision_id") d.id = std::stol(v);
    }
    return d;
  }
  void complete(long id) { REQUIRE(etcd.put(root + "scaled_decision_id", std::to_string(id)).ok()); }
};

struct FakeClock {
  double now = 1000;
};
}  // namespace

TEST_CASE("decisions are written under v1/<ns>/planner/ with ids counting from 0") {
  EtcdServer etcd;
  FakeClock clock;
  VirtualConnectorOptions o;
  o.dynamo_namespace = "dynamo-test";
  o.max_wait_s = 60;
  VirtualConnector c(EtcdClient(etcd.url(), quick()), o, [&] { return clock.now; });
  Environment env(etcd.url(), "dynamo-test");
  CHECK(c.key("decision_id") == "v1/dynamo-test/planner/decision_id");
  CHECK(std::string(c.name()) == "virtual");
  CHECK(c.last_change_done());  // nothing decided yet
  CHECK_FALSE(c.decision_id());

  ScaleResult r = c.set_replicas(1, 1);
  CHECK(r.outcome == ScaleOutcome::applied);
  CHECK(r.message == "decision 0: prefill 1, decode 1");
  auto d = env.get();
  CHECK(d.prefill == 1);
  CHECK(d.decode == 1);
  CHECK(d.id == 0);
  CHECK_FALSE(c.last_change_done());

  r = c.set_replicas(1, 1);
  CHECK(r.outcome == ScaleOutcome::unchanged);
  CHECK(r.message == "no change: prefill 1, decode 1");

  // not acknowledged: held back until max_wait_s
  r = c.set_replicas(2, 1);
  CHECK(r.outcome == ScaleOutcome::waiting);
  CHECK(r.message == "decision 0 not acknowledged yet (waited 0 s of 60 s); prefill 2, decode 1 held back");
  clock.now += 30;
  r = c.set_replicas(2, 1);
  CHECK(r.outcome == ScaleOutcome::waiting);
  CHECK(r.message == "decision 0 not acknowledged yet (waited 30 s of 60 s); prefill 2, decode 1 held back");
  CHECK(env.get().prefill == 1);

  env.complete(0);
  CHECK(c.last_change_done());
  r = c.set_replicas(2, 1);
  CHECK(r.outcome == ScaleOutcome::applied);
  CHECK(r.message == "decision 1: prefill 2, decode 1");
  d = env.get();
  CHECK(d.prefill == 2);
  CHECK(d.decode == 1);
  CHECK(d.id == 1);
  CHECK(*c.decision_id() == 1);

  // never acknowledged: after max_wait_s it is written anyway, and the wait starts anew
  clock.now += 5;
  CHECK(c.set_replicas(3, 2).outcome == ScaleOutcome::waiting);
  clock.now += 59;
  CHECK(c.set_replicas(3, 2).outcome == ScaleOutcome::waiting);
  clock.now += 1;
  r = c.set_replicas(3, 2);
  CHECK(r.outcome == ScaleOutcome::applied);
  CHECK(r.message == "decision 2: prefill 3, decode 2 (decision 1 not acknowledged after 60 s; written anyway)");
  CHECK(env.get().id == 2);
  r = c.set_replicas(1, 1);
  CHECK(r.message == "decision 2 not acknowledged yet (waited 0 s of 60 s); prefill 1, decode 1 held back");

  // an acknowledgement of a later id also counts (scaled_decision_id >= decision_id)
  env.complete(7);
  CHECK(c.last_change_done());

  CHECK(c.set_replicas(-1, 1).outcome == ScaleOutcome::failed);
  CHECK(c.set_replicas(-1, 1).message == "replica counts must be >= 0, got prefill -1, decode 1");
}

TEST_CASE("a restarted planner continues from the state in etcd") {
  EtcdServer etcd;
  VirtualConnectorOptions o;
  o.dynamo_namespace = "ns";
  Environment env(etcd.url(), "ns");
  {
    VirtualConnector first(EtcdClient(etcd.url(), quick()), o);
    REQUIRE(first.set_replicas(1, 1).outcome == ScaleOutcome::applied);
    env.complete(0);
    REQUIRE(first.set_replicas(2, 1).outcome == ScaleOutcome::applied);
    env.complete(1);
  }
  VirtualConnector second(EtcdClient(etcd.url(), quick()), o);
  CHECK(second.set_replicas(2, 1).outcome == ScaleOutcome::unchanged);  // same as what etcd holds
  CHECK(*second.decision_id() == 1);
  CHECK(second.prefill() == 2);
  const ScaleResult r = second.set_replicas(1, 1);
  CHECK(r.message == "decision 2: prefill 1, decode 1");
  CHECK(env.get().id == 2);

  // another namespace is independent
  VirtualConnectorOptions other = o;
  other.dynamo_namespace = "other";
  VirtualConnector third(EtcdClient(etcd.url(), quick()), other);
  CHECK(third.set_replicas(1, 1).message == "decision 0: prefill 1, decode 1");
}

TEST_CASE("unparsable values in etcd: counts read as 0, the decision id as unset") {
  EtcdServer etcd;
  EtcdClient raw(etcd.url(), quick());
  REQUIRE(raw.put_all({{"v1/ns/planner/num_prefill_workers", "two"}, {"v1/ns/planner/num_decode_workers", "1"},
                       {"v1/ns/planner/decision_id", "x"}}).ok());
  VirtualConnectorOptions o;
  o.dynamo_namespace = "ns";
  VirtualConnector c(EtcdClient(etcd.url(), quick()), o);
  CHECK(c.set_replicas(0, 1).outcome == ScaleOutcome::unchanged);
  CHECK(c.set_replicas(1, 1).message == "decision 0: prefill 1, decode 1");
}

TEST_CASE("etcd stopped and restarted: no crash, nothing recorded as written, the write succeeds once it is back") {
  EtcdServer etcd;
  FakeClock clock;
  VirtualConnectorOptions o;
  o.dynamo_namespace = "ns";
  o.max_wait_s = 100;
  VirtualConnector c(EtcdClient(etcd.url(), quick()), o, [&] { return clock.now; });
  Environment env(etcd.url(), "ns");
  REQUIRE(c.set_replicas(1, 1).outcome == ScaleOutcome::applied);
  env.complete(0);

  etcd.stop();
  ScaleResult r = c.set_replicas(2, 1);
  CHECK(r.outcome == ScaleOutcome::failed);
  CHECK(r.message.rfind("etcd get v1/ns/planner/scaled_decision_id: POST " + etcd.url() +
                            "/v3/kv/range: Failed to connect to 127.0.0.1 port ",
                        0) == 0);
  CHECK_FALSE(c.last_change_done());
  CHECK(*c.decision_id() == 0);
  CHECK(c.prefill() == 1);
  r = c.set_replicas(2, 1);  // again: still failing, still no crash
  CHECK(r.outcome == ScaleOutcome::failed);

  etcd.start();
  r = c.set_replicas(2, 1);
  CHECK(r.outcome == ScaleOutcome::applied);
  CHECK(r.message == "decision 1: prefill 2, decode 1");
  const auto d = env.get();
  CHECK(d.prefill == 2);
  CHECK(d.id == 1);
}

TEST_CASE("etcd down when the planner starts: failure, then the first decision once it is up") {
  EtcdServer etcd;
  etcd.stop();
  VirtualConnectorOptions o;
  o.dynamo_namespace = "ns";
  VirtualConnector c(EtcdClient(etcd.url(), quick()), o);
  ScaleResult r = c.set_replicas(1, 1);
  CHECK(r.outcome == ScaleOutcome::failed);
  CHECK(r.message.rfind("etcd get v1/ns/planner/*: POST " + etcd.url() + "/v3/kv/range: ", 0) == 0);
  CHECK_FALSE(c.last_change_done());
  etcd.start();
  r = c.set_replicas(1, 1);
  CHECK(r.message == "decision 0: prefill 1, decode 1");
}

TEST_CASE("options are validated") {
  VirtualConnectorOptions o;
  o.dynamo_namespace = "";
  CHECK_THROWS_WITH(o.validate(), "'namespace' must not be empty");
  o = VirtualConnectorOptions{};
  o.max_wait_s = -1;
  CHECK_THROWS_WITH(VirtualConnector(EtcdClient("http://127.0.0.1:1"), o), "'max_wait_s' must be >= 0, got -1.000000");
}
