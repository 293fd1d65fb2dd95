// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace sla_planner::detail {

/// Throws std::invalid_argument("'<name>' must be <rule>, got <value>") — the project's message form.
template <typename T>
[[noreturn]] inline void throw_param_error(const char* name, const char* rule, const T& value) {
  std::ostringstream os;
  os << "'" << name << "' must be " << rule << ", got " << value;
  throw std::invalid_argument(os.str());
}

}  // namespace sla_planner::detail
