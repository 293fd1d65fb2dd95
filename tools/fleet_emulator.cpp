// fleet_emulator — a Dynamo deployment emulated on the fleet engine, for planner tests and demos.
// SPDX-License-Identifier: Apache-2.0
//
// Replays a mooncake trace on the project's fleet model (FleetSimulator) in step with the wall
// clock, serves what Dynamo's HTTP frontend would export on /metrics, and plays the environment
// of Dynamo's virtual connector: it reads the planner's decisions from etcd and carries them out.
// Metric names, labels and histogram buckets follow ai-dynamo/dynamo
// lib/llm/src/http/service/metrics.rs (log-spaced buckets rounded to 2 significant figures,
// starting at 0: TTFT 0.001–480 s × 18, ITL 0.001–2 s × 13, duration 1–512 s × 10, ISL 50–128000
// × 12, OSL 50–32000 × 10); the etcd protocol follows Dynamo's VirtualConnectorClient
// (components/src/dynamo/planner/virtual_connector.py): read num_prefill_workers /
// num_decode_workers / decision_id under v1/{namespace}/planner/, write scaled_decision_id once
// the decision is carried out.
//
// What is exact and what is approximate: request counts and the ISL/OSL histograms come from the
// trace's own requests (counted when they arrive). TTFT, ITL and request duration come from the
// engine's per-tick means: each tick adds mean × arrivals to _sum, the arrivals to _count, and
// puts all of them in the bucket holding the mean — per-interval averages are right, the
// distributions within a tick are not.
//
// Per engine it also serves vLLM's scheduler gauges (vllm:num_requests_waiting,
// vllm:num_requests_running, vllm:kv_cache_usage_perc, labels model_name, dynamo_namespace,
// dynamo_component "prefill"/"backend" as Dynamo's vLLM workers register, pod), for the load
// policy. The fleet model does not expose its engines' queues here, so these are estimates from
// each tick's means by Little's law, spread evenly over the ready engines: a prefill engine holds
// rate × TTFT / P requests (one running, the rest waiting), a decode engine rate × (duration −
// TTFT) / D running requests whose KV is (ISL + OSL/2) tokens each, out of the profile's
// max_kv_tokens.
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <cxxopts.hpp>

#include "common/bundled_data.hpp"
#include "common/cli.hpp"
#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/formats/trace_loaders.hpp"
#include "sla_planner/live/etcd_client.hpp"
#include "sla_planner/planner/profile_perf_model.hpp"
#include "sla_planner/sim/fleet_simulator.hpp"

// After Eigen: cpp-httplib pulls in <resolv.h>, whose _res macro breaks Eigen.
#include <httplib.h>

namespace {

using namespace sla_planner;
using namespace sla_tools;

/// Dynamo's frontend buckets: 0, then count-1 log-spaced values from min to max (2 significant
/// figures), duplicates removed.
std::vector<double> log_buckets(double min, double max, int count) {
  std::vector<double> b{0.0};
  for (int i = 1; i < count; ++i) {
    const double v = std::exp(std::log(min) + (std::log(max) - std::log(min)) * i / (count - 1));
    const double mag = std::floor(std::log10(std::fabs(v)));
    const double scale = std::pow(10.0, 2.0 - 1.0 - mag);
    const double r = std::round(v * scale) / scale;
    if (r != b.back()) b.push_back(r);
  }
  return b;
}

struct Histogram {
  std::string name, help;
  std::vector<double> bounds;
  std::vector<double> counts;  // per bucket (not cumulative); one more for +Inf
  double sum = 0, count = 0;
  Histogram(std::string n, std::string h, std::vector<double> b)
      : name(std::move(n)), help(std::move(h)), bounds(std::move(b)), counts(bounds.size() + 1, 0.0) {}
  void observe(double v, double n = 1) {
    std::size_t i = 0;
    while (i < bounds.size() && v > bounds[i]) ++i;
    counts[i] += n;
    sum += v * n;
    count += n;
  }
  std::string render(const std::string& labels) const {
    std::string o = "# HELP " + name + " " + help + "\n# TYPE " + name + " histogram\n";
    double cum = 0;
    for (std::size_t i = 0; i <= bounds.size(); ++i) {
      cum += counts[i];
      const std::string le = i < bounds.size() ? shortest(bounds[i]) : "+Inf";
      o += name + "_bucket{" + labels + ",le=\"" + le + "\"} " + shortest(cum) + "\n";
    }
    o += name + "_sum{" + labels + "} " + shortest(sum) + "\n";
    o += name + "_count{" + labels + "} " + shortest(count) + "\n";
    return o;
  }
};

/// The frontend's metrics plus the emulator's own state, shared with the HTTP thread.
struct FrontendState {
  std::mutex m;
  double requests = 0;
  Histogram ttft{"dynamo_frontend_time_to_first_token_seconds", "Time to first token in seconds",
                 log_buckets(0.001, 480.0, 18)};
  Histogram itl{"dynamo_frontend_inter_token_latency_seconds", "Inter-token latency in seconds",
                log_buckets(0.001, 2.0, 13)};
  Histogram duration{"dynamo_frontend_request_duration_seconds", "Duration of LLM requests",
                     log_buckets(1.0, 512.0, 10)};
  Histogram isl{"dynamo_frontend_input_sequence_tokens", "Input sequence length in tokens",
                log_buckets(50.0, 128000.0, 12)};
  Histogram osl{"dynamo_frontend_output_sequence_tokens", "Output sequence length in tokens",
                log_buckets(50.0, 32000.0, 10)};
  long long prefill = 0, decode = 0, decision_id = -1;
  bool done = false;
  /// Engines serving (ready), and each one's estimated vLLM gauges.
  long long ready_prefill = 0, ready_decode = 0;
  double prefill_waiting = 0, prefill_running = 0, prefill_kv = 0;
  double decode_waiting = 0, decode_running = 0, decode_kv = 0;

