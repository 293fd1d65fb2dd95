// planner_run — the SLA planner live: Prometheus in, a connector (etcd, Kubernetes, advice) out.
// SPDX-License-Identifier: Apache-2.0
//
// The loop of Dynamo's SLA planner (ai-dynamo/dynamo components/src/dynamo/planner/utils/
// planner_core.py: every adjustment interval read the frontend's metrics, observe, plan, scale),
// with this project's rules for bad data: an interval whose metrics are missing or unusable is
// skipped with one log line and the fleet is left as it is. Any policy of make_planning_policy() runs
// here: the throughput rules every adjustment interval, the load-based rules every load tick on
// vLLM's per-engine gauges (WorkerMetricsReader), the attainment policy every adjustment interval
// (simulating the deployment on the profile; the per-engine gauges are used when present).
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "common/bundled_data.hpp"
#include "common/cli.hpp"
#include "common/config_file.hpp"
#include "common/settings_flags.hpp"
#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/formats/settings_json.hpp"
#include "sla_planner/live/advisory_connector.hpp"
#include "sla_planner/live/frontend_metrics_reader.hpp"
#include "sla_planner/live/kubernetes_connector.hpp"
#include "sla_planner/live/prometheus_client.hpp"
#include "sla_planner/live/virtual_connector.hpp"
#include "sla_planner/live/worker_metrics_reader.hpp"
#include "sla_planner/planner/make_policy.hpp"
#include "sla_planner/sim/planning_policies.hpp"
#include "sla_planner/planner/planner.hpp"
#include "sla_planner/planner/profile_perf_model.hpp"

// After Eigen (through planner.hpp): cpp-httplib pulls in <resolv.h>, whose _res macro breaks Eigen.
#include <httplib.h>

namespace {

using namespace sla_planner;
using namespace sla_tools;

// ---------------------------------------------------------------------------------------------
// planner_run's own settings (the planner's are PlannerConfig::settings()).

enum class Environment { virtual_connector, kubernetes, advisory };
enum class LogFormat { text, json };

struct RunSettings {
  /// Where decisions go: etcd for an external environment, the DynamoGraphDeployment, or nowhere.
  Environment environment = Environment::virtual_connector;
  /// Dynamo namespace: selects the frontend series (dynamo_namespace label) and the etcd keys.
  std::string dynamo_namespace = "dynamo";
  /// Served model (required); the frontend's "model" label is compared ignoring case.
  std::string model_name;
  /// Prometheus server the frontend metrics are read from.
  std::string prometheus = "http://localhost:9090";
  /// etcd v3 endpoint (its JSON gateway) for the virtual environment.
  std::string etcd_endpoints = "http://localhost:2379";
  /// Port of /metrics and /healthz (0: no server).
  int metrics_port = 0;
  /// One line of text or one JSON object per interval.
  LogFormat log_format = LogFormat::text;
  /// Profile directory (default: the bundled H200 profile).
  std::string profile_results_dir;
  /// Prefill and decode workers assumed running before the first decision.
  int start_num_p = 1;
  int start_num_d = 1;
  /// Seconds a new decision waits for the environment to acknowledge the previous one.
  double max_wait_s = 1800;
  /// Seconds one HTTP request to Prometheus or etcd may take.
  double http_timeout_s = 5;
  /// Kubernetes: the DynamoGraphDeployment's name (Dynamo: DYN_PARENT_DGD_K8S_NAME).
  std::string graph_deployment_name;
  /// Kubernetes: a kubeconfig (YAML or JSON); empty: the pod's service account.
  std::string kubeconfig;
  /// Kubernetes: services used when no service declares subComponentType prefill / decode.
  std::string prefill_component_name;
  std::string decode_component_name;
  /// Planning policy, one of planning_policy_names() (make_planning_policy).
  std::string policy = "throughput";
  /// Attainment policy: share of requests that must meet both targets, and the seconds a new
  /// engine takes to serve (its model of the deployment).
  double attainment_target = 0.95;
  double startup_delay_s = 60;
  /// Attainment policy: most engines of one kind removed per decision (0: no limit).
  int attainment_max_scale_down = 1;
  /// Load policy: the label of vLLM's gauges that tells prefill from decode engines, and its values.
  std::string worker_kind_label = "dynamo_component";
  std::string prefill_worker_kind = "prefill";
  std::string decode_worker_kind = "backend";

