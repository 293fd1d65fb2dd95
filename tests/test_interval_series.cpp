#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "sla_planner/formats/trace_loaders.hpp"
#include "sla_planner/trace/interval_series.hpp"
#include "test_helpers.hpp"
#include "trace_test_util.hpp"

using sla_planner::DataError;
using sla_planner::IntervalAccumulator;
using sla_planner::IntervalSeries;
using sla_planner::IntervalSeriesOptions;
using sla_planner::load_interval_series;
using sla_planner::TraceRecord;
using sla_planner::test::data_path;
using sla_planner::test::load_json;
using sla_planner::test::TempFile;

namespace {

IntervalSeriesOptions every(double interval_s, double time_scale = 1) {
  IntervalSeriesOptions o;
  o.interval_s = interval_s;
  o.time_scale = time_scale;
  return o;
}

TraceRecord rec(double ts, std::int64_t isl, std::int64_t osl) { return TraceRecord{ts, isl, osl, 0}; }

std::string jsonl(const std::vector<TraceRecord>& rs) {
  std::string s;
  for (auto& r : rs)
    s += "{\"timestamp\": " + std::to_string(static_cast<long long>(r.timestamp_ms)) + ", \"input_length\": " +
         std::to_string(r.input_length) + ", \"output_length\": " + std::to_string(r.output_length) + "}\n";
  return s;
}

}  // namespace

TEST_CASE("python_floordiv's fast path agrees with CPython's divmod steps") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  long fast = 0;
  for (const double b : {60.0, 0.1, 7.0, 1e-3, 33.3, 0.7, 3600.0}) {
    for (int i = 0; i < 200000; ++i) {
      // timestamps in ms / 1000 as the reader makes them: integers, fractions, near multiples of b
      double a = std::floor(u(rng) * 4e9) / 1000.0;
      if (i % 4 == 1) a = std::nextafter(std::floor(u(rng) * 1e5) * b, i % 8 == 1 ? 0.0 : 1e300);
      if (i % 4 == 2) a = u(rng) * 1e3;
      const double want = sla_planner::detail::python_floordiv_divmod(a, b);
      const double got = sla_planner::python_floordiv(a, b);
      if (got != want) FAIL("a=" << a << " b=" << b << " got " << got << " want " << want);
      const double q = a / b;
      fast += (q > 0 && q < 1048576.0 && q - std::floor(q) > 1e-9 && q - std::floor(q) < 1 - 1e-9);
    }
  }
  CHECK(fast > 700000);  // the fast path is the common one
}

TEST_CASE("python_floordiv follows Python's float // (not floor of the quotient)") {
  CHECK(sla_planner::python_floordiv(0.3, 0.1) == 2.0);  // floor(0.3 / 0.1) would be 3
  CHECK(sla_planner::python_floordiv(1.0, 0.1) == 9.0);
  CHECK(sla_planner::python_floordiv(7.0, 0.7) == 10.0);
  CHECK(sla_planner::python_floordiv(59.999, 60) == 0.0);
  CHECK(sla_planner::python_floordiv(60.0, 60) == 1.0);
  CHECK(sla_planner::python_floordiv(1799.875, 60) == 29.0);
}

TEST_CASE("rr-5-45 at 60 s gives the golden dry-run request counts") {
  const auto golden = load_json(data_path("golden/dryrun/sin_constant.json"))["expected"];
  const auto s = load_interval_series(data_path("traces/rr-5-45_i3000o300.jsonl"), every(60));
  REQUIRE(s.size() == golden["rr"].size());
  CHECK(s.first_index == 0);
  for (std::size_t i = 0; i < s.size(); ++i) {
    CHECK(s.num_req[i] == golden["rr"][i].get<std::int64_t>());
    CHECK(s.isl[i] == 3000.0);
    CHECK(s.osl[i] == 300.0);
    CHECK(s.time_s(i) == golden["time"][i].get<double>());
  }
  std::int64_t total = 0;
  for (auto n : s.num_req) total += n;
  CHECK(total == 44941);
}

TEST_CASE("the mooncake conversation trace at 120 s gives the golden series, means bit for bit") {
  const auto golden = load_json(data_path("golden/dryrun/mooncake_conv_constant.json"))["expected"];
  sla_planner::MooncakeReadStats st;
  const auto s = load_interval_series(data_path("traces/mooncake_conversation_trace.jsonl"), every(120), {}, &st);
  CHECK(st.records == 12031);
  REQUIRE(s.size() == 30);
  for (std::size_t i = 0; i < s.size(); ++i) {
    CHECK(s.num_req[i] == golden["rr"][i].get<std::int64_t>());
    CHECK(s.isl[i] == golden["isl"][i].get<double>());
    CHECK(s.osl[i] == golden["osl"][i].get<double>());
  }
  CHECK(s.isl[0] == 14335.814159292035);
  CHECK(s.num_req.back() == 203);
}

TEST_CASE("unsorted input gives the same series (also through the file reader and gzip)") {
  const std::string text = sla_planner::test::read_text(data_path("traces/rr-5-45_i3000o300.jsonl"));
  std::vector<std::string> lines;
  for (std::size_t p = 0, q; p < text.size(); p = q + 1) {
    q = text.find('\n', p);
    lines.push_back(text.substr(p, q - p + 1));
  }
  std::mt19937_64 rng(3);
  std::shuffle(lines.begin(), lines.end(), rng);
  std::string shuffled;
  for (auto& l : lines) shuffled += l;
  TempFile f(".jsonl.gz");
  f.write_gz(shuffled);
  const auto a = load_interval_series(data_path("traces/rr-5-45_i3000o300.jsonl"), every(60));
  const auto b = load_interval_series(f.path(), every(60));
  CHECK(a.num_req == b.num_req);
  CHECK(a.isl == b.isl);
  CHECK(a.first_index == b.first_index);
}

