// EtcdClient against a real etcd (started by the test): put, get, prefix reads and transactions
// through the JSON gateway with base64 keys and values; an etcd that is down gives an error
// naming the operation. Also base64 and prefix_end by hand-computed values.
#include <catch2/catch.hpp>

#include <string>

#include "live_test_etcd.hpp"
#include "sla_planner/live/detail/base64.hpp"
#include "sla_planner/live/etcd_client.hpp"

using namespace sla_planner;
using sla_planner::test::EtcdServer;

namespace {
HttpOptions quick() {
  HttpOptions o;
  o.connect_timeout_s = 0.5;
  o.total_timeout_s = 3;
  return o;
}
}  // namespace

TEST_CASE("base64 as RFC 4648's test vectors") {
  using detail::base64_decode;
  using detail::base64_encode;
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode(std::string("\xff\x00\xfe", 3)) == "/wD+");
  CHECK(*base64_decode("Zm9vYmE=") == "fooba");
  CHECK(*base64_decode("Zm9vYg") == "foob");
  CHECK(*base64_decode("/wD+") == std::string("\xff\x00\xfe", 3));
  CHECK_FALSE(base64_decode("Zm9v!"));
  CHECK_FALSE(base64_decode("Z"));
}

TEST_CASE("prefix_end is the first key after the prefix") {
  CHECK(EtcdClient::prefix_end("v1/ns/planner/") == "v1/ns/planner0");
  CHECK(EtcdClient::prefix_end("a") == "b");
  CHECK(EtcdClient::prefix_end(std::string("a\xff", 2)) == "b");
  CHECK(EtcdClient::prefix_end("") == std::string(1, '\0'));
}

TEST_CASE("put, get, prefix reads and transactions on a real etcd") {
  EtcdServer etcd;
  EtcdClient c(etcd.url(), quick());

  EtcdResult r = c.put("v1/ns/planner/num_prefill_workers", "2");
  REQUIRE(r.ok());
  CHECK(r.revision == 2);  // a fresh store is at revision 1
  r = c.get("v1/ns/planner/num_prefill_workers");
  REQUIRE(r.ok());
  CHECK(r.kvs == std::map<std::string, std::string>{{"v1/ns/planner/num_prefill_workers", "2"}});

  r = c.get("v1/ns/planner/missing");
  REQUIRE(r.ok());
  CHECK(r.kvs.empty());

  r = c.put_all({{"v1/ns/planner/num_decode_workers", "1"}, {"v1/ns/planner/decision_id", "0"},
                 {"v1/ns/plannerX", "outside"}, {"v1/ns/planner/empty", ""}});
  REQUIRE(r.ok());
  CHECK(r.revision == 3);  // one transaction, one revision
  r = c.get_prefix("v1/ns/planner/");
  REQUIRE(r.ok());
  CHECK(r.kvs == std::map<std::string, std::string>{{"v1/ns/planner/decision_id", "0"},
                                                    {"v1/ns/planner/empty", ""},
                                                    {"v1/ns/planner/num_decode_workers", "1"},
                                                    {"v1/ns/planner/num_prefill_workers", "2"}});
  const std::string binary("k\x01\xff", 3);
  REQUIRE(c.put(binary, std::string("\x00v", 2)).ok());
  CHECK(c.get(binary).kvs.at(binary) == std::string("\x00v", 2));
}

TEST_CASE("an etcd that is down gives an error naming the operation, and works again once back") {
  EtcdServer etcd;
  EtcdClient c(etcd.url() + "/", quick());
  CHECK(c.endpoint() == etcd.url());
  REQUIRE(c.put("k", "1").ok());
  etcd.stop();
  EtcdResult r = c.put("k", "2");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error.rfind("etcd put k: POST " + etcd.url() + "/v3/kv/put: Failed to connect to 127.0.0.1 port ", 0) == 0);
  r = c.get("k");
  CHECK(r.error.rfind("etcd get k: POST " + etcd.url() + "/v3/kv/range: ", 0) == 0);
  etcd.start();
  REQUIRE(c.put("k", "3").ok());
  CHECK(c.get("k").kvs.at("k") == "3");  // data kept across the restart
}

TEST_CASE("the endpoint must be an http(s) URL") {
  CHECK_THROWS_WITH(EtcdClient("localhost:2379"), "'etcd_endpoints' must start with http:// or https://, got 'localhost:2379'");
}
