#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "sla_planner/trace/detail/random_draws.hpp"
#include "sla_planner/trace/detail/text_format.hpp"
#include "sla_planner/formats/mooncake_writer.hpp"
#include "sla_planner/trace/sin_load_generator.hpp"
#include "test_helpers.hpp"

using sla_planner::SinLoadGenerator;
using sla_planner::SinLoadParams;
using sla_planner::SinRequest;
using sla_planner::detail::python_float_repr;

namespace {

struct Req {
  std::int64_t ts, isl, osl;
  std::vector<std::uint64_t> ids;
};

std::vector<Req> generate(const SinLoadParams& p) {
  std::vector<Req> v;
  SinLoadGenerator g(p);
  g.run([&](const SinRequest& r, const std::uint64_t* ids, std::size_t n) {
    v.push_back({r.timestamp_ms, r.input_length, r.output_length, std::vector<std::uint64_t>(ids, ids + n)});
  });
  return v;
}

std::string generate_text(const SinLoadParams& p) {
  std::ostringstream os;
  sla_planner::MooncakeWriter w(os, "mem");
  SinLoadGenerator g(p);
  g.run([&](const SinRequest& r, const std::uint64_t* ids, std::size_t n) { w.write(r.timestamp_ms, r.input_length, r.output_length, ids, n); });
  w.finish();
  return os.str();
}

SinLoadParams seed_example(std::uint64_t seed) {
  SinLoadParams p;  // the README's example command line
  p.time_duration = 1800;
  p.request_rate_min = 5;
  p.request_rate_max = 45;
  p.request_rate_period = 600;
  p.isl1 = p.isl2 = 3000;
  p.osl1 = p.osl2 = 300;
  p.seed = seed;
  return p;
}

/// z-score of a chi-square statistic with `dof` degrees of freedom (Wilson-Hilferty).
double chi2_z(double chi2, double dof) {
  const double x = std::cbrt(chi2 / dof), m = 1 - 2 / (9 * dof);
  return (x - m) / std::sqrt(2 / (9 * dof));
}

/// Chi-square z of counts per bin of `bin_s` seconds against the expected sum of rate(t) x step.
double rate_z(const std::vector<Req>& reqs, const SinLoadParams& p, std::int64_t bin_s, double scale = 1.0, double shift_s = 0) {
  const std::size_t nb = static_cast<std::size_t>(p.time_duration / bin_s);
  std::vector<double> obs(nb, 0), exp(nb, 0);
  for (auto& r : reqs) {
    const std::size_t b = static_cast<std::size_t>(r.ts / 1000 / bin_s);
    if (b < nb) obs[b] += 1;
  }
  for (std::int64_t t = 0; t < static_cast<std::int64_t>(nb) * bin_s; t += p.process_interval)
    exp[static_cast<std::size_t>(t / bin_s)] += scale * p.request_rate(static_cast<double>(t) + shift_s) * static_cast<double>(p.process_interval);
  double chi2 = 0;
  for (std::size_t b = 0; b < nb; ++b) chi2 += (obs[b] - exp[b]) * (obs[b] - exp[b]) / exp[b];
  return chi2_z(chi2, static_cast<double>(nb));
}

}  // namespace

TEST_CASE("python_float_repr prints floats as Python's repr does") {
  // expected strings from CPython 3.11 repr()
  CHECK(python_float_repr(5.0) == "5.0");
  CHECK(python_float_repr(0.2) == "0.2");
  CHECK(python_float_repr(1e-05) == "1e-05");
  CHECK(python_float_repr(0.0001) == "0.0001");
  CHECK(python_float_repr(1e16) == "1e+16");
  CHECK(python_float_repr(1e15) == "1000000000000000.0");
  CHECK(python_float_repr(123.456) == "123.456");
  CHECK(python_float_repr(0.1 + 0.2) == "0.30000000000000004");
  CHECK(python_float_repr(1e22) == "1e+22");
  CHECK(python_float_repr(1.5e-7) == "1.5e-07");
  CHECK(python_float_repr(-0.0) == "-0.0");
  CHECK(python_float_repr(2.5e16) == "2.5e+16");
  CHECK(python_float_repr(12345678901234567.0) == "1.2345678901234568e+16");
  CHECK(python_float_repr(1.0 / 3) == "0.3333333333333333");
  CHECK(python_float_repr(1e-4 * 3) == "0.00030000000000000003");
  CHECK(python_float_repr(99999999999999.99) == "99999999999999.98");
  CHECK(python_float_repr(600) == "600.0");
  CHECK(python_float_repr(-2.5) == "-2.5");
  CHECK(python_float_repr(INFINITY) == "inf");
}

