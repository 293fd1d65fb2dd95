// A local HTTP server for the live-planner tests (cpp-httplib): binds 127.0.0.1 on a free port,
// serves from a background thread, stops when destroyed.
#pragma once

#include <httplib.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace sla_planner::test {

class LocalServer {
public:
  LocalServer() {
    // Short keep-alive so stop() does not wait long for idle client connections.
    server.set_keep_alive_timeout(1);
    port_ = server.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("cannot bind a local port");
    // The socket already listens: connections queue until the accept loop starts.
  }
  ~LocalServer() { stop(); }
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

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
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  httplib::Server server;

private:
  int port_ = 0;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace sla_planner::test
