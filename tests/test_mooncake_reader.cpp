#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "sla_planner/formats/mooncake_reader.hpp"
#include "test_helpers.hpp"
#include "trace_test_util.hpp"

using sla_planner::DataError;
using sla_planner::MooncakeLineParser;
using sla_planner::MooncakeReadOptions;
using sla_planner::MooncakeReadStats;
using sla_planner::TraceRecord;
using sla_planner::test::data_path;
using sla_planner::test::TempFile;

namespace {

std::vector<TraceRecord> read_all(const std::string& path, const MooncakeReadOptions& o = {}, MooncakeReadStats* st = nullptr) {
  std::vector<TraceRecord> v;
  auto s = sla_planner::read_mooncake(path, [&](const TraceRecord& r) { v.push_back(r); }, o);
  if (st) *st = s;
  return v;
}

bool same(const std::vector<TraceRecord>& a, const std::vector<TraceRecord>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].timestamp_ms != b[i].timestamp_ms || a[i].input_length != b[i].input_length ||
        a[i].output_length != b[i].output_length || a[i].line != b[i].line)
      return false;
  return true;
}

std::string line(long ts, long isl, long osl) {
  return "{\"timestamp\": " + std::to_string(ts) + ", \"input_length\": " + std::to_string(isl) +
         ", \"output_length\": " + std::to_string(osl) + ", \"hash_ids\": [1, 2, 3]}\n";
}

/// The message DataError carries when reading `text` (one option set), or "" when it reads.
std::string error_of(const std::string& text, MooncakeReadOptions o = {}) {
  TempFile f;
  f.write(text);
  try {
    read_all(f.path(), o);
  } catch (const DataError& e) {
    const std::string m = e.what();
    return m.compare(0, f.path().size(), f.path()) == 0 ? "FILE" + m.substr(f.path().size()) : m;
  }
  return "";
}

/// Same bad line alone, and in the middle of 3000 good lines read in small windows by 3 threads
/// (document-stream fast path, fallback, block boundaries): both must give the same message.
std::string error_in_context(const std::string& bad) {
  const std::string alone = error_of(line(0, 1, 1) + line(1, 1, 1) + bad + "\n" + line(2, 1, 1));
  std::string big;
  for (int i = 0; i < 1500; ++i) big += line(i, 10, 10);
  big += bad + "\n";
  for (int i = 0; i < 1500; ++i) big += line(1500 + i, 10, 10);
  MooncakeReadOptions o;
  o.threads = 3;
  o.window_bytes = 4096;
  std::string in_big = error_of(big, o);
  const std::string where = "FILE:1501:";
  if (in_big.compare(0, where.size(), where) == 0) in_big = "FILE:3:" + in_big.substr(where.size());
  CHECK(in_big == alone);
  return alone;
}

/// What parsing each line of `text` by itself gives: the records (with line numbers), bad lines, lines.
struct LineByLine {
  std::vector<TraceRecord> records;
  std::uint64_t bad = 0, lines = 0;
};
LineByLine line_by_line(const std::string& text) {
  LineByLine out;
  MooncakeLineParser p;
  for (std::size_t a = 0, b; a < text.size(); a = b + 1) {
    b = text.find('\n', a);
    ++out.lines;
    TraceRecord r;
    std::string why;
    const auto res = p.parse(std::string_view(text).substr(a, b - a), r, why);
    if (res == MooncakeLineParser::Result::record) r.line = out.lines, out.records.push_back(r);
    else if (res == MooncakeLineParser::Result::invalid) ++out.bad;
  }
  return out;
}

/// With skip_invalid, the block reader (document stream, hash_ids removal, fallback) must deliver
/// exactly `want` from `text`, in small and large windows, on one and two threads.
void check_reader_matches(const std::string& text, const LineByLine& want) {
  TempFile f;
  f.write(text);
  for (unsigned threads : {1u, 2u}) {
    for (std::size_t window : {std::size_t(4096), std::size_t(1) << 20}) {
      MooncakeReadOptions o;
      o.skip_invalid = true;
      o.threads = threads;
      o.window_bytes = window;
      MooncakeReadStats st;
      CHECK(same(read_all(f.path(), o, &st), want.records));
      CHECK(st.invalid == want.bad);
      CHECK(st.lines == want.lines);
    }
  }
}

}  // namespace

