// Mooncake JSONL reading speed. Bytes/s are JSONL bytes (after decompression).
//   BM_ReadFile/<threads>      read_mooncake on a file: the shared traces, or the file named by
//                              $SLA_TRACE_BENCH_FILE (e.g. the >= 1 GB one from make_big_trace.sh)
//   BM_ParseBlock              one in-memory block through the document-stream path, one thread
//   BM_LineByLine              the same bytes through the per-line parser (the fallback path)
//   BM_IntervalSeries          reading + grouping per 60 s interval (what the dry run does)
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sla_planner/formats/trace_loaders.hpp"
#include "sla_planner/trace/interval_series.hpp"
#include "sla_planner/formats/mooncake_reader.hpp"

namespace {

std::string bench_file() {
  const char* f = std::getenv("SLA_TRACE_BENCH_FILE");
  return f && *f ? f : std::string(SLA_PLANNER_TEST_DATA_DIR) + "/traces/mooncake_conversation_trace.jsonl";
}

std::string shared_traces() {
  std::string s;
  for (const char* name : {"rr-5-45_i3000o300.jsonl", "mooncake_conversation_trace.jsonl"}) {
    std::ifstream in(std::string(SLA_PLANNER_TEST_DATA_DIR) + "/traces/" + name, std::ios::binary);
    std::ostringstream os;
    os << in.rdbuf();
    s += os.str();
  }
  return s;
}

void BM_ReadFile(benchmark::State& state) {
  sla_planner::MooncakeReadOptions o;
  o.threads = static_cast<unsigned>(state.range(0));
  const std::string path = bench_file();
  std::uint64_t bytes = 0, records = 0;
  for (auto _ : state) {
    double sum = 0;
    const auto st = sla_planner::read_mooncake(path, [&](const sla_planner::TraceRecord& r) { sum += r.timestamp_ms; }, o);
    benchmark::DoNotOptimize(sum);
    bytes += st.bytes;
    records += st.records;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["records/s"] = benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReadFile)->Arg(1)->Arg(2)->Arg(4)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ParseBlock(benchmark::State& state) {
  std::string text = shared_traces();
  const std::size_t n = text.size();
  text.append(simdjson::SIMDJSON_PADDING, '\0');
  sla_planner::detail::RegionParser parser;
  sla_planner::detail::RegionResult out;
  for (auto _ : state) {
    parser.parse(text.data(), n, false, out);
    benchmark::DoNotOptimize(out.records.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_ParseBlock)->Unit(benchmark::kMillisecond);

void BM_LineByLine(benchmark::State& state) {
  std::string text = shared_traces();
  const std::size_t n = text.size();
  text.append(simdjson::SIMDJSON_PADDING, '\0');
  sla_planner::MooncakeLineParser parser;
  sla_planner::TraceRecord r;
  std::string why;
  for (auto _ : state) {
    std::size_t records = 0;
    for (std::size_t a = 0; a < n;) {
      std::size_t b = text.find('\n', a);
      if (b == std::string::npos || b > n) b = n;
      records += parser.parse(text.data() + a, b - a, text.size() - a, r, why) == sla_planner::MooncakeLineParser::Result::record;
      a = b + 1;
    }
    benchmark::DoNotOptimize(records);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_LineByLine)->Unit(benchmark::kMillisecond);

void BM_IntervalSeries(benchmark::State& state) {
  const std::string path = bench_file();
  sla_planner::IntervalSeriesOptions o;
  o.interval_s = 60;
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    sla_planner::MooncakeReadStats st;
    auto s = sla_planner::load_interval_series(path, o, {}, &st);
    benchmark::DoNotOptimize(s.num_req.data());
    bytes += st.bytes;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_IntervalSeries)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
