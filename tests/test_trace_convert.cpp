#include <catch2/catch.hpp>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "sla_planner/formats/azure_csv_reader.hpp"
#include "sla_planner/formats/burstgpt_csv_reader.hpp"
#include "sla_planner/formats/trace_converter.hpp"
#include "test_helpers.hpp"
#include "trace_test_util.hpp"

using sla_planner::DataError;
using sla_planner::TimedRequest;
using sla_planner::TraceConvertOptions;
using sla_planner::TraceConvertStats;
using sla_planner::TraceFormat;
using sla_planner::TraceRecord;
using sla_planner::test::data_path;
using sla_planner::test::TempFile;

namespace {

struct Converted {
  std::string text;
  std::vector<TraceRecord> rows;
  TraceConvertStats stats;
};

/// Converts `input` into memory and parses the result back with the line parser.
Converted convert(const std::string& input, TraceConvertOptions o) {
  std::ostringstream os;
  sla_planner::MooncakeWriter w(os, "mem");
  Converted c;
  c.stats = sla_planner::convert_trace(input, w, o);
  c.text = os.str();
  sla_planner::MooncakeLineParser p;
  std::istringstream in(c.text);
  std::string line, why;
  while (std::getline(in, line)) {
    TraceRecord r;
    REQUIRE(p.parse(line, r, why) == sla_planner::MooncakeLineParser::Result::record);
    c.rows.push_back(r);
  }
  return c;
}

TraceConvertOptions from(TraceFormat f) {
  TraceConvertOptions o;
  o.from = f;
  return o;
}

std::vector<double> times(const Converted& c) {
  std::vector<double> t;
  for (auto& r : c.rows) t.push_back(r.timestamp_ms);
  return t;
}

std::string error_of(const std::string& path, const TraceConvertOptions& o) {
  try {
    convert(path, o);
  } catch (const DataError& e) {
    std::string m = e.what();
    return m.compare(0, path.size(), path) == 0 ? "FILE" + m.substr(path.size()) : m;
  }
  return "";
}

}  // namespace

TEST_CASE("Azure conversation trace: 19,366 requests over 3,501,721 ms") {
  const auto c = convert(data_path("traces/AzureLLMInferenceTrace_conv.csv"), from(TraceFormat::azure));
  REQUIRE(c.rows.size() == 19366);
  CHECK(c.stats.written == 19366);
  CHECK(!c.stats.reordered);
  CHECK(c.rows.front().timestamp_ms == 0);
  CHECK(c.rows.back().timestamp_ms == 3501721);
  CHECK(c.stats.span_ms == 3501721);
  std::int64_t isl = 0, osl = 0, isl_max = 0, osl_max = 0;
  for (auto& r : c.rows) {
    isl += r.input_length, osl += r.output_length;
    isl_max = std::max(isl_max, r.input_length), osl_max = std::max(osl_max, r.output_length);
  }
  CHECK(static_cast<double>(isl) / 19366 == Approx(1154.6974078281523).epsilon(1e-15));  // ISL mean 1,155
  CHECK(isl_max == 14050);
  CHECK(static_cast<double>(osl) / 19366 == Approx(211.12594237323142).epsilon(1e-15));  // OSL mean 211
  CHECK(osl_max == 1000);
  // 2023-11-16 18:15:46.6805900 -> 18:15:50.9951690 is 4314.579 ms -> 4314
  CHECK(c.rows[1].timestamp_ms == 4314);
  CHECK(c.text.substr(0, c.text.find('\n')) == "{\"timestamp\": 0, \"input_length\": 374, \"output_length\": 44}");
}

TEST_CASE("Azure timestamps: fractions, offsets, calendar, CRLF and no final newline") {
  std::int64_t ns = 0;
  using sla_planner::detail::parse_datetime_ns;
  REQUIRE(parse_datetime_ns("1970-01-01 00:00:00", ns));
  CHECK(ns == 0);
  REQUIRE(parse_datetime_ns("2023-11-16 18:15:46.6805900", ns));
  CHECK(ns == 1700158546680590000);  // date -u -d '2023-11-16 18:15:46' +%s = 1700158546
  REQUIRE(parse_datetime_ns("2024-05-10T00:00:00.009930+00:00", ns));
  CHECK(ns == 1715299200009930000);
  REQUIRE(parse_datetime_ns("2024-05-10 02:00:00+02:00", ns));
  CHECK(ns == 1715299200000000000);
  REQUIRE(parse_datetime_ns("2024-02-29 00:00:00Z", ns));
  REQUIRE(parse_datetime_ns("2000-02-29 00:00:00.123456789123", ns));
  CHECK(ns % 1000000000 == 123456789);
  CHECK(!parse_datetime_ns("2023-02-29 00:00:00", ns));
  CHECK(!parse_datetime_ns("2023-13-01 00:00:00", ns));
  CHECK(!parse_datetime_ns("2023-11-16 24:00:00", ns));
  CHECK(!parse_datetime_ns("2023-11-16 18:15", ns));
  CHECK(!parse_datetime_ns("2023-11-16 18:15:46.", ns));
  CHECK(!parse_datetime_ns("1700158546", ns));

  TempFile f(".csv");
  f.write("TIMESTAMP,ContextTokens,GeneratedTokens\r\n"
          "2023-11-16 18:15:47.0000000,10,1\r\n"
          "\r\n"
          "2023-11-16 18:15:46.5000000,20,2\r\n"
          "2023-11-16 18:15:48.9999999,30,3");
  const auto c = convert(f.path(), from(TraceFormat::azure));
  CHECK(c.stats.reordered);
  CHECK(times(c) == std::vector<double>{0, 500, 2499});
  CHECK(c.rows[0].input_length == 20);
  // columns are found by name
  f.write("GeneratedTokens,TIMESTAMP,ContextTokens\n5,2023-11-16 18:15:47,7\n");
  const auto d = convert(f.path(), from(TraceFormat::azure));
  CHECK(d.rows[0].input_length == 7);
  CHECK(d.rows[0].output_length == 5);
}

