// sin_synth — a synthetic mooncake JSONL load with a sinusoidal request rate and ISL/OSL mix.
// Same flags, defaults and default file name as NVIDIA Dynamo's sin_synth.py, plus --seed.
// SPDX-License-Identifier: Apache-2.0
#include <cstdio>
#include <random>
#include <string>

#include "common/cli.hpp"
#include "sla_planner/formats/mooncake_writer.hpp"
#include "sla_planner/trace/sin_load_generator.hpp"

namespace {

int run(int argc, char** argv) {
  sla_planner::SinLoadParams p;
  cxxopts::Options opts("sin_synth",
                        "Generate a mooncake JSONL load whose request rate and ISL/OSL mix follow sinusoids:\n"
                        "  rate(t)  = (min+max)/2 + (max-min)/2 * sin(2 pi t / period - pi/2)   [requests/s]\n"
                        "  ratio(t) = the same with the ratio parameters   [probability of (isl1, osl1)]\n"
                        "Each process interval draws Poisson(rate * interval) requests spread evenly over it.");
  opts.add_options()
    ("block-size", "Block size for hashing (tokens per hash id)", cxxopts::value<std::int64_t>()->default_value("512"))
    ("total-blocks", "Hash ids are drawn uniformly from [0, total-blocks)", cxxopts::value<std::int64_t>()->default_value("10000"))
    ("unique-hash-ids", "Number blocks 0, 1, 2, ... so that no prefix repeats (the random draw still happens: same "
                        "arrivals and lengths for one seed)")
    ("output-file", "Output file (.jsonl, or .jsonl.gz to compress); default "
                    "sin_b{block}_t{duration}_rr{min}-{max}-{period}_io{isl1}{osl1}-{isl2}{osl2}-{rmin}-{rmax}-{rperiod}.jsonl",
     cxxopts::value<std::string>())
    ("time-duration", "Duration of the trace in seconds", cxxopts::value<std::int64_t>()->default_value("100"))
    ("process-interval", "Sampling interval in seconds", cxxopts::value<std::int64_t>()->default_value("1"))
    ("request-rate-min", "Minimum request rate (requests/s)", cxxopts::value<double>()->default_value("5"))
    ("request-rate-max", "Maximum request rate (requests/s)", cxxopts::value<double>()->default_value("10"))
    ("request-rate-period", "Period of the request rate in seconds", cxxopts::value<double>()->default_value("10"))
    ("isl1", "Input length of kind 1", cxxopts::value<std::int64_t>()->default_value("100"))
    ("osl1", "Output length of kind 1", cxxopts::value<std::int64_t>()->default_value("2000"))
    ("isl2", "Input length of kind 2", cxxopts::value<std::int64_t>()->default_value("5000"))
    ("osl2", "Output length of kind 2", cxxopts::value<std::int64_t>()->default_value("100"))
    ("isl-osl-ratio-min", "Minimum probability of kind 1", cxxopts::value<double>()->default_value("0.2"))
    ("isl-osl-ratio-max", "Maximum probability of kind 1", cxxopts::value<double>()->default_value("0.8"))
    ("isl-osl-ratio-period", "Period of the ISL/OSL mix in seconds", cxxopts::value<double>()->default_value("10"))
    ("seed", "Random seed (std::mt19937_64); the same seed gives the same file. Default: a random seed, printed",
     cxxopts::value<std::uint64_t>())
    ("h,help", "Show this help");
  sla_tools::add_progress_flags(opts);
  const auto parsed = sla_tools::parse_command_line(opts, argc, argv);
  if (!parsed) return static_cast<int>(sla_tools::kOk);
  const cxxopts::ParseResult& r = *parsed;
  p.block_size = r["block-size"].as<std::int64_t>();
  p.total_blocks = r["total-blocks"].as<std::int64_t>();
  p.unique_ids = r.count("unique-hash-ids") > 0;
  p.time_duration = r["time-duration"].as<std::int64_t>();
  p.process_interval = r["process-interval"].as<std::int64_t>();
  p.request_rate_min = r["request-rate-min"].as<double>();
  p.request_rate_max = r["request-rate-max"].as<double>();
  p.request_rate_period = r["request-rate-period"].as<double>();
  p.isl1 = r["isl1"].as<std::int64_t>();
  p.osl1 = r["osl1"].as<std::int64_t>();
  p.isl2 = r["isl2"].as<std::int64_t>();
  p.osl2 = r["osl2"].as<std::int64_t>();
  p.isl_osl_ratio_min = r["isl-osl-ratio-min"].as<double>();
  p.isl_osl_ratio_max = r["isl-osl-ratio-max"].as<double>();
  p.isl_osl_ratio_period = r["isl-osl-ratio-period"].as<double>();
  const bool seeded = r.count("seed") > 0;
  if (seeded) {
    p.seed = r["seed"].as<std::uint64_t>();
  } else {
    std::random_device rd;
    p.seed = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }
  p.validate();
  const std::string out_path = r.count("output-file") ? r["output-file"].as<std::string>() : p.default_output_name();
  const bool gz = out_path.size() > 3 && out_path.compare(out_path.size() - 3, 3, ".gz") == 0;

  const bool progress = sla_tools::ProgressFlags(r).show_for_items(static_cast<std::uint64_t>(p.expected_requests()));
  sla_tools::OutputFile out(out_path);
  sla_planner::MooncakeWriter writer(out.stream(), out_path, gz ? 6 : 0);
  sla_planner::SinLoadGenerator gen(p);
  sla_tools::Progress bar(progress, "sin_synth");
  gen.run(
      [&](const sla_planner::SinRequest& q, const std::uint64_t* ids, std::size_t n) {
        writer.write(q.timestamp_ms, q.input_length, q.output_length, ids, n);
      },
      [&](std::int64_t done, std::int64_t total) { bar.update(static_cast<double>(done), static_cast<double>(total)); });
  writer.finish();
  out.commit();
  bar.finish();
  std::printf("wrote %llu requests over %lld s to %s (seed %llu)\n", static_cast<unsigned long long>(writer.lines()),
              static_cast<long long>(p.time_duration), out_path.c_str(), static_cast<unsigned long long>(p.seed));
  return sla_tools::kOk;
}

}  // namespace

int main(int argc, char** argv) {
  return sla_tools::run_main("sin_synth", [&] { return run(argc, argv); });
}