TEST_CASE("default output name as sin_synth.py builds it") {
  CHECK(SinLoadParams{}.default_output_name() == "sin_b512_t100_rr5.0-10.0-10.0_io1002000-5000100-0.2-0.8-10.0.jsonl");
  CHECK(seed_example(0).default_output_name() == "sin_b512_t1800_rr5.0-45.0-600.0_io3000300-3000300-0.2-0.8-10.0.jsonl");
  SinLoadParams p;
  p.request_rate_min = 0.5;
  p.isl_osl_ratio_period = 1e-05;
  CHECK(p.default_output_name() == "sin_b512_t100_rr0.5-10.0-10.0_io1002000-5000100-0.2-0.8-1e-05.jsonl");
}

TEST_CASE("parameters are validated with the field and range") {
  auto bad = [](auto set) {
    SinLoadParams p;
    set(p);
    try {
      p.validate();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(bad([](SinLoadParams& p) { p.block_size = 0; }) == "'block_size' must be >= 1, got 0");
  CHECK(bad([](SinLoadParams& p) { p.process_interval = 0; }) == "'process_interval' must be >= 1, got 0");
  CHECK(bad([](SinLoadParams& p) { p.time_duration = -1; }) == "'time_duration' must be >= 0, got -1");
  CHECK(bad([](SinLoadParams& p) { p.request_rate_min = -1; }) == "'request_rate_min' must be >= 0, got -1.0");
  CHECK(bad([](SinLoadParams& p) { p.request_rate_period = 0; }) == "'request_rate_period' must be > 0, got 0.0");
  CHECK(bad([](SinLoadParams& p) { p.isl_osl_ratio_max = 1.5; }) == "'isl_osl_ratio_max' must be in [0, 1], got 1.5");
  CHECK(bad([](SinLoadParams& p) { p.isl2 = -3; }) == "'isl2' must be >= 0, got -3");
  CHECK(bad([](SinLoadParams& p) { p.request_rate_max = 1e12; }) ==
        "'request_rate_max' x 'process_interval' must be <= 1e9 requests per step, got 1000000000000.0");
  CHECK_THROWS_AS(SinLoadGenerator([] {
                    SinLoadParams p;
                    p.total_blocks = 0;
                    return p;
                  }()),
                  std::invalid_argument);
}

TEST_CASE("a fixed seed gives the same file; another seed another file") {
  SinLoadParams p = seed_example(42);
  const std::string a = generate_text(p), b = generate_text(p);
  CHECK(a == b);
  p.seed = 43;
  CHECK(generate_text(p) != a);
  // the format, pinned for seed 42 with the defaults (std::mt19937_64 and our samplers are fixed)
  SinLoadParams d;
  d.seed = 42;
  const std::string text = generate_text(d);
  CHECK(text.substr(0, text.find('\n', text.find('\n') + 1) + 1) ==
        "{\"timestamp\": 0, \"input_length\": 5000, \"output_length\": 100, \"hash_ids\": [7521, 1362, 9032, 940, 5745, 3728, "
        "2738, 3902, 123, 5237]}\n"
        "{\"timestamp\": 166, \"input_length\": 5000, \"output_length\": 100, \"hash_ids\": [6373, 8265, 9456, 7532, 4489, "
        "468, 645, 7476, 1493, 4252]}\n");
}

TEST_CASE("Poisson sampler: mean, variance and distribution") {
  std::mt19937_64 rng(5);
  for (double lam : {0.5, 3.0, 9.5, 10.0, 25.0, 100.0, 1e4, 1e6}) {
    const int n = 100000;
    double s = 0, s2 = 0;
    for (int i = 0; i < n; ++i) {
      const double k = static_cast<double>(sla_planner::detail::poisson(rng, lam));
      s += k, s2 += k * k;
    }
    const double mean = s / n, var = s2 / n - mean * mean;
    INFO("lambda " << lam << " mean " << mean << " var " << var);
    CHECK(std::fabs(mean - lam) < 4.5 * std::sqrt(lam / n));
    CHECK(std::fabs(var - lam) < 4.5 * std::sqrt((lam + 2 * lam * lam) / n));
  }
  CHECK(sla_planner::detail::poisson(rng, 0) == 0);
  // chi-square goodness of fit against the Poisson pmf, both branches
  for (double lam : {3.0, 25.0}) {
    const int n = 200000;
    std::map<std::int64_t, double> hist;
    for (int i = 0; i < n; ++i) hist[sla_planner::detail::poisson(rng, lam)] += 1;
    double chi2 = 0, tail_o = n, tail_e = n;
    int bins = 0;
    for (std::int64_t k = 0;; ++k) {
      const double e = n * std::exp(-lam + k * std::log(lam) - std::lgamma(k + 1.0));
      if (e < 20 && k > lam) break;
      const double o = hist.count(k) ? hist[k] : 0;
      if (e >= 20) chi2 += (o - e) * (o - e) / e, ++bins;
      tail_o -= o, tail_e -= e;
    }
    chi2 += (tail_o - tail_e) * (tail_o - tail_e) / tail_e;
    INFO("lambda " << lam << " chi2 " << chi2 << " bins " << bins);
    CHECK(std::fabs(chi2_z(chi2, bins)) < 4);
  }
}

TEST_CASE("uniform ids and Lemire's bounded draw") {
  std::mt19937_64 rng(9);
  std::vector<double> c(100, 0);
  for (int i = 0; i < 500000; ++i) {
    const auto v = sla_planner::detail::uniform_below(rng, 1000);
    REQUIRE(v < 1000);
    c[v / 10] += 1;
  }
  double chi2 = 0;
  for (double o : c) chi2 += (o - 5000) * (o - 5000) / 5000;
  CHECK(std::fabs(chi2_z(chi2, 99)) < 4);
  CHECK(sla_planner::detail::uniform_below(rng, 1) == 0);
  CHECK(sla_planner::detail::log_factorial(20) == Approx(std::lgamma(21.0)).epsilon(1e-14));
  CHECK(sla_planner::detail::log_factorial(1000) == Approx(std::lgamma(1001.0)).epsilon(1e-14));
}

TEST_CASE("the README's example: about 45,000 requests following the sinusoid") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const SinLoadParams p = seed_example(seed);
    const auto reqs = generate(p);
    INFO("seed " << seed << " requests " << reqs.size());
    CHECK(p.expected_requests() == Approx(45000).epsilon(1e-9));
    CHECK(std::fabs(static_cast<double>(reqs.size()) - 45000) < 5 * std::sqrt(45000.0));
    // per 60 s interval counts follow rate(t) within Poisson error
    CHECK(std::fabs(rate_z(reqs, p, 60)) < 4);
    // and the test has power: a 10 % wrong rate or a 30 s phase error is rejected
    CHECK(rate_z(reqs, p, 60, 1.10) > 8);
    CHECK(rate_z(reqs, p, 60, 1.0, 30) > 8);
    for (auto& r : reqs) {
      REQUIRE(r.isl == 3000);
      REQUIRE(r.osl == 300);
      REQUIRE(r.ids.size() == 6);
    }
  }
  // the shape of the shared rr-5-45 trace (made by the Python tool with these flags)
  const auto golden = sla_planner::test::load_json(sla_planner::test::data_path("golden/dryrun/sin_constant.json"))["expected"]["rr"];
  const auto reqs = generate(seed_example(7));
  std::vector<double> ours(30, 0);
  for (auto& r : reqs) ours[static_cast<std::size_t>(r.ts / 60000)] += 1;
  double sxy = 0, sxx = 0, syy = 0, mx = 0, my = 0;
  std::int64_t golden_total = 0;
  for (std::size_t i = 0; i < 30; ++i) mx += ours[i] / 30, my += golden[i].get<double>() / 30, golden_total += golden[i].get<std::int64_t>();
  for (std::size_t i = 0; i < 30; ++i) {
    const double x = ours[i] - mx, y = golden[i].get<double>() - my;
    sxy += x * y, sxx += x * x, syy += y * y;
  }
  CHECK(sxy / std::sqrt(sxx * syy) > 0.99);
  CHECK(golden_total == 44941);
}

