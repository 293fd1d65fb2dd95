// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Which DynamoGraphDeployment the Kubernetes connector scales, after Dynamo's
// KubernetesConnector (DYN_PARENT_DGD_K8S_NAME; prefill/decode component names).
#pragma once

#include <stdexcept>
#include <string>

namespace sla_planner {

struct KubernetesConnectorOptions {
  /// Name of the DynamoGraphDeployment (Dynamo reads it from DYN_PARENT_DGD_K8S_NAME).
  std::string graph_deployment_name;
  /// Service to use for prefill when no service has subComponentType "prefill" (may be empty).
  std::string prefill_component_name;
  /// Service to use for decode when no service has subComponentType "decode" (may be empty).
  std::string decode_component_name;

  /// Throws std::invalid_argument naming the first bad field.
  void validate() const {
    if (graph_deployment_name.empty()) throw std::invalid_argument("'graph_deployment_name' must not be empty");
  }
};

}  // namespace sla_planner
