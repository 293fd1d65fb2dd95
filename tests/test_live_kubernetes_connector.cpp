// KubernetesConnector against a local server that follows the Kubernetes API's conventions for
// custom resources and their scale subresource: the requests (method, path, content type, body,
// bearer token) are checked; the scaling-adapter path, the fallback to patching the
// DynamoGraphDeployment, no change while not Ready, errors as Status objects, and in-cluster
// service-account credentials.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "live_test_server.hpp"
#include "sla_planner/live/kubernetes_connector.hpp"

using namespace sla_planner;
using sla_planner::test::LocalServer;
using nlohmann::json;

namespace {
const std::string kDgdPath = "/apis/nvidia.com/v1alpha1/namespaces/llm/dynamographdeployments/vllm-disagg";
const std::string kAdapters = "/apis/nvidia.com/v1alpha1/namespaces/llm/dynamographdeploymentscalingadapters/";

struct Seen {
  std::string method, path, content_type, auth, body;
};

/// A fake API server holding one DGD, optionally with scaling adapters for its services.
struct FakeApi {
  LocalServer s;
  json dgd;
  bool adapters = true;
  int patch_status = 200;  // answer to scale patches (e.g. 403)
  std::vector<Seen> seen;
  std::map<std::string, int> adapter_replicas;

  FakeApi() {
    dgd = json::parse(R"({
      "apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeployment",
      "metadata":{"name":"vllm-disagg","namespace":"llm"},
      "spec":{"services":{
        "Frontend":{"componentType":"frontend","replicas":1},
        "VllmPrefillWorker":{"subComponentType":"prefill","replicas":1},
        "VllmDecodeWorker":{"subComponentType":"decode","replicas":1}}},
      "status":{"conditions":[{"type":"Ready","status":"True","message":"All resources are ready"}]}})");
    auto record = [this](const httplib::Request& req) {
      seen.push_back({req.method, req.path, req.get_header_value("Content-Type"), req.get_header_value("Authorization"),
                      req.body});
    };
    s.server.Get(kDgdPath, [this, record](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.set_content(dgd.dump(), "application/json");
    });
    s.server.Get("/apis/nvidia.com/v1alpha1/namespaces/llm/dynamographdeployments/(.*)",
                 [this, record](const httplib::Request& req, httplib::Response& res) {
                   record(req);
                   res.status = 404;
                   res.set_content(R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"dynamographdeployments.nvidia.com \"x\" not found","reason":"NotFound","code":404})", "application/json");
                 });
    s.server.Patch(kAdapters + "(.*)/scale", [this, record](const httplib::Request& req, httplib::Response& res) {
      record(req);
      if (!adapters) {
        res.status = 404;
        res.set_content(R"({"kind":"Status","status":"Failure","reason":"NotFound","code":404,"message":"not found"})", "application/json");
        return;
      }
      if (patch_status != 200) {
        res.status = patch_status;
        res.set_content(R"({"kind":"Status","status":"Failure","reason":"Forbidden","code":403,"message":"dynamographdeploymentscalingadapters.nvidia.com \"vllm-disagg-vllmprefillworker\" is forbidden: User \"system:serviceaccount:llm:planner\" cannot patch resource"})", "application/json");
        return;
      }
      const json body = json::parse(req.body);
      adapter_replicas[req.matches[1]] = body["spec"]["replicas"].get<int>();
      res.set_content(json{{"kind", "Scale"}, {"apiVersion", "autoscaling/v1"}, {"spec", body["spec"]}}.dump(), "application/json");
    });
    s.server.Patch(kDgdPath, [this, record](const httplib::Request& req, httplib::Response& res) {
      record(req);
      dgd.merge_patch(json::parse(req.body));
      res.set_content(dgd.dump(), "application/json");
    });
    s.start();
  }

  KubernetesConnector connector(const std::string& token = "t0ken") {
    KubernetesCredentials c;
    c.api_server = s.url();
    c.token = token;
    c.k8s_namespace = "llm";
    c.http.total_timeout_s = 3;
    KubernetesConnectorOptions o;
    o.graph_deployment_name = "vllm-disagg";
    return KubernetesConnector(c, o);
  }
};
}  // namespace