TEST_CASE("over a long run the rate matches rate(t) within Poisson error") {
  SinLoadParams p;
  p.time_duration = 20000;
  p.process_interval = 2;
  p.request_rate_min = 2;
  p.request_rate_max = 60;
  p.request_rate_period = 900;
  p.isl1 = 10;
  p.isl2 = 20;
  p.seed = 2024;
  const auto reqs = generate(p);
  CHECK(std::fabs(rate_z(reqs, p, 20)) < 4);
  CHECK(std::fabs(rate_z(reqs, p, 100)) < 4);
  CHECK(rate_z(reqs, p, 20, 1.03) > 5);
  // timestamps: sorted, inside [0, duration), evenly spread inside each step
  CHECK(std::is_sorted(reqs.begin(), reqs.end(), [](const Req& a, const Req& b) { return a.ts < b.ts; }));
  CHECK(reqs.front().ts >= 0);
  CHECK(reqs.back().ts < p.time_duration * 1000);
}

TEST_CASE("the ISL/OSL mix follows ratio(t); ids are in range, ceil(isl / block) of them") {
  SinLoadParams p;  // defaults: ratio 0.2..0.8 with a 10 s period
  p.time_duration = 20000;
  p.total_blocks = 777;
  p.block_size = 300;
  p.seed = 99;
  const auto reqs = generate(p);
  REQUIRE(reqs.size() > 100000);
  // bin requests by the phase of the ratio sinusoid: expected kind-1 share = mean ratio(t_req)
  const int nb = 20;
  std::vector<double> n1(nb, 0), e1(nb, 0), v1(nb, 0);
  std::vector<double> id_counts(777, 0);
  for (auto& r : reqs) {
    // t_req is only known to the ms; ratio(t) varies by < 0.0002 within 1 ms
    const double t = static_cast<double>(r.ts) / 1000.0;
    const double q = p.isl_osl_ratio(t);
    const int b = static_cast<int>(std::fmod(t, 10.0) / 10.0 * nb);
    const bool kind1 = r.isl == 100;
    REQUIRE((kind1 ? r.osl == 2000 : (r.isl == 5000 && r.osl == 100)));
    n1[b] += kind1, e1[b] += q, v1[b] += q * (1 - q);
    REQUIRE(r.ids.size() == static_cast<std::size_t>((r.isl + 299) / 300));
    for (auto id : r.ids) {
      REQUIRE(id < 777);
      id_counts[id] += 1;
    }
  }
  double chi2 = 0;
  for (int b = 0; b < nb; ++b) chi2 += (n1[b] - e1[b]) * (n1[b] - e1[b]) / v1[b];
  CHECK(std::fabs(chi2_z(chi2, nb)) < 4);
  // the share really moves: trough bins near 0.2, crest bins near 0.8
  CHECK(n1[0] / (reqs.size() / double(nb)) < 0.3);
  CHECK(n1[nb / 2] / (reqs.size() / double(nb)) > 0.7);
  // a constant 50 % mix is rejected by the same statistic
  double chi2_flat = 0;
  std::vector<double> nbin(nb, 0);
  for (auto& r : reqs) nbin[static_cast<int>(std::fmod(r.ts / 1000.0, 10.0) / 10.0 * nb)] += 1;
  for (int b = 0; b < nb; ++b) chi2_flat += (n1[b] - nbin[b] / 2) * (n1[b] - nbin[b] / 2) / (nbin[b] / 4);
  CHECK(chi2_z(chi2_flat, nb) > 20);
  // ids uniform over [0, 777)
  double total = 0, chi2_ids = 0;
  for (double c : id_counts) total += c;
  for (double c : id_counts) chi2_ids += (c - total / 777) * (c - total / 777) / (total / 777);
  CHECK(std::fabs(chi2_z(chi2_ids, 776)) < 4);
}

