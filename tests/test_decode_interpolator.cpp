// DecodeInterpolator against SciPy 1.10.1 / NumPy 1.24 golden grids and Dynamo's lookups.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/interp/decode_interpolator.hpp"
#include "sla_planner/profile/profile.hpp"
#include "test_helpers.hpp"

using namespace sla_planner;
using sla_planner::test::data_path;
using sla_planner::test::profile_path;

namespace {
struct GoldenCase {
  std::string selector;  ///< profile directory or pre-swept selector
  std::string golden;    ///< file under tests/data/golden/interp
};

std::vector<GoldenCase> golden_cases() {
  std::vector<GoldenCase> c = {{profile_path("H200_TP1P_TP1D"), "H200_TP1P_TP1D.json"}};
  for (int tp : {2, 4, 8})
    c.push_back({"use-pre-swept-results:h100_sxm:nvidia/Llama-3.3-70B-Instruct-FP8:vllm:0.10.1.1:" + std::to_string(tp) +
                     ":1:1:128:128:8",
                 "pre_swept_h100_sxm_Llama-3.3-70B-Instruct-FP8_tp" + std::to_string(tp) + ".json"});
  return c;
}

bool close(double got, double want, double rel, double abs) {
  const double d = std::fabs(got - want);
  return d <= abs || d <= rel * std::fabs(want);
}
}  // namespace

TEST_CASE("Decode grids match SciPy griddata(cubic) + nearest fill on every node") {
  for (const auto& gc : golden_cases()) {
    INFO(gc.golden);
    const auto g = test::load_json(data_path("golden/interp/" + gc.golden));
    const DecodeInterpolator d(load_profile(gc.selector, profile_path("pre_swept")).decode);
    const int res = g["resolution"].get<int>();
    REQUIRE(res == 100);
    REQUIRE(d.itl_ms_grid().rows() == res);
    REQUIRE(d.itl_ms_grid().cols() == res);
    for (int i = 0; i < res; ++i) {
      REQUIRE(d.kv_usage_axis()[static_cast<std::size_t>(i)] == g["kv_usage_axis"][i].get<double>());
      REQUIRE(d.context_length_axis()[static_cast<std::size_t>(i)] == g["context_length_axis"][i].get<double>());
    }
    double worst_rel = 0, worst_abs = 0;
    int nodes = 0;
    for (const char* key : {"decode_itl_ms_grid", "decode_thpt_per_gpu_grid"}) {
      const auto& grid = std::string(key) == "decode_itl_ms_grid" ? d.itl_ms_grid() : d.thpt_per_gpu_grid();
      for (int i = 0; i < res; ++i)
        for (int j = 0; j < res; ++j) {
          const double want = g[key][i][j].get<double>(), got = grid(i, j);
          const double diff = std::fabs(got - want);
          worst_abs = std::max(worst_abs, diff);
          worst_rel = std::max(worst_rel, want != 0 ? diff / std::fabs(want) : diff);
          if (!close(got, want, 1e-6, 1e-9)) FAIL_CHECK(key << "[" << i << "][" << j << "] = " << got << ", SciPy " << want);
          ++nodes;
        }
    }
    CHECK(nodes == 2 * res * res);
    std::printf("decode grid parity %-58s worst relative %.3g, worst absolute %.3g (%d nodes)\n", gc.golden.c_str(),
                worst_rel, worst_abs, nodes);
    // Rounding-level agreement (the tolerance above is the acceptance bar; this guards regressions).
    CHECK(worst_rel < 1e-11);
  }
}

TEST_CASE("find_best_throughput_per_gpu matches Dynamo's answers on every golden query") {
  for (const auto& gc : golden_cases()) {
    INFO(gc.golden);
    const auto g = test::load_json(data_path("golden/interp/" + gc.golden));
    const DecodeInterpolator d(load_profile(gc.selector, profile_path("pre_swept")).decode);
    const auto& queries = g["queries"];
    REQUIRE(queries.size() == 62);
    for (std::size_t k = 0; k < queries.size(); ++k) {
      const auto& q = queries[k];
      const auto& want = g["expected"][k]["decode"];
      INFO("query " << k << ": " << q.dump());
      const long ctx = q["isl"].get<long>() + q["osl"].get<long>() / 2;
      REQUIRE(ctx == want["context_length"].get<long>());
      const DecodeOperatingPoint op = d.find_best_throughput_per_gpu(q["itl"].get<double>(), static_cast<double>(ctx));
      const double want_kv = want["kv_usage"].get<double>();
      CHECK(op.kv_index == static_cast<int>(std::lround(want_kv * 99)));
      CHECK(op.kv_usage == want_kv);
      CHECK(close(op.itl_ms, want["itl_ms"].get<double>(), 1e-6, 0));
      CHECK(close(op.thpt_per_gpu, want["thpt_per_gpu"].get<double>(), 1e-6, 0));
      CHECK((op.itl_ms <= q["itl"].get<double>()) == want["meets_itl"].get<bool>());
      CHECK(op.context_index == d.compute_idx(0, static_cast<double>(ctx)).context);
    }
  }
}

