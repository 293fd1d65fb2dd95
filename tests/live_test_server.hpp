// A local HTTP(S) server for the live-planner tests (cpp-httplib): binds 127.0.0.1 on a free
// port, serves from a background thread, stops when destroyed.
#pragma once

#include <httplib.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

namespace sla_planner::test {

/// S is httplib::Server or httplib::SSLServer; constructor arguments are passed on to S.
template <class S>
class BasicLocalServer {
public:
  template <class... Args>
  explicit BasicLocalServer(Args&&... args) : server(std::forward<Args>(args)...) {
    if (!server.is_valid()) throw std::runtime_error("cannot create the local server (TLS files?)");
    // Short keep-alive so stop() does not wait long for idle client connections.
    server.set_keep_alive_timeout(1);
    port_ = server.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("cannot bind a local port");
    // The socket already listens: connections queue until the accept loop starts.
  }
  ~BasicLocalServer() { stop(); }
  BasicLocalServer(const BasicLocalServer&) = delete;
  BasicLocalServer& operator=(const BasicLocalServer&) = delete;

  /// Start serving (register handlers on `server` first).
  void start() {
    thread_ = std::thread([this] { server.listen_after_bind(); });
  }
  /// Stop serving and close the port (also when start() was never called: httplib closes its
  /// listening socket only from a running server).
  void stop() {
    if (stopped_) return;
    stopped_ = true;
    if (!thread_.joinable()) start();
    for (int i = 0; i < 500 && !server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    server.stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::string url() const {
    return std::string(std::is_same_v<S, httplib::Server> ? "http" : "https") + "://127.0.0.1:" + std::to_string(port_);
  }

  S server;

private:
  int port_ = 0;
  bool stopped_ = false;
  std::thread thread_;
};

using LocalServer = BasicLocalServer<httplib::Server>;

}  // namespace sla_planner::test
