// sla_planner tools — where the pre-swept tables are found.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <sys/stat.h>

#include <string>

// Set by tools/CMakeLists.txt: the source tree's and the installed copy of profiling_results/pre_swept.
#ifndef SLA_PLANNER_SOURCE_PRE_SWEPT
#define SLA_PLANNER_SOURCE_PRE_SWEPT ""
#endif
#ifndef SLA_PLANNER_INSTALLED_PRE_SWEPT
#define SLA_PLANNER_INSTALLED_PRE_SWEPT ""
#endif

namespace sla_tools {

/// Where the pre-swept tables are when --pre-swept-root is not given: ./profiling_results/pre_swept,
/// else the source tree's copy, else the installed copy; the first when none exists (the loader
/// then names it).
inline std::string default_pre_swept_root() {
  for (const char* c : {"profiling_results/pre_swept", SLA_PLANNER_SOURCE_PRE_SWEPT, SLA_PLANNER_INSTALLED_PRE_SWEPT}) {
    struct stat st {};
    if (c[0] != '\0' && ::stat(c, &st) == 0 && S_ISDIR(st.st_mode)) return c;
  }
  return "profiling_results/pre_swept";
}

}  // namespace sla_tools