TEST_CASE("reads the shared traces: request counts and sums") {
  for (unsigned threads : {1u, 2u, 4u}) {
    MooncakeReadOptions o;
    o.threads = threads;
    MooncakeReadStats st;
    auto rr = read_all(data_path("traces/rr-5-45_i3000o300.jsonl"), o, &st);
    REQUIRE(rr.size() == 44941);
    CHECK(st.records == 44941);
    CHECK(st.lines == 44941);
    CHECK(st.invalid == 0);
    CHECK(st.bytes == 5200622);
    double ts = 0;
    std::int64_t isl = 0, osl = 0;
    for (std::size_t i = 0; i < rr.size(); ++i) {
      ts += rr[i].timestamp_ms, isl += rr[i].input_length, osl += rr[i].output_length;
      REQUIRE(rr[i].line == i + 1);
    }
    CHECK(ts == 40365046519.0);  // sums from Python's json module
    CHECK(isl == 134823000);
    CHECK(osl == 13482300);
    CHECK(rr.back().timestamp_ms == 1799875);

    auto mc = read_all(data_path("traces/mooncake_conversation_trace.jsonl"), o);
    REQUIRE(mc.size() == 12031);
    ts = 0, isl = 0, osl = 0;
    for (auto& r : mc) ts += r.timestamp_ms, isl += r.input_length, osl += r.output_length;
    CHECK(ts == 22224626588.0);
    CHECK(isl == 144793823);
    CHECK(osl == 4122048);
    CHECK(mc.back().timestamp_ms == 3536999);
    CHECK(mc.back().input_length == 20774);
    CHECK(mc.back().output_length == 508);
  }
}

TEST_CASE("block boundaries, threads and gzip do not change what is read") {
  const std::string text = sla_planner::test::read_text(data_path("traces/mooncake_conversation_trace.jsonl"));
  const auto ref = read_all(data_path("traces/mooncake_conversation_trace.jsonl"), [] {
    MooncakeReadOptions o;
    o.threads = 1;
    return o;
  }());
  TempFile gz(".jsonl.gz");
  gz.write_gz(text);
  for (std::size_t window : {std::size_t(4096), std::size_t(5000), std::size_t(65536), std::size_t(4) << 20}) {
    for (unsigned threads : {1u, 3u}) {
      MooncakeReadOptions o;
      o.threads = threads;
      o.window_bytes = window;
      CHECK(same(read_all(data_path("traces/mooncake_conversation_trace.jsonl"), o), ref));
      MooncakeReadStats st;
      CHECK(same(read_all(gz.path(), o, &st), ref));
      CHECK(st.bytes == text.size());
    }
  }
}

TEST_CASE("gzip is recognised by its magic bytes, not the file name") {
  TempFile f(".jsonl");
  f.write_gz(line(5, 6, 7) + line(8, 9, 10));
  auto v = read_all(f.path());
  REQUIRE(v.size() == 2);
  CHECK(v[1].timestamp_ms == 8);
  CHECK(v[1].output_length == 10);
}

TEST_CASE("CRLF line ends, blank lines, a missing final newline and a BOM") {
  const std::string text = "\xEF\xBB\xBF{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 2}\r\n"
                           "\r\n"
                           "   \t \r\n"
                           "{\"timestamp\": 1.5, \"input_length\": 3, \"output_length\": 4, \"hash_ids\": []}\r\n"
                           "\n"
                           "{\"output_length\": 6, \"input_length\": 5, \"timestamp\": 2}";
  for (bool gz : {false, true}) {
    TempFile f;
    gz ? f.write_gz(text) : f.write(text);
    MooncakeReadStats st;
    auto v = read_all(f.path(), {}, &st);
    REQUIRE(v.size() == 3);
    CHECK(v[0].line == 1);
    CHECK(v[1].line == 4);
    CHECK(v[1].timestamp_ms == 1.5);
    CHECK(v[2].line == 6);
    CHECK(v[2].input_length == 5);
    CHECK(v[2].output_length == 6);
    CHECK(st.lines == 6);
  }
}

