// libFuzzer target for the mooncake JSONL line parser (MooncakeLineParser::parse).
// Checks: no crash or sanitizer report on any input; a line that parses gives a record that
// obeys the format's rules; a rejected line always says why.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sla_planner/formats/mooncake_line_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static sla_planner::MooncakeLineParser parser;
  sla_planner::TraceRecord rec;
  std::string why;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  switch (parser.parse(line, rec, why)) {
    case sla_planner::MooncakeLineParser::Result::record:
      if (!std::isfinite(rec.timestamp_ms) || rec.timestamp_ms < 0 || rec.input_length < 0 || rec.output_length < 0) std::abort();
      break;
    case sla_planner::MooncakeLineParser::Result::invalid:
      if (why.empty()) std::abort();
      break;
    case sla_planner::MooncakeLineParser::Result::blank:
      for (char c : line)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') std::abort();
      break;
  }
  return 0;
}
