// KubernetesCredentials from kubeconfig documents (JSON form): context selection, server, namespace,
// CA and client certificate as files (relative to the kubeconfig) or base64 data, tokens, and the
// errors for what is missing or unsupported.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "sla_planner/live/kubernetes_credentials.hpp"

using namespace sla_planner;
using nlohmann::json;

namespace {
json config() {
  return json::parse(R"({
    "apiVersion":"v1","kind":"Config","current-context":"prod",
    "clusters":[
      {"name":"c1","cluster":{"server":"https://k8s.example:6443","certificate-authority-data":"Q0EtUEVN"}},
      {"name":"c2","cluster":{"server":"https://10.0.0.2:443","certificate-authority":"certs/ca.crt","insecure-skip-tls-verify":true}}],
    "contexts":[
      {"name":"prod","context":{"cluster":"c1","user":"planner","namespace":"llm"}},
      {"name":"lab","context":{"cluster":"c2","user":"certuser"}},
      {"name":"anon","context":{"cluster":"c2"}},
      {"name":"plugin","context":{"cluster":"c1","user":"eks"}},
      {"name":"halfcert","context":{"cluster":"c1","user":"half"}},
      {"name":"nouser","context":{"cluster":"c1","user":"ghost"}}],
    "users":[
      {"name":"planner","user":{"token":"abc.def"}},
      {"name":"certuser","user":{"client-certificate":"certs/client.crt","client-key":"/abs/client.key","tokenFile":"tok"}},
      {"name":"eks","user":{"exec":{"command":"aws"}}},
      {"name":"half","user":{"client-certificate-data":"Q0VSVA=="}}]})");
}
}  // namespace

TEST_CASE("the current context: server, namespace, CA data and token") {
  const KubernetesCredentials c = KubernetesCredentials::from_kubeconfig(config(), "kc", "/home/u/.kube");
  CHECK(c.api_server == "https://k8s.example:6443");
  CHECK(c.k8s_namespace == "llm");
  CHECK(c.http.ca_pem == "CA-PEM");
  CHECK(c.http.ca_file.empty());
  CHECK_FALSE(c.http.insecure_skip_tls_verify);
  CHECK(c.token == "abc.def");
  CHECK(c.authorization() == "Authorization: Bearer abc.def");
}

TEST_CASE("a named context: files relative to the kubeconfig's directory, client certificate, token file") {
  const KubernetesCredentials c = KubernetesCredentials::from_kubeconfig(config(), "kc", "/home/u/.kube", "lab");
  CHECK(c.api_server == "https://10.0.0.2:443");
  CHECK(c.k8s_namespace == "default");
  CHECK(c.http.ca_file == "/home/u/.kube/certs/ca.crt");
  CHECK(c.http.insecure_skip_tls_verify);
  CHECK(c.http.client_cert_file == "/home/u/.kube/certs/client.crt");
  CHECK(c.http.client_key_file == "/abs/client.key");
  CHECK(c.token_file == "/home/u/.kube/tok");
  const KubernetesCredentials anon = KubernetesCredentials::from_kubeconfig(config(), "kc", ".", "anon");
  CHECK(anon.token.empty());
  CHECK(anon.authorization().empty());
}

TEST_CASE("kubeconfig errors name the file and the problem") {
  auto err = [](const json& doc, const std::string& context) {
    try {
      KubernetesCredentials::from_kubeconfig(doc, "/k/config.json", "/k", context);
    } catch (const DataError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(err(config(), "nope") == "/k/config.json: no context named 'nope' in 'contexts'");
  CHECK(err(config(), "plugin") ==
        "/k/config.json: user 'eks' uses a credential plugin (exec or auth-provider), which is not supported; "
        "use a token, a token file or a client certificate");
  CHECK(err(config(), "halfcert") ==
        "/k/config.json: user 'half': a client certificate needs its key (and the key its certificate)");
  CHECK(err(config(), "nouser") == "/k/config.json: no user named 'ghost' in 'users'");
  json d = config();
  d.erase("current-context");
  CHECK(err(d, "") == "/k/config.json: no current-context (name a context)");
  d = config();
  d["clusters"][0]["cluster"].erase("server");
  CHECK(err(d, "") == "/k/config.json: cluster 'c1' has no server");
  d = config();
  d["clusters"][0]["cluster"]["certificate-authority-data"] = "@@";
  CHECK(err(d, "") == "/k/config.json: cluster 'c1': 'certificate-authority-data' is not valid base64");
  CHECK(err(json::array(), "") == "/k/config.json: not a kubeconfig (expected a mapping)");
}

TEST_CASE("load_kubeconfig_json reads a file and refuses YAML with a hint") {
  const auto dir = std::filesystem::temp_directory_path() / ("sla_planner_kc_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "config.json").string();
  std::ofstream(file) << config().dump();
  const KubernetesCredentials c = KubernetesCredentials::load_kubeconfig_json(file, "lab");
  CHECK(c.http.ca_file == dir.string() + "/certs/ca.crt");
  const std::string yaml = (dir / "config").string();
  std::ofstream(yaml) << "apiVersion: v1\nkind: Config\n";
  CHECK_THROWS_WITH(KubernetesCredentials::load_kubeconfig_json(yaml),
                    yaml + ": not JSON (convert a YAML kubeconfig with: kubectl config view --raw --minify -o json)");
  CHECK_THROWS_WITH(KubernetesCredentials::load_kubeconfig_json(dir.string() + "/missing"), dir.string() + "/missing: cannot open");
  std::filesystem::remove_all(dir);
}
