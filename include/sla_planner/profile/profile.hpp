// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// A pre-deployment profile as plain data (formats/profile_loader.hpp reads one from files).
#pragma once

#include "sla_planner/profile/decode_profile.hpp"
#include "sla_planner/profile/prefill_profile.hpp"

namespace sla_planner {

/// A complete profile: prefill and decode measurements of one engine configuration.
struct Profile {
  PrefillProfile prefill;  ///< TTFT and throughput per GPU against ISL
  DecodeProfile decode;    ///< ITL and throughput per GPU against KV usage and context length
};

}  // namespace sla_planner
