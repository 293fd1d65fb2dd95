// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <stdexcept>
#include <string>

namespace sla_planner {

/// Thrown by the loaders when input data (a profile, a trace, a config file) is unusable.
/// The message is one line that names the file (and line, where there is one) and the problem,
/// e.g. "profiling_results/x/raw_data.npz: member 'prefill_isl.npy': unsupported dtype '>f8' (big-endian)".
/// Tools map it to exit code 1; bad arguments (std::invalid_argument) map to exit code 2.
class DataError : public std::runtime_error {
public:
  explicit DataError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace sla_planner