TEST_CASE("interior empty intervals are kept with the previous means; outer ones dropped") {
  IntervalAccumulator acc(every(60));
  // intervals 2, 2, 5, 3 (given out of order): 2 has two requests, 4 is empty
  acc.add(rec(300000, 500, 50));    // 300 s -> interval 5
  acc.add(rec(120000, 1000, 100));  // 120 s -> interval 2
  acc.add(rec(179999, 2000, 201));  // 179.999 s -> interval 2
  acc.add(rec(180000, 4000, 400));  // 180 s -> interval 3
  const auto s = acc.series();
  REQUIRE(s.size() == 4);
  CHECK(s.first_index == 2);
  CHECK(s.num_req == std::vector<std::int64_t>{2, 1, 0, 1});
  CHECK(s.isl == std::vector<double>{1500, 4000, 4000, 500});
  CHECK(s.osl == std::vector<double>{150.5, 400, 400, 50});
  CHECK(s.time_s(3) == 180);
  CHECK(s.start_s(0) == 120);
  CHECK(s.num_req_double() == std::vector<double>{2, 1, 0, 1});
  CHECK(acc.requests() == 4);
  CHECK(IntervalAccumulator(every(60)).series().size() == 0);
}

TEST_CASE("time_scale divides timestamps before grouping") {
  std::vector<TraceRecord> rs;
  for (int i = 0; i < 100; ++i) rs.push_back(rec(i * 1000.0, i, 2 * i));  // one per second for 100 s
  IntervalAccumulator plain(every(10)), fast(every(10, 2.0)), slow(every(10, 0.5));
  for (auto& r : rs) plain.add(r), fast.add(r), slow.add(r);
  CHECK(plain.series().num_req == std::vector<std::int64_t>(10, 10));
  CHECK(fast.series().num_req == std::vector<std::int64_t>(5, 20));  // replayed twice as fast
  const auto sl = slow.series();
  REQUIRE(sl.size() == 20);
  CHECK(sl.num_req[0] == 5);
  CHECK(sl.isl[1] == 7.0);  // requests 5..9
  // the same through a file
  TempFile f;
  f.write(jsonl(rs));
  CHECK(load_interval_series(f.path(), every(10, 2.0)).num_req == fast.series().num_req);
}

TEST_CASE("fractional intervals and timestamps") {
  IntervalAccumulator acc(every(0.1));
  acc.add(rec(300, 1, 1));   // 0.3 s // 0.1 = 2 in Python
  acc.add(rec(1000, 3, 3));  // 1.0 s // 0.1 = 9
  acc.add(rec(250.5, 5, 5));
  const auto s = acc.series();
  CHECK(s.first_index == 2);
  CHECK(s.num_req == std::vector<std::int64_t>{2, 0, 0, 0, 0, 0, 0, 1});
  CHECK(s.isl[0] == 3.0);
}

TEST_CASE("bad options and traces that cannot be grouped") {
  CHECK_THROWS_WITH(every(0).validate(), "'interval_s' must be > 0, got 0.000000");
  CHECK_THROWS_WITH(every(60, -1).validate(), "'time_scale' must be > 0, got -1.000000");
  CHECK_THROWS_AS(IntervalAccumulator(every(NAN)), std::invalid_argument);
  IntervalSeriesOptions o = every(1);
  o.max_intervals = 1000;
  IntervalAccumulator acc(o, "t.jsonl");
  acc.add(TraceRecord{0, 1, 1, 1});
  acc.add(TraceRecord{999000, 1, 1, 2});
  CHECK_THROWS_WITH(acc.add(TraceRecord{1000000, 1, 1, 3}),
                    "t.jsonl:3: the trace spans more than 1000 intervals of 1 s (timestamps far apart?)");
  IntervalAccumulator big(every(60), "t.jsonl");
  big.add(TraceRecord{0, INT64_MAX, 1, 1});
  CHECK_THROWS_WITH(big.add(TraceRecord{1, 1, 1, 2}), "t.jsonl:2: token sum of interval 0 overflows 64 bits");
  TempFile f;
  f.write(jsonl({rec(0, 1, 1), rec(1e15, 1, 1)}));
  CHECK_THROWS_WITH(load_interval_series(f.path(), every(1)),
                    f.path() + ":2: the trace spans more than 10000000 intervals of 1 s (timestamps far apart?)");
  // reader errors come through unchanged
  f.write("{\"timestamp\": 1}\n");
  CHECK_THROWS_WITH(load_interval_series(f.path()), f.path() + ":1: missing key 'input_length'");
}

TEST_CASE("a growing accumulator stays dense and bounded for unsorted input") {
  IntervalAccumulator acc(every(1));
  std::mt19937_64 rng(11);
  std::vector<std::int64_t> expect(5000, 0);
  for (int i = 0; i < 50000; ++i) {
    const std::int64_t k = static_cast<std::int64_t>(rng() % 5000);
    ++expect[static_cast<std::size_t>(k)];
    acc.add(rec(static_cast<double>(k) * 1000 + 500, 1, 1));
  }
  const auto s = acc.series();
  while (!expect.empty() && expect.back() == 0) expect.pop_back();
  std::size_t lead = 0;
  while (expect[lead] == 0) ++lead;
  CHECK(s.first_index == static_cast<std::int64_t>(lead));
  CHECK(s.num_req == std::vector<std::int64_t>(expect.begin() + static_cast<std::ptrdiff_t>(lead), expect.end()));
}
