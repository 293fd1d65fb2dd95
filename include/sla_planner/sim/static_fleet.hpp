// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// A fixed fleet for a replay, named as Dynamo's end-to-end planner test names its deployments (2P2D =
// two prefill and two decode workers).
#pragma once

#include <stdexcept>
#include <string>

namespace sla_planner {

/// A fixed fleet: `num_prefill` prefill and `num_decode` decode workers for the whole replay.
struct StaticFleet {
  /// Prefill workers (>= 1).
  long long num_prefill = 1;
  /// Decode workers (>= 1).
  long long num_decode = 1;
  /// GPUs per prefill worker (>= 1; only GPU accounting depends on it).
  int prefill_engine_num_gpu = 1;
  /// GPUs per decode worker (>= 1).
  int decode_engine_num_gpu = 1;

  /// "2P2D" (the counts; GPUs per worker are not part of the name).
  std::string name() const { return std::to_string(num_prefill) + "P" + std::to_string(num_decode) + "D"; }

  /// \throws std::invalid_argument naming the field
  void validate() const {
    if (num_prefill < 1 || num_prefill > 100000)
      throw std::invalid_argument("'num_prefill' must be in [1, 100000], got " + std::to_string(num_prefill));
    if (num_decode < 1 || num_decode > 100000)
      throw std::invalid_argument("'num_decode' must be in [1, 100000], got " + std::to_string(num_decode));
    if (prefill_engine_num_gpu < 1)
      throw std::invalid_argument("'prefill_engine_num_gpu' must be >= 1, got " + std::to_string(prefill_engine_num_gpu));
    if (decode_engine_num_gpu < 1)
      throw std::invalid_argument("'decode_engine_num_gpu' must be >= 1, got " + std::to_string(decode_engine_num_gpu));
  }

  /// Parses "<P>P<D>D" (case-insensitive, e.g. "2P2D", "3p1d").
  /// \throws std::invalid_argument "fleet '2X2D' must look like 2P2D (<prefill>P<decode>D)"
  static StaticFleet parse(const std::string& text) {
    StaticFleet f;
    std::size_t i = 0;
    auto number = [&](long long& out) {
      const std::size_t start = i;
      long long v = 0;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 7) v = v * 10 + (text[i++] - '0');
      out = v;
      return i > start;
    };
    auto letter = [&](char c) {
      if (i < text.size() && (text[i] == c || text[i] == c + ('a' - 'A'))) return ++i, true;
      return false;
    };
    const bool ok = number(f.num_prefill) && letter('P') && number(f.num_decode) && letter('D') && i == text.size();
    if (!ok) throw std::invalid_argument("fleet '" + text + "' must look like 2P2D (<prefill>P<decode>D)");
    f.validate();
    return f;
  }
};

}  // namespace sla_planner
