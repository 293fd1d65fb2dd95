// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Synthetic load with a sinusoidal request rate and a sinusoidal ISL/OSL mix: the algorithm of
// NVIDIA Dynamo's benchmarks/sin_load_generator/sin_synth.py, with its flags and defaults.
// For each step t in [0, duration) by process_interval, t_e = min(t + interval, duration):
//   rate(t)  = (min + max)/2 + (max - min)/2 * sin(2 pi t / period - pi/2)
//   n ~ Poisson(rate(t) * (t_e - t)); request k of n arrives at t + (t_e - t) * k / n seconds,
//   timestamp = int(seconds * 1000) ms;
//   with probability ratio(t_req) (same sinusoid with the ratio parameters) it is (isl1, osl1),
//   else (isl2, osl2); hash_ids = ceil(isl / block_size) ids uniform in [0, total_blocks).
// Differences from the Python tool: a seed makes the output reproducible (std::mt19937_64 plus
// the deterministic samplers of detail/random_draws.hpp; the Python tool is unseeded), and ids
// are drawn from [0, total_blocks) as documented there (Python's randint includes total_blocks;
// newer versions also pass the ids through a rolling hash).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "sla_planner/trace/detail/random_draws.hpp"
#include "sla_planner/trace/detail/text_format.hpp"

namespace sla_planner {

/// Parameters of sin_synth (names and defaults of the reference's flags).
struct SinLoadParams {
  std::int64_t block_size = 512;         ///< tokens per KV block (hash id)
  std::int64_t total_blocks = 10000;     ///< hash ids are drawn from [0, total_blocks)
  std::int64_t time_duration = 100;      ///< trace length in seconds
  std::int64_t process_interval = 1;     ///< sampling step in seconds
  double request_rate_min = 5;           ///< requests/s at the sinusoid's trough (t = 0)
  double request_rate_max = 10;          ///< requests/s at its crest
  double request_rate_period = 10;       ///< seconds
  std::int64_t isl1 = 100;               ///< prompt tokens of kind 1
  std::int64_t osl1 = 2000;              ///< output tokens of kind 1
  std::int64_t isl2 = 5000;              ///< prompt tokens of kind 2
  std::int64_t osl2 = 100;               ///< output tokens of kind 2
  double isl_osl_ratio_min = 0.2;        ///< probability of kind 1 at the trough
  double isl_osl_ratio_max = 0.8;        ///< ... at the crest
  double isl_osl_ratio_period = 10;      ///< seconds
  std::uint64_t seed = 0;                ///< std::mt19937_64 seed
  /// Give every block a new id (0, 1, 2, ... over the whole trace) so no prefix is ever shared.
  /// The random ids are still drawn, so one seed gives the same arrivals and lengths either way.
  bool unique_ids = false;

  /// \throws std::invalid_argument naming the field and the allowed range
  void validate() const {
    auto need = [](bool ok, const std::string& what) {
      if (!ok) throw std::invalid_argument(what);
    };
    auto i = [](std::int64_t v) { return std::to_string(v); };
    auto f = [](double v) { return detail::python_float_repr(v); };
    need(block_size >= 1, "'block_size' must be >= 1, got " + i(block_size));
    need(total_blocks >= 1, "'total_blocks' must be >= 1, got " + i(total_blocks));
    need(time_duration >= 0, "'time_duration' must be >= 0, got " + i(time_duration));
    need(process_interval >= 1, "'process_interval' must be >= 1, got " + i(process_interval));
    need(std::isfinite(request_rate_min) && request_rate_min >= 0, "'request_rate_min' must be >= 0, got " + f(request_rate_min));
    need(std::isfinite(request_rate_max) && request_rate_max >= 0, "'request_rate_max' must be >= 0, got " + f(request_rate_max));
    need(std::isfinite(request_rate_period) && request_rate_period > 0,
         "'request_rate_period' must be > 0, got " + f(request_rate_period));
    need(isl1 >= 0, "'isl1' must be >= 0, got " + i(isl1));
    need(osl1 >= 0, "'osl1' must be >= 0, got " + i(osl1));
    need(isl2 >= 0, "'isl2' must be >= 0, got " + i(isl2));
    need(osl2 >= 0, "'osl2' must be >= 0, got " + i(osl2));
    need(isl_osl_ratio_min >= 0 && isl_osl_ratio_min <= 1, "'isl_osl_ratio_min' must be in [0, 1], got " + f(isl_osl_ratio_min));
    need(isl_osl_ratio_max >= 0 && isl_osl_ratio_max <= 1, "'isl_osl_ratio_max' must be in [0, 1], got " + f(isl_osl_ratio_max));
    need(std::isfinite(isl_osl_ratio_period) && isl_osl_ratio_period > 0,
         "'isl_osl_ratio_period' must be > 0, got " + f(isl_osl_ratio_period));
    const double peak = std::max(request_rate_min, request_rate_max) * static_cast<double>(process_interval);
    need(peak <= 1e9, "'request_rate_max' x 'process_interval' must be <= 1e9 requests per step, got " + f(peak));
  }

