// estimate_performance (what perf_interpolation prints) against every golden query of the
// bundled profile and the three pre-swept H100 rows.
#include <catch2/catch.hpp>

#include <cmath>

#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/interp/perf_estimate.hpp"
#include "sla_planner/profile/profile.hpp"
#include "test_helpers.hpp"

using namespace sla_planner;
using sla_planner::test::data_path;
using sla_planner::test::profile_path;
using sla_planner::test::rel_diff;

namespace {
void check_queries(const std::string& selector, const std::string& golden) {
  INFO(golden);
  const auto g = test::load_json(data_path("golden/interp/" + golden));
  const Profile p = load_profile(selector, profile_path("pre_swept"));
  const PrefillInterpolator prefill(p.prefill);
  const DecodeInterpolator decode(p.decode);
  REQUIRE(g["queries"].size() == 62);
  int matched = 0;
  for (std::size_t k = 0; k < g["queries"].size(); ++k) {
    const auto& q = g["queries"][k];
    const auto& want = g["expected"][k];
    INFO("query " << k << ": " << q.dump());
    PerfQuery pq;
    pq.isl = q["isl"].get<long>();
    pq.osl = q["osl"].get<long>();
    pq.ttft_ms = q["ttft"].get<double>();
    pq.itl_ms = q["itl"].get<double>();
    const PerfEstimate e = estimate_performance(prefill, decode, pq);
    const auto& wp = want["prefill"];
    const auto& wd = want["decode"];
    bool ok = true;
    auto same = [&](double got, double expect) {
      const bool r = rel_diff(got, expect) <= 1e-6;
      ok = ok && r;
      return r;
    };
    CHECK(same(e.prefill.ttft_ms, wp["ttft_ms"].get<double>()));
    CHECK(same(e.prefill.thpt_per_gpu, wp["thpt_per_gpu"].get<double>()));
    CHECK(same(e.prefill.req_per_s_per_gpu, wp["req_per_s_per_gpu"].get<double>()));
    CHECK(e.prefill.meets_ttft == wp["meets_ttft"].get<bool>());
    CHECK(e.prefill.max_queue_ms == pq.ttft_ms - e.prefill.ttft_ms);
    CHECK(e.decode.context_length == wd["context_length"].get<long>());
    const int want_index = static_cast<int>(std::lround(wd["kv_usage"].get<double>() * 99));
    CHECK(e.decode.kv_index == want_index);
    CHECK(e.decode.kv_usage == wd["kv_usage"].get<double>());
    CHECK(same(e.decode.itl_ms, wd["itl_ms"].get<double>()));
    CHECK(same(e.decode.thpt_per_gpu, wd["thpt_per_gpu"].get<double>()));
    CHECK(same(e.decode.req_per_s_per_gpu, wd["req_per_s_per_gpu"].get<double>()));
    CHECK(e.decode.meets_itl == wd["meets_itl"].get<bool>());
    ok = ok && e.decode.kv_index == want_index && e.decode.meets_itl == wd["meets_itl"].get<bool>() &&
         e.prefill.meets_ttft == wp["meets_ttft"].get<bool>();
    matched += ok;
  }
  CHECK(matched == 62);
}
}  // namespace

TEST_CASE("estimate_performance matches Dynamo's perf_interpolation on the bundled profile") {
  check_queries(profile_path("H200_TP1P_TP1D"), "H200_TP1P_TP1D.json");
}

TEST_CASE("estimate_performance matches Dynamo's perf_interpolation on the pre-swept H100 rows") {
  for (int tp : {2, 4, 8})
    check_queries("use-pre-swept-results:h100_sxm:nvidia/Llama-3.3-70B-Instruct-FP8:vllm:0.10.1.1:" +
                      std::to_string(tp) + ":1:1:128:128:8",
                  "pre_swept_h100_sxm_Llama-3.3-70B-Instruct-FP8_tp" + std::to_string(tp) + ".json");
}

TEST_CASE("PerfQuery::validate names the bad field") {
  PerfQuery q;
  CHECK_NOTHROW(q.validate());
  q.isl = 0;
  CHECK_THROWS_WITH(q.validate(), "'isl' must be >= 1, got 0");
  q = {};
  q.osl = -3;
  CHECK_THROWS_WITH(q.validate(), "'osl' must be >= 1, got -3");
  q = {};
  q.ttft_ms = 0;
  CHECK_THROWS_WITH(q.validate(), "'ttft' must be a positive number of milliseconds, got 0");
  q = {};
  q.itl_ms = std::nan("");
  CHECK_THROWS_WITH(q.validate(), "'itl' must be a positive number of milliseconds, got nan");
}

TEST_CASE("The README example: ISL 3000, OSL 300, TTFT 200 ms, ITL 10 ms on the bundled profile") {
  const Profile p = load_profile(profile_path("H200_TP1P_TP1D"));
  const PrefillInterpolator prefill(p.prefill);
  const DecodeInterpolator decode(p.decode);
  PerfQuery q;
  q.osl = 300;
  q.ttft_ms = 200;
  const PerfEstimate e = estimate_performance(prefill, decode, q);
  CHECK(e.prefill.ttft_ms == Approx(60.45866867507648).epsilon(1e-12));
  CHECK(e.prefill.max_queue_ms == Approx(139.54133132492352).epsilon(1e-12));
  CHECK(e.decode.context_length == 3150);
  CHECK(e.decode.kv_index == 16);
  CHECK(e.decode.itl_ms == Approx(9.734410226340245).epsilon(1e-9));
  CHECK(e.decode.thpt_per_gpu == Approx(4555.680366094516).epsilon(1e-9));
  CHECK(e.decode.req_per_s_per_gpu == Approx(15.185601220315053).epsilon(1e-9));
}
