// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// What one HTTP request gave: a status and a body, or why there was no answer.
#pragma once

#include <string>

namespace sla_planner {

/// Why a request got no HTTP answer.
enum class HttpErrorKind {
  none,       ///< there is an answer (any status)
  connect,    ///< could not connect (refused, unreachable, DNS)
  timeout,    ///< a time-out passed (connect or total)
  too_large,  ///< the answer exceeded HttpOptions::max_body_bytes
  other,      ///< any other transfer failure (TLS, protocol, bad URL)
};

/// The outcome of one request. When error == none, status and body are the answer's (any status,
/// 404 and 500 included); otherwise message says what failed, naming the method and URL.
struct HttpResult {
  HttpErrorKind error = HttpErrorKind::none;  ///< none when an answer arrived
  long status = 0;                            ///< HTTP status code (0 without an answer)
  std::string body;                           ///< answer body
  std::string message;                        ///< one line describing the failure

  /// An answer arrived (whatever its status).
  bool answered() const noexcept { return error == HttpErrorKind::none; }
  /// An answer with a 2xx status arrived.
  bool ok() const noexcept { return answered() && status >= 200 && status < 300; }
};

}  // namespace sla_planner