  static const SettingTable<RunSettings>& settings() {
    static const SettingTable<RunSettings> table = [] {
      using R = RunSettings;
      SettingTable<R> t;
      t.push_back(choice_setting("environment", &R::environment, {"virtual", "kubernetes", "advisory"},
                                 "Where decisions go: etcd keys for an external environment (virtual), the "
                                 "DynamoGraphDeployment (kubernetes), or only the log (advisory)"));
      t.push_back(text_setting("namespace", &R::dynamo_namespace,
                               "Dynamo namespace (the frontend's dynamo_namespace label; etcd keys v1/<ns>/planner/)"));
      t.push_back(text_setting("model_name", &R::model_name, "Served model, required (the frontend's model label, any case)"));
      t.push_back(text_setting("metric_pulling_prometheus_endpoint", &R::prometheus, "Prometheus server URL"));
      t.push_back(text_setting("etcd_endpoints", &R::etcd_endpoints, "etcd endpoint URL (virtual environment)"));
      t.push_back(integer_setting("metrics_port", &R::metrics_port, SettingRule::between(0, 65535),
                                  "Port of this planner's /metrics and /healthz (0: off)"));
      t.push_back(choice_setting("log_format", &R::log_format, {"text", "json"},
                                 "One line of text or one JSON object per interval"));
      t.push_back(text_setting("profile_results_dir", &R::profile_results_dir,
                               "Profile directory (default: the bundled profiling_results/H200_TP1P_TP1D)"));
      t.push_back(integer_setting("start_num_p", &R::start_num_p, SettingRule::at_least(0),
                                  "Prefill workers assumed running before the first decision"));
      t.push_back(integer_setting("start_num_d", &R::start_num_d, SettingRule::at_least(0),
                                  "Decode workers assumed running before the first decision"));
      t.push_back(real_setting("max_wait_s", &R::max_wait_s, SettingRule::at_least(0),
                               "Seconds a new decision waits for the environment to acknowledge the last one"));
      t.push_back(real_setting("http_timeout_s", &R::http_timeout_s, SettingRule::greater_than(0),
                               "Seconds one request to Prometheus or etcd may take"));
      t.push_back(text_setting("graph_deployment_name", &R::graph_deployment_name,
                               "Kubernetes: the DynamoGraphDeployment to scale"));
      t.push_back(text_setting("kubeconfig", &R::kubeconfig,
                               "Kubernetes: kubeconfig, YAML or JSON (default: the pod's service account)"));
      t.push_back(text_setting("prefill_component_name", &R::prefill_component_name,
                               "Kubernetes: prefill service when none has subComponentType prefill"));
      t.push_back(text_setting("decode_component_name", &R::decode_component_name,
                               "Kubernetes: decode service when none has subComponentType decode"));
      t.push_back(text_setting("policy", &R::policy, "Planning policy: " + name_list(planning_policy_names())));
      t.push_back(real_setting("attainment_target", &R::attainment_target, SettingRule::above_at_most(0, 1),
                               "Attainment policy: share of requests (0..1] to meet both targets"));
      t.push_back(real_setting("startup_delay_s", &R::startup_delay_s, SettingRule::at_least(0),
                               "Attainment policy: seconds from scaling up until a new engine serves"));
      t.push_back(integer_setting("attainment_max_scale_down", &R::attainment_max_scale_down, SettingRule::at_least(0),
                                  "Attainment policy: most engines of one kind removed per decision (0: no limit)"));
      t.push_back(text_setting("worker_kind_label", &R::worker_kind_label,
                               "Load policy: label of vLLM's gauges telling prefill from decode engines"));
      t.push_back(text_setting("prefill_worker_kind", &R::prefill_worker_kind,
                               "Load policy: that label's value on prefill engines"));
      t.push_back(text_setting("decode_worker_kind", &R::decode_worker_kind,
                               "Load policy: that label's value on decode engines"));
      return t;
    }();
    return table;
  }

