// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Number formatting shared by the decision notes.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

namespace sla_planner {

/// `v` with `decimals` digits after the point, as printf's "%.*f" prints it, whatever its size.
inline std::string format_fixed(double v, int decimals) {
  const int n = std::snprintf(nullptr, 0, "%.*f", decimals, v);
  if (n <= 0) return std::string();
  std::string out(static_cast<std::size_t>(n) + 1, '\0');
  std::snprintf(&out[0], out.size(), "%.*f", decimals, v);
  out.pop_back();  // the terminating NUL
  return out;
}

}  // namespace sla_planner
