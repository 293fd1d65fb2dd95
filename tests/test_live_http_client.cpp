// HttpClient (libcurl) against a local server: status and body, headers and bodies sent,
// refused connections, time-outs, the body size limit, URL encoding, option validation.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "live_test_server.hpp"
#include "sla_planner/live/http_client.hpp"

using namespace sla_planner;
using sla_planner::test::LocalServer;

TEST_CASE("GET returns any status with its body; POST sends body, content type and headers") {
  LocalServer s;
  s.server.Get("/ok", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content("hello " + req.get_header_value("X-Test"), "text/plain");
  });
  s.server.Get("/missing", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content("not here", "text/plain");
  });
  std::string seen_body, seen_type, seen_method;
  s.server.Post("/echo", [&](const httplib::Request& req, httplib::Response& res) {
    seen_body = req.body;
    seen_type = req.get_header_value("Content-Type");
    seen_method = req.method;
    res.status = 201;
    res.set_content("{}", "application/json");
  });
  s.server.Patch("/patch", [&](const httplib::Request& req, httplib::Response& res) {
    seen_body = req.body;
    seen_type = req.get_header_value("Content-Type");
    seen_method = req.method;
    res.set_content("patched", "text/plain");
  });
  s.start();

  HttpClient c;
  HttpResult r = c.get(s.url() + "/ok", {"X-Test: 42"});
  CHECK(r.ok());
  CHECK(r.status == 200);
  CHECK(r.body == "hello 42");

  r = c.get(s.url() + "/missing");
  CHECK(r.answered());
  CHECK_FALSE(r.ok());
  CHECK(r.status == 404);
  CHECK(r.body == "not here");

  r = c.post(s.url() + "/echo", R"({"key":"a2V5"})", "application/json");
  CHECK(r.ok());
  CHECK(r.status == 201);
  CHECK(seen_method == "POST");
  CHECK(seen_body == R"({"key":"a2V5"})");
  CHECK(seen_type == "application/json");

  const std::string patch = R"({"spec":{"replicas":3}})";
  r = c.request("PATCH", s.url() + "/patch", &patch, {"Content-Type: application/merge-patch+json"});
  CHECK(r.ok());
  CHECK(r.body == "patched");
  CHECK(seen_method == "PATCH");
  CHECK(seen_body == patch);
  CHECK(seen_type == "application/merge-patch+json");

  // the handle is reused: a GET after a POST is a GET again
  r = c.get(s.url() + "/ok", {"X-Test: again"});
  CHECK(r.body == "hello again");
}

TEST_CASE("a refused connection is a connect error naming method and URL") {
  int port = 0;
  {
    LocalServer gone;  // bound, then closed: nothing listens on this port any more
    port = gone.port();
  }
  HttpClient c;
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/x";
  const HttpResult r = c.get(url);
  CHECK_FALSE(r.answered());
  INFO(r.message);
  CHECK(r.error == HttpErrorKind::connect);
  CHECK(r.status == 0);
  CHECK(r.message.rfind("GET " + url + ": Failed to connect to 127.0.0.1 port " + std::to_string(port), 0) == 0);
}

TEST_CASE("a slow answer ends at the total time-out") {
  LocalServer s;
  s.server.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    res.set_content("late", "text/plain");
  });
  s.start();
  HttpOptions o;
  o.total_timeout_s = 0.3;
  HttpClient c(o);
  const auto t0 = std::chrono::steady_clock::now();
  const HttpResult r = c.get(s.url() + "/slow");
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(r.error == HttpErrorKind::timeout);
  CHECK(r.message.rfind("GET " + s.url() + "/slow: Operation timed out after ", 0) == 0);
  CHECK(took < 1.2);
}