TEST_CASE("Azure: bad rows name the line; skip_invalid counts them") {
  TempFile f(".csv");
  f.write("TIMESTAMP,ContextTokens,GeneratedTokens\n"
          "2023-11-16 18:15:47,10,1\n"
          "2023-11-16 18:15:48,ten,1\n"
          "2023-11-16 25:15:48,10,1\n"
          "2023-11-16 18:15:49,10\n"
          "2023-11-16 18:15:50,10,-1\n"
          "2023-11-16 18:15:51,11,2\n");
  auto o = from(TraceFormat::azure);
  CHECK(error_of(f.path(), o) == "FILE:3: 'ContextTokens' must be a non-negative integer, got 'ten'");
  o.skip_invalid = true;
  const auto c = convert(f.path(), o);
  CHECK(c.rows.size() == 2);
  CHECK(times(c) == std::vector<double>{0, 4000});
  CHECK(c.stats.invalid == 4);
  CHECK(c.stats.first_error == f.path() + ":3: 'ContextTokens' must be a non-negative integer, got 'ten'");
  // every kind of complaint
  const auto row_error = [&](const std::string& row) {
    f.write("TIMESTAMP,ContextTokens,GeneratedTokens\n" + row + "\n");
    return error_of(f.path(), from(TraceFormat::azure));
  };
  CHECK(row_error("2023-11-16 25:15:48,10,1") ==
        "FILE:2: bad TIMESTAMP '2023-11-16 25:15:48' (expected YYYY-MM-DD HH:MM:SS[.fraction])");
  CHECK(row_error("2023-11-16 18:15:49,10") == "FILE:2: expected 3 fields, got 2");
  CHECK(row_error("2023-11-16 18:15:50,10,-1") == "FILE:2: 'GeneratedTokens' must be a non-negative integer, got '-1'");
  CHECK(row_error("2023-11-16 18:15:50,\"10,1") == "FILE:2: malformed CSV quoting");
  f.write("time,in,out\n1,2,3\n");
  CHECK(error_of(f.path(), from(TraceFormat::azure)) ==
        "FILE:1: not an Azure LLM inference trace: the header needs TIMESTAMP, ContextTokens and GeneratedTokens, got "
        "'time,in,out'");
  f.write("");
  CHECK(error_of(f.path(), from(TraceFormat::azure)) == "FILE: empty file (no CSV header)");
  f.write("TIMESTAMP,ContextTokens,GeneratedTokens\n");
  CHECK(error_of(f.path(), from(TraceFormat::azure)) == "FILE: no request to convert");
}

TEST_CASE("BurstGPT: seconds to ms from the first request, sorted, failures dropped unless kept") {
  const std::string path = data_path("traces/fixtures/burstgpt_small.csv");
  const auto c = convert(path, from(TraceFormat::burstgpt));
  CHECK(times(c) == std::vector<double>{0, 40000, 113000, 180000, 209000, 228000, 245500, 256000, 4569000});
  CHECK(c.stats.reordered);  // 250.5 s comes after 1106 s in the file
  CHECK(c.stats.failed == 3);
  CHECK(c.stats.filtered == 0);
  CHECK(c.rows[6].input_length == 1840);
  CHECK(c.rows[6].output_length == 378);

  auto o = from(TraceFormat::burstgpt);
  o.burstgpt.keep_failed = true;
  const auto k = convert(path, o);
  CHECK(k.rows.size() == 12);
  CHECK(k.rows[8].timestamp_ms == 1101000);  // 1106 s, a failure
  CHECK(k.rows[8].output_length == 0);
  CHECK(k.rows[11].timestamp_ms == 4603000);

  o = from(TraceFormat::burstgpt);
  o.burstgpt.model = "gpt-4";  // case-insensitive
  const auto g = convert(path, o);
  CHECK(times(g) == std::vector<double>{0, 115000, 132500});
  CHECK(g.stats.filtered == 7);
  CHECK(g.stats.failed == 2);

  o = from(TraceFormat::burstgpt);
  o.burstgpt.log_type = "API log";
  CHECK(times(convert(path, o)) == std::vector<double>{0, 48000, 4389000});

  o.burstgpt.model = "ChatGPT";
  o.burstgpt.log_type = "Conversation log";
  CHECK(times(convert(path, o)) == std::vector<double>{0, 40000, 209000, 256000});

  o.burstgpt.model = "Claude";
  CHECK(error_of(path, o) == "FILE: no request to convert (12 filtered out, 0 failed, 0 invalid)");
}

