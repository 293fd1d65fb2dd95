// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Where the Kubernetes API server is and how to authenticate to it. In-cluster values follow the
// Kubernetes documentation "Accessing the Kubernetes API from a Pod": KUBERNETES_SERVICE_HOST /
// KUBERNETES_SERVICE_PORT, and /var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt,namespace}.
// The token file is read again for every request (projected service-account tokens rotate), as
// Dynamo's planner does (traffic_metrics.py, _BearerTokenFileAuth).
#pragma once

#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>

#include "sla_planner/live/http_options.hpp"

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

private:
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