TEST_CASE("unsorted input is delivered in file order") {
  TempFile f;
  f.write(line(5000, 1, 1) + line(10, 2, 2) + line(70000, 3, 3) + line(0, 4, 4));
  auto v = read_all(f.path());
  REQUIRE(v.size() == 4);
  CHECK(v[0].timestamp_ms == 5000);
  CHECK(v[1].timestamp_ms == 10);
  CHECK(v[3].input_length == 4);
}

TEST_CASE("single-line parser: accepted forms") {
  MooncakeLineParser p;
  TraceRecord r;
  std::string why;
  using R = MooncakeLineParser::Result;
  CHECK(p.parse(std::string_view("{\"timestamp\": 12.25, \"input_length\": 3000.0, \"output_length\": 0}"), r, why) == R::record);
  CHECK(r.timestamp_ms == 12.25);
  CHECK(r.input_length == 3000);
  CHECK(r.output_length == 0);
  CHECK(p.parse(std::string_view("{\"x\": {\"timestamp\": -1}, \"output_length\": 7, \"timestamp\": -0, \"input_length\": 9, "
                                 "\"hash_ids\": [[1], {\"a\": \"}\"}]}"),
                r, why) == R::record);
  CHECK(r.timestamp_ms == 0);
  CHECK(!std::signbit(r.timestamp_ms));
  CHECK(r.input_length == 9);
  CHECK(p.parse(std::string_view("{\"timestamp\": 1e3, \"input_length\": 9223372036854775807, \"output_length\": 1}"), r, why) ==
        R::record);
  CHECK(r.timestamp_ms == 1000);
  CHECK(r.input_length == INT64_MAX);
  CHECK(p.parse(std::string_view(" \t\r"), r, why) == R::blank);
  CHECK(p.parse(std::string_view(""), r, why) == R::blank);
  CHECK(sla_planner::parse_mooncake_line("{\"timestamp\": 1, \"input_length\": 2, \"output_length\": 3}", r, why) == R::record);
}