TEST_CASE("changed counts are patched through the scaling adapters' scale subresource") {
  FakeApi api;
  auto c = api.connector();
  CHECK(std::string(c.name()) == "kubernetes");
  const ScaleResult r = c.set_replicas(2, 1);
  CHECK(r.outcome == ScaleOutcome::applied);
  CHECK(r.message == "scaled prefill VllmPrefillWorker 1 -> 2");
  REQUIRE(api.seen.size() == 2);
  CHECK(api.seen[0].method == "GET");
  CHECK(api.seen[0].path == kDgdPath);
  CHECK(api.seen[0].auth == "Bearer t0ken");
  CHECK(api.seen[0].body.empty());
  CHECK(api.seen[1].method == "PATCH");
  CHECK(api.seen[1].path == kAdapters + "vllm-disagg-vllmprefillworker/scale");
  CHECK(api.seen[1].content_type == "application/merge-patch+json");
  CHECK(api.seen[1].auth == "Bearer t0ken");
  CHECK(api.seen[1].body == R"({"spec":{"replicas":2}})");
  CHECK(api.adapter_replicas == std::map<std::string, int>{{"vllm-disagg-vllmprefillworker", 2}});

  api.seen.clear();
  const ScaleResult both = c.set_replicas(3, 2);
  CHECK(both.message == "scaled prefill VllmPrefillWorker 1 -> 3; decode VllmDecodeWorker 1 -> 2");
  REQUIRE(api.seen.size() == 3);
  CHECK(api.seen[2].path == kAdapters + "vllm-disagg-vllmdecodeworker/scale");
  CHECK(api.seen[2].body == R"({"spec":{"replicas":2}})");
}

TEST_CASE("without scaling adapters the DynamoGraphDeployment's service replicas are patched") {
  FakeApi api;
  api.adapters = false;
  auto c = api.connector();
  ScaleResult r = c.set_replicas(1, 3);
  CHECK(r.outcome == ScaleOutcome::applied);
  CHECK(r.message == "scaled decode VllmDecodeWorker 1 -> 3");
  REQUIRE(api.seen.size() == 3);
  CHECK(api.seen[1].path == kAdapters + "vllm-disagg-vllmdecodeworker/scale");
  CHECK(api.seen[2].method == "PATCH");
  CHECK(api.seen[2].path == kDgdPath);
  CHECK(api.seen[2].content_type == "application/merge-patch+json");
  CHECK(api.seen[2].body == R"({"spec":{"services":{"VllmDecodeWorker":{"replicas":3}}}})");
  CHECK(api.dgd["spec"]["services"]["VllmDecodeWorker"]["replicas"] == 3);
  CHECK(api.dgd["spec"]["services"]["VllmDecodeWorker"]["subComponentType"] == "decode");  // merge, not replace

  api.seen.clear();
  r = c.set_replicas(1, 3);  // the DGD now says 3: nothing to do
  CHECK(r.outcome == ScaleOutcome::unchanged);
  CHECK(r.message == "no change: prefill 1, decode 3");
  CHECK(api.seen.size() == 1);
}

TEST_CASE("no change while the deployment is not Ready; done once it is Ready") {
  FakeApi api;
  api.dgd["status"]["conditions"][0]["status"] = "False";
  api.dgd["status"]["conditions"][0]["message"] = "VllmDecodeWorker: 1/2 ready";
  auto c = api.connector();
  ScaleResult r = c.set_replicas(2, 2);
  CHECK(r.outcome == ScaleOutcome::waiting);
  CHECK(r.message == "deployment 'vllm-disagg' is not Ready (status False: VllmDecodeWorker: 1/2 ready); no change");
  CHECK(api.seen.size() == 1);  // only the GET
  CHECK_FALSE(c.last_change_done());

  api.dgd["status"].erase("conditions");
  CHECK(c.set_replicas(2, 2).message == "deployment 'vllm-disagg' is not Ready (no Ready condition); no change");

  api.dgd["status"]["conditions"] = json::array({{{"type", "Ready"}, {"status", "True"}}});
  CHECK(c.last_change_done());
}

TEST_CASE("API errors are one-line failures and change nothing further") {
  FakeApi api;
  api.patch_status = 403;
  auto c = api.connector();
  ScaleResult r = c.set_replicas(2, 1);
  CHECK(r.outcome == ScaleOutcome::failed);
  CHECK(r.message == "kubernetes: PATCH " + kAdapters +
                         "vllm-disagg-vllmprefillworker/scale: HTTP 403: dynamographdeploymentscalingadapters.nvidia.com "
                         "\"vllm-disagg-vllmprefillworker\" is forbidden: User \"system:serviceaccount:llm:planner\" "
                         "cannot patch resource");
  CHECK(api.seen.size() == 2);  // decode was not attempted

  KubernetesCredentials cred;
  cred.api_server = api.s.url();
  cred.k8s_namespace = "llm";
  KubernetesConnectorOptions o;
  o.graph_deployment_name = "missing";
  KubernetesConnector m(cred, o);
  CHECK(m.set_replicas(1, 1).message == "kubernetes: DynamoGraphDeployment 'missing' not found in namespace 'llm'");
  CHECK_FALSE(m.last_change_done());

  api.s.stop();
  r = c.set_replicas(2, 1);
  CHECK(r.outcome == ScaleOutcome::failed);
  CHECK(r.message.rfind("kubernetes: GET " + api.s.url() + kDgdPath + ": ", 0) == 0);
}

