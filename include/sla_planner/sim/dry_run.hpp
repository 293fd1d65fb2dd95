// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// The dry run of NVIDIA Dynamo's SLA planner (planner_core.py, dryrun_run): replay a per-interval
// load through the planner and compare the load with the capacity the chosen fleet could carry
// within the SLA. Differences from the reference, on purpose: empty intervals inside the trace are
// kept (the reference dropped them and compressed time), and the safe limits include the GPUs per
// engine (the reference forgot them; with 1-GPU engines both agree).
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sla_planner/planner/basic_planner.hpp"

namespace sla_planner {

/// Per-interval series of a dry run (the reference's plot data), all of the same length.
struct DryRunSeries {
  std::vector<double> time;         ///< seconds from the first interval
  std::vector<double> rr;           ///< requests in the interval (actual)
  std::vector<double> est_rr;       ///< forecast made before the interval
  std::vector<double> isl, est_isl; ///< mean ISL, actual and forecast
  std::vector<double> osl, est_osl; ///< mean OSL, actual and forecast
  std::vector<long long> num_p;     ///< prefill engines during the interval
  std::vector<double> p_thpt;       ///< prefill tokens in the interval (rr × isl)
  std::vector<double> safe_p_thpt;  ///< prefill tokens num_p engines carry within the TTFT target
  std::vector<long long> num_d;     ///< decode engines during the interval
  std::vector<double> d_thpt;       ///< decode tokens in the interval (rr × osl)
  std::vector<double> safe_d_thpt;  ///< decode tokens num_d engines carry within the ITL target
};

/// Totals over a dry run.
struct DryRunSummary {
  std::size_t intervals = 0;
  double gpu_hours = 0;                  ///< Σ (num_p·gp + num_d·gd) × interval / 3600
  std::size_t prefill_overloaded = 0;    ///< intervals with p_thpt > safe_p_thpt
  std::size_t decode_overloaded = 0;     ///< intervals with d_thpt > safe_d_thpt
  long long peak_prefill = 0, peak_decode = 0, peak_gpus = 0;
  double mape_rr = 0, mape_isl = 0, mape_osl = 0;  ///< one-step forecast error (%), intervals with actual > 0
};

/// Result of a dry run.
struct DryRunResult {
  DryRunSeries series;
  DryRunSummary summary;
};

/// Settings of a dry run beyond the planner's own.
struct DryRunOptions {
  long long start_num_p = 1;  ///< prefill engines in the first interval (>= 1)
  long long start_num_d = 1;  ///< decode engines in the first interval (>= 1)
  /// Called after each interval with (done, total); for progress display. May be empty.
  std::function<void(std::size_t, std::size_t)> progress;
  /// Threads computing the forecasts of the ARIMA and Prophet predictors, whose fits dominate a
  /// dry run: 0 = one per hardware thread (at most 4), 1 = none. Every forecast depends only on
  /// the intervals before it, so the result is the same for any count.
  unsigned forecast_threads = 0;

  /// \throws std::invalid_argument naming the field
  void validate() const {
    if (start_num_p < 1) throw std::invalid_argument("'start_num_p' must be >= 1, got " + std::to_string(start_num_p));
    if (start_num_d < 1) throw std::invalid_argument("'start_num_d' must be >= 1, got " + std::to_string(start_num_d));
  }
};

/// Mean absolute percentage error of forecasts against actuals, over indices >= 1 whose actual
/// is positive (index 0 has no forecast). 0 when no index qualifies.
inline double one_step_mape(const std::vector<double>& actual, const std::vector<double>& forecast) {
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t i = 1; i < actual.size() && i < forecast.size(); ++i) {
    if (actual[i] > 0) {
      sum += std::fabs(forecast[i] - actual[i]) / actual[i];
      ++n;
    }
  }
  return n ? 100.0 * sum / static_cast<double>(n) : 0.0;
}

