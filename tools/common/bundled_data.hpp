// sla_planner tools — where the bundled profiles and pre-swept tables are found.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <sys/stat.h>

#include <string>

// Set by tools/CMakeLists.txt: the source tree's and the installed copy of profiling_results/.
#ifndef SLA_PLANNER_SOURCE_PROFILES
#define SLA_PLANNER_SOURCE_PROFILES ""
#endif
#ifndef SLA_PLANNER_INSTALLED_PROFILES
#define SLA_PLANNER_INSTALLED_PROFILES ""
#endif

namespace sla_tools {

/// `rel` under ./profiling_results, else under the source tree's copy, else under the installed
/// copy; ./profiling_results/<rel> when none exists (the loader then names it).
inline std::string bundled_profile_path(const std::string& rel) {
  for (const std::string& base : {std::string("profiling_results"), std::string(SLA_PLANNER_SOURCE_PROFILES),
                                 std::string(SLA_PLANNER_INSTALLED_PROFILES)}) {
    if (base.empty()) continue;
    const std::string p = base + "/" + rel;
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return p;
  }
  return "profiling_results/" + rel;
}

/// Where the pre-swept tables are when --pre-swept-root is not given.
inline std::string default_pre_swept_root() { return bundled_profile_path("pre_swept"); }

/// The profile used when --profile-results-dir is not given: the bundled H200 profile.
inline std::string default_profile_dir() { return bundled_profile_path("H200_TP1P_TP1D"); }

}  // namespace sla_tools
