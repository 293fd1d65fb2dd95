#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sla_planner/formats/trace_loaders.hpp"
#include "sla_planner/trace/trace_summary.hpp"
#include "test_helpers.hpp"
#include "trace_test_util.hpp"

using sla_planner::TraceRecord;
using sla_planner::TraceSummarizer;
using sla_planner::TraceSummaryOptions;
using sla_planner::load_trace_summary;
using sla_planner::test::data_path;

TEST_CASE("summary of the mooncake conversation trace matches NumPy") {
  TraceSummaryOptions o;
  o.intervals.interval_s = 120;
  o.max_context = 8192;
  const auto s = load_trace_summary(data_path("traces/mooncake_conversation_trace.jsonl"), o);
  CHECK(s.requests == 12031);
  CHECK(s.first_ms == 0);
  CHECK(s.last_ms == 3536999);
  CHECK(s.span_s == 3536.999);
  // numpy 1.24: mean, np.percentile(x, [50, 90, 99]) (linear)
  CHECK(s.isl.mean == Approx(12035.061341534369).epsilon(1e-15));
  CHECK(s.isl.p50 == 6909);
  CHECK(s.isl.p90 == 27367);
  CHECK(s.isl.p99 == 85400.4);
  CHECK(s.isl.min == 891);
  CHECK(s.isl.max == 126195);
  CHECK(s.osl.mean == Approx(342.6189011719724).epsilon(1e-15));
  CHECK(s.osl.p50 == 350);
  CHECK(s.osl.p90 == 597);
  CHECK(s.osl.p99 == 1118.5000000000036);  // bit for bit, NumPy's lerp included
  CHECK(s.osl.max == 2000);
  CHECK(s.isl_over_context == 5411);  // (isl > 8192).sum()
  CHECK(s.total_over_context == 5570);  // (isl + osl > 8192).sum()
  // rates: the golden dry-run counts per 120 s interval / 120
  const auto golden = sla_planner::test::load_json(data_path("golden/dryrun/mooncake_conv_constant.json"))["expected"]["rr"];
  REQUIRE(s.rate.size() == golden.size());
  for (std::size_t i = 0; i < s.rate.size(); ++i) CHECK(s.rate[i] == golden[i].get<double>() / 120);
  CHECK(s.rate_min == 203.0 / 120);
  CHECK(s.rate_max == 466.0 / 120);
  CHECK(s.rate_mean == Approx(12031.0 / 3600));
}

TEST_CASE("summary of rr-5-45 and of the converted Azure trace") {
  const auto s = load_trace_summary(data_path("traces/rr-5-45_i3000o300.jsonl"));
  CHECK(s.requests == 44941);
  CHECK(s.rate.size() == 30);
  CHECK(s.rate_min == 360.0 / 60);
  CHECK(s.rate_max == 2674.0 / 60);
  CHECK(s.isl.p99 == 3000);
  CHECK(s.osl.mean == 300);
  CHECK(s.max_context == 0);
}

TEST_CASE("empty interior intervals count as zero rate; lengths beyond 2^20 are exact too") {
  TraceSummaryOptions o;
  o.intervals.interval_s = 10;
  TraceSummarizer t(o);
  t.add(TraceRecord{0, 5, 1, 1});
  t.add(TraceRecord{35000, 3000000, 2, 2});  // interval 3; a very long prompt
  t.add(TraceRecord{1000, 7, 3, 3});
  const auto s = t.summary();
  CHECK(s.rate == std::vector<double>{0.2, 0, 0, 0.1});
  CHECK(s.rate_min == 0);
  CHECK(s.rate_mean == Approx(3.0 / 40));
  CHECK(s.isl.max == 3000000);
  CHECK(s.isl.p50 == 7);
  CHECK(s.isl.p90 == 2400001.4000000004);  // np.percentile([5, 7, 3000000], 90)
  CHECK(s.span_s == 35);
  CHECK(TraceSummarizer().summary().requests == 0);
}

TEST_CASE("sparkline") {
  CHECK(sla_planner::sparkline({0, 1, 2, 3, 4, 5, 6, 7}, 60) == "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588");
  CHECK(sla_planner::sparkline({1, 3, 5, 7}, 2) == "\u2583\u2588");  // averages 2 and 6: levels round(7 x 2/6), 7
  CHECK(sla_planner::sparkline({0, 0}, 10) == "\u2581\u2581");
  CHECK(sla_planner::sparkline({}, 10).empty());
}

TEST_CASE("summary options") {
  TraceSummaryOptions o;
  o.max_context = -1;
  CHECK_THROWS_WITH(o.validate(), "'max_context' must be >= 0, got -1");
  o.max_context = 0;
  o.intervals.interval_s = -5;
  CHECK_THROWS_AS(TraceSummarizer(o), std::invalid_argument);
}