TEST_CASE("every bad line stops the read with file:line: what is wrong") {
  CHECK(error_in_context("{\"timestamp\": 1, \"input_length\": 2}") == "FILE:3: missing key 'output_length'");
  CHECK(error_in_context("{\"input_length\": 2, \"output_length\": 3}") == "FILE:3: missing key 'timestamp'");
  CHECK(error_in_context("{\"timestamp\": 1, \"output_length\": 3}") == "FILE:3: missing key 'input_length'");
  CHECK(error_in_context("{\"timestamp\": 1, \"input_length\": -5, \"output_length\": 3}") ==
        "FILE:3: 'input_length' must be a non-negative integer, got -5");
  CHECK(error_in_context("{\"timestamp\": 1, \"input_length\": 5, \"output_length\": 2.5}") ==
        "FILE:3: 'output_length' must be a non-negative integer, got 2.5");
  CHECK(error_in_context("{\"timestamp\": 1, \"input_length\": \"5\", \"output_length\": 2}") ==
        "FILE:3: 'input_length' must be a non-negative integer, got \"5\"");
  CHECK(error_in_context("{\"timestamp\": 1, \"input_length\": null, \"output_length\": 2}") ==
        "FILE:3: 'input_length' must be a non-negative integer, got null");
  CHECK(error_in_context("{\"timestamp\": 1, \"input_length\": [5], \"output_length\": 2}") ==
        "FILE:3: 'input_length' must be a non-negative integer, got an array");
  CHECK(error_in_context("{\"timestamp\": 1, \"input_length\": 99999999999999999999, \"output_length\": 2}") ==
        "FILE:3: 'input_length' is out of range: 99999999999999999999");
  CHECK(error_in_context("{\"timestamp\": 1, \"input_length\": 1e19, \"output_length\": 2}") ==
        "FILE:3: 'input_length' is out of range: 1e19");
  CHECK(error_in_context("{\"timestamp\": -1, \"input_length\": 1, \"output_length\": 2}") ==
        "FILE:3: 'timestamp' must be a non-negative number, got -1");
  CHECK(error_in_context("{\"timestamp\": -0.5, \"input_length\": 1, \"output_length\": 2}") ==
        "FILE:3: 'timestamp' must be a non-negative number, got -0.5");
  CHECK(error_in_context("{\"timestamp\": \"12:00\", \"input_length\": 1, \"output_length\": 2}") ==
        "FILE:3: 'timestamp' must be a non-negative number, got \"12:00\"");
  CHECK(error_in_context("{\"timestamp\": {\"ms\": 1}, \"input_length\": 1, \"output_length\": 2}") ==
        "FILE:3: 'timestamp' must be a non-negative number, got an object");
  CHECK(error_in_context("{\"timestamp\": 1e400, \"input_length\": 1, \"output_length\": 2}") ==
        "FILE:3: 'timestamp' is out of range: 1e400");
  CHECK(error_in_context("{\"timestamp\": 1, \"timestamp\": 2, \"input_length\": 1, \"output_length\": 2}") ==
        "FILE:3: duplicate key 'timestamp'");
  CHECK(error_in_context("[1, 2, 3]") == "FILE:3: expected a JSON object");
  CHECK(error_in_context("42") == "FILE:3: expected a JSON object");
  CHECK(error_in_context("{\"timestamp\": 01, \"input_length\": 1, \"output_length\": 2}") ==
        "FILE:3: invalid JSON (malformed number 01)");
  CHECK(error_in_context("{\"timestamp\": 1, \"input_length\": 1, \"output_length\": 2, \"hash_ids\": [1, 2") ==
        "FILE:3: invalid JSON (malformed object or array)");
  CHECK(error_in_context("{\"timestamp\": 1, \"input_length\": 1, \"output_length\": 2, \"hash_ids\": \"abc}") ==
        "FILE:3: invalid JSON (unclosed string)");
  CHECK(error_in_context("{\"timestamp\": 1 \"input_length\": 1, \"output_length\": 2}") ==
        "FILE:3: invalid JSON (malformed object or array)");
  CHECK(error_in_context("{\"timestamp\": 1, \"input_length\": 1, \"output_length\": 2}}") ==
        "FILE:3: invalid JSON (trailing content after the object)");
  CHECK(error_in_context("{\"timestamp\": 1, \"input_length\": 1, \"output_length\": 2} {\"timestamp\": 1, \"input_length\": 1, "
                         "\"output_length\": 2}") == "FILE:3: invalid JSON (trailing content after the object)");
  CHECK(error_in_context("{\"timestamp\": 1, \"input_length\": 1, \"output_length\": 2, \"note\": \"\xff\"}") ==
        "FILE:3: invalid JSON (invalid UTF-8)");
  CHECK(error_in_context("{\"timestamp\": 1, \"input_length\": 1, \"output_length\": 2, \"note\": \"a\tb\"}") ==
        "FILE:3: invalid JSON (unescaped control character in a string)");
  CHECK(error_in_context("{\"timestamp\": tru, \"input_length\": 1, \"output_length\": 2}") ==
        "FILE:3: 'timestamp' must be a non-negative number, got tru");
  // an incomplete value after an object on the last line of a block is never returned by the
  // document stream; it must still make the line bad (found by fuzz_mooncake_block)
  const std::string tail = "{\"timestamp\": 1, \"input_length\": 1, \"output_length\": 2} \"a\": 1, \"b 1}c\": 1}";
  CHECK(error_of(line(0, 1, 1) + tail) == "FILE:2: invalid JSON (trailing content after the object)");
  CHECK(error_of(line(0, 1, 1) + tail + "\n") == "FILE:2: invalid JSON (trailing content after the object)");
  CHECK(error_of(line(0, 1, 1) + "{\"timestamp\": 1, \"input_length\": 1, \"output_length\": 2} {\"timestamp\"") ==
        "FILE:2: invalid JSON (malformed object or array)");
  // an object spread over two lines is two bad lines (JSONL: one object per line)
  CHECK(error_in_context("{\"timestamp\": 1, \"input_length\": 1,\n\"output_length\": 2}") ==
        "FILE:3: invalid JSON (malformed object or array)");
}

