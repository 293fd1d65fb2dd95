// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// A connector that changes nothing: the planner decides and reports, a person applies.
#pragma once

#include <string>

#include "sla_planner/live/replica_connector.hpp"

namespace sla_planner {

/// Records the last advice; every change is "done" at once since nothing is waited for.
class AdvisoryConnector final : public ReplicaConnector {
public:
  ScaleResult set_replicas(int prefill, int decode) override {
    if (prefill < 0 || decode < 0)
      return {ScaleOutcome::failed, "replica counts must be >= 0, got prefill " + std::to_string(prefill) +
                                        ", decode " + std::to_string(decode)};
    last_prefill_ = prefill;
    last_decode_ = decode;
    ++advice_count_;
    return {ScaleOutcome::advisory,
            "advice (not applied): prefill " + std::to_string(prefill) + ", decode " + std::to_string(decode)};
  }
  bool last_change_done() override { return true; }
  const char* name() const noexcept override { return "advisory"; }

  int last_prefill() const noexcept { return last_prefill_; }    ///< -1 before any advice
  int last_decode() const noexcept { return last_decode_; }      ///< -1 before any advice
  long advice_count() const noexcept { return advice_count_; }  ///< set_replicas calls accepted

private:
  int last_prefill_ = -1, last_decode_ = -1;
  long advice_count_ = 0;
};

}  // namespace sla_planner