TEST_CASE("an answer beyond max_body_bytes is abandoned") {
  LocalServer s;
  s.server.Get("/big", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(100000, 'x'), "text/plain");
  });
  s.start();
  HttpOptions o;
  o.max_body_bytes = 1000;
  HttpClient c(o);
  const HttpResult r = c.get(s.url() + "/big");
  CHECK(r.error == HttpErrorKind::too_large);
  CHECK(r.body.empty());
  CHECK(r.message == "GET " + s.url() + "/big: answer larger than 1000 bytes");
}

TEST_CASE("a URL libcurl cannot use is an error, not an exception") {
  HttpClient c;
  const HttpResult r = c.get("ftp://127.0.0.1/x");
  CHECK(r.error == HttpErrorKind::other);
  CHECK(r.message.rfind("GET ftp://127.0.0.1/x: ", 0) == 0);
}

TEST_CASE("url_encode keeps unreserved characters and percent-encodes the rest") {
  CHECK(HttpClient::url_encode("abc-XYZ_0.9~") == "abc-XYZ_0.9~");
  CHECK(HttpClient::url_encode("increase(x[60s]) / y{a=\"b\"}") ==
        "increase%28x%5B60s%5D%29%20%2F%20y%7Ba%3D%22b%22%7D");
  CHECK(HttpClient::url_encode("+&%\xC3\xA9") == "%2B%26%25%C3%A9");
}

TEST_CASE("options are validated") {
  HttpOptions o;
  o.connect_timeout_s = 0;
  CHECK_THROWS_WITH(HttpClient(o), "'connect_timeout_s' must be in [0.001, 86400] seconds, got 0.000000");
  o = HttpOptions{};
  o.total_timeout_s = -1;
  CHECK_THROWS_WITH(o.validate(), "'total_timeout_s' must be in [0.001, 86400] seconds, got -1.000000");
  o = HttpOptions{};
  o.max_body_bytes = 0;
  CHECK_THROWS_WITH(o.validate(), "'max_body_bytes' must be >= 1, got 0");
  o = HttpOptions{};
  o.client_cert_file = "c.pem";
  CHECK_THROWS_WITH(o.validate(), "'client_cert_file' and 'client_key_file' must be given together");
}

namespace {
std::string tls(const std::string& name) { return std::string(SLA_PLANNER_TEST_DATA_DIR) + "/tls/" + name; }
std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("https with a private CA and a client certificate, from files or from memory") {
  using sla_planner::test::BasicLocalServer;
  // the server demands a client certificate signed by the test CA
  BasicLocalServer<httplib::SSLServer> s(tls("server.crt").c_str(), tls("server.key").c_str(), tls("ca.crt").c_str());
  s.server.Get("/who", [](const httplib::Request&, httplib::Response& res) { res.set_content("tls ok", "text/plain"); });
  s.start();

  HttpOptions files;
  files.ca_file = tls("ca.crt");
  files.client_cert_file = tls("client.crt");
  files.client_key_file = tls("client.key");
  HttpResult r = HttpClient(files).get(s.url() + "/who");
  CHECK(r.ok());
  CHECK(r.body == "tls ok");

  HttpOptions memory;
  memory.ca_pem = read_file(tls("ca.crt"));
  memory.client_cert_pem = read_file(tls("client.crt"));
  memory.client_key_pem = read_file(tls("client.key"));
  r = HttpClient(memory).get(s.url() + "/who");
  CHECK(r.ok());
  CHECK(r.body == "tls ok");

  HttpOptions no_ca = memory;  // the server's certificate is not trusted by the system's CAs
  no_ca.ca_pem.clear();
  r = HttpClient(no_ca).get(s.url() + "/who");
  CHECK(r.error == HttpErrorKind::other);
  INFO(r.message);
  CHECK(r.message.find("certificate") != std::string::npos);

  no_ca.insecure_skip_tls_verify = true;
  CHECK(HttpClient(no_ca).get(s.url() + "/who").ok());

  HttpOptions no_client_cert;
  no_client_cert.ca_pem = memory.ca_pem;
  r = HttpClient(no_client_cert).get(s.url() + "/who");
  CHECK_FALSE(r.ok());
}
