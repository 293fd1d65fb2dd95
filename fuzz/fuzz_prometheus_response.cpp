// libFuzzer target for the Prometheus /api/v1/query answer parser: any body either parses into
// samples or yields a typed error with a one-line message — never a crash, a sanitizer report,
// an exception, or a leak.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sla_planner/live/prometheus_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto r = sla_planner::PrometheusResponse::parse(body);
  if (r.ok()) {
    if (r.samples().empty()) std::abort();  // an empty result must be reported as no_data
    if (r.result_type() != "vector" && r.result_type() != "scalar") std::abort();
    const auto v = r.single_value();
    const bool one_finite = r.samples().size() == 1 && std::isfinite(r.samples()[0].value);
    if (v.ok() != one_finite) std::abort();  // single_value() is ok exactly for one finite sample
  } else {
    if (r.error().message.empty() || r.error().message.find('\n') != std::string::npos) std::abort();
    if (!r.samples().empty()) std::abort();
  }
  return 0;
}
