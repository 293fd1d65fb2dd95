// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// The requests of a fleet replay with the KV block hashes of their prompts (a mooncake trace's
// `hash_ids`: one id per block of block_size prompt tokens, equal ids meaning equal prefixes), kept
// in one pool with offsets rather than a vector per request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sla_planner/sim/replay_request.hpp"

namespace sla_planner {

/// Requests in arrival order and, optionally, their block hashes: request i's hashes are
/// block_hashes[hash_offsets[i], hash_offsets[i + 1]).
struct ReplayWorkload {
  /// The requests, sorted by arrival.
  std::vector<ReplayRequest> requests;
  /// Every request's block hashes, one after the other.
  std::vector<std::uint64_t> block_hashes;
  /// requests.size() + 1 offsets into block_hashes (non-decreasing, first 0, last its size), or
  /// empty when the trace has no hashes (no prefix is ever reused).
  std::vector<std::uint64_t> hash_offsets;

  /// Whether the workload carries block hashes.
  bool has_hashes() const noexcept { return !hash_offsets.empty(); }

  /// \throws std::invalid_argument when the offsets do not describe block_hashes
  void validate() const {
    if (hash_offsets.empty()) {
      if (!block_hashes.empty()) throw std::invalid_argument("'hash_offsets' is empty but 'block_hashes' is not");
      return;
    }
    if (hash_offsets.size() != requests.size() + 1)
      throw std::invalid_argument("'hash_offsets' must hold requests + 1 = " + std::to_string(requests.size() + 1) +
                                  " offsets, got " + std::to_string(hash_offsets.size()));
    if (hash_offsets.front() != 0 || hash_offsets.back() != block_hashes.size())
      throw std::invalid_argument("'hash_offsets' must start at 0 and end at the size of 'block_hashes'");
    for (std::size_t i = 1; i < hash_offsets.size(); ++i)
      if (hash_offsets[i] < hash_offsets[i - 1])
        throw std::invalid_argument("'hash_offsets' must be non-decreasing (at " + std::to_string(i) + ")");
  }
};

}  // namespace sla_planner
