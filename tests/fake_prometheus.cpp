// sla_planner tests — a scripted stand-in for Prometheus's /api/v1/query, for planner_run's fault tests.
// SPDX-License-Identifier: Apache-2.0
//
// Answers in the shape of Prometheus's HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/).
// Usage: fake_prometheus PORT MODE[,MODE...] — the modes are used in turn, one per adjustment
// interval: a query for dynamo_frontend_requests_total (the first of an interval) moves to the
// next mode; after the last, the last one stays. Modes:
//   ok         every query answers for model "m", namespace "ns" (40 requests, TTFT 80 ms, ITL 5 ms,
//              ISL 4000, OSL 150, duration 0.8 s)
//   http500    HTTP 500 with a plain-text body
//   empty      a successful answer with no series
//   nan        the request count is NaN
//   truncated  a body cut in the middle
//   slow       answers after 3 s (longer than the client's time-out)
//   workers/P/D/W/K  as ok, and vLLM's per-engine gauges for P prefill engines (dynamo_component
//              "prefill", W requests waiting each) and D decode engines ("backend", KV use K,
//              nothing waiting); in the other modes the vLLM queries match no engine
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fake_prometheus PORT MODE[,MODE...]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  std::vector<std::string> modes;
  std::stringstream ss(argv[2]);
  for (std::string m; std::getline(ss, m, ',');) modes.push_back(m);
  std::mutex mu;
  long index = -1;

  auto vector_answer = [](const std::string& value) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"model\":\"m\","
           "\"dynamo_namespace\":\"ns\"},\"value\":[1700000000.0,\"" + value + "\"]}]}}";
  };
  httplib::Server server;
  server.Get("/api/v1/query", [&](const httplib::Request& req, httplib::Response& res) {
    const std::string q = req.get_param_value("query");
    const bool first = q.find("increase(dynamo_frontend_requests_total") == 0;
    std::string mode;
    {
      std::lock_guard<std::mutex> l(mu);
      if (first && index + 1 < static_cast<long>(modes.size())) ++index;
      mode = modes[static_cast<std::size_t>(index < 0 ? 0 : index)];
      if (first) std::fprintf(stderr, "fake_prometheus: interval in mode %s\n", mode.c_str());
    }
    std::string value = "40";
    if (q.find("time_to_first_token") != std::string::npos) value = "0.08";
    else if (q.find("inter_token_latency") != std::string::npos) value = "0.005";
    else if (q.find("input_sequence_tokens") != std::string::npos) value = "4000";
    else if (q.find("output_sequence_tokens") != std::string::npos) value = "150";
    else if (q.find("request_duration") != std::string::npos) value = "0.8";
    if (q.rfind("vllm:", 0) == 0) {
      // vLLM's gauges: one series per engine in workers/ mode, none of this deployment otherwise.
      int np = 0, nd = 0;
      double waiting = 0, kv = 0;
      if (mode.rfind("workers/", 0) != 0 ||
          std::sscanf(mode.c_str(), "workers/%d/%d/%lf/%lf", &np, &nd, &waiting, &kv) != 4) {
        res.set_content("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}",
                        "application/json");
        return;
      }
      const std::string name = q.substr(0, q.find(' '));
      std::string result;
      auto series = [&](const std::string& component, const std::string& pod, double v) {
        if (!result.empty()) result += ",";
        result += "{\"metric\":{\"__name__\":\"" + name + "\",\"model_name\":\"m\",\"dynamo_namespace\":\"ns\","
                  "\"dynamo_component\":\"" + component + "\",\"pod\":\"" + pod + "\",\"engine\":\"0\"},"
                  "\"value\":[1700000000.0,\"" + std::to_string(v) + "\"]}";
      };
      const bool is_waiting = name == "vllm:num_requests_waiting", is_running = name == "vllm:num_requests_running";
      for (int i = 0; i < np; ++i)
        series("prefill", "p" + std::to_string(i), is_waiting ? waiting : is_running ? 1.0 : 0.05);
      for (int i = 0; i < nd; ++i) series("backend", "d" + std::to_string(i), is_waiting ? 0.0 : is_running ? 30.0 : kv);
      res.set_content("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" + result + "]}}",
                      "application/json");
      return;
    }
    if (mode == "http500") {
      res.status = 500;
      res.set_content("internal error\n", "text/plain");
    } else if (mode == "empty") {
      res.set_content("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", "application/json");
    } else if (mode == "nan") {
      res.set_content(vector_answer(first ? "NaN" : value), "application/json");
    } else if (mode == "truncated") {
      const std::string full = vector_answer(value);
      res.set_content(full.substr(0, full.size() / 2), "application/json");
    } else if (mode == "slow") {
      std::this_thread::sleep_for(std::chrono::seconds(3));
      res.set_content(vector_answer(value), "application/json");
    } else {
      res.set_content(vector_answer(value), "application/json");
    }
  });
  if (!server.bind_to_port("127.0.0.1", port)) {
    std::fprintf(stderr, "fake_prometheus: cannot listen on port %d\n", port);
    return 1;
  }
  server.listen_after_bind();
  return 0;
}