  /// The reference's default output name, numbers printed as Python prints them, e.g.
  /// sin_b512_t100_rr5.0-10.0-10.0_io1002000-5000100-0.2-0.8-10.0.jsonl
  std::string default_output_name() const {
    auto f = [](double v) { return detail::python_float_repr(v); };
    return "sin_b" + std::to_string(block_size) + "_t" + std::to_string(time_duration) + "_rr" + f(request_rate_min) + "-" +
           f(request_rate_max) + "-" + f(request_rate_period) + "_io" + std::to_string(isl1) + std::to_string(osl1) + "-" +
           std::to_string(isl2) + std::to_string(osl2) + "-" + f(isl_osl_ratio_min) + "-" + f(isl_osl_ratio_max) + "-" +
           f(isl_osl_ratio_period) + ".jsonl";
  }

  /// Request rate (requests/s) of the step starting at t seconds.
  double request_rate(double t) const noexcept {
    return sinusoid(request_rate_min, request_rate_max, request_rate_period, t);
  }
  /// Probability that a request at t seconds is of kind 1 (isl1, osl1).
  double isl_osl_ratio(double t) const noexcept {
    return sinusoid(isl_osl_ratio_min, isl_osl_ratio_max, isl_osl_ratio_period, t);
  }
  /// Expected number of requests in the whole trace: sum over steps of rate(t) x step length.
  double expected_requests() const noexcept {
    double s = 0;
    for (std::int64_t t = 0; t < time_duration; t += process_interval)
      s += request_rate(static_cast<double>(t)) * static_cast<double>(std::min(t + process_interval, time_duration) - t);
    return s;
  }

  /// (min + max)/2 + (max - min)/2 * sin(2 pi / period * t - pi / 2), evaluated as the reference does.
  static double sinusoid(double lo, double hi, double period, double t) noexcept {
    constexpr double pi = 3.141592653589793;
    return (lo + hi) / 2 + (hi - lo) / 2 * std::sin(2 * pi / period * t - pi / 2);
  }
};

/// One generated request; its hash ids are passed alongside.
struct SinRequest {
  std::int64_t timestamp_ms = 0;
  std::int64_t input_length = 0;
  std::int64_t output_length = 0;
};

/// Generates the load step by step, in time order.
class SinLoadGenerator {
public:
  explicit SinLoadGenerator(const SinLoadParams& params) : p_(params), rng_(params.seed) { p_.validate(); }

  /// Number of steps (ceil(time_duration / process_interval)).
  std::int64_t steps() const noexcept { return (p_.time_duration + p_.process_interval - 1) / p_.process_interval; }

  /// Runs every step: on_request(const SinRequest&, const std::uint64_t* ids, std::size_t n_ids)
  /// per request; on_step(done, steps) after each step when given.
  template <class OnRequest>
  void run(OnRequest&& on_request, const std::function<void(std::int64_t, std::int64_t)>& on_step = {}) {
    const std::int64_t n_steps = steps();
    std::int64_t k = 0;
    for (std::int64_t t = 0; t < p_.time_duration; t += p_.process_interval, ++k) {
      step(t, on_request);
      if (on_step) on_step(k + 1, n_steps);
    }
  }

  const SinLoadParams& params() const noexcept { return p_; }

private:
  template <class OnRequest>
  void step(std::int64_t t, OnRequest& on_request) {
    const std::int64_t te = std::min(t + p_.process_interval, p_.time_duration);
    const std::int64_t span = te - t;
    const double rate = p_.request_rate(static_cast<double>(t));
    const std::int64_t n = detail::poisson(rng_, rate * static_cast<double>(span));
    for (std::int64_t k = 0; k < n; ++k) {
      // Python: t + (t_e - t) * req_idx / num_requests, integer product, true division
      const double t_req = static_cast<double>(t) + static_cast<double>(span * k) / static_cast<double>(n);
      SinRequest r;
      r.timestamp_ms = static_cast<std::int64_t>(t_req * 1000);
      const bool kind1 = detail::uniform01(rng_) < p_.isl_osl_ratio(t_req);
      r.input_length = kind1 ? p_.isl1 : p_.isl2;
      r.output_length = kind1 ? p_.osl1 : p_.osl2;
      const std::size_t n_ids = static_cast<std::size_t>((r.input_length + p_.block_size - 1) / p_.block_size);
      ids_.resize(n_ids);
      for (auto& id : ids_) id = detail::uniform_below(rng_, static_cast<std::uint64_t>(p_.total_blocks));
      if (p_.unique_ids)
        for (auto& id : ids_) id = next_id_++;
      on_request(static_cast<const SinRequest&>(r), static_cast<const std::uint64_t*>(ids_.data()), n_ids);
    }
  }

  SinLoadParams p_;
  std::mt19937_64 rng_;
  std::vector<std::uint64_t> ids_;
  std::uint64_t next_id_ = 0;
};

}  // namespace sla_planner
