// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Dynamo's Kubernetes connector over the Kubernetes REST API. Follows ai-dynamo/dynamo
// components/src/dynamo/planner/kubernetes_connector.py (set_component_replicas, commit
// 002a7c3130e71d5849540cae64fcba2ed9e2d899), connectors/kubernetes_api.py
// (update_service_replicas, is_deployment_ready, commit 0517dbe99cbab998ab1f395a424318492c00b516)
// and the service lookup get_service_from_sub_component_type_or_name:
//  - read the DynamoGraphDeployment (group nvidia.com, version v1alpha1);
//  - no change while its status condition "Ready" is not "True";
//  - the prefill/decode service is the one service whose subComponentType is "prefill"/"decode"
//    (two such services are an error), else the configured component name if that service has
//    no subComponentType; its current count is spec.services.<service>.replicas (default 0);
//  - a changed count is written through the scale subresource of the
//    DynamoGraphDeploymentScalingAdapter "<dgd>-<lowercase service>" (merge patch
//    {"spec":{"replicas":N}}); if that adapter does not exist (HTTP 404), the DGD itself is
//    patched: {"spec":{"services":{"<service>":{"replicas":N}}}};
//  - the last change is done when the deployment is Ready again.
#pragma once

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sla_planner/live/http_client.hpp"
#include "sla_planner/live/kubernetes_connector_options.hpp"
#include "sla_planner/live/kubernetes_credentials.hpp"
#include "sla_planner/live/replica_connector.hpp"

namespace sla_planner {

class KubernetesConnector final : public ReplicaConnector {
public:
  KubernetesConnector(KubernetesCredentials credentials, KubernetesConnectorOptions options)
      : cred_(std::move(credentials)), options_(std::move(options)), http_(cred_.http) {
    options_.validate();
    while (!cred_.api_server.empty() && cred_.api_server.back() == '/') cred_.api_server.pop_back();
    if (cred_.api_server.rfind("http://", 0) != 0 && cred_.api_server.rfind("https://", 0) != 0)
      throw std::invalid_argument("the Kubernetes API server must be an http:// or https:// URL, got '" +
                                  cred_.api_server + "'");
  }

  /// Path of a namespaced nvidia.com/v1alpha1 object, e.g.
  /// "/apis/nvidia.com/v1alpha1/namespaces/ns/dynamographdeployments/dgd".
  std::string object_path(const std::string& plural, const std::string& name) const {
    return "/apis/nvidia.com/v1alpha1/namespaces/" + cred_.k8s_namespace + "/" + plural + "/" + name;
  }

  ScaleResult set_replicas(int prefill, int decode) override {
    if (prefill < 0 || decode < 0)
      return {ScaleOutcome::failed, "replica counts must be >= 0, got prefill " + std::to_string(prefill) +
                                        ", decode " + std::to_string(decode)};
    std::string err;
    const auto dgd = get_deployment(err);
    if (!dgd) return {ScaleOutcome::failed, err};
    if (auto why = not_ready(*dgd)) return {ScaleOutcome::waiting, *why + "; no change"};

    struct Target {
      const char* role;
      std::string component;
      int desired;
      std::string service;
      int current = 0;
    } targets[] = {{"prefill", options_.prefill_component_name, prefill, "", 0},
                   {"decode", options_.decode_component_name, decode, "", 0}};
    for (auto& t : targets) {
      if (!find_service(*dgd, t.role, t.component, t.service, t.current, err)) return {ScaleOutcome::failed, err};
    }
    std::string done;
    for (const auto& t : targets) {
      if (t.current == t.desired) continue;
      if (!patch_service(t.service, t.desired, err))
        return {ScaleOutcome::failed, err + (done.empty() ? "" : " (already applied:" + done + ")")};
      done += " " + std::string(t.role) + " " + t.service + " " + std::to_string(t.current) + " -> " +
              std::to_string(t.desired) + ";";
    }
    if (done.empty())
      return {ScaleOutcome::unchanged,
              "no change: prefill " + std::to_string(prefill) + ", decode " + std::to_string(decode)};
    done.pop_back();
    return {ScaleOutcome::applied, "scaled" + done};
  }

  /// True when the DynamoGraphDeployment reports Ready (false also when it cannot be read).
  bool last_change_done() override {
    std::string err;
    const auto dgd = get_deployment(err);
    return dgd && !not_ready(*dgd);
  }

  const char* name() const noexcept override { return "kubernetes"; }

private:
  using json = nlohmann::json;

  std::vector<std::string> headers(const char* content_type = nullptr) const {
    std::vector<std::string> h = {"Accept: application/json"};
    const std::string auth = cred_.authorization();
    if (!auth.empty()) h.push_back(auth);
    if (content_type) h.push_back(std::string("Content-Type: ") + content_type);
    return h;
  }

  std::optional<json> get_deployment(std::string& err) {
    const std::string path = object_path("dynamographdeployments", options_.graph_deployment_name);
    const auto answer = send("GET", path, nullptr, err);
    if (!answer) return std::nullopt;
    const HttpResult& r = *answer;
    if (r.status == 404) {
      err = "kubernetes: DynamoGraphDeployment '" + options_.graph_deployment_name + "' not found in namespace '" +
            cred_.k8s_namespace + "'";
      return std::nullopt;
    }
    if (!r.ok()) {
      err = "kubernetes: GET " + path + ": " + status_text(r);
      return std::nullopt;
    }
    json doc = json::parse(r.body, nullptr, false);
    if (!doc.is_object()) {
      err = "kubernetes: GET " + path + ": the answer is not a JSON object";
      return std::nullopt;
    }
    return doc;
  }