TEST_CASE("find_hash_ids_tail: only a trailing hash_ids member of digits, commas and blanks") {
  auto cut_of = [](const std::string& l) -> std::string {
    std::string buf = l + std::string(64, '\0');
    const char *cut = nullptr, *resume = nullptr;
    if (!sla_planner::detail::find_hash_ids_tail(buf.data(), buf.data() + l.size(), cut, resume)) return "(kept)";
    const char* s = buf.data();
    return std::string(s, cut) + std::string(resume, s + l.size());
  };
  CHECK(cut_of("{\"timestamp\": 1, \"input_length\": 2, \"output_length\": 3, \"hash_ids\": [46, 47, 48]}") ==
        "{\"timestamp\": 1, \"input_length\": 2, \"output_length\": 3}");
  CHECK(cut_of("{\"a\":1,\"hash_ids\":[]}\r") == "{\"a\":1}\r");
  CHECK(cut_of("{\"a\": 1 ,\t\"hash_ids\" :\t[ 1 ,2 ]\t} \r") == "{\"a\": 1 \t} \r");
  // what simdjson skips unchecked is removed just the same
  CHECK(cut_of("{\"a\": 1, \"hash_ids\": [1 2,,03]}") == "{\"a\": 1}");
  // an array longer than one SSE2 step, and a line shorter than one
  const std::string ids = "[1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 11000]";
  CHECK(cut_of("{\"a\": 1, \"hash_ids\": " + ids + "}") == "{\"a\": 1}");
  CHECK(cut_of(",\"hash_ids\":[]}") == "}");
  for (const char* kept : {"{\"a\": 1, \"hash_ids\": [1, -2]}", "{\"a\": 1, \"hash_ids\": [1.5]}",
                           "{\"a\": 1, \"hash_ids\": [[1]]}", "{\"a\": 1, \"hash_ids\": [1]]}", "{\"a\": 1, \"hash_ids\": [\"1\"]}",
                           "{\"hash_ids\": [1]}", "{\"a\": 1 \"hash_ids\": [1]}", "{\"a\": 1, \"hash_id\": [1]}",
                           "{\"a\": 1, \"hash_ids\": [1]}}", "{\"a\": 1, \"hash_ids\": [1]} x", "{\"a\": 1, \"hash_ids\": 1}",
                           "{\"a\": 1, hash_ids\": [1]}", "{\"a\": 1, \"hash_ids\"x: [1]}", "\"hash_ids\": [1]}", "]}", "}", ""})
    CHECK(cut_of(kept) == "(kept)");
}

