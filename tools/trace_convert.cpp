// trace_convert — public LLM traces (Azure LLM inference CSV, BurstGPT CSV, mooncake JSONL) ->
// normalised mooncake JSONL (sorted, first request at 0 ms, optional time scale and ISL clip).
// SPDX-License-Identifier: Apache-2.0
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "common/cli.hpp"
#include "sla_planner/formats/trace_converter.hpp"

namespace {

int run(int argc, char** argv) {
  cxxopts::Options opts("trace_convert",
                        "Convert a public LLM trace into mooncake JSONL for sin_synth-style replay and the dry run.\n"
                        "The output is sorted by time, starts at 0 ms (integer ms, rounded down) and has no hash_ids.\n\n"
                        "  trace_convert --from azure|burstgpt|mooncake INPUT -o OUTPUT.jsonl[.gz]");
  opts.add_options()
    ("from", "Input format: azure (TIMESTAMP,ContextTokens,GeneratedTokens), burstgpt "
             "(Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type) or mooncake (JSONL)",
     cxxopts::value<std::string>())
    ("input", "Input file (plain or gzip)", cxxopts::value<std::string>())
    ("o,output", "Output file; .gz compresses", cxxopts::value<std::string>())
    ("time-scale", "Divide times by this (2 replays twice as fast)", cxxopts::value<double>()->default_value("1"))
    ("max-isl", "Clip input lengths to this (0: no clipping)", cxxopts::value<std::int64_t>()->default_value("0"))
    ("skip-invalid", "Skip bad rows and report how many (default: stop at the first)")
    ("model", "BurstGPT: keep only this model (ChatGPT, GPT-4)", cxxopts::value<std::string>())
    ("log-type", "BurstGPT: keep only this log type (\"Conversation log\", \"API log\")", cxxopts::value<std::string>())
    ("keep-failed", "BurstGPT: keep failed requests (0 response tokens); dropped by default")
    ("h,help", "Show this help");
  sla_tools::add_progress_flags(opts);
  opts.parse_positional({"input"});
  opts.positional_help("INPUT");
  const auto parsed = sla_tools::parse_command_line(opts, argc, argv);
  if (!parsed) return static_cast<int>(sla_tools::kOk);
  const cxxopts::ParseResult& r = *parsed;
  if (!r.count("from")) throw sla_tools::UsageError("--from is required (azure, burstgpt or mooncake)");
  if (!r.count("input")) throw sla_tools::UsageError("no INPUT file given");
  if (!r.count("output")) throw sla_tools::UsageError("-o OUTPUT is required");
  sla_planner::TraceConvertOptions o;
  o.from = sla_planner::trace_format_from_name(r["from"].as<std::string>());
  o.time_scale = r["time-scale"].as<double>();
  o.max_isl = r["max-isl"].as<std::int64_t>();
  o.skip_invalid = r.count("skip-invalid") > 0;
  if (r.count("model")) o.burstgpt.model = r["model"].as<std::string>();
  if (r.count("log-type")) o.burstgpt.log_type = r["log-type"].as<std::string>();
  o.burstgpt.keep_failed = r.count("keep-failed") > 0;
  if (o.from != sla_planner::TraceFormat::burstgpt && (r.count("model") || r.count("log-type") || r.count("keep-failed")))
    throw sla_tools::UsageError("--model, --log-type and --keep-failed apply to --from burstgpt only");
  o.validate();
  const std::string in = r["input"].as<std::string>(), out_path = r["output"].as<std::string>();
  const bool gz = out_path.size() > 3 && out_path.compare(out_path.size() - 3, 3, ".gz") == 0;

  struct stat st {};
  const std::uint64_t bytes = ::stat(in.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  sla_tools::Progress bar(sla_tools::ProgressFlags(r).show_for_bytes(bytes), "trace_convert");
  o.on_progress = [&](std::uint64_t done, std::uint64_t total) {
    if (total) bar.update(static_cast<double>(done), static_cast<double>(total));
  };
  sla_tools::OutputFile out(out_path);
  sla_planner::MooncakeWriter writer(out.stream(), out_path, gz ? 6 : 0);
  const auto s = sla_planner::convert_trace(in, writer, o);
  out.commit();
  bar.finish();
  std::printf("converted %llu requests (%s) from %s to %s, spanning %lld ms\n", static_cast<unsigned long long>(s.written),
              r["from"].as<std::string>().c_str(), in.c_str(), out_path.c_str(), static_cast<long long>(s.span_ms));
  if (s.reordered) std::printf("  input was not in time order: sorted\n");
  if (s.filtered) std::printf("  %llu rows filtered out (--model/--log-type)\n", static_cast<unsigned long long>(s.filtered));
  if (s.failed)
    std::printf("  %llu failed requests (0 response tokens) %s\n", static_cast<unsigned long long>(s.failed),
                o.burstgpt.keep_failed ? "kept" : "dropped (--keep-failed keeps them)");
  if (s.clipped) std::printf("  %llu input lengths clipped to %lld\n", static_cast<unsigned long long>(s.clipped), static_cast<long long>(o.max_isl));
  if (s.invalid)
    std::printf("  %llu invalid rows skipped; first: %s\n", static_cast<unsigned long long>(s.invalid), s.first_error.c_str());
  return sla_tools::kOk;
}

}  // namespace

int main(int argc, char** argv) {
  return sla_tools::run_main("trace_convert", [&] { return run(argc, argv); });
}
