// planner_dryrun — replay a mooncake trace through the SLA planner and plot what it would do.
// SPDX-License-Identifier: Apache-2.0
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "common/planner_flags.hpp"
#include "common/plot.hpp"
#include "sla_planner/formats/trace_loaders.hpp"
#include "sla_planner/planner/planner.hpp"
#include "sla_planner/sim/dry_run.hpp"
#include "sla_planner/trace/interval_series.hpp"

namespace {

using namespace sla_planner;
using namespace sla_tools;

nlohmann::json series_json(const DryRunSeries& s) {
  return {{"time", s.time},       {"rr", s.rr},       {"est_rr", s.est_rr},           {"isl", s.isl},
          {"est_isl", s.est_isl}, {"osl", s.osl},     {"est_osl", s.est_osl},         {"num_p", s.num_p},
          {"p_thpt", s.p_thpt},   {"safe_p_thpt", s.safe_p_thpt}, {"num_d", s.num_d}, {"d_thpt", s.d_thpt},
          {"safe_d_thpt", s.safe_d_thpt}};
}

nlohmann::json summary_json(const DryRunSummary& m, std::uint64_t requests) {
  return {{"intervals", m.intervals},
          {"requests", requests},
          {"gpu_hours", m.gpu_hours},
          {"prefill_overloaded_intervals", m.prefill_overloaded},
          {"decode_overloaded_intervals", m.decode_overloaded},
          {"peak_prefill_workers", m.peak_prefill},
          {"peak_decode_workers", m.peak_decode},
          {"peak_gpus", m.peak_gpus},
          {"mape_percent", {{"rr", m.mape_rr}, {"isl", m.mape_isl}, {"osl", m.mape_osl}}}};
}

void write_csv(const std::string& path, const DryRunSeries& s) {
  OutputFile out(path);
  auto& o = out.stream();
  o << "time,rr,est_rr,isl,est_isl,osl,est_osl,num_p,p_thpt,safe_p_thpt,num_d,d_thpt,safe_d_thpt\n";
  for (std::size_t i = 0; i < s.time.size(); ++i) {
    o << shortest(s.time[i]) << ',' << shortest(s.rr[i]) << ',' << shortest(s.est_rr[i]) << ',' << shortest(s.isl[i]) << ','
      << shortest(s.est_isl[i]) << ',' << shortest(s.osl[i]) << ',' << shortest(s.est_osl[i]) << ',' << s.num_p[i] << ','
      << shortest(s.p_thpt[i]) << ',' << shortest(s.safe_p_thpt[i]) << ',' << s.num_d[i] << ',' << shortest(s.d_thpt[i]) << ','
      << shortest(s.safe_d_thpt[i]) << '\n';
  }
  out.commit();
}

void write_plot(const std::string& path, const DryRunSeries& s, const PlannerConfig& c, const std::string& dataset) {
  std::vector<double> t(s.time.size());
  const bool minutes = !s.time.empty() && s.time.back() >= 600;
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = minutes ? s.time[i] / 60.0 : s.time[i];
  const std::string xl = minutes ? "time (min)" : "time (s)";
  auto d = [](const std::vector<long long>& v) { return std::vector<double>(v.begin(), v.end()); };
  char per[64];
  std::snprintf(per, sizeof per, "per %g s interval", c.adjustment_interval_s);
  std::vector<PlotPanel> p(4);
  p[0].title = "Request rate: actual vs predicted (" + to_string(c.load_predictor) + ")";
  p[0].xlabel = xl;
  p[0].ylabel = std::string("requests ") + per;
  p[0].lines = {{t, s.rr, "actual", kBlue, kSolid}, {t, s.est_rr, "predicted", kOrange, kDashed}};
  p[1].title = "Sequence lengths: actual vs predicted";
  p[1].xlabel = xl;
  p[1].ylabel = "tokens";
  p[1].lines = {{t, s.isl, "ISL actual", kBlue, kSolid},
                {t, s.est_isl, "ISL predicted", kSky, kDashed},
                {t, s.osl, "OSL actual", kGreen, kSolid},
                {t, s.est_osl, "OSL predicted", kVermillion, kDashed}};
  p[2].title = "Prefill: load vs safe limit (TTFT " + shortest(c.ttft_ms) + " ms)";
  p[2].xlabel = xl;
  p[2].ylabel = std::string("tokens ") + per;
  p[2].ylabel_right = "prefill workers";
  p[2].lines = {{t, s.p_thpt, "load", kBlue, kSolid},
                {t, s.safe_p_thpt, "safe limit", kGreen, kDashed},
                {t, d(s.num_p), "workers", kVermillion, kSolid, 2.5, true, true}};
  p[3].title = "Decode: load vs safe limit (ITL " + shortest(c.itl_ms) + " ms)";
  p[3].xlabel = xl;
  p[3].ylabel = std::string("tokens ") + per;
  p[3].ylabel_right = "decode workers";
  p[3].lines = {{t, s.d_thpt, "load", kBlue, kSolid},
                {t, s.safe_d_thpt, "safe limit", kGreen, kDashed},
                {t, d(s.num_d), "workers", kVermillion, kSolid, 2.5, true, true}};
  render_figure(path, 1500, 1000, 2, 2, p, "Planner dry run: " + base_name(dataset));
}

int run(int argc, char** argv) {
  cxxopts::Options opts("planner_dryrun",
                        "Replay a mooncake JSONL trace through the SLA planner: forecast each interval, size the\n"
                        "fleet, and compare the load with what that fleet carries within the SLA.\n"
                        "TTFT and ITL are in milliseconds. Exit codes: 0 ok, 1 bad data, 2 bad usage.");
  opts.set_width(100);
  opts.add_options()
      ("dataset", "Mooncake trace (.jsonl or .jsonl.gz) to replay (required)", cxxopts::value<std::string>())
      ("profile-results-dir", "Profile directory, or use-pre-swept-results:<gpu>:<model>:... (default: the bundled profiling_results/H200_TP1P_TP1D)",
       cxxopts::value<std::string>())
      ("pre-swept-root", "Folder of the pre-swept tables", cxxopts::value<std::string>()->default_value(""))
      ("start-num-p", "Prefill workers in the first interval", cxxopts::value<long long>()->default_value("1"))
      ("start-num-d", "Decode workers in the first interval", cxxopts::value<long long>()->default_value("1"))
      ("time-scale", "Divide timestamps by X (replay X times faster)", cxxopts::value<double>()->default_value("1"))
      ("skip-invalid", "Skip bad trace lines (and report how many) instead of stopping")
      ("output-plot", "Four-panel plot (.png or .svg)", cxxopts::value<std::string>()->default_value("dryrun_plot.png"))
      ("no-plot", "Do not draw the plot")
      ("output-json", "Write args, series and summary as JSON", cxxopts::value<std::string>())
      ("output-csv", "Write one row per interval as CSV", cxxopts::value<std::string>())
      ("h,help", "Show this help");
  add_progress_flags(opts);
  add_planner_flags(opts);
  const auto parsed = parse_command_line(opts, argc, argv);
  if (!parsed) return kOk;
  const cxxopts::ParseResult& r = *parsed;
  if (!r.count("dataset")) throw UsageError("--dataset is required");
  const std::string dataset = r["dataset"].as<std::string>();

  PlannerConfig config = planner_config_from_flags(r);
  config.no_correction = true;  // a dry run has no latency observations, as in the reference
  DryRunOptions dro;
  dro.start_num_p = r["start-num-p"].as<long long>();
  dro.start_num_d = r["start-num-d"].as<long long>();
  dro.validate();
  const double time_scale = time_scale_flag(r);

  const bool want_plot = !r.count("no-plot");
  const std::string plot_path = r["output-plot"].as<std::string>();
  if (want_plot) check_plot_path(plot_path);

  const bool slow_predictor = config.load_predictor == PredictorKind::Arima || config.load_predictor == PredictorKind::Prophet;
  const ProgressFlags pf(r);

  const Profile profile = load_profile_flag(r);
  Planner planner(config, ProfilePerfModel(profile));

  // Trace -> per-interval series.
  IntervalSeriesOptions iso;
  iso.interval_s = config.adjustment_interval_s;
  iso.time_scale = time_scale;
  Progress read_bar(pf.show(true), "reading trace");
  const MooncakeReadOptions mro = trace_read_options(r, pf, read_bar);
  MooncakeReadStats stats;
  const IntervalSeries series = load_interval_series(dataset, iso, mro, &stats);
  read_bar.finish();
  if (stats.invalid)
    std::fprintf(stderr, "planner_dryrun: skipped %llu invalid line(s); first: %s\n",
                 static_cast<unsigned long long>(stats.invalid), stats.first_error.c_str());

  if (!config.load_predictor_warmup_trace.empty()) {
    IntervalSeriesOptions wo;
    wo.interval_s = config.adjustment_interval_s;
    const IntervalSeries warm = load_interval_series(config.load_predictor_warmup_trace, wo, mro);
    planner.warm_up(warm.num_req_double(), warm.isl, warm.osl);
  }

  Progress run_bar(pf.show_for_fits(slow_predictor ? series.size() : 0), "dry run     ");
  dro.progress = [&](std::size_t done, std::size_t total) { run_bar.update(double(done), double(total)); };
  const DryRunResult res = dry_run(planner, series.num_req_double(), series.isl, series.osl, dro);
  run_bar.finish();

  // Outputs: each complete or absent.
  if (r.count("output-json")) {
    nlohmann::json args_json = planner_config_to_json(config);
    args_json["dataset"] = dataset;
    args_json["profile_results_dir"] = r.count("profile-results-dir") ? r["profile-results-dir"].as<std::string>() : default_profile_dir();
    args_json["start_num_p"] = dro.start_num_p;
    args_json["start_num_d"] = dro.start_num_d;
    args_json["time_scale"] = time_scale;
    const nlohmann::json j = {{"args", args_json},
                              {"series", series_json(res.series)},
                              {"summary", summary_json(res.summary, stats.records)}};
    OutputFile out(r["output-json"].as<std::string>());
    out.stream() << j.dump(1) << '\n';
    out.commit();
  }
  if (r.count("output-csv")) write_csv(r["output-csv"].as<std::string>(), res.series);
  if (want_plot) write_plot(plot_path, res.series, config, dataset);

  const DryRunSummary& m = res.summary;
  std::printf("Dry run of %s: %zu intervals of %s s, %llu requests\n", dataset.c_str(), m.intervals,
              shortest(config.adjustment_interval_s).c_str(), static_cast<unsigned long long>(stats.records));
  std::printf("  GPU-hours used:                 %.3f\n", m.gpu_hours);
  std::printf("  intervals over the safe limit:  prefill %zu, decode %zu (of %zu)\n", m.prefill_overloaded,
              m.decode_overloaded, m.intervals);
  std::printf("  peak workers:                   %lld prefill, %lld decode (%lld GPUs)\n", m.peak_prefill,
              m.peak_decode, m.peak_gpus);
  std::printf("  one-step forecast error (MAPE, %s): request rate %.2f%%, ISL %.2f%%, OSL %.2f%%\n",
              to_string(config.load_predictor).c_str(), m.mape_rr, m.mape_isl, m.mape_osl);
  if (want_plot) std::printf("  plot: %s\n", plot_path.c_str());
  if (r.count("output-json")) std::printf("  json: %s\n", r["output-json"].as<std::string>().c_str());
  if (r.count("output-csv")) std::printf("  csv:  %s\n", r["output-csv"].as<std::string>().c_str());
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  return sla_tools::run_main("planner_dryrun", [&] { return run(argc, argv); });
}
