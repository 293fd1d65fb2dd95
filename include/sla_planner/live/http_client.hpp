// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// A small blocking HTTP/1.1 client on libcurl's easy interface (https://curl.se/libcurl/c/),
// with connect and total time-outs, a body size limit, and one connection reused across requests.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sla_planner/live/http_options.hpp"
#include "sla_planner/live/http_result.hpp"

namespace sla_planner {

/// Blocking HTTP client. One instance is not safe to use from two threads at once; use one per
/// thread. Never throws for network failures: they come back as an HttpResult with an error.
class HttpClient {
public:
  explicit HttpClient(HttpOptions options = {}) : options_(std::move(options)) {
    options_.validate();
    static const bool global_init = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (!global_init) throw std::runtime_error("libcurl initialisation failed");
    handle_.reset(curl_easy_init());
    if (!handle_) throw std::runtime_error("libcurl: cannot create a handle");
  }

  const HttpOptions& options() const noexcept { return options_; }

  /// GET url. `headers` are whole header lines, e.g. "Authorization: Bearer x".
  HttpResult get(const std::string& url, const std::vector<std::string>& headers = {}) {
    return request("GET", url, nullptr, headers);
  }

  /// POST body with the given Content-Type.
  HttpResult post(const std::string& url, const std::string& body, const std::string& content_type,
                  std::vector<std::string> headers = {}) {
    headers.push_back("Content-Type: " + content_type);
    return request("POST", url, &body, headers);
  }

  /// Any method; body may be null (no body sent).
  HttpResult request(const std::string& method, const std::string& url, const std::string* body,
                     const std::vector<std::string>& headers) {
    CURL* h = handle_.get();
    curl_easy_reset(h);  // keeps the connection cache, drops the previous request's settings
    HttpResult result;
    Transfer t{&result.body, options_.max_body_bytes, false};
    char errbuf[CURL_ERROR_SIZE] = {0};

    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> list(nullptr, curl_slist_free_all);
    for (const auto& line : headers) {
      curl_slist* next = curl_slist_append(list.get(), line.c_str());
      if (!next) throw std::bad_alloc();
      list.release();
      list.reset(next);
    }
    // Never send "Expect: 100-continue" (adds a round trip, and some gateways mishandle it).
    {
      curl_slist* next = curl_slist_append(list.get(), "Expect:");
      if (!next) throw std::bad_alloc();
      list.release();
      list.reset(next);
    }

    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, to_ms(options_.connect_timeout_s));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, to_ms(options_.total_timeout_s));
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &HttpClient::on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list.get());
    curl_easy_setopt(h, CURLOPT_USERAGENT, "sla_planner");
    if (method == "GET") {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    if (body) {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    }
    if (!options_.ca_pem.empty()) {
      curl_blob b{const_cast<char*>(options_.ca_pem.data()), options_.ca_pem.size(), CURL_BLOB_COPY};
      curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &b);
    } else if (!options_.ca_file.empty()) {
      curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
    }
    if (!options_.client_cert_pem.empty()) {
      curl_blob b{const_cast<char*>(options_.client_cert_pem.data()), options_.client_cert_pem.size(), CURL_BLOB_COPY};
      curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &b);
    } else if (!options_.client_cert_file.empty()) {
      curl_easy_setopt(h, CURLOPT_SSLCERT, options_.client_cert_file.c_str());
    }
    if (!options_.client_key_pem.empty()) {
      curl_blob b{const_cast<char*>(options_.client_key_pem.data()), options_.client_key_pem.size(), CURL_BLOB_COPY};
      curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &b);
    } else if (!options_.client_key_file.empty()) {
      curl_easy_setopt(h, CURLOPT_SSLKEY, options_.client_key_file.c_str());
    }
    if (options_.insecure_skip_tls_verify) {
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }

    const CURLcode rc = curl_easy_perform(h);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    if (rc == CURLE_OK) {
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &result.status);
      return result;
    }
    result.body.clear();
    result.status = 0;
    const std::string detail = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
    if (t.too_large) {
      result.error = HttpErrorKind::too_large;
      result.message = method + " " + url + ": answer larger than " + std::to_string(options_.max_body_bytes) + " bytes";
      return result;
    }
    switch (rc) {
      case CURLE_OPERATION_TIMEDOUT: result.error = HttpErrorKind::timeout; break;
      case CURLE_COULDNT_CONNECT:
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_RESOLVE_PROXY: result.error = HttpErrorKind::connect; break;
      default: result.error = HttpErrorKind::other; break;
    }
    result.message = method + " " + url + ": " + detail;
    return result;
  }

  /// Percent-encoding of a query parameter value (RFC 3986: all but A-Z a-z 0-9 - . _ ~).
  static std::string url_encode(std::string_view s) {
    static const char hex[] = "0123456789ABCDEF";
    std::string r;
    r.reserve(s.size() * 3);
    for (unsigned char c : s) {
      const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                         c == '.' || c == '_' || c == '~';
      if (plain) {
        r += static_cast<char>(c);
      } else {
        r += '%';
        r += hex[c >> 4];
        r += hex[c & 15];
      }
    }
    return r;
  }

private:
  struct Transfer {
    std::string* body;
    std::size_t limit;
    bool too_large;
  };

  static std::size_t on_data(char* data, std::size_t size, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t bytes = size * n;
    if (t->body->size() + bytes > t->limit) {
      t->too_large = true;
      return 0;  // makes libcurl abort the transfer
    }
    try {
      t->body->append(data, bytes);
    } catch (...) {
      return 0;
    }
    return bytes;
  }

  static long to_ms(double s) { return static_cast<long>(s * 1000.0 + 0.5); }

  struct CurlDeleter {
    void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
  };

  HttpOptions options_;
  std::unique_ptr<CURL, CurlDeleter> handle_;
};

}  // namespace sla_planner
