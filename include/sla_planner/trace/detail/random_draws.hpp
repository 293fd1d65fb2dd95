// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Deterministic random draws on top of std::mt19937_64 (whose output the C++ standard fixes),
// so that a seed gives the same numbers with every standard library:
//   - uniform doubles in [0, 1) from the top 53 bits;
//   - uniform integers in [0, n) by Lemire's multiply-and-reject ("Fast Random Integer
//     Generation in an Interval", ACM TOMACS 2019);
//   - Poisson variates: inversion by sequential search for mean < 10, otherwise Hörmann's PTRS
//     transformed rejection ("The transformed rejection method for generating Poisson random
//     variables", Insurance: Mathematics and Economics 12, 1993), with log k! from a table and
//     Stirling's series. Only std::exp/std::log/std::sqrt/std::floor are used.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace sla_planner::detail {

/// Uniform double in [0, 1) with 53 random bits.
inline double uniform01(std::mt19937_64& rng) noexcept { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

__extension__ typedef unsigned __int128 uint128;  // GCC/Clang

/// Uniform integer in [0, n), n >= 1, without modulo bias.
inline std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t n) noexcept {
  uint128 m = static_cast<uint128>(rng()) * n;
  std::uint64_t low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<uint128>(rng()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

/// log(k!) for k >= 0.
inline double log_factorial(std::int64_t k) noexcept {
  static constexpr double table[10] = {0.0,
                                       0.0,
                                       0.69314718055994530942,
                                       1.79175946922805500081,
                                       3.17805383034794561965,
                                       4.78749174278204599425,
                                       6.57925121201010099506,
                                       8.52516136106541430017,
                                       10.60460290274525022842,
                                       12.80182748008146961121};
  if (k < 10) return table[k];
  // Stirling's series for log Gamma(n), n = k + 1 >= 11: error below 1e-13
  const double n = static_cast<double>(k) + 1.0, r = 1.0 / n, r2 = r * r;
  return (n - 0.5) * std::log(n) - n + 0.91893853320467274178 + r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260)));
}

/// Poisson(mean) variate, mean >= 0 and finite.
inline std::int64_t poisson(std::mt19937_64& rng, double mean) noexcept {
  if (!(mean > 0)) return 0;
  if (mean < 10) {  // inversion: walk the CDF
    double p = std::exp(-mean), cdf = p;
    const double u = uniform01(rng);
    std::int64_t k = 0;
    while (u > cdf && k < 1000) {
      ++k;
      p *= mean / static_cast<double>(k);
      cdf += p;
    }
    return k;
  }
  // PTRS (Hörmann 1993)
  const double slam = std::sqrt(mean), loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const double u = uniform01(rng) - 0.5;
    const double v = uniform01(rng);
    const double us = 0.5 - std::fabs(u);
    const double kd = std::floor((2 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::int64_t>(kd);
    if (kd < 0 || (us < 0.013 && v > us)) continue;
    const std::int64_t k = static_cast<std::int64_t>(kd);
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <= -mean + kd * loglam - log_factorial(k)) return k;
  }
}

}  // namespace sla_planner::detail