TEST_CASE("dropping hash_ids before parsing changes nothing that is read or reported") {
  // Lines around the removed member's edges; each alone after a good line (so the block is
  // compacted) must read, or fail with the message, exactly as the per-line parser says.
  const std::string f3 = "\"timestamp\": 1, \"input_length\": 2, \"output_length\": 3";
  const std::vector<std::string> cases = {
      "{" + f3 + ", \"hash_ids\": [1, 2, 3]}",
      "{" + f3 + " ,\t\"hash_ids\" :\t[ 1 ,2 ]\t}\t\r",
      "{" + f3 + ", \"hash_ids\": [1 2]}",
      "{" + f3 + ", \"hash_ids\": [1, -2]}",
      "{\"hash_ids\": [1], " + f3 + "}",
      "{" + f3 + ", \"x\": {\"hash_ids\": [1]}}",
      "{, \"hash_ids\": [1]}",
      "{ , \"hash_ids\": []}",
      "{\"hash_ids\": [1]}",
      "{" + f3 + ",, \"hash_ids\": [1]}",
      "{" + f3 + " \"hash_ids\": [1]}",
      "{" + f3 + ", \"k\": \"a, \\\"hash_ids\\\": [1]}",
      "{" + f3 + ", \"k\": \"x, \"hash_ids\": [1]}",
      "{" + f3 + ", \"k\": [1, \"hash_ids\": [1]}",
      "[{" + f3 + ", \"hash_ids\": [1]}",
      "{" + f3 + ", \"hash_ids\": [1]}}",
      "{" + f3 + ", \"hash_ids\": [1]]}",
      "{" + f3 + ", \"hash_ids\": [1]} {\"a\": 1, \"hash_ids\": [2]}",
      "{\"timestamp\": 1, \"timestamp\": 2, \"input_length\": 2, \"output_length\": 3, \"hash_ids\": [1]}",
      "{\"timestamp\": -1, \"input_length\": 2, \"output_length\": 3, \"hash_ids\": [1]}",
      "{\"timestamp\": 1, \"input_length\": 2, \"hash_ids\": [1]}",
      "{" + f3 + ", \"note\": \"\xff\", \"hash_ids\": [1]}",
      "{" + f3 + ",\n\"hash_ids\": [1]}",
      "{" + f3 + ", \"hash_ids\": [1,\n2]}",
  };
  MooncakeLineParser lp;
  std::string all = line(0, 1, 1);
  for (const auto& c : cases) {
    INFO(c);
    // the reference: each physical line by itself
    std::string want;
    std::size_t ln = 1;
    for (std::size_t a = 0, b; a <= c.size(); a = b + 1, ++ln) {
      b = c.find('\n', a);
      if (b == std::string::npos) b = c.size();
      TraceRecord r;
      std::string why;
      if (lp.parse(std::string_view(c).substr(a, b - a), r, why) == MooncakeLineParser::Result::invalid) {
        want = "FILE:" + std::to_string(ln + 1) + ": " + why;
        break;
      }
    }
    CHECK(error_of(line(0, 1, 1) + c + "\n" + line(2, 1, 1)) == want);
    all += c + "\n" + line(2, 1, 1);
  }
  // all together, skipping bad lines
  const LineByLine want = line_by_line(all);
  REQUIRE(want.bad >= 15);
  check_reader_matches(all, want);
}

TEST_CASE("skip_invalid counts bad lines, keeps the first message and reads the rest") {
  const std::string text = line(0, 1, 1) + "{\"timestamp\": 1}\n" + line(2, 2, 2) + "garbage\n" + line(4, 4, 4) +
                           "{\"timestamp\": 5, \"input_length\": -1, \"output_length\": 1}";
  for (bool gz : {false, true}) {
    TempFile f;
    gz ? f.write_gz(text) : f.write(text);
    MooncakeReadOptions o;
    o.skip_invalid = true;
    MooncakeReadStats st;
    auto v = read_all(f.path(), o, &st);
    REQUIRE(v.size() == 3);
    CHECK(v[0].line == 1);
    CHECK(v[1].line == 3);
    CHECK(v[2].line == 5);
    CHECK(st.invalid == 3);
    CHECK(st.lines == 6);
    CHECK(st.first_error == f.path() + ":2: missing key 'input_length'");
    CHECK(st.first_error_line == 2);
    CHECK(error_of(text) == "FILE:2: missing key 'input_length'");
  }
}

TEST_CASE("an empty trace is an error") {
  CHECK(error_of("") == "FILE: no request in the trace");
  CHECK(error_of("\n\n  \r\n") == "FILE: no request in the trace");
  MooncakeReadOptions o;
  o.skip_invalid = true;
  CHECK(error_of("{}\n[]\n", o) == "FILE: no valid request (2 bad lines skipped; line 1: missing key 'timestamp')");
  TempFile gz;
  gz.write_gz("");
  try {
    read_all(gz.path());
    FAIL("no error");
  } catch (const DataError& e) {
    CHECK(std::string(e.what()) == gz.path() + ": no request in the trace");
  }
}

