// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// The outcome of one etcd request made through its JSON gateway.
#pragma once

#include <map>
#include <string>

namespace sla_planner {

/// ok() when etcd answered and the request succeeded; then `kvs` holds the keys read (empty for
/// writes). Otherwise `error` is one line naming the operation and what failed.
struct EtcdResult {
  std::string error;                      ///< empty on success
  std::map<std::string, std::string> kvs;  ///< key -> value (decoded bytes) of a range request
  long long revision = 0;                 ///< the store's revision in the answer header (0 if absent)

  bool ok() const noexcept { return error.empty(); }
};

}  // namespace sla_planner