  /// \throws SettingError naming the first bad setting
  void validate() const {
    check_settings(*this, settings());
    if (dynamo_namespace.empty()) throw SettingError("namespace", "'namespace' must not be empty");
    if (model_name.empty()) throw SettingError("model_name", "'model_name' must be set (the frontend's model label)");
    auto url = [](const std::string& key, const std::string& v) {
      if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0)
        throw SettingError(key, "'" + key + "' must start with http:// or https://, got '" + v + "'");
    };
    url("metric_pulling_prometheus_endpoint", prometheus);
    url("etcd_endpoints", etcd_endpoints);
    if (environment == Environment::kubernetes && graph_deployment_name.empty())
      throw SettingError("graph_deployment_name", "'graph_deployment_name' must be set for environment kubernetes");
    const auto& names = planning_policy_names();
    if (std::find(names.begin(), names.end(), policy) == names.end())
      throw SettingError("policy", "'policy' must be one of " + name_list(names) + ", got '" + policy + "'");
  }
};

// ---------------------------------------------------------------------------------------------
// /metrics: gauges and counters in Prometheus text format, names after Dynamo's planner metrics.

class Exporter {
public:
  void gauge(const std::string& name, double v) {
    std::lock_guard<std::mutex> l(m_);
    gauges_[name] = v;
  }
  void count(const std::string& name, const std::string& label, const std::string& value) {
    std::lock_guard<std::mutex> l(m_);
    counters_[name][label + "=\"" + value + "\""] += 1;
  }
  void healthy(bool h) {
    std::lock_guard<std::mutex> l(m_);
    healthy_ = h;
  }
  bool healthy() const {
    std::lock_guard<std::mutex> l(m_);
    return healthy_;
  }
  std::string render() const {
    std::lock_guard<std::mutex> l(m_);
    std::string o;
    for (const auto& [name, v] : gauges_) {
      o += "# TYPE " + name + " gauge\n" + name + " " + num(v) + "\n";
    }
    for (const auto& [name, series] : counters_) {
      o += "# TYPE " + name + " counter\n";
      for (const auto& [labels, v] : series) o += name + "{" + labels + "} " + num(v) + "\n";
    }
    return o;
  }

private:
  static std::string num(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    return shortest(v);
  }
  mutable std::mutex m_;
  std::map<std::string, double> gauges_;
  std::map<std::string, std::map<std::string, double>> counters_;
  bool healthy_ = true;
};