  std::string render(const std::string& model, const std::string& ns) {
    std::lock_guard<std::mutex> l(m);
    const std::string labels = "model=\"" + model + "\",dynamo_namespace=\"" + ns + "\"";
    std::string o = "# HELP dynamo_frontend_requests_total Total number of LLM requests processed\n"
                    "# TYPE dynamo_frontend_requests_total counter\n"
                    "dynamo_frontend_requests_total{" + labels +
                    ",endpoint=\"chat_completions\",request_type=\"stream\",status=\"success\"} " + shortest(requests) + "\n";
    for (const Histogram* h : {&ttft, &itl, &duration, &isl, &osl}) o += h->render(labels);
    const std::string engine = "model_name=\"" + model + "\",dynamo_namespace=\"" + ns + "\",dynamo_component=";
    const struct {
      const char* name;
      double prefill_value, decode_value;
    } gauges[] = {{"vllm:num_requests_waiting", prefill_waiting, decode_waiting},
                  {"vllm:num_requests_running", prefill_running, decode_running},
                  {"vllm:kv_cache_usage_perc", prefill_kv, decode_kv}};
    for (const auto& g : gauges) {
      o += "# TYPE " + std::string(g.name) + " gauge\n";
      for (long long i = 0; i < ready_prefill; ++i)
        o += std::string(g.name) + "{" + engine + "\"prefill\",pod=\"prefill-" + std::to_string(i) + "\"} " +
             shortest(g.prefill_value) + "\n";
      for (long long i = 0; i < ready_decode; ++i)
        o += std::string(g.name) + "{" + engine + "\"backend\",pod=\"decode-" + std::to_string(i) + "\"} " +
             shortest(g.decode_value) + "\n";
    }
    o += "# TYPE fleet_emulator_prefill_workers gauge\nfleet_emulator_prefill_workers " + std::to_string(prefill) + "\n";
    o += "# TYPE fleet_emulator_decode_workers gauge\nfleet_emulator_decode_workers " + std::to_string(decode) + "\n";
    o += "# TYPE fleet_emulator_decision_id gauge\nfleet_emulator_decision_id " + std::to_string(decision_id) + "\n";
    o += "# TYPE fleet_emulator_trace_done gauge\nfleet_emulator_trace_done " + std::string(done ? "1" : "0") + "\n";
    return o;
  }
};

struct Stopped {};

/// vLLM's gauges of each ready engine, estimated from one tick's arrival rate and means (Little's
/// law, spread evenly): see the file header. Called with st.m held.
void estimate_engines(FrontendState& st, double rate, const Metrics& m, WorkerCounts ready, double max_kv_tokens) {
  const double ttft_s = m.ttft_ms && std::isfinite(*m.ttft_ms) ? *m.ttft_ms / 1000.0 : 0.0;
  const double dur_s = m.request_duration_s && std::isfinite(*m.request_duration_s) ? *m.request_duration_s : 0.0;
  const double ctx = (m.isl ? *m.isl : 0.0) + (m.osl ? *m.osl : 0.0) / 2.0;
  const double in_prefill = ready.prefill > 0 ? rate * ttft_s / static_cast<double>(ready.prefill) : 0.0;
  st.prefill_running = std::min(1.0, in_prefill);
  st.prefill_waiting = std::max(0.0, in_prefill - 1.0);
  st.prefill_kv = 0.0;
  const double decoding = ready.decode > 0 ? rate * std::max(0.0, dur_s - ttft_s) / static_cast<double>(ready.decode) : 0.0;
  st.decode_running = decoding;
  st.decode_waiting = 0.0;
  st.decode_kv = max_kv_tokens > 0 ? std::min(1.0, decoding * ctx / max_kv_tokens) : 0.0;
}

std::string stamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

void log_line(const std::string& s) {
  std::fprintf(stderr, "%s fleet_emulator: %s\n", stamp().c_str(), s.c_str());
  std::fflush(stderr);
}

/// The virtual connector's environment: follows decisions found in etcd.
class EtcdEnvironment {
public:
  EtcdEnvironment(EtcdClient etcd, const std::string& ns, double startup_s, WorkerCounts start)
      : etcd_(std::move(etcd)), prefix_("v1/" + ns + "/planner/"), startup_s_(startup_s), ready_(start) {}

