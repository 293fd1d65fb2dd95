// planner_dryrun end to end: golden series through the tool (trace reading included), outputs,
// and every bad-input path's message and exit code.
#include <catch2/catch.hpp>

#include <fstream>

#include "sla_planner/planner/planner_config.hpp"
#include "test_helpers.hpp"

using namespace sla_planner;
using test::run_tool;

namespace {
std::string golden_args(const nlohmann::json& g) {
  const auto& a = g["args"];
  std::string s = "--profile-results-dir " + std::string(SLA_PLANNER_PROFILES_DIR) + "/" +
                  g["profile"].get<std::string>().substr(g["profile"].get<std::string>().find('/') + 1) +
                  " --dataset " + test::data_path(g["trace"].get<std::string>()) +
                  " --ttft " + a["ttft"].dump() + " --itl " + a["itl"].dump() +
                  " --adjustment-interval " + a["adjustment_interval"].dump() +
                  " --load-predictor " + a["load_predictor"].get<std::string>();
  if (a.contains("max_gpu_budget")) s += " --max-gpu-budget " + a["max_gpu_budget"].dump();
  return s;
}

void check_golden(const std::string& name) {
  const auto g = test::load_json(test::data_path("golden/dryrun/" + name));
  const std::string dir = test::temp_dir("dryrun");
  const auto r = run_tool("planner_dryrun", golden_args(g) + " --no-plot --output-json " + dir + "/out.json");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto got = test::load_json(dir + "/out.json");
  const auto& e = g["expected"];
  for (auto it = e.begin(); it != e.end(); ++it) {
    const auto want = it.value().get<std::vector<double>>();
    const auto have = got["series"][it.key()].get<std::vector<double>>();
    REQUIRE(have.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      INFO(name << ": " << it.key() << "[" << i << "] = " << have[i] << ", expected " << want[i]);
      if (it.key() == "num_p" || it.key() == "num_d" || it.key() == "rr") REQUIRE(have[i] == want[i]);
      else REQUIRE(test::rel_diff(have[i], want[i]) <= 1e-9);
    }
  }
  CHECK(got["summary"]["intervals"] == e["time"].size());
  CHECK(got["args"]["no_correction"] == true);
}

std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string p = dir + "/" + name;
  std::ofstream(p) << text;
  return p;
}
}  // namespace

TEST_CASE("planner_dryrun reproduces the golden dry runs from the traces") {
  check_golden("sin_constant.json");
  check_golden("sin_budget4_constant.json");
  check_golden("mooncake_conv_constant.json");
}

TEST_CASE("planner_dryrun writes a PNG, an SVG and a CSV, and prints the summary") {
  const std::string dir = test::temp_dir("dryrun");
  auto r = run_tool("planner_dryrun", "--dataset " + test::data_path("traces/rr-5-45_i3000o300.jsonl") + " --ttft 200 --itl 10 "
                                      "--load-predictor constant --output-plot " + dir + "/p.png --output-csv " + dir + "/s.csv");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("30 intervals of 60 s, 44941 requests") != std::string::npos);
  CHECK(r.out.find("GPU-hours used:                 2.000") != std::string::npos);
  std::ifstream png(dir + "/p.png", std::ios::binary);
  char sig[8] = {};
  png.read(sig, 8);
  CHECK(std::string(sig + 1, 3) == "PNG");
  std::ifstream csv(dir + "/s.csv");
  std::string header;
  std::getline(csv, header);
  CHECK(header == "time,rr,est_rr,isl,est_isl,osl,est_osl,num_p,p_thpt,safe_p_thpt,num_d,d_thpt,safe_d_thpt");
  int rows = 0;
  for (std::string line; std::getline(csv, line);) ++rows;
  CHECK(rows == 30);
  r = run_tool("planner_dryrun", "--dataset " + test::data_path("traces/rr-5-45_i3000o300.jsonl") + " --load-predictor constant "
                                 "--output-plot " + dir + "/p.svg");
  REQUIRE(r.exit_code == 0);
  std::ifstream svg(dir + "/p.svg");
  std::string first;
  std::getline(svg, first);
  CHECK(first.find("<?xml") == 0);
}

TEST_CASE("planner_dryrun --time-scale replays faster; --config is overridden by flags") {
  const std::string dir = test::temp_dir("dryrun");
  auto r = run_tool("planner_dryrun", "--dataset " + test::data_path("traces/rr-5-45_i3000o300.jsonl") + " --load-predictor constant "
                                      "--time-scale 2 --no-plot --output-json " + dir + "/o.json");
  REQUIRE(r.exit_code == 0);
  CHECK(test::load_json(dir + "/o.json")["summary"]["intervals"] == 15);
  const std::string cfg = write_file(dir, "c.json", R"({"ttft": 100, "itl": 20, "load_predictor": "constant", "max_gpu_budget": 4})");
  r = run_tool("planner_dryrun", "--dataset " + test::data_path("traces/rr-5-45_i3000o300.jsonl") + " --config " + cfg +
                                     " --itl 10 --no-plot --output-json " + dir + "/c.json.out");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto a = test::load_json(dir + "/c.json.out")["args"];
  CHECK(a["ttft_ms"] == 100.0);
  CHECK(a["itl_ms"] == 10.0);
  CHECK(a["max_gpu_budget"] == 4);
}