namespace {
/// Four points on a 1000 x 1 box plus its centre; ITL = 10 + 20 kv, throughput = 1000 kv + ctx.
DecodeProfile box_profile() {
  DecodeProfile p;
  p.source = "mem";
  p.kv_usage = {0, 1, 0, 1, 0.5};
  p.context_length = {0, 0, 1000, 1000, 500};
  for (std::size_t i = 0; i < 5; ++i) {
    p.itl_ms.push_back(10 + 20 * p.kv_usage[i]);
    p.thpt_per_gpu.push_back(1000 * p.kv_usage[i] + p.context_length[i]);
  }
  p.max_kv_tokens = 1e6;
  return p;
}
}  // namespace

TEST_CASE("compute_idx rounds half to even (NumPy) and clips to the grid") {
  DecodeInterpolatorOptions o;
  o.resolution = 5;  // kv axis 0, .25, .5, .75, 1; context axis 0, 250, 500, 750, 1000
  const DecodeInterpolator d(box_profile(), o);
  // kv_usage = concurrency * context / max_kv_tokens = concurrency / 1000 at context 1000.
  CHECK(d.compute_idx(125, 1000).kv == 0);  // 0.125 / 0.25 = 0.5 -> 0 (std::round gives 1)
  CHECK(d.compute_idx(375, 1000).kv == 2);  // 1.5 -> 2
  CHECK(d.compute_idx(625, 1000).kv == 2);  // 2.5 -> 2 (std::round gives 3)
  CHECK(d.compute_idx(874, 1000).kv == 3);
  CHECK(d.compute_idx(876, 1000).kv == 4);
  CHECK(d.compute_idx(-5, 1000).kv == 0);
  CHECK(d.compute_idx(1e9, 1000).kv == 4);
  CHECK(d.compute_idx(0, 125).context == 0);   // 0.5 -> 0
  CHECK(d.compute_idx(0, 375).context == 2);   // 1.5 -> 2
  CHECK(d.compute_idx(0, 625).context == 2);   // 2.5 -> 2
  CHECK(d.compute_idx(0, 5000).context == 4);
  CHECK(d.compute_idx(0, -10).context == 0);
  // Lookups read the node: (concurrency 1000, context 500) is kv 0.5, the centre data point.
  CHECK(d.interpolate_itl_ms(1000, 500) == d.itl_ms_grid()(2, 2));
  CHECK(d.interpolate_itl_ms(1000, 500) == Approx(20).epsilon(1e-12));
  CHECK(d.interpolate_thpt_per_gpu(1000, 500) == d.thpt_per_gpu_grid()(2, 2));
  CHECK(d.interpolate_thpt_per_gpu(1000, 500) == Approx(1000).epsilon(1e-12));
  CHECK(d.interpolate_itl_ms(1, 500) == d.itl_ms_grid()(2, 0));
  CHECK(d.max_kv_tokens() == 1e6);
  CHECK(d.max_context_length() == 1000);
}

TEST_CASE("find_best_throughput_per_gpu scans down from the highest kv and falls back to kv = 0") {
  DecodeInterpolatorOptions o;
  o.resolution = 5;
  const DecodeInterpolator d(box_profile(), o);
  // ITL = 10 + 20 kv is linear: the CT interpolant reproduces it up to the gradient tolerance.
  auto best = d.find_best_throughput_per_gpu(25, 500);  // kv 0.75 -> 25 ms
  CHECK(best.kv_index == 3);
  CHECK(best.kv_usage == 0.75);
  CHECK(best.itl_ms == Approx(25).epsilon(1e-6));
  CHECK(best.thpt_per_gpu == Approx(1250).epsilon(1e-6));
  CHECK(best.context_index == 2);
  best = d.find_best_throughput_per_gpu(100, 500);
  CHECK(best.kv_index == 4);
  best = d.find_best_throughput_per_gpu(5, 500);  // unreachable: the kv = 0 node
  CHECK(best.kv_index == 0);
  CHECK(best.kv_usage == 0);
  CHECK(best.itl_ms == Approx(10).epsilon(1e-6));
}

