// Differential libFuzzer target for the block reader: the simdjson document-stream fast path with
// its per-line fallback (detail::RegionParser) must deliver exactly what parsing each line with
// MooncakeLineParser does — the same records, line numbers and number of bad lines.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "sla_planner/formats/detail/mooncake_region.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // first byte picks the document-stream batch size (small batches cross documents often)
  const std::size_t batch = 64 + (data[0] % 8) * 96;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<char> buf(text.begin(), text.end());
  buf.resize(text.size() + simdjson::SIMDJSON_PADDING, '\0');

  static sla_planner::detail::RegionResult got;
  sla_planner::detail::RegionParser region(batch);
  region.parse(buf.data(), text.size(), true, got);

  static sla_planner::MooncakeLineParser lines;
  std::vector<sla_planner::TraceRecord> want;
  std::uint64_t bad = 0, n = 0;
  for (std::size_t a = 0; a < text.size();) {
    std::size_t b = text.find('\n', a);
    if (b == std::string::npos) b = text.size();
    ++n;
    sla_planner::TraceRecord r;
    std::string why;
    const auto res = lines.parse(std::string_view(text).substr(a, b - a), r, why);
    if (res == sla_planner::MooncakeLineParser::Result::record) r.line = n, want.push_back(r);
    else if (res == sla_planner::MooncakeLineParser::Result::invalid) ++bad;
    a = b + 1;
  }
  if (got.lines != n || got.invalid != bad || got.records.size() != want.size()) std::abort();
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto &x = got.records[i], &y = want[i];
    if (x.line != y.line || std::memcmp(&x.timestamp_ms, &y.timestamp_ms, sizeof(double)) != 0 ||
        x.input_length != y.input_length || x.output_length != y.output_length)
      std::abort();
  }
  return 0;
}