TEST_CASE("BurstGPT: broken rows") {
  const std::string path = data_path("traces/fixtures/burstgpt_broken.csv");
  CHECK(error_of(path, from(TraceFormat::burstgpt)) == "FILE:3: expected 6 fields, got 5");
  auto o = from(TraceFormat::burstgpt);
  o.skip_invalid = true;
  const auto c = convert(path, o);
  CHECK(times(c) == std::vector<double>{0, 113000});
  CHECK(c.stats.invalid == 6);
  // each broken row's message
  const std::string text = sla_planner::test::read_text(path);
  std::vector<std::string> lines;
  for (std::size_t a = 0, b; a < text.size(); a = b + 1) {
    b = text.find('\n', a);
    if (b == std::string::npos) b = text.size();
    lines.push_back(text.substr(a, b - a));
  }
  TempFile one(".csv");
  const auto message_for = [&](std::size_t k) {
    one.write(lines[0] + "\n" + lines[k] + "\n");
    return error_of(one.path(), from(TraceFormat::burstgpt));
  };
  CHECK(message_for(2) == "FILE:2: expected 6 fields, got 5");
  CHECK(message_for(3) == "FILE:2: 'Request tokens' must be a non-negative integer, got 'abc'");
  CHECK(message_for(4) == "FILE:2: 'Response tokens' must be a non-negative integer, got '-3'");
  CHECK(message_for(5) == "FILE:2: 'Timestamp' must be non-negative seconds, got '-1'");
  CHECK(message_for(6) == "FILE:2: malformed CSV quoting");
  CHECK(message_for(7) == "FILE:2: 'Timestamp' must be non-negative seconds, got '2 days'");
  one.write("Timestamp,Request tokens,Response tokens\n1,2,3\n");
  o = from(TraceFormat::burstgpt);
  o.burstgpt.model = "GPT-4";
  CHECK(error_of(one.path(), o) == "FILE:1: no Model column to filter on");
  one.write("Time,Model\n1,GPT-4\n");
  CHECK(error_of(one.path(), from(TraceFormat::burstgpt)) ==
        "FILE:1: not a BurstGPT trace: the header needs Timestamp, Request tokens and Response tokens, got 'Time,Model'");
}

TEST_CASE("mooncake -> mooncake: sort, shift to 0, time scale, ISL clip, hash_ids dropped, gzip both ways") {
  TempFile in(".jsonl.gz");
  in.write_gz("{\"timestamp\": 5000.75, \"input_length\": 100, \"output_length\": 10, \"hash_ids\": [1, 2]}\n"
              "{\"timestamp\": 1000, \"input_length\": 200000, \"output_length\": 20, \"hash_ids\": [3]}\n"
              "\n"
              "{\"timestamp\": 3000.5, \"input_length\": 300, \"output_length\": 30}\n");
  auto o = from(TraceFormat::mooncake);
  const auto c = convert(in.path(), o);
  CHECK(times(c) == std::vector<double>{0, 2000, 4000});
  CHECK(c.stats.reordered);
  CHECK(c.text.find("hash_ids") == std::string::npos);
  o.time_scale = 2;
  o.max_isl = 131072;
  const auto s = convert(in.path(), o);
  CHECK(times(s) == std::vector<double>{0, 1000, 2000});
  CHECK(s.rows[0].input_length == 131072);
  CHECK(s.stats.clipped == 1);
  CHECK(s.stats.span_ms == 2000);
  // gzip output
  std::ostringstream os;
  sla_planner::MooncakeWriter w(os, "mem", 6);
  sla_planner::convert_trace(in.path(), w, from(TraceFormat::mooncake));
  TempFile gz(".jsonl.gz");
  gz.write(os.str());
  std::vector<TraceRecord> back;
  sla_planner::read_mooncake(gz.path(), [&](const TraceRecord& r) { back.push_back(r); });
  REQUIRE(back.size() == 3);
  CHECK(back[2].timestamp_ms == 4000);
  CHECK(back[2].input_length == 100);
  // reader errors come through
  in.write("{\"timestamp\": 1}\n");
  CHECK(error_of(in.path(), from(TraceFormat::mooncake)) == "FILE:1: missing key 'input_length'");
}

TEST_CASE("options") {
  CHECK(sla_planner::trace_format_from_name("azure") == TraceFormat::azure);
  CHECK_THROWS_WITH(sla_planner::trace_format_from_name("csv"), "'from' must be one of azure, burstgpt, mooncake, got 'csv'");
  auto o = from(TraceFormat::mooncake);
  o.time_scale = 0;
  CHECK_THROWS_WITH(o.validate(), "'time_scale' must be > 0, got 0.000000");
  o.time_scale = 1;
  o.max_isl = -1;
  CHECK_THROWS_WITH(o.validate(), "'max_isl' must be >= 0, got -1");
}