TEST_CASE("a line longer than the window is read; one longer than max_line_bytes is rejected") {
  std::string ids;
  for (int i = 0; i < 3000; ++i) ids += std::to_string(i) + ", ";
  const std::string long_line = "{\"timestamp\": 7, \"input_length\": 1, \"output_length\": 2, \"hash_ids\": [" + ids + "0]}\n";
  REQUIRE(long_line.size() > 16000);
  std::string text = line(0, 1, 1) + long_line + line(9, 1, 1);
  for (int i = 0; i < 200; ++i) text += line(10 + i, 1, 1);
  for (bool gz : {false, true}) {
    TempFile f;
    gz ? f.write_gz(text) : f.write(text);
    MooncakeReadOptions o;
    o.window_bytes = 4096;
    auto v = read_all(f.path(), o);
    REQUIRE(v.size() == 203);
    CHECK(v[1].timestamp_ms == 7);
    CHECK(v[1].line == 2);
    CHECK(v[2].line == 3);
    o.max_line_bytes = 10000;
    try {
      read_all(f.path(), o);
      FAIL("no error");
    } catch (const DataError& e) {
      CHECK(std::string(e.what()) == f.path() + ":2: line longer than 10000 bytes");
    }
  }
}

TEST_CASE("I/O errors name the file") {
  CHECK_THROWS_WITH(read_all("/nonexistent/trace.jsonl"), "/nonexistent/trace.jsonl: cannot open: No such file or directory");
  CHECK_THROWS_WITH(read_all("/tmp"), "/tmp: is a directory");
  std::string text;
  for (int i = 0; i < 2000; ++i) text += line(i, 100, 100);
  const std::string gz = sla_planner::test::gzip_bytes(text);
  TempFile trunc(".gz");
  trunc.write(gz.substr(0, gz.size() / 2));
  CHECK_THROWS_WITH(read_all(trunc.path()), trunc.path() + ": corrupt gzip data: unexpected end of file");
  std::string bad = gz;
  for (std::size_t i = 20; i < 60; ++i) bad[i] = static_cast<char>(bad[i] ^ 0x5a);
  TempFile corrupt(".gz");
  corrupt.write(bad);
  CHECK_THROWS_AS(read_all(corrupt.path()), DataError);
}

TEST_CASE("options are validated") {
  MooncakeReadOptions o;
  o.window_bytes = 100;
  CHECK_THROWS_WITH(o.validate(), "'window_bytes' must be in [4096, 2^30], got 100");
  o = {};
  o.max_line_bytes = 0;
  CHECK_THROWS_WITH(o.validate(), "'max_line_bytes' must be in [1, 2^31], got 0");
  o = {};
  o.threads = 1000;
  CHECK_THROWS_AS(read_all(data_path("traces/rr-5-45_i3000o300.jsonl"), o), std::invalid_argument);
}

TEST_CASE("fast path and per-line parser agree on a randomly damaged trace") {
  // Lines are damaged in many ways (cut, bytes changed, joined, split); with skip_invalid the
  // block reader (document stream + fallback) must deliver exactly what parsing line by line does.
  std::mt19937_64 rng(7);
  const std::string base = sla_planner::test::read_text(data_path("traces/mooncake_conversation_trace.jsonl"));
  std::vector<std::string> lines;
  for (std::size_t p = 0, q; p < base.size() && lines.size() < 3000; p = q + 1) {
    q = base.find('\n', p);
    lines.push_back(base.substr(p, q - p));
  }
  const char noise[] = "{}[]\",: \n\r\t0-e.x\\";
  std::string text;
  for (auto& l : lines) {
    std::string s = l;
    switch (rng() % 12) {
      case 0: s = s.substr(0, rng() % s.size()); break;
      case 1: s[rng() % s.size()] = noise[rng() % (sizeof(noise) - 1)]; break;
      case 2: s.insert(rng() % s.size(), 1, noise[rng() % (sizeof(noise) - 1)]); break;
      case 3: s += " " + l; break;
      case 4: s.erase(rng() % s.size(), 1); break;
      default: break;
    }
    text += s + "\n";
  }
  const LineByLine want = line_by_line(text);
  REQUIRE(want.bad > 300);
  check_reader_matches(text, want);
}