  /// Why the deployment is not Ready, or nullopt when it is.
  std::optional<std::string> not_ready(const json& dgd) const {
    const json* conditions = find_path(dgd, {"status", "conditions"});
    if (conditions && conditions->is_array()) {
      for (const auto& c : *conditions) {
        if (!c.is_object() || c.value("type", json()) != "Ready") continue;
        if (c.value("status", json()) == "True") return std::nullopt;
        const auto status = c.value("status", json());
        const auto message = c.value("message", json());
        return "deployment '" + options_.graph_deployment_name + "' is not Ready (status " +
               (status.is_string() ? status.get<std::string>() : "?") +
               (message.is_string() && !message.get<std::string>().empty() ? ": " + message.get<std::string>() : "") +
               ")";
      }
    }
    return "deployment '" + options_.graph_deployment_name + "' is not Ready (no Ready condition)";
  }

  bool find_service(const json& dgd, const char* role, const std::string& fallback, std::string& name, int& current,
                    std::string& err) const {
    const json* services = find_path(dgd, {"spec", "services"});
    if (!services || !services->is_object()) {
      err = "kubernetes: deployment '" + options_.graph_deployment_name + "' has no spec.services";
      return false;
    }
    std::vector<std::string> matches;
    for (auto it = services->begin(); it != services->end(); ++it)
      if (it.value().is_object() && it.value().value("subComponentType", json()) == role) matches.push_back(it.key());
    if (matches.size() > 1) {
      std::string list;
      for (const auto& m : matches) list += (list.empty() ? "" : ", ") + m;
      err = "kubernetes: several services have subComponentType '" + std::string(role) + "': " + list;
      return false;
    }
    if (matches.empty()) {
      const auto it = fallback.empty() ? services->end() : services->find(fallback);
      const bool usable = it != services->end() && it->is_object() &&
                          it->value("subComponentType", json("")) == json("");
      if (!usable) {
        err = "kubernetes: no service with subComponentType '" + std::string(role) + "' in deployment '" +
              options_.graph_deployment_name + "'";
        return false;
      }
      matches.push_back(fallback);
    }
    name = matches.front();
    const json& svc = (*services)[name];
    const auto replicas = svc.find("replicas");
    current = replicas != svc.end() && replicas->is_number_integer() ? replicas->get<int>() : 0;
    return true;
  }

  /// One request; nullopt with err set when there is no answer (or the token cannot be read).
  std::optional<HttpResult> send(const std::string& method, const std::string& path, const std::string* body,
                                 std::string& err) {
    HttpResult r;
    try {
      r = http_.request(method, cred_.api_server + path, body,
                        headers(body ? "application/merge-patch+json" : nullptr));
    } catch (const std::runtime_error& e) {  // unreadable token file
      err = std::string("kubernetes: ") + e.what();
      return std::nullopt;
    }
    if (!r.answered()) {
      err = "kubernetes: " + r.message;
      return std::nullopt;
    }
    return r;
  }

  bool patch_service(const std::string& service, int replicas, std::string& err) {
    std::string lower = service;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::string adapter = options_.graph_deployment_name + "-" + lower;
    const std::string scale_path = object_path("dynamographdeploymentscalingadapters", adapter) + "/scale";
    const std::string scale_body = json{{"spec", {{"replicas", replicas}}}}.dump();
    auto r = send("PATCH", scale_path, &scale_body, err);
    if (!r) return false;
    if (r->ok()) return true;
    if (r->status != 404) {
      err = "kubernetes: PATCH " + scale_path + ": " + status_text(*r);
      return false;
    }
    // No scaling adapter (older operator): patch the deployment's service directly.
    const std::string dgd_path = object_path("dynamographdeployments", options_.graph_deployment_name);
    const std::string dgd_body = json{{"spec", {{"services", {{service, {{"replicas", replicas}}}}}}}}.dump();
    r = send("PATCH", dgd_path, &dgd_body, err);
    if (!r) return false;
    if (!r->ok()) {
      err = "kubernetes: PATCH " + dgd_path + ": " + status_text(*r);
      return false;
    }
    return true;
  }

  /// "HTTP 403: <Status.message>" from a Kubernetes Status object, or the body's start.
  static std::string status_text(const HttpResult& r) {
    std::string why;
    const json doc = json::parse(r.body, nullptr, false);
    if (doc.is_object() && doc.contains("message") && doc["message"].is_string()) why = doc["message"].get<std::string>();
    else why = r.body.substr(0, 200);
    for (char& c : why)
      if (c == '\n' || c == '\r') c = ' ';
    return "HTTP " + std::to_string(r.status) + (why.empty() ? "" : ": " + why);
  }

  static const json* find_path(const json& doc, std::initializer_list<const char*> keys) {
    const json* cur = &doc;
    for (const char* k : keys) {
      if (!cur->is_object()) return nullptr;
      const auto it = cur->find(k);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    }
    return cur;
  }

  KubernetesCredentials cred_;
  KubernetesConnectorOptions options_;
  HttpClient http_;
};

}  // namespace sla_planner
