// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// One engine configuration a deployment search may use (a profile at one parallelism), as the
// search sees it: a label for candidate names and how many GPUs one engine holds. The service
// model behind it stays with whoever replays the candidates (see FleetSearch).
#pragma once

#include <stdexcept>
#include <string>

namespace sla_planner {

/// An engine configuration: what one prefill or one decode engine of this kind costs in GPUs.
struct EngineConfig {
  /// Short name used in candidate names ("tp2", "H200_TP1P_TP1D"); must not be empty.
  std::string label = "default";
  /// GPUs one prefill engine of this configuration holds (>= 1).
  int prefill_gpus = 1;
  /// GPUs one decode engine of this configuration holds (>= 1).
  int decode_gpus = 1;

  /// \throws std::invalid_argument naming the field
  void validate() const {
    if (label.empty()) throw std::invalid_argument("'label' must not be empty");
    if (prefill_gpus < 1) throw std::invalid_argument("'prefill_gpus' must be >= 1, got " + std::to_string(prefill_gpus));
    if (decode_gpus < 1) throw std::invalid_argument("'decode_gpus' must be >= 1, got " + std::to_string(decode_gpus));
  }
};

}  // namespace sla_planner