TEST_CASE("planner_dryrun bad input: one line naming file and line, non-zero exit, no partial output") {
  const std::string dir = test::temp_dir("dryrun");
  const std::string out = dir + "/o.json";
  const std::string bad = write_file(dir, "bad.jsonl",
                                     "{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 5}\n"
                                     "{\"timestamp\": 1000, \"input_length\": -3, \"output_length\": 5}\n");
  auto r = run_tool("planner_dryrun", "--dataset " + bad + " --load-predictor constant --no-plot --output-json " + out);
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("planner_dryrun: error: " + bad + ":2: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_FALSE(test::file_exists(out));

  r = run_tool("planner_dryrun", "--dataset " + bad + " --skip-invalid --load-predictor constant --no-plot --output-json " + out);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("skipped 1 invalid line(s); first: " + bad + ":2: ") != std::string::npos);
  CHECK(test::file_exists(out));

  const std::string empty = write_file(dir, "empty.jsonl", "\n\n");
  r = run_tool("planner_dryrun", "--dataset " + empty + " --load-predictor constant --no-plot");
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("planner_dryrun: error: " + empty, 0) == 0);

  r = run_tool("planner_dryrun", "--dataset /nonexistent.jsonl --load-predictor constant --no-plot");
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("planner_dryrun: error: /nonexistent.jsonl", 0) == 0);

  r = run_tool("planner_dryrun", "--dataset " + bad + " --profile-results-dir /nonexistent --no-plot");
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("planner_dryrun: error: /nonexistent: profile directory not found", 0) == 0);

  const std::string badcfg = write_file(dir, "bad.json", R"({"ttft_typo": 1})");
  r = run_tool("planner_dryrun", "--dataset " + bad + " --config " + badcfg + " --no-plot");
  CHECK(r.exit_code == 1);
  CHECK(r.err == "planner_dryrun: error: " + badcfg + ": unknown planner config key 'ttft_typo'\n");
}

TEST_CASE("planner_dryrun bad usage exits 2") {
  auto r = run_tool("planner_dryrun", "--no-plot");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "planner_dryrun: error: --dataset is required (see --help)\n");
  r = run_tool("planner_dryrun", "--dataset x.jsonl --bogus");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "planner_dryrun: error: Option 'bogus' does not exist (see --help)\n");
  r = run_tool("planner_dryrun", "--dataset x.jsonl --min-endpoint 0");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "planner_dryrun: error: --min-endpoint must be >= 1, got 0\n");  // names the flag given
  r = run_tool("planner_dryrun", "--dataset x.jsonl --ttft abc");
  CHECK(r.exit_code == 2);
  r = run_tool("planner_dryrun", "--dataset x.jsonl --output-plot out.jpg");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "planner_dryrun: error: --output-plot must end in .png or .svg, got 'out.jpg' (see --help)\n");
  r = run_tool("planner_dryrun", "--dataset x.jsonl --load-predictor lstm");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "planner_dryrun: error: --load-predictor must be one of constant, arima, prophet, kalman, got 'lstm'\n");
  r = run_tool("planner_dryrun", "--help");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("--dataset") != std::string::npos);
}

TEST_CASE("a bad setting gives one message from the settings table, naming the flag, the config key or the field") {
  // Through the struct: the key.
  PlannerConfig c;
  c.load_prediction_window_size = 3;
  std::string via_struct;
  try {
    c.validate();
  } catch (const std::invalid_argument& e) {
    via_struct = e.what();
  }
  CHECK(via_struct == "'load_prediction_window_size' must be >= 5 with load_predictor arima, got 3");
  // Through the flag: the same sentence, naming the flag.
  const std::string trace = test::data_path("traces/rr-5-45_i3000o300.jsonl");
  auto r = run_tool("planner_dryrun", "--dataset " + trace + " --no-plot --load-prediction-window-size 3");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "planner_dryrun: error: --load-prediction-window-size must be >= 5 with load_predictor arima, got 3\n");
  // Through the JSON config: the same sentence, naming the file and the key.
  const std::string dir = test::temp_dir("settings");
  const std::string cfg = write_file(dir, "w.json", R"({"load_prediction_window_size": 3})");
  r = run_tool("planner_dryrun", "--dataset " + trace + " --no-plot --config " + cfg);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "planner_dryrun: error: " + cfg + ": 'load_prediction_window_size' must be >= 5 with load_predictor arima, got 3\n");
  // A flag given overrides the file, and then the flag is named.
  const std::string cfg2 = write_file(dir, "m.json", R"({"min_endpoint": 2})");
  r = run_tool("planner_replay", "--dataset " + trace + " --config " + cfg2 + " --min-endpoint 0");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "planner_replay: error: --min-endpoint must be >= 1, got 0\n");
  // Every tool with planner flags lists every setting of the table as a flag, with its help line.
  for (const char* tool : {"planner_dryrun", "planner_replay"}) {
    const auto h = run_tool(tool, "--help");
    for (const auto& st : PlannerConfig::settings()) {
      INFO(tool << " --" << st.flag);
      CHECK(h.out.find("--" + st.flag) != std::string::npos);
      CHECK(h.out.find(st.help.substr(0, 20)) != std::string::npos);
    }
  }
}
