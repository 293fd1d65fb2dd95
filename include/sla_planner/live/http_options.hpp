// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Settings of HttpClient (libcurl): time-outs, answer size limit, TLS files.
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>

namespace sla_planner {

/// How HttpClient connects. Time-outs are in seconds; 0 is not allowed (no request may hang).
struct HttpOptions {
  /// Longest wait for the TCP (and TLS) connection, seconds.
  double connect_timeout_s = 2.0;
  /// Longest time for the whole request, connection included, seconds.
  double total_timeout_s = 10.0;
  /// Answers larger than this many bytes are abandoned with an error.
  std::size_t max_body_bytes = 64u << 20;
  /// PEM file of the certificate authorities to trust for https (empty: the system's).
  std::string ca_file;
  /// PEM client certificate and key for https client authentication (both or neither).
  std::string client_cert_file;
  std::string client_key_file;  ///< PEM private key of client_cert_file
  /// The same three as PEM text in memory (e.g. from a kubeconfig's *-data fields); used
  /// instead of the corresponding file when not empty.
  std::string ca_pem;
  std::string client_cert_pem;  ///< PEM client certificate
  std::string client_key_pem;   ///< PEM private key of client_cert_pem
  /// Skip TLS certificate verification (only for tests and trusted networks).
  bool insecure_skip_tls_verify = false;

  /// Throws std::invalid_argument naming the first bad field.
  void validate() const {
    check_seconds("connect_timeout_s", connect_timeout_s);
    check_seconds("total_timeout_s", total_timeout_s);
    if (max_body_bytes < 1) throw std::invalid_argument("'max_body_bytes' must be >= 1, got 0");
    const bool cert = !client_cert_file.empty() || !client_cert_pem.empty();
    const bool key = !client_key_file.empty() || !client_key_pem.empty();
    if (cert != key) throw std::invalid_argument("'client_cert_file' and 'client_key_file' must be given together");
  }

private:
  static void check_seconds(const char* name, double v) {
    if (!std::isfinite(v) || v < 0.001 || v > 86400)
      throw std::invalid_argument(std::string("'") + name + "' must be in [0.001, 86400] seconds, got " +
                                  std::to_string(v));
  }
};

}  // namespace sla_planner