  /// Engines serving: removed ones stop at once (they drain), new ones after the start-up delay.
  WorkerCounts ready() const { return ready_; }

  /// Polls etcd at time `now_s` (engine clock); returns the counts to run.
  WorkerCounts poll(double now_s, WorkerCounts current, FrontendState& st) {
    const EtcdResult r = etcd_.get_prefix(prefix_);
    if (!r.ok()) {
      if (!failing_) log_line("etcd unavailable, keeping " + counts(current) + ": " + r.error);
      failing_ = true;
      return target_.value_or(current);
    }
    if (failing_) log_line("etcd reachable again");
    failing_ = false;
    const auto id = number(r, "decision_id");
    if (id && (!handled_ || *id > *handled_)) {
      const auto p = number(r, "num_prefill_workers"), d = number(r, "num_decode_workers");
      if (p && d) {
        target_ = WorkerCounts{*p, *d};
        ready_ = {std::min(ready_.prefill, target_->prefill), std::min(ready_.decode, target_->decode)};
        handled_ = id;
        ack_due_ = now_s + startup_s_;
        log_line("decision " + std::to_string(*id) + ": " + counts(*target_) + " (was " + counts(current) + ")");
        std::lock_guard<std::mutex> l(st.m);
        st.decision_id = *id;
      }
    }
    if (ack_due_ && now_s >= *ack_due_ && handled_) {
      if (target_) ready_ = *target_;
      const EtcdResult w = etcd_.put(prefix_ + "scaled_decision_id", std::to_string(*handled_));
      if (w.ok()) {
        log_line("decision " + std::to_string(*handled_) + " carried out (scaled_decision_id written)");
        ack_due_.reset();
      }
    }
    return target_.value_or(current);
  }

private:
  static std::string counts(WorkerCounts c) { return std::to_string(c.prefill) + "P" + std::to_string(c.decode) + "D"; }
  std::optional<long long> number(const EtcdResult& r, const std::string& field) const {
    const auto it = r.kvs.find(prefix_ + field);
    if (it == r.kvs.end() || it->second.empty()) return std::nullopt;
    long long v = 0;
    for (char c : it->second) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
      if (v > 1000000000LL) return std::nullopt;
    }
    return v;
  }

  EtcdClient etcd_;
  std::string prefix_;
  double startup_s_;
  std::optional<WorkerCounts> target_;
  std::optional<long long> handled_;
  std::optional<double> ack_due_;
  bool failing_ = false;
  WorkerCounts ready_;
};