// ---------------------------------------------------------------------------------------------
// Logging: one record per interval.

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::string fmt(double v, int decimals = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void emit(LogFormat f, const nlohmann::json& rec, const std::string& text) {
  if (f == LogFormat::json) std::printf("%s\n", rec.dump().c_str());
  else std::printf("%s planner_run: %s\n", utc_now().c_str(), text.c_str());
  std::fflush(stdout);
}

nlohmann::json opt_json(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

// ---------------------------------------------------------------------------------------------
// Signals: SIGINT/SIGTERM are blocked in every thread and taken by one waiting thread, which
// wakes the main loop; the loop finishes its step and returns.

struct StopSignal {
  std::mutex m;
  std::condition_variable cv;
  bool stop = false;
  int signal = 0;
};

// ---------------------------------------------------------------------------------------------

struct Options {
  PlannerConfig planner;
  RunSettings run;
  LoadPolicyParams load;
};

Options options_from(const cxxopts::ParseResult& r) {
  Options o;
  SettingSources psrc, rsrc, lsrc;
  if (r.count("config")) {
    const std::string path = r["config"].as<std::string>();
    psrc.config_path = rsrc.config_path = lsrc.config_path = path;
    const nlohmann::json j = read_config_file(path);
    nlohmann::json pj = nlohmann::json::object(), rj = nlohmann::json::object(), lj = nlohmann::json::object();
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (find_setting(RunSettings::settings(), it.key())) rj[it.key()] = it.value();
      else if (find_setting(PlannerConfig::settings(), it.key())) pj[it.key()] = it.value();
      else if (find_setting(LoadPolicyParams::settings(), it.key())) lj[it.key()] = it.value();
      else throw std::invalid_argument(path + ": unknown key '" + it.key() + "'");
    }
    try {
      settings_from_json(pj, o.planner, PlannerConfig::settings(), "config", &psrc.from_file);
      settings_from_json(rj, o.run, RunSettings::settings(), "config", &rsrc.from_file);
      settings_from_json(lj, o.load, LoadPolicyParams::settings(), "config", &lsrc.from_file);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(path + ": " + e.what());
    }
  }
  psrc.from_flags = read_setting_flags(r, PlannerConfig::settings(), o.planner);
  rsrc.from_flags = read_setting_flags(r, RunSettings::settings(), o.run);
  lsrc.from_flags = read_setting_flags(r, LoadPolicyParams::settings(), o.load);
  validate_named(o.planner, PlannerConfig::settings(), psrc);
  validate_named(o.run, RunSettings::settings(), rsrc);
  validate_named(o.load, LoadPolicyParams::settings(), lsrc);
  return o;
}

std::unique_ptr<ReplicaConnector> make_connector(const RunSettings& s, const HttpOptions& http) {
  switch (s.environment) {
    case Environment::virtual_connector: {
      VirtualConnectorOptions vo;
      vo.dynamo_namespace = s.dynamo_namespace;
      vo.max_wait_s = s.max_wait_s;
      return std::make_unique<VirtualConnector>(EtcdClient(s.etcd_endpoints, http), vo);
    }
    case Environment::kubernetes: {
      KubernetesConnectorOptions ko;
      ko.graph_deployment_name = s.graph_deployment_name;
      ko.prefill_component_name = s.prefill_component_name;
      ko.decode_component_name = s.decode_component_name;
      KubernetesCredentials cred;
      if (s.kubeconfig.empty()) {
        try {
          cred = KubernetesCredentials::in_cluster();
        } catch (const std::runtime_error& e) {
          throw UsageError(std::string(e.what()) + "; give --kubeconfig");
        }
      } else {
        const std::string dir = s.kubeconfig.find('/') == std::string::npos ? "." : s.kubeconfig.substr(0, s.kubeconfig.rfind('/'));
        cred = KubernetesCredentials::from_kubeconfig(read_config_file(s.kubeconfig), s.kubeconfig, dir);
      }
      return std::make_unique<KubernetesConnector>(cred, ko);
    }
    case Environment::advisory: return std::make_unique<AdvisoryConnector>();
  }
  throw std::logic_error("unknown environment");
}

int run(int argc, char** argv) {
  cxxopts::Options opts("planner_run",
                        "Run the SLA planner against a live deployment: every adjustment interval read Dynamo's\n"
                        "frontend metrics from Prometheus, decide the prefill/decode worker counts, and apply\n"
                        "them through the chosen environment. Stops on SIGTERM/SIGINT after the current step.\n"
                        "TTFT and ITL are in milliseconds. Exit codes: 0 ok, 1 bad data, 2 bad usage.");
  opts.set_width(100);
  opts.add_options()("config", "Settings file (JSON or YAML; keys as the flags with underscores); flags override it",
                     cxxopts::value<std::string>())(
      "pre-swept-root", "Folder of the pre-swept tables", cxxopts::value<std::string>()->default_value(""))(
      "h,help", "Show this help");
  add_setting_flags(opts, "Run", RunSettings::settings());
  add_setting_flags(opts, "Planner", PlannerConfig::settings());
  add_setting_flags(opts, "Load policy", LoadPolicyParams::settings());
  const auto parsed = parse_command_line(opts, argc, argv);
  if (!parsed) return kOk;
  const cxxopts::ParseResult& r = *parsed;
  // SIGINT/SIGTERM blocked from here on (every thread inherits the mask); one thread takes them
  // with sigwait. A signal during start-up waits until the loop can stop cleanly.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  const Options o = options_from(r);
  const RunSettings& s = o.run;
  const PlannerConfig& c = o.planner;

  std::string root = r["pre-swept-root"].as<std::string>();
  if (root.empty()) root = default_pre_swept_root();
  const Profile profile = load_profile(s.profile_results_dir.empty() ? default_profile_dir() : s.profile_results_dir, root);
  LoadPolicyParams load = o.load;
  if (!(load.max_kv_tokens > 0)) load.max_kv_tokens = profile.decode.max_kv_tokens;  // the profile's engine
  // The attainment policy simulates the deployment with the replay's default model (vLLM's chunked
  // prefill and prefix caching, Dynamo's round-robin router) on this profile.
  const ProfilePerfModel perf(profile);
  ReplayOptions model_options;
  model_options.ttft_ms = c.ttft_ms;
  model_options.itl_ms = c.itl_ms;
  model_options.interval_s = c.adjustment_interval_s;
  model_options.startup_delay_s = s.startup_delay_s;
  model_options.prefill_model = PrefillModel::chunked;
  model_options.prefix_cache_tokens = static_cast<std::int64_t>(profile.decode.max_kv_tokens);
  model_options.router = PrefillRouter::round_robin;
  model_options.prefill_fixed_latency_ms = estimate_prefill_fixed_latency_ms(profile);
  const FleetSimulator<> model(ProfileServiceModel(perf), model_options,
                               PrefillCostModel(profile.prefill, model_options.prefill_fixed_latency_ms));
  PolicyParams params;
  params.load = load;
  params.attainment.attainment_target = s.attainment_target;
  params.attainment.max_scale_down = s.attainment_max_scale_down;
  std::unique_ptr<PlanningPolicy> policy = make_planning_policy(s.policy, c, perf, model, params);
  // Per-engine gauges: required by the load policy (no decision without them), used by the
  // attainment policy when present (a reported backlog).
  const bool needs_loads = s.policy == "load";
  const double tick_s = policy->tick_interval_s();

  HttpOptions http;
  http.connect_timeout_s = std::min(2.0, s.http_timeout_s);
  http.total_timeout_s = s.http_timeout_s;
  PrometheusClient prom(s.prometheus, http);
  const FrontendQueries queries(tick_s);
  const FrontendMetricsReader reader(s.model_name, s.dynamo_namespace);
  const WorkerMetricsReader worker_reader(s.model_name, s.dynamo_namespace, s.worker_kind_label, s.prefill_worker_kind,
                                          s.decode_worker_kind);
  double last_isl = 0;  // mean ISL of the last interval with requests (converts queued requests to tokens)
  std::unique_ptr<ReplicaConnector> connector = make_connector(s, http);

  StopSignal stop;
  std::atomic<bool> exiting{false}, sig_done{false};
  std::thread sig_thread([&] {
    int sig = 0;
    const bool got = sigwait(&sigs, &sig) == 0 && !exiting.load();
    sig_done = true;
    if (!got) return;
    std::lock_guard<std::mutex> l(stop.m);
    stop.stop = true;
    stop.signal = sig;
    stop.cv.notify_all();
  });

  Exporter exporter;
  httplib::Server server;
  std::thread server_thread;
  if (s.metrics_port > 0) {
    server.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
      res.set_content(exporter.render(), "text/plain; version=0.0.4");
    });
    server.Get("/healthz", [&](const httplib::Request&, httplib::Response& res) {
      const bool ok = exporter.healthy();
      res.status = ok ? 200 : 503;
      res.set_content(ok ? "ok\n" : "unhealthy\n", "text/plain");
    });
    // SO_REUSEADDR only: cpp-httplib's default also sets SO_REUSEPORT, which lets a second process
    // bind the same port silently.
    server.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const char*>(&yes), sizeof yes);
    });
    if (!server.bind_to_port("0.0.0.0", s.metrics_port)) {
      exiting = true;
      pthread_kill(sig_thread.native_handle(), SIGTERM);
      sig_thread.join();
      throw UsageError("--metrics-port " + std::to_string(s.metrics_port) + ": cannot listen (in use?)");
    }
    server_thread = std::thread([&] { server.listen_after_bind(); });
  }

  // However run() ends (a signal, or an exception below), the helper threads are stopped and joined.
  struct ThreadsGuard {
    std::thread& sig;
    std::atomic<bool>& exiting;
    std::atomic<bool>& sig_done;
    httplib::Server& server;
    std::thread& server_thread;
    ~ThreadsGuard() {
      if (server_thread.joinable()) {
        server.stop();
        server_thread.join();
      }
      if (sig.joinable()) {
        exiting = true;
        if (!sig_done.load()) pthread_kill(sig.native_handle(), SIGTERM);  // wakes sigwait
        sig.join();
      }
    }
  } guard{sig_thread, exiting, sig_done, server, server_thread};

  WorkerCounts current{s.start_num_p, s.start_num_d};
  exporter.gauge("dynamo_planner_num_p_workers", static_cast<double>(current.prefill));
  exporter.gauge("dynamo_planner_num_d_workers", static_cast<double>(current.decode));
  {
    nlohmann::json rec = {{"time", utc_now()}, {"event", "start"}, {"policy", policy->name()},
                          {"environment", connector->name()}, {"interval_s", tick_s},
                          {"prometheus", s.prometheus}, {"namespace", s.dynamo_namespace}, {"model", s.model_name}};
    emit(s.log_format, rec,
         "start: policy " + policy->name() + ", environment " + connector->name() + ", interval " +
             shortest(tick_s) + " s, Prometheus " + s.prometheus + ", namespace " + s.dynamo_namespace +
             ", model " + s.model_name);
  }

  using Clock = std::chrono::steady_clock;
  const auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(tick_s));
  auto next = Clock::now() + interval;
  long long step = 0;
  while (true) {
    {
      std::unique_lock<std::mutex> l(stop.m);
      stop.cv.wait_until(l, next, [&] { return stop.stop; });
      if (stop.stop) break;
    }
    ++step;
    nlohmann::json rec = {{"time", utc_now()}, {"interval", step}};
    std::string text = "interval " + std::to_string(step) + ": ";
    const FrontendAnswers answers = prom.fetch_frontend(queries);
    IntervalReading reading = reader.read(answers);
    if (reading.metrics && reading.metrics->isl && *reading.metrics->isl > 0) last_isl = *reading.metrics->isl;
    // The load policy also needs every engine's queue and KV use; without them, no decision.
    WorkerReading workers;
    if (reading.metrics && policy->wants_worker_loads()) {
      WorkerAnswers wa;
      wa.waiting = prom.query(WorkerMetricsReader::waiting_query());
      if (!(!wa.waiting.ok() && wa.waiting.error().kind == PrometheusErrorKind::transport)) {
        wa.running = prom.query(WorkerMetricsReader::running_query());
        wa.kv_usage = prom.query(WorkerMetricsReader::kv_usage_query());
      }
      workers = worker_reader.read(wa, last_isl, load.max_kv_tokens);
      if (workers.skip && needs_loads) {
        reading.skip = PrometheusError{workers.skip->kind, "per-engine metrics: " + workers.skip->message};
        reading.metrics.reset();
      }
    }
    if (!reading.metrics) {
      const PrometheusError& why = *reading.skip;
      rec["event"] = "skipped";
      rec["reason"] = to_string(why.kind);
      rec["message"] = why.message;
      rec["current"] = {{"prefill", current.prefill}, {"decode", current.decode}};
      text += "skipped (" + std::string(to_string(why.kind)) + "): " + why.message + "; fleet left at " +
              std::to_string(current.prefill) + "P" + std::to_string(current.decode) + "D";
      exporter.count("dynamo_planner_skipped_intervals_total", "reason", to_string(why.kind));
      exporter.healthy(why.kind != PrometheusErrorKind::transport);
      emit(s.log_format, rec, text);
    } else {
      exporter.healthy(true);
      const Metrics& m = *reading.metrics;
      rec["event"] = "decided";
      rec["observed"] = {{"num_req", opt_json(m.num_req)}, {"isl", opt_json(m.isl)}, {"osl", opt_json(m.osl)},
                         {"ttft_ms", opt_json(m.ttft_ms)}, {"itl_ms", opt_json(m.itl_ms)},
                         {"request_duration_s", opt_json(m.request_duration_s)}};
      text += "read num_req=" + fmt(m.num_req.value_or(0)) +
              (m.isl ? " isl=" + fmt(*m.isl, 1) + " osl=" + fmt(m.osl.value_or(0), 1) : std::string()) +
              (m.ttft_ms ? " ttft=" + fmt(*m.ttft_ms, 1) + "ms itl=" + fmt(m.itl_ms.value_or(0), 2) + "ms" : std::string());
      const double iv = tick_s;
      exporter.gauge("dynamo_planner_observed_request_rate", m.num_req.value_or(0) / iv);
      if (m.isl) exporter.gauge("dynamo_planner_observed_isl", *m.isl);
      if (m.osl) exporter.gauge("dynamo_planner_observed_osl", *m.osl);
      if (m.ttft_ms) exporter.gauge("dynamo_planner_observed_ttft", *m.ttft_ms);
      if (m.itl_ms) exporter.gauge("dynamo_planner_observed_itl", *m.itl_ms);
      if (m.request_duration_s) exporter.gauge("dynamo_planner_observed_request_duration", *m.request_duration_s);

      WorkerCounts ready = current;
      FleetObservation obs;
      if (policy->wants_worker_loads() && !workers.skip) {
        ready = {static_cast<long long>(workers.prefill.size()), static_cast<long long>(workers.decode.size())};
        obs = FleetObservation::from_metrics(m, iv, current, ready);
        obs.prefill_workers = workers.prefill;
        obs.decode_workers = workers.decode;
        double queued = 0, kv = 0;
        for (const WorkerLoad& w : workers.prefill) queued = std::max(queued, w.queued_requests);
        for (const WorkerLoad& w : workers.decode) kv = std::max(kv, w.scheduled_decode_kv_tokens / load.max_kv_tokens);
        rec["engines"] = {{"prefill", workers.prefill.size()}, {"decode", workers.decode.size()},
                          {"max_prefill_waiting", queued}, {"max_decode_kv_usage", kv}};
        text += " engines " + std::to_string(ready.prefill) + "P" + std::to_string(ready.decode) +
                "D (prefill waiting up to " + fmt(queued, 0) + ", decode KV up to " + fmt(100 * kv, 0) + "%)";
        exporter.gauge("dynamo_planner_reporting_p_workers", static_cast<double>(ready.prefill));
        exporter.gauge("dynamo_planner_reporting_d_workers", static_cast<double>(ready.decode));
      } else {
        obs = FleetObservation::from_metrics(m, iv, current, current);
      }
      obs.start_s = static_cast<double>(step - 1) * iv;  // the planner's own clock, in intervals
      // The interval's distributions, for policies that use them; means-only policies ignore them, so
      // a missing or differently bucketed histogram is left empty rather than skipping the interval.
      const struct {
        FrontendHistogram which;
        Histogram& into;
        std::optional<double> mean;
      } dists[] = {{FrontendHistogram::input_tokens, obs.isl, m.isl},
                   {FrontendHistogram::output_tokens, obs.osl, m.osl},
                   {FrontendHistogram::time_to_first_token, obs.ttft_s,
                    m.ttft_ms ? std::optional<double>(*m.ttft_ms / 1000.0) : std::nullopt},
                   {FrontendHistogram::inter_token_latency, obs.itl_s,
                    m.itl_ms ? std::optional<double>(*m.itl_ms / 1000.0) : std::nullopt}};
      nlohmann::json read_dists = nlohmann::json::array();
      for (const auto& dist : dists) {
        if (!(m.num_req.value_or(0) > 0)) break;
        PrometheusError why;
        const std::optional<TokenHistogram> h = reader.histogram(prom.query(queries.buckets(dist.which)), why);
        if (!h || h->upper_bounds.empty()) continue;
        const std::vector<double> bounds(h->upper_bounds.begin(), h->upper_bounds.end() - 1);
        if (bounds != dist.into.bounds) continue;
        dist.into.counts = h->bucket_counts();
        dist.into.count = h->total();
        dist.into.sum = dist.mean.value_or(0.0) * h->total();
        read_dists.push_back(FrontendQueries::metric_name(dist.which));
      }
      rec["distributions"] = read_dists;  // the histograms the policy was shown
      Decision d;
      try {
        d = policy->decide(obs);
      } catch (const std::exception& e) {
        // A planner failure on this interval's data: nothing is applied; the next interval tries again.
        rec["event"] = "error";
        rec["message"] = e.what();
        text += "; planner failed: " + std::string(e.what()) + "; fleet left at " + std::to_string(current.prefill) +
                "P" + std::to_string(current.decode) + "D";
        exporter.count("dynamo_planner_skipped_intervals_total", "reason", "planner_error");
        emit(s.log_format, rec, text);
        next += interval;
        if (next <= Clock::now()) next = Clock::now() + interval;
        continue;
      }
      // The planner keeps to the budget; this guard makes sure nothing above it is ever applied.
      if (c.has_budget() && c.gpus(d.num_prefill, d.num_decode) > c.max_gpu_budget) {
        rec["event"] = "refused";
        text += "; decision prefill " + std::to_string(d.num_prefill) + ", decode " + std::to_string(d.num_decode) +
                " exceeds the GPU budget; not applied";
        exporter.count("dynamo_planner_decisions_total", "outcome", "refused");
        emit(s.log_format, rec, text);
      } else {
        rec["decision"] = {{"prefill", d.num_prefill}, {"decode", d.num_decode}, {"gpus", d.gpus},
                           {"predicted_num_req", d.predicted_num_req}, {"predicted_isl", d.predicted_isl},
                           {"predicted_osl", d.predicted_osl}, {"prefill_tokens_per_s", d.prefill_tokens_per_s},
                           {"prefill_engine_capacity", d.prefill_engine_capacity},
                           {"decode_tokens_per_s", d.decode_tokens_per_s},
                           {"decode_engine_capacity", d.decode_engine_capacity},
                           {"prefill_correction", d.prefill_correction}, {"decode_correction", d.decode_correction},
                           {"budget_limited", d.budget_limited}, {"notes", d.notes}};
        if (s.policy != "throughput") {
          std::string why;
          for (const std::string& n : d.notes) why += (why.empty() ? "" : "; ") + n;
          text += "; decided " + std::to_string(d.num_prefill) + "P" + std::to_string(d.num_decode) + "D (" + why + ")";
        } else {
          text += "; decided " + std::to_string(d.num_prefill) + "P" + std::to_string(d.num_decode) + "D (predicted " +
                  fmt(d.predicted_num_req) + " req, prefill " + fmt(d.prefill_tokens_per_s, 0) + " tok/s over " +
                  fmt(d.prefill_engine_capacity, 0) + " per engine, decode " + fmt(d.decode_tokens_per_s, 0) +
                  " tok/s over " + fmt(d.decode_engine_capacity, 0) + " per engine" +
                  (d.budget_limited ? ", GPU budget applied" : "") + ")";
        }
        const ScaleResult res = connector->set_replicas(static_cast<int>(d.num_prefill), static_cast<int>(d.num_decode));
        rec["applied"] = {{"outcome", to_string(res.outcome)}, {"message", res.message}};
        text += "; " + std::string(to_string(res.outcome)) + ": " + res.message;
        if (res.outcome == ScaleOutcome::applied || res.outcome == ScaleOutcome::unchanged ||
            res.outcome == ScaleOutcome::advisory)
          current = {d.num_prefill, d.num_decode};
        exporter.count("dynamo_planner_decisions_total", "outcome", to_string(res.outcome));
        // The forecast is per throughput interval (the load policy's floor runs on its own interval).
        const double forecast_s = !needs_loads ? iv
                                  : load.throughput_interval_s > 0 ? load.throughput_interval_s
                                                                   : c.adjustment_interval_s;
        exporter.gauge("dynamo_planner_predicted_request_rate", d.predicted_num_req / forecast_s);
        exporter.gauge("dynamo_planner_predicted_isl", d.predicted_isl);
        exporter.gauge("dynamo_planner_predicted_osl", d.predicted_osl);
        exporter.gauge("dynamo_planner_predicted_num_p", static_cast<double>(d.num_prefill));
        exporter.gauge("dynamo_planner_predicted_num_d", static_cast<double>(d.num_decode));
        exporter.gauge("dynamo_planner_p_correction_factor", d.prefill_correction);
        exporter.gauge("dynamo_planner_d_correction_factor", d.decode_correction);
        emit(s.log_format, rec, text);
      }
    }
    exporter.gauge("dynamo_planner_num_p_workers", static_cast<double>(current.prefill));
    exporter.gauge("dynamo_planner_num_d_workers", static_cast<double>(current.decode));
    exporter.gauge("dynamo_planner_last_interval_timestamp_seconds",
                   std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
    next += interval;
    const auto now = Clock::now();
    if (next <= now) next = now + interval;  // a step took longer than an interval: do not catch up
  }

  {
    nlohmann::json rec = {{"time", utc_now()}, {"event", "stop"}, {"signal", stop.signal}, {"intervals", step}};
    emit(s.log_format, rec,
         "stop: signal " + std::to_string(stop.signal) + " after " + std::to_string(step) + " interval(s)");
  }
  return kOk;  // the guard stops the HTTP server and joins the signal thread (it has returned)
}

}  // namespace

int main(int argc, char** argv) {
  return sla_tools::run_main("planner_run", [&] { return run(argc, argv); });
}
