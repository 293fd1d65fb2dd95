// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Where the Kubernetes API server is and how to authenticate to it. In-cluster values follow the
// Kubernetes documentation "Accessing the Kubernetes API from a Pod": KUBERNETES_SERVICE_HOST /
// KUBERNETES_SERVICE_PORT, and /var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt,namespace}.
// The token file is read again for every request (projected service-account tokens rotate), as
// Dynamo's planner does (traffic_metrics.py, _BearerTokenFileAuth). Kubeconfig fields follow the
// Kubernetes documentation "Organizing Cluster Access Using kubeconfig Files" and the client-go
// clientcmd v1 Config type (current-context, contexts, clusters, users; relative paths are
// relative to the kubeconfig's directory; *-data fields are base64 PEM).
#pragma once

#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "sla_planner/live/detail/base64.hpp"
#include "sla_planner/live/http_options.hpp"
#include "sla_planner/util/data_error.hpp"

namespace sla_planner {

struct KubernetesCredentials {
  /// API server base URL, e.g. "https://10.96.0.1:443".
  std::string api_server;
  /// A bearer token (empty: use token_file, or none).
  std::string token;
  /// File holding a bearer token, read for every request (empty: none).
  std::string token_file;
  /// The Kubernetes namespace of the deployment.
  std::string k8s_namespace = "default";
  /// TLS: CA bundle, client certificate/key, and verification switch.
  HttpOptions http;

  /// The Authorization header line for this request ("" without a token). Throws
  /// std::runtime_error when the token file cannot be read.
  std::string authorization() const {
    std::string t = token;
    if (t.empty() && !token_file.empty()) t = read_trimmed(token_file);
    return t.empty() ? std::string() : "Authorization: Bearer " + t;
  }

  /// Credentials of a pod's service account. `getenv` and `dir` are replaceable for tests.
  /// Throws std::runtime_error naming what is missing when not running in a cluster.
  static KubernetesCredentials in_cluster(
      const std::function<const char*(const char*)>& getenv = [](const char* n) { return std::getenv(n); },
      const std::string& dir = "/var/run/secrets/kubernetes.io/serviceaccount") {
    const char* host = getenv("KUBERNETES_SERVICE_HOST");
    const char* port = getenv("KUBERNETES_SERVICE_PORT");
    if (!host || !*host || !port || !*port)
      throw std::runtime_error("not running in a Kubernetes pod: KUBERNETES_SERVICE_HOST/PORT are not set");
    KubernetesCredentials c;
    const std::string h = host;
    c.api_server = "https://" + (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + port;
    c.token_file = dir + "/token";
    read_trimmed(c.token_file);  // fail now, not at the first request
    c.http.ca_file = dir + "/ca.crt";
    std::ifstream ns(dir + "/namespace");
    if (ns) c.k8s_namespace = read_trimmed(dir + "/namespace");
    return c;
  }

  /// Credentials of one context of a kubeconfig document (`context` empty: its current-context).
  /// The document is the kubeconfig's content in JSON form; `source` names it in errors and
  /// `base_dir` resolves relative file paths. Token, token file and client certificate (file or
  /// data) are supported; exec and auth-provider plugins are not. Throws DataError
  /// "<source>: <problem>".
  static KubernetesCredentials from_kubeconfig(const nlohmann::json& config, const std::string& source,
                                               const std::string& base_dir, std::string context = "") {
    auto fail = [&](const std::string& what) -> DataError { return DataError(source + ": " + what); };
    if (!config.is_object()) throw fail("not a kubeconfig (expected a mapping)");
    if (context.empty()) {
      const auto cc = config.find("current-context");
      if (cc == config.end() || !cc->is_string() || cc->get<std::string>().empty())
        throw fail("no current-context (name a context)");
      context = cc->get<std::string>();
    }
    const nlohmann::json& ctx = named(config, "contexts", "context", context, fail);
    const std::string cluster_name = text(ctx, "cluster");
    const std::string user_name = text(ctx, "user");
    const nlohmann::json& cluster = named(config, "clusters", "cluster", cluster_name, fail);
    KubernetesCredentials c;
    c.api_server = text(cluster, "server");
    if (c.api_server.empty()) throw fail("cluster '" + cluster_name + "' has no server");
    if (!text(ctx, "namespace").empty()) c.k8s_namespace = text(ctx, "namespace");
    auto path = [&](const std::string& p) { return p.empty() || p[0] == '/' ? p : base_dir + "/" + p; };
    auto data = [&](const nlohmann::json& obj, const char* key, const std::string& owner) {
      const std::string b64 = text(obj, key);
      if (b64.empty()) return std::string();
      const auto pem = detail::base64_decode(b64);
      if (!pem) throw fail(owner + ": '" + key + "' is not valid base64");
      return *pem;
    };
    c.http.ca_pem = data(cluster, "certificate-authority-data", "cluster '" + cluster_name + "'");
    c.http.ca_file = path(text(cluster, "certificate-authority"));
    if (const auto it = cluster.find("insecure-skip-tls-verify"); it != cluster.end() && it->is_boolean())
      c.http.insecure_skip_tls_verify = it->get<bool>();
    if (!user_name.empty()) {
      const nlohmann::json& user = named(config, "users", "user", user_name, fail);
      const std::string owner = "user '" + user_name + "'";
      if (user.contains("exec") || user.contains("auth-provider"))
        throw fail(owner + " uses a credential plugin (exec or auth-provider), which is not supported; "
                   "use a token, a token file or a client certificate");
      c.token = text(user, "token");
      c.token_file = path(text(user, "tokenFile"));
      c.http.client_cert_pem = data(user, "client-certificate-data", owner);
      c.http.client_key_pem = data(user, "client-key-data", owner);
      c.http.client_cert_file = path(text(user, "client-certificate"));
      c.http.client_key_file = path(text(user, "client-key"));
      try {
        c.http.validate();
      } catch (const std::invalid_argument&) {
        throw fail(owner + ": a client certificate needs its key (and the key its certificate)");
      }
    }
    return c;
  }

  /// Reads a kubeconfig file in JSON form, e.g. written by
  /// `kubectl config view --raw --minify -o json > kubeconfig.json`. Throws DataError.
  static KubernetesCredentials load_kubeconfig_json(const std::string& file, const std::string& context = "") {
    std::ifstream in(file);
    if (!in) throw DataError(file + ": cannot open");
    const nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded())
      throw DataError(file + ": not JSON (convert a YAML kubeconfig with: kubectl config view --raw --minify -o json)");
    const auto slash = file.find_last_of('/');
    return from_kubeconfig(doc, file, slash == std::string::npos ? "." : file.substr(0, slash), context);
  }

private:
  /// The string at obj[key], or "" when absent or not a string.
  static std::string text(const nlohmann::json& obj, const char* key) {
    if (!obj.is_object()) return "";
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
  }

  /// The `inner` object of the entry named `name` in the list config[list].
  template <class Fail>
  static const nlohmann::json& named(const nlohmann::json& config, const char* list, const char* inner,
                                     const std::string& name, Fail fail) {
    const auto l = config.find(list);
    if (l != config.end() && l->is_array())
      for (const auto& e : *l)
        if (e.is_object() && text(e, "name") == name) {
          const auto it = e.find(inner);
          if (it == e.end() || !it->is_object()) throw fail(std::string(inner) + " '" + name + "' is empty");
          return *it;
        }
    throw fail(std::string("no ") + inner + " named '" + name + "' in '" + list + "'");
  }

  static std::string read_trimmed(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
  }
};

}  // namespace sla_planner
