// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace sla_planner {

/// Which row of Dynamo's pre-swept tables to use, parsed from
/// "use-pre-swept-results:<gpu_type>:<model>:<framework>:<framework_version>:<tp>:<dp>:<pp>:<block_size>:<max_batch_size>:<gpu_count>".
/// The tables live under <root>/<gpu_type>/<framework>/<model>/{prefill,decode}.npz.
struct PreSweptSpec {
  static constexpr const char* prefix = "use-pre-swept-results:";

  std::string gpu_type;           ///< e.g. "h100_sxm"
  std::string model;              ///< e.g. "nvidia/Llama-3.3-70B-Instruct-FP8"
  std::string framework;          ///< e.g. "vllm"
  std::string framework_version;  ///< e.g. "0.10.1.1"
  long tp = 1, dp = 1, pp = 1;    ///< parallelism of one engine
  long block_size = 0;            ///< KV block size (tokens)
  long max_batch_size = 0;        ///< engine batch limit
  long gpu_count = 0;             ///< GPUs swept over

  /// True when `s` starts with "use-pre-swept-results:".
  static bool matches(const std::string& s) { return s.rfind(prefix, 0) == 0; }

  /// Parses the selector. \throws std::invalid_argument naming the bad field.
  static PreSweptSpec parse(const std::string& s) {
    if (!matches(s)) throw std::invalid_argument("'" + s + "' does not start with '" + prefix + "'");
    std::vector<std::string> f;
    std::size_t start = std::string(prefix).size();
    for (;;) {
      const auto colon = s.find(':', start);
      f.push_back(s.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    static const char* names[] = {"gpu_type", "model", "framework", "framework_version", "tp", "dp", "pp",
                                  "block_size", "max_batch_size", "gpu_count"};
    if (f.size() != 10)
      throw std::invalid_argument("pre-swept selector needs 10 fields "
                                  "(gpu_type:model:framework:framework_version:tp:dp:pp:block_size:max_batch_size:gpu_count), got " +
                                  std::to_string(f.size()) + " in '" + s + "'");
    for (std::size_t i = 0; i < 4; ++i)
      if (f[i].empty()) throw std::invalid_argument(std::string("pre-swept selector: '") + names[i] + "' is empty");
    PreSweptSpec p;
    p.gpu_type = f[0];
    p.model = f[1];
    p.framework = f[2];
    p.framework_version = f[3];
    long* ints[] = {&p.tp, &p.dp, &p.pp, &p.block_size, &p.max_batch_size, &p.gpu_count};
    for (std::size_t i = 0; i < 6; ++i) {
      const std::string& v = f[4 + i];
      std::size_t used = 0;
      long x = 0;
      try { x = std::stol(v, &used); } catch (...) { used = 0; }
      if (v.empty() || used != v.size() || x < 1)
        throw std::invalid_argument(std::string("pre-swept selector: '") + names[4 + i] +
                                    "' must be a positive integer, got '" + v + "'");
      *ints[i] = x;
    }
    return p;
  }

  /// The selector string this spec was parsed from.
  std::string str() const {
    return std::string(prefix) + gpu_type + ":" + model + ":" + framework + ":" + framework_version + ":" +
           std::to_string(tp) + ":" + std::to_string(dp) + ":" + std::to_string(pp) + ":" +
           std::to_string(block_size) + ":" + std::to_string(max_batch_size) + ":" + std::to_string(gpu_count);
  }
};

}  // namespace sla_planner