int run(int argc, char** argv) {
  cxxopts::Options opts("fleet_emulator",
                        "Replay a mooncake trace on the fleet model in real time (or faster), serve Dynamo's\n"
                        "frontend metrics on /metrics, and carry out the scaling decisions a planner writes to\n"
                        "etcd (Dynamo's virtual connector layout). Runs until SIGTERM/SIGINT.\n"
                        "Exit codes: 0 ok, 1 bad data, 2 bad usage.");
  opts.set_width(100);
  opts.add_options()
      ("dataset", "Mooncake trace (.jsonl or .jsonl.gz) to replay (required)", cxxopts::value<std::string>())
      ("profile-results-dir", "Profile directory (default: the bundled profiling_results/H200_TP1P_TP1D)",
       cxxopts::value<std::string>())
      ("pre-swept-root", "Folder of the pre-swept tables", cxxopts::value<std::string>()->default_value(""))
      ("time-scale", "Divide the trace's timestamps by X (replay X times faster)", cxxopts::value<double>()->default_value("1"))
      ("tick", "Seconds between metric updates and etcd polls", cxxopts::value<double>()->default_value("1"))
      ("startup-delay", "Seconds from a scale-up decision until the new workers serve", cxxopts::value<double>()->default_value("5"))
      ("kv-transfer-ms", "Milliseconds from the end of a prefill until its KV is on the decode worker",
       cxxopts::value<double>()->default_value("0"))
      ("start-num-p", "Prefill workers at the start", cxxopts::value<long long>()->default_value("1"))
      ("start-num-d", "Decode workers at the start", cxxopts::value<long long>()->default_value("1"))
      ("host", "Address of /metrics", cxxopts::value<std::string>()->default_value("127.0.0.1"))
      ("port", "Port of /metrics", cxxopts::value<int>()->default_value("8000"))
      ("etcd-endpoints", "etcd endpoint URL (empty: no etcd, the fleet stays as started)",
       cxxopts::value<std::string>()->default_value("http://localhost:2379"))
      ("namespace", "Dynamo namespace (label dynamo_namespace; etcd keys v1/<ns>/planner/)",
       cxxopts::value<std::string>()->default_value("dynamo"))
      ("model-name", "Value of the model label", cxxopts::value<std::string>()->default_value("model"))
      ("exit-when-done", "Exit when the trace has been replayed (default: keep serving until a signal)")
      ("h,help", "Show this help");
  const auto parsed = parse_command_line(opts, argc, argv);
  if (!parsed) return kOk;
  const cxxopts::ParseResult& r = *parsed;
  if (!r.count("dataset")) throw UsageError("--dataset is required");
  const double time_scale = r["time-scale"].as<double>();
  const double tick_s = r["tick"].as<double>();
  if (!(tick_s >= 0.01) || !std::isfinite(tick_s)) throw std::invalid_argument("'tick' must be >= 0.01, got " + shortest(tick_s));
  const int port = r["port"].as<int>();
  if (port < 1 || port > 65535) throw std::invalid_argument("'port' must be in [1, 65535], got " + std::to_string(port));
  const std::string ns = r["namespace"].as<std::string>();
  const std::string model = r["model-name"].as<std::string>();
  const std::string etcd_url = r["etcd-endpoints"].as<std::string>();

  ReplayOptions ro;
  ro.interval_s = tick_s;
  ro.startup_delay_s = r["startup-delay"].as<double>();
  ro.kv_transfer_ms = r["kv-transfer-ms"].as<double>();
  ro.start_num_p = r["start-num-p"].as<long long>();
  ro.start_num_d = r["start-num-d"].as<long long>();
  ro.validate();

  std::string root = r["pre-swept-root"].as<std::string>();
  if (root.empty()) root = default_pre_swept_root();
  const Profile profile = load_profile(r.count("profile-results-dir") ? r["profile-results-dir"].as<std::string>() : default_profile_dir(), root);
  const ProfilePerfModel perf(profile);
  const FleetSimulator<> sim(ProfileServiceModel(perf), ro);
  const std::vector<ReplayRequest> requests = load_replay_requests(r["dataset"].as<std::string>(), {}, time_scale);
  if (requests.empty()) throw DataError(r["dataset"].as<std::string>() + ": no requests");

  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  std::mutex stop_m;
  std::condition_variable stop_cv;
  bool stop = false;
  std::atomic<bool> exiting{false};
  std::thread sig_thread([&] {
    int sig = 0;
    if (sigwait(&sigs, &sig) == 0 && !exiting.load()) {
      std::lock_guard<std::mutex> l(stop_m);
      stop = true;
      stop_cv.notify_all();
    }
  });
  auto quit_signal_thread = [&] {
    exiting = true;
    pthread_kill(sig_thread.native_handle(), SIGTERM);
    sig_thread.join();
  };

  FrontendState st;
  st.prefill = st.ready_prefill = ro.start_num_p;
  st.decode = st.ready_decode = ro.start_num_d;
  const double max_kv_tokens = profile.decode.max_kv_tokens;
  httplib::Server server;
  server.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(st.render(model, ns), "text/plain; version=0.0.4");
  });
  server.Get("/healthz", [&](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  const std::string host = r["host"].as<std::string>();
  // SO_REUSEADDR only: cpp-httplib's default also sets SO_REUSEPORT, which lets a second process
  // bind the same port silently.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const char*>(&yes), sizeof yes);
  });
  if (!server.bind_to_port(host.c_str(), port)) {
    quit_signal_thread();
    throw UsageError("--port " + std::to_string(port) + ": cannot listen on " + host + " (in use?)");
  }
  std::thread server_thread([&] { server.listen_after_bind(); });

  std::optional<EtcdEnvironment> env;
  if (!etcd_url.empty()) env.emplace(EtcdClient(etcd_url, [] {
                                       HttpOptions h;
                                       h.connect_timeout_s = 1;
                                       h.total_timeout_s = 2;
                                       return h;
                                     }()),
                                     ns, ro.startup_delay_s, WorkerCounts{ro.start_num_p, ro.start_num_d});

  using Clock = std::chrono::steady_clock;
  const auto wall0 = Clock::now();
  const double start_ms = requests.front().arrival_ms;
  // The engine's interval boundaries are multiples of the tick on the trace clock.
  const double first_boundary_ms = std::floor(start_ms / 1000.0 / tick_s) * tick_s * 1000.0;
  auto wall_of = [&](double trace_ms) {
    return wall0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(trace_ms - start_ms));
  };
  // true when stopped
  auto sleep_until = [&](Clock::time_point t) {
    std::unique_lock<std::mutex> l(stop_m);
    return stop_cv.wait_until(l, t, [&] { return stop; });
  };

  log_line("replaying " + std::to_string(requests.size()) + " requests over " +
           shortest((requests.back().arrival_ms - start_ms) / 1000.0) + " s; /metrics on " + host + ":" + std::to_string(port));
  std::size_t next_req = 0;
  long long k = 0;
  auto controller = [&](const Metrics& m, WorkerCounts deployed) -> WorkerCounts {
    ++k;
    const double boundary_ms = first_boundary_ms + static_cast<double>(k) * tick_s * 1000.0;
    if (sleep_until(wall_of(boundary_ms))) throw Stopped{};
    double n = 0;
    {
      std::lock_guard<std::mutex> l(st.m);
      while (next_req < requests.size() && requests[next_req].arrival_ms < boundary_ms) {
        st.isl.observe(static_cast<double>(requests[next_req].isl));
        st.osl.observe(static_cast<double>(requests[next_req].osl));
        ++n;
        ++next_req;
      }
      st.requests += n;
      if (n > 0) {
        if (m.ttft_ms && std::isfinite(*m.ttft_ms)) st.ttft.observe(*m.ttft_ms / 1000.0, n);
        if (m.itl_ms && std::isfinite(*m.itl_ms)) st.itl.observe(*m.itl_ms / 1000.0, n);
        if (m.request_duration_s && std::isfinite(*m.request_duration_s)) st.duration.observe(*m.request_duration_s, n);
      }
    }
    WorkerCounts target = deployed;
    if (env) target = env->poll((boundary_ms - start_ms) / 1000.0, deployed, st);
    const WorkerCounts ready = env ? env->ready() : deployed;
    std::lock_guard<std::mutex> l(st.m);
    st.prefill = target.prefill;
    st.decode = target.decode;
    st.ready_prefill = ready.prefill;
    st.ready_decode = ready.decode;
    estimate_engines(st, n / tick_s, m, ready, max_kv_tokens);
    return target;
  };

  bool stopped = false;
  try {
    const ReplayResult res = sim.run_controlled(requests, controller);
    log_line("trace done: " + std::to_string(res.requests) + " requests");
  } catch (const Stopped&) {
    stopped = true;
  }
  {
    std::lock_guard<std::mutex> l(st.m);
    st.done = true;
  }
  if (!stopped && !r.count("exit-when-done")) {
    // Keep serving and following decisions (counters stay flat: no traffic).
    auto t = Clock::now();
    WorkerCounts current{st.prefill, st.decode};
    while (true) {
      t += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(tick_s));
      if (sleep_until(t)) break;
      if (env) {
        const double now_s = std::chrono::duration<double>(Clock::now() - wall0).count();
        current = env->poll(now_s, current, st);
        std::lock_guard<std::mutex> l(st.m);
        st.prefill = current.prefill;
        st.decode = current.decode;
        st.ready_prefill = env->ready().prefill;
        st.ready_decode = env->ready().decode;
      }
      std::lock_guard<std::mutex> l(st.m);
      estimate_engines(st, 0.0, Metrics{}, {st.ready_prefill, st.ready_decode}, max_kv_tokens);  // no traffic: idle
    }
  }
  server.stop();
  server_thread.join();
  bool by_signal = false;
  {
    std::lock_guard<std::mutex> l(stop_m);
    by_signal = stop;
  }
  if (by_signal) sig_thread.join();  // it has returned
  else quit_signal_thread();         // --exit-when-done
  log_line("stopped");
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  return sla_tools::run_main("fleet_emulator", [&] { return run(argc, argv); });
}