TEST_CASE("Exact mode evaluates the interpolant at the query and searches kv_usage continuously") {
  const DecodeProfile p = load_profile(profile_path("H200_TP1P_TP1D")).decode;
  const DecodeInterpolator ref(p);
  DecodeInterpolatorOptions o;
  o.mode = DecodeMode::Exact;
  const DecodeInterpolator exact(p, o);
  // At a grid node the two modes agree (the grid is the interpolant sampled, NaN nodes filled).
  for (int iy : {0, 10, 37, 99})
    for (int ix : {0, 16, 50, 99}) {
      const double ctx = ref.context_length_axis()[static_cast<std::size_t>(iy)];
      const double kv = ref.kv_usage_axis()[static_cast<std::size_t>(ix)];
      if (ctx == 0) continue;  // concurrency cannot express kv at context 0
      const double conc = kv * p.max_kv_tokens / ctx;
      INFO("node (" << iy << ", " << ix << ")");
      CHECK(exact.interpolate_itl_ms(conc, ctx) == Approx(ref.itl_ms_grid()(iy, ix)).epsilon(1e-9));
      CHECK(exact.interpolate_thpt_per_gpu(conc, ctx) == Approx(ref.thpt_per_gpu_grid()(iy, ix)).epsilon(1e-9));
    }
  // The README's example query: context 3150, ITL <= 10 ms. The exact search lands between grid nodes, at the
  // crossing of the 10 ms contour, and at least as high as the reference's node.
  const auto r = ref.find_best_throughput_per_gpu(10, 3150);
  const auto e = exact.find_best_throughput_per_gpu(10, 3150);
  CHECK(e.kv_index == -1);
  CHECK(e.context_index == -1);
  CHECK(e.itl_ms <= 10);
  CHECK(e.itl_ms == Approx(10).epsilon(1e-6));
  CHECK(e.kv_usage >= r.kv_usage);
  CHECK(e.kv_usage < r.kv_usage + 1.0 / 99);
  CHECK(exact.evaluate_exact(e.kv_usage + 1e-9, 3150).first > 10);
  CHECK(e.thpt_per_gpu == Approx(exact.evaluate_exact(e.kv_usage, 3150).second));
  // Unreachable target: kv = 0, like the reference.
  const auto none = exact.find_best_throughput_per_gpu(1, 3150);
  CHECK(none.kv_usage == 0);
  CHECK(none.itl_ms > 1);
}

TEST_CASE("DecodeInterpolator::itl_exact is evaluate_exact's ITL, bit for bit, inside and outside the hull") {
  const Profile p = load_profile(profile_path("H200_TP1P_TP1D"));
  const DecodeInterpolator d(p.decode);
  int outside = 0;
  for (double kv = -0.1; kv <= 1.1; kv += 0.013)
    for (double ctx = -100; ctx <= 1.2 * d.max_context_length(); ctx += d.max_context_length() / 37) {
      INFO("kv " << kv << ", context " << ctx);
      CHECK(d.itl_exact(kv, ctx) == d.evaluate_exact(kv, ctx).first);
      const double x = std::min(std::max(kv, 0.0), 1.0), y = std::min(std::max(ctx, 0.0), d.max_context_length());
      if (std::isnan(d.interpolant()(x, y, 0))) ++outside;
    }
  CHECK(outside > 0);  // the nearest-point rule was exercised
}

TEST_CASE("DecodeInterpolator::itl_exact with a hint is itl_exact, bit for bit, along a walk over the domain") {
  const Profile p = load_profile(profile_path("H200_TP1P_TP1D"));
  const DecodeInterpolator d(p.decode);
  int hint = -1;
  std::size_t n = 0;
  // Row by row, both ways, past the domain's edges: the hint carries over from the last point.
  for (double kv = -0.05; kv <= 1.05; kv += 0.0071) {
    for (double ctx = -50; ctx <= 1.1 * d.max_context_length(); ctx += d.max_context_length() / 301) {
      const double c = n % 2 ? 1.1 * d.max_context_length() - 50 - ctx : ctx;
      INFO("kv " << kv << ", context " << c);
      CHECK(d.itl_exact(kv, c, hint) == d.itl_exact(kv, c));
    }
    ++n;
  }
}

TEST_CASE("DecodeInterpolator: options and data errors") {
  DecodeInterpolatorOptions o;
  o.resolution = 1;
  CHECK_THROWS_WITH(o.validate(), "'resolution' must be >= 2, got 1");
  CHECK_THROWS_AS(DecodeInterpolator(box_profile(), o), std::invalid_argument);
  o.resolution = 2;
  const DecodeInterpolator two(box_profile(), o);
  CHECK(two.kv_usage_axis() == std::vector<double>{0, 1});
  CHECK(two.itl_ms_grid().rows() == 2);

  DecodeProfile p = box_profile();
  p.context_length = {0, 100, 200, 300, 400};
  p.kv_usage = {0, 0.1, 0.2, 0.3, 0.4};
  CHECK_THROWS_WITH(DecodeInterpolator(p),
                    "mem: decode points are collinear (x_kv_usage, y_context_length span a line); cannot triangulate");
  p = box_profile();
  p.itl_ms[2] = std::nan("");
  CHECK_THROWS_WITH(DecodeInterpolator(p), "mem: z_itl[2] is nan (values must be finite)");
  p = box_profile();
  p.max_kv_tokens = 0;
  CHECK_THROWS_WITH(DecodeInterpolator(p), "mem: max_kv_tokens must be a positive number, got 0");
}
