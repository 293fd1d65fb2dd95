// PrefillCostModel: per-pass overhead, work below, inside and beyond the profiled ISLs, against
// hand-computed values on profiles made of a line and of a quadratic.
#include <catch2/catch.hpp>

#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/sim/prefill_cost_model.hpp"
#include "sla_planner/sim/profile_service_model.hpp"
#include "test_helpers.hpp"

using namespace sla_planner;

namespace {

PrefillProfile profile_of(std::vector<double> isl, double (*ttft)(double)) {
  PrefillProfile p;
  p.isl = std::move(isl);
  for (double n : p.isl) p.ttft_ms.push_back(ttft(n)), p.thpt_per_gpu.push_back(1.0);
  p.source = "test";
  return p;
}

}  // namespace

TEST_CASE("a linear TTFT: overhead = intercept − fixed latency, work = slope × tokens everywhere") {
  // TTFT(n) = 10 + 0.01 n, listed out of order; fixed latency 5 ms: o = 5, g(n) = 0.01 n.
  const PrefillCostModel m(profile_of({3000, 1000, 4000, 2000}, [](double n) { return 10 + 0.01 * n; }), 5.0);
  CHECK(m.overhead_ms() == Approx(5.0));
  CHECK(m.fixed_latency_ms() == 5.0);
  CHECK(m.work_ms(0) == 0.0);
  CHECK(m.work_ms(500) == Approx(5.0));     // below the profile: the line from (0, 0)
  CHECK(m.work_ms(2500) == Approx(25.0));   // inside: the spline minus o and the fixed latency
  CHECK(m.work_ms(8000) == Approx(80.0));   // beyond: the fitted line (no curvature)
  CHECK(m.lone_ms(2500) == Approx(30.0));   // W(n) = TTFT(n) − fixed
  CHECK(m.chunk_ms(1000, 1000) == Approx(10.0));
  CHECK(m.max_isl() == 4000);
}

TEST_CASE("a quadratic TTFT is continued with its curvature beyond the largest ISL") {
  // TTFT(n) = 10 + 0.01 n + 1e-6 n²; the not-a-knot spline reproduces it exactly. Fixed 5 ms.
  // Line through (1000, 21) and (2000, 34): intercept 8, so o = 3.
  const PrefillCostModel m(profile_of({1000, 2000, 3000, 4000}, [](double n) { return 10 + 0.01 * n + 1e-6 * n * n; }),
                           5.0);
  CHECK(m.overhead_ms() == Approx(3.0));
  const std::vector<double> fit = m.quadratic_fit();  // W = 5 + 0.01 n + 1e-6 n²
  CHECK(fit[0] == Approx(5.0));
  CHECK(fit[1] == Approx(0.01));
  CHECK(fit[2] == Approx(1e-6));
  // g(4000) = 66 − 8 = 58; g(8000) = 58 + (0.01 + 2e-6·4000)·4000 + 1e-6·4000² = 146.
  CHECK(m.work_ms(4000) == Approx(58.0));
  CHECK(m.work_ms(8000) == Approx(146.0));
  CHECK(m.lone_ms(8000) == Approx(149.0));  // = TTFT(8000) − 5: the quadratic itself
  // Below the profile: the line from (0, 0) to (1000, g(1000) = 21 − 8 = 13).
  CHECK(m.work_ms(500) == Approx(6.5));
  // Chunking conserves work: three chunks cost the lone request's work.
  CHECK(m.chunk_ms(0, 3000) + m.chunk_ms(3000, 3000) + m.chunk_ms(6000, 2000) == Approx(m.work_ms(8000)));
}

TEST_CASE("the H200 profile: o is the fastest decode step with the profile's fixed latency") {
  const Profile p = load_profile(test::profile_path("H200_TP1P_TP1D"));
  const double fixed = estimate_prefill_fixed_latency_ms(p);
  const PrefillCostModel m(p.prefill, fixed);
  CHECK(m.overhead_ms() == Approx(*std::min_element(p.decode.itl_ms.begin(), p.decode.itl_ms.end())));
  // Inside the profile a lone request takes TTFT − fixed.
  const PrefillInterpolator interp(p.prefill);
  for (double n : {1000.0, 3000.0, 8000.0})
    CHECK(m.lone_ms(n) == Approx(interp.ttft_ms(n) - fixed));
  // Beyond it the time keeps growing, at least linearly.
  const double nmax = m.max_isl();
  CHECK(m.lone_ms(2 * nmax) > m.lone_ms(nmax) + (m.lone_ms(nmax) - m.lone_ms(nmax / 2)));
}

TEST_CASE("cost model arguments are checked") {
  const PrefillProfile p = profile_of({1000, 2000}, [](double n) { return n; });
  CHECK_THROWS_WITH(PrefillCostModel(p, -1.0), "'fixed_latency_ms' must be >= 0, got -1.000000");
  PrefillProfile dup = profile_of({1000, 1000}, [](double n) { return n; });
  CHECK_THROWS_AS(PrefillCostModel(dup, 0.0), DataError);
}