namespace detail {

/// The forecasts a dry run's planner makes before intervals 1..n-1 (index 0 is empty). The calling
/// thread observes the intervals in order on a copy of the planner and keeps a copy of its three
/// predictors before each one (a window of values each); `threads` threads then forecast from
/// those copies, costliest first (the latest intervals, with the longest windows), so that no
/// core idles at the end. In chunks, to bound memory. Exact: a forecast is a function of what was
/// observed, whoever makes it.
template <class Perf, class Observe>
std::vector<LoadForecast> dry_run_forecasts(const BasicPlanner<Perf>& planner, std::size_t n, unsigned threads,
                                            const Observe& observe) {
  constexpr std::size_t kChunk = 512;
  struct Snapshot {
    LoadPredictor r, in, o;
  };
  std::vector<LoadForecast> out(n);
  std::vector<Snapshot> snap;
  snap.reserve(std::min(n, kChunk));
  BasicPlanner<Perf> seq = planner;
  for (std::size_t lo = 1; lo < n; lo += kChunk) {
    const std::size_t hi = std::min(n, lo + kChunk);
    snap.clear();
    for (std::size_t i = lo; i < hi; ++i) {
      observe(seq, i - 1);
      snap.push_back(Snapshot{seq.num_req_predictor(), seq.isl_predictor(), seq.osl_predictor()});
    }
    std::vector<std::exception_ptr> errors(threads);
    std::atomic<std::size_t> taken{0};
    auto work = [&](unsigned t) {
      try {
        for (std::size_t k; (k = taken.fetch_add(1, std::memory_order_relaxed)) < hi - lo;) {
          Snapshot& sn = snap[hi - lo - 1 - k];  // latest first
          sn.r.predict_next();
          sn.in.predict_next();
          sn.o.predict_next();
          out[hi - 1 - k] = LoadForecast{sn.r.last_forecast(), sn.in.last_forecast(), sn.o.last_forecast()};
        }
      } catch (...) {
        errors[t] = std::current_exception();
        taken.store(hi - lo);  // the others stop at their next interval
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    for (auto& e : errors)
      if (e) std::rethrow_exception(e);
  }
  return out;
}

}  // namespace detail

/// Replays per-interval load (request count, mean ISL, mean OSL per adjustment interval) through
/// a planner with correction factors off, exactly as the reference dry run:
/// interval 0 uses the actual load as its estimate and the start counts; each later interval is
/// forecast from the intervals before it, sized with the replica formulas, and then observed.
/// `planner` must be fresh (or warmed up); its config's no_correction should be true.
template <class Perf>
DryRunResult dry_run(BasicPlanner<Perf>& planner, const std::vector<double>& num_req, const std::vector<double>& isl,
                     const std::vector<double>& osl, const DryRunOptions& options = {}) {
  options.validate();
  if (num_req.size() != isl.size() || num_req.size() != osl.size())
    throw std::invalid_argument("dry_run: num_req, isl and osl must have the same length");
  const PlannerConfig& c = planner.config();
  const Perf& perf = planner.perf();
  const double interval = c.adjustment_interval_s;
  const std::size_t n = num_req.size();
  DryRunResult res;
  DryRunSeries& s = res.series;

  // Tokens per interval `count` engines carry within the SLA at this interval's actual lengths.
  auto safe_prefill = [&](long long count, double in) {
    if (perf.prefill_ttft_ms(in) > c.ttft_ms) return 0.0;
    return static_cast<double>(count) * c.prefill_engine_num_gpu * perf.prefill_thpt_per_gpu(in) * interval;
  };
  auto safe_decode = [&](long long count, double in, double out) {
    const DecodeOperatingPoint best = perf.decode_best(c.itl_ms, in + out / 2.0);
    if (best.itl_ms > c.itl_ms) return 0.0;
    return static_cast<double>(count) * c.decode_engine_num_gpu * best.thpt_per_gpu * interval;
  };
  auto record_actual = [&](std::size_t i) {
    s.rr.push_back(num_req[i]);
    s.isl.push_back(isl[i]);
    s.osl.push_back(osl[i]);
    s.p_thpt.push_back(num_req[i] * isl[i]);
    s.d_thpt.push_back(num_req[i] * osl[i]);
    s.safe_p_thpt.push_back(safe_prefill(s.num_p.back(), isl[i]));
    s.safe_d_thpt.push_back(safe_decode(s.num_d.back(), isl[i], osl[i]));
  };
  auto observe_in = [&](BasicPlanner<Perf>& p, std::size_t i) {
    Metrics m;
    m.num_req = num_req[i];
    m.isl = isl[i];
    m.osl = osl[i];
    p.observe(m);
  };
  auto observe = [&](std::size_t i) { observe_in(planner, i); };

  if (n == 0) return res;
  for (auto* v : {&s.time, &s.rr, &s.est_rr, &s.isl, &s.est_isl, &s.osl, &s.est_osl, &s.p_thpt, &s.safe_p_thpt,
                  &s.d_thpt, &s.safe_d_thpt})
    v->reserve(n);
  s.num_p.reserve(n);
  s.num_d.reserve(n);

  // ARIMA and Prophet fit a model per forecast: compute those forecasts up front, in parallel.
  unsigned threads = options.forecast_threads;
  if (threads == 0) threads = std::min(4u, std::max(1u, std::thread::hardware_concurrency()));
  const bool costly = c.load_predictor == PredictorKind::Arima || c.load_predictor == PredictorKind::Prophet;
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, n > 1 ? n - 1 : 1));
  std::vector<LoadForecast> ahead;
  if (costly && threads > 1) ahead = detail::dry_run_forecasts(planner, n, threads, observe_in);

  s.time.push_back(0.0);
  s.est_rr.push_back(num_req[0]);
  s.est_isl.push_back(isl[0]);
  s.est_osl.push_back(osl[0]);
  s.num_p.push_back(options.start_num_p);
  s.num_d.push_back(options.start_num_d);
  record_actual(0);
  observe(0);
  if (options.progress) options.progress(1, n);

  for (std::size_t i = 1; i < n; ++i) {
    s.time.push_back(static_cast<double>(i) * interval);
    const WorkerCounts current{s.num_p.back(), s.num_d.back()};
    const Decision d = ahead.empty() ? planner.plan(current) : planner.plan(current, ahead[i]);
    s.est_rr.push_back(d.predicted_num_req);
    s.est_isl.push_back(d.predicted_isl);
    s.est_osl.push_back(d.predicted_osl);
    s.num_p.push_back(d.num_prefill);
    s.num_d.push_back(d.num_decode);
    observe(i);
    record_actual(i);
    if (options.progress) options.progress(i + 1, n);
  }

  DryRunSummary& sum = res.summary;
  sum.intervals = n;
  for (std::size_t i = 0; i < n; ++i) {
    const long long g = c.gpus(s.num_p[i], s.num_d[i]);
    sum.gpu_hours += static_cast<double>(g) * interval / 3600.0;
    sum.prefill_overloaded += s.p_thpt[i] > s.safe_p_thpt[i];
    sum.decode_overloaded += s.d_thpt[i] > s.safe_d_thpt[i];
    sum.peak_prefill = std::max(sum.peak_prefill, s.num_p[i]);
    sum.peak_decode = std::max(sum.peak_decode, s.num_d[i]);
    sum.peak_gpus = std::max(sum.peak_gpus, g);
  }
  sum.mape_rr = one_step_mape(s.rr, s.est_rr);
  sum.mape_isl = one_step_mape(s.isl, s.est_isl);
  sum.mape_osl = one_step_mape(s.osl, s.est_osl);
  return res;
}

}  // namespace sla_planner