TEST_CASE("services: by subComponentType, else the configured name; duplicates and absence are errors") {
  FakeApi api;
  auto c = api.connector();
  api.dgd["spec"]["services"]["Other"] = {{"subComponentType", "decode"}, {"replicas", 1}};
  CHECK(c.set_replicas(1, 2).message ==
        "kubernetes: several services have subComponentType 'decode': Other, VllmDecodeWorker");
  api.dgd["spec"]["services"].erase("Other");
  api.dgd["spec"]["services"]["VllmPrefillWorker"].erase("subComponentType");
  CHECK(c.set_replicas(2, 1).message == "kubernetes: no service with subComponentType 'prefill' in deployment 'vllm-disagg'");

  KubernetesCredentials cred;
  cred.api_server = api.s.url();
  cred.k8s_namespace = "llm";
  KubernetesConnectorOptions o;
  o.graph_deployment_name = "vllm-disagg";
  o.prefill_component_name = "VllmPrefillWorker";
  KubernetesConnector named(cred, o);
  api.seen.clear();
  CHECK(named.set_replicas(2, 1).message == "scaled prefill VllmPrefillWorker 1 -> 2");
  CHECK(api.seen.back().auth.empty());  // no token configured: no Authorization header
}

TEST_CASE("in-cluster credentials: API server from the environment, token re-read per request") {
  const auto dir = std::filesystem::temp_directory_path() / ("sla_planner_sa_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "token") << "first\n";
  std::ofstream(dir / "ca.crt") << "-----BEGIN CERTIFICATE-----\n";
  std::ofstream(dir / "namespace") << "llm";
  const std::map<std::string, std::string> env = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                                                  {"KUBERNETES_SERVICE_PORT", "443"}};
  auto getenv = [&](const char* n) -> const char* {
    const auto it = env.find(n);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  KubernetesCredentials c = KubernetesCredentials::in_cluster(getenv, dir.string());
  CHECK(c.api_server == "https://10.96.0.1:443");
  CHECK(c.k8s_namespace == "llm");
  CHECK(c.http.ca_file == (dir / "ca.crt").string());
  CHECK(c.authorization() == "Authorization: Bearer first");
  std::ofstream(dir / "token") << "rotated";
  CHECK(c.authorization() == "Authorization: Bearer rotated");

  // the connector sends the current token
  FakeApi api;
  c.api_server = api.s.url();
  c.http.ca_file.clear();
  KubernetesConnectorOptions o;
  o.graph_deployment_name = "vllm-disagg";
  KubernetesConnector k(c, o);
  CHECK(k.set_replicas(1, 1).outcome == ScaleOutcome::unchanged);
  CHECK(api.seen.back().auth == "Bearer rotated");
  std::filesystem::remove(dir / "token");
  CHECK(k.set_replicas(1, 1).message == "kubernetes: cannot read " + (dir / "token").string());

  const std::map<std::string, std::string> v6 = {{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "6443"}};
  std::ofstream(dir / "token") << "x";
  auto getenv6 = [&](const char* n) -> const char* {
    const auto it = v6.find(n);
    return it == v6.end() ? nullptr : it->second.c_str();
  };
  CHECK(KubernetesCredentials::in_cluster(getenv6, dir.string()).api_server == "https://[fd00::1]:6443");
  CHECK_THROWS_WITH(KubernetesCredentials::in_cluster([](const char*) -> const char* { return nullptr; }, dir.string()),
                    "not running in a Kubernetes pod: KUBERNETES_SERVICE_HOST/PORT are not set");
  std::filesystem::remove_all(dir);
}

TEST_CASE("options are validated") {
  KubernetesCredentials c;
  c.api_server = "http://127.0.0.1:1";
  CHECK_THROWS_WITH(KubernetesConnector(c, KubernetesConnectorOptions{}), "'graph_deployment_name' must not be empty");
  c.api_server = "10.0.0.1";
  KubernetesConnectorOptions o;
  o.graph_deployment_name = "d";
  CHECK_THROWS_WITH(KubernetesConnector(c, o), "the Kubernetes API server must be an http:// or https:// URL, got '10.0.0.1'");
}
