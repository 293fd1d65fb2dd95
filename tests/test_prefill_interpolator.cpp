#include <catch2/catch.hpp>

#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/interp/prefill_interpolator.hpp"
#include "sla_planner/profile/profile.hpp"
#include "test_helpers.hpp"

using namespace sla_planner;
using sla_planner::test::data_path;
using sla_planner::test::profile_path;
using sla_planner::test::rel_diff;

namespace {
void check_prefill_golden(const Profile& p, const std::string& golden) {
  const auto g = test::load_json(data_path("golden/interp/" + golden));
  PrefillInterpolator interp(p.prefill);
  std::size_t n = 0;
  double worst = 0;
  for (const auto& s : g["prefill_samples"]) {
    const double isl = s["isl"].get<double>();
    const double ttft = interp.ttft_ms(isl), thpt = interp.thpt_per_gpu(isl);
    worst = std::max({worst, rel_diff(ttft, s["ttft_ms"].get<double>()), rel_diff(thpt, s["thpt_per_gpu"].get<double>())});
    REQUIRE(rel_diff(ttft, s["ttft_ms"].get<double>()) < 1e-9);
    REQUIRE(rel_diff(thpt, s["thpt_per_gpu"].get<double>()) < 1e-9);
    ++n;
  }
  CHECK(n >= 100);
  INFO(golden << ": worst relative difference " << worst);
  CHECK(worst < 1e-12);
}
}  // namespace

TEST_CASE("Prefill interpolation matches SciPy interp1d on the bundled profile") {
  check_prefill_golden(load_profile(profile_path("H200_TP1P_TP1D")), "H200_TP1P_TP1D.json");
}

TEST_CASE("Prefill interpolation matches SciPy interp1d on the pre-swept H100 rows") {
  const std::string root = profile_path("pre_swept");
  for (int tp : {2, 4, 8}) {
    const auto sel = "use-pre-swept-results:h100_sxm:nvidia/Llama-3.3-70B-Instruct-FP8:vllm:0.10.1.1:" +
                     std::to_string(tp) + ":1:1:128:128:8";
    check_prefill_golden(load_profile(sel, root),
                         "pre_swept_h100_sxm_Llama-3.3-70B-Instruct-FP8_tp" + std::to_string(tp) + ".json");
  }
}

TEST_CASE("Prefill queries are clamped to the profiled ISL range") {
  PrefillProfile p;
  p.source = "mem";
  p.isl = {100, 200, 400, 800};
  p.ttft_ms = {10, 20, 40, 80};
  p.thpt_per_gpu = {1000, 2000, 3000, 3500};
  PrefillInterpolator interp(p);
  CHECK(interp.ttft_ms(50) == Approx(10));
  CHECK(interp.ttft_ms(5000) == Approx(80));
  CHECK(interp.ttft_ms(300) == Approx(30));  // data on a line: the spline is that line
  CHECK(interp.min_isl() == 100);
  CHECK(interp.max_isl() == 800);
}

TEST_CASE("Prefill points are sorted by ISL; duplicates are named") {
  PrefillProfile p;
  p.source = "mem";
  p.isl = {400, 100, 200, 800};
  p.ttft_ms = {40, 10, 20, 80};
  p.thpt_per_gpu = {3, 1, 2, 4};
  PrefillInterpolator sorted(p);
  CHECK(sorted.ttft_ms(150) == Approx(15));
  p.isl = {400, 100, 400, 800};
  CHECK_THROWS_WITH(PrefillInterpolator(p), "mem: duplicate ISL 400 (prefill_isl[0] and prefill_isl[2])");
  p.isl = {400, 100};
  CHECK_THROWS_WITH(PrefillInterpolator(p), "mem: prefill_ttft has 4 values but prefill_isl has 2");
  p.isl = {1, 2, 3, 4};
  p.ttft_ms[2] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(PrefillInterpolator(p), "mem: prefill_ttft[2] is inf (values must be finite)");
}