namespace {

/// Every record's hash_ids as the four-argument on_batch hands them over.
std::vector<std::vector<std::uint64_t>> read_ids(const std::string& path, const MooncakeReadOptions& o = {}) {
  std::vector<std::vector<std::uint64_t>> out;
  sla_planner::read_mooncake_batches(
      path,
      [&](const TraceRecord*, std::size_t n, const std::uint64_t* ids, const std::uint32_t* counts) {
        for (std::size_t i = 0; i < n; ++i) {
          out.emplace_back(ids, ids + counts[i]);
          ids += counts[i];
        }
      },
      o);
  return out;
}

}  // namespace

TEST_CASE("hash_ids are kept on request: trailing, elsewhere, absent, empty") {
  TempFile f;
  f.write(line(0, 1, 1) +                                                          // [1, 2, 3] at the end
          "{\"hash_ids\": [7,8], \"timestamp\": 1, \"input_length\": 2, \"output_length\": 3}\n"  // first
          "{\"timestamp\": 2, \"input_length\": 2, \"output_length\": 3}\n"         // none
          "{\"timestamp\": 3, \"input_length\": 2, \"output_length\": 3, \"hash_ids\": [ ]}\n"
          "{\"timestamp\": 4, \"input_length\": 2, \"output_length\": 3, \"hash_ids\": [18446744073709551615 ,0]}");
  const auto ids = read_ids(f.path());
  REQUIRE(ids.size() == 5);
  CHECK(ids[0] == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(ids[1] == std::vector<std::uint64_t>{7, 8});
  CHECK(ids[2].empty());
  CHECK(ids[3].empty());
  CHECK(ids[4] == std::vector<std::uint64_t>{18446744073709551615ull, 0});
}

TEST_CASE("hash_ids that are not non-negative integers make a bad line when they are kept") {
  for (const char* bad : {"[1 2]", "[1,,2]", "[1,]", "[-1]", "[01]", "[18446744073709551616]", "[1.5]", "[\"a\"]", "3"}) {
    const std::string text = line(0, 1, 1) + "{\"timestamp\": 1, \"input_length\": 2, \"output_length\": 3, \"hash_ids\": " +
                             bad + "}\n" + line(2, 1, 1);
    TempFile f;
    f.write(text);
    CHECK_THROWS_WITH(read_ids(f.path()), Catch::Matchers::EndsWith(":2: 'hash_ids' must be an array of non-negative integers"));
    MooncakeReadOptions skip;
    skip.skip_invalid = true;
    CHECK(read_ids(f.path(), skip).size() == 2);
    CHECK(read_all(f.path()).size() == 3);  // not looked at without keeping them
  }
}

TEST_CASE("hash_ids of the shared trace: the same through every window size and thread count") {
  const std::string path = data_path("traces/mooncake_conversation_trace.jsonl");
  MooncakeReadOptions one;
  one.threads = 1;
  const auto ref = read_ids(path, one);
  REQUIRE(ref.size() == 12031);
  CHECK(ref[0].size() == 14);
  CHECK(ref[1][0] == 0);
  CHECK(ref[1][1] == 14);
  for (std::size_t window : {std::size_t(4096), std::size_t(65536)})
    for (unsigned threads : {1u, 3u}) {
      MooncakeReadOptions o;
      o.threads = threads;
      o.window_bytes = window;
      CHECK(read_ids(path, o) == ref);
    }
}