TEST_CASE("edge cases: zero duration, partial last step, zero rate, zero ISL") {
  SinLoadParams p;
  p.time_duration = 0;
  CHECK(generate(p).empty());
  p.time_duration = 5;
  p.process_interval = 2;  // steps at 0, 2, 4 (the last one 1 s long)
  p.request_rate_min = p.request_rate_max = 100;
  p.seed = 1;
  SinLoadGenerator g(p);
  CHECK(g.steps() == 3);
  const auto reqs = generate(p);
  CHECK(std::fabs(static_cast<double>(reqs.size()) - 500) < 5 * std::sqrt(500.0));
  CHECK(reqs.back().ts < 5000);
  std::size_t last = 0;
  for (auto& r : reqs) last += r.ts >= 4000;
  CHECK(std::fabs(static_cast<double>(last) - 100) < 5 * 10);
  p.request_rate_min = p.request_rate_max = 0;
  CHECK(generate(p).empty());
  p.request_rate_min = p.request_rate_max = 10;
  p.isl1 = p.isl2 = 0;
  for (auto& r : generate(p)) REQUIRE(r.ids.empty());
  std::ostringstream os;
  sla_planner::MooncakeWriter w(os, "mem");
  w.write(1, 0, 2, nullptr, 0);
  w.write(3, 4, 5);
  w.finish();
  CHECK(os.str() == "{\"timestamp\": 1, \"input_length\": 0, \"output_length\": 2, \"hash_ids\": []}\n"
                    "{\"timestamp\": 3, \"input_length\": 4, \"output_length\": 5}\n");
}

TEST_CASE("unique ids: same arrivals and lengths as the random draw, ids 0, 1, 2, ... never repeating") {
  SinLoadParams p;
  p.time_duration = 30;
  p.seed = 5;
  const auto drawn = generate(p);
  p.unique_ids = true;
  const auto unique = generate(p);
  REQUIRE(unique.size() == drawn.size());
  std::uint64_t next = 0;
  for (std::size_t i = 0; i < unique.size(); ++i) {
    CHECK(unique[i].ts == drawn[i].ts);
    CHECK(unique[i].isl == drawn[i].isl);
    REQUIRE(unique[i].ids.size() == drawn[i].ids.size());
    for (auto id : unique[i].ids) CHECK(id == next++);
  }
}
