// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// etcd v3 through its gRPC JSON gateway (etcd documentation "Why gRPC gateway": POST
// /v3/kv/put, /v3/kv/range, /v3/kv/txn with JSON bodies; keys and values are base64, the proto3
// JSON mapping of "bytes"; 64-bit integers are JSON strings). Works with etcd 3.4 and later.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sla_planner/live/detail/base64.hpp"
#include "sla_planner/live/etcd_result.hpp"
#include "sla_planner/live/http_client.hpp"

namespace sla_planner {

/// A blocking etcd v3 key-value client over HTTP. Not thread-safe (owns one HttpClient).
class EtcdClient {
public:
  /// \param endpoint e.g. "http://localhost:2379" (a trailing '/' is ignored)
  explicit EtcdClient(std::string endpoint, HttpOptions options = {})
      : endpoint_(std::move(endpoint)), http_(std::move(options)) {
    while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
    if (endpoint_.rfind("http://", 0) != 0 && endpoint_.rfind("https://", 0) != 0)
      throw std::invalid_argument("'etcd_endpoints' must start with http:// or https://, got '" + endpoint_ + "'");
  }

  const std::string& endpoint() const noexcept { return endpoint_; }

  /// Writes one key.
  EtcdResult put(const std::string& key, const std::string& value) {
    const nlohmann::json body = {{"key", detail::base64_encode(key)}, {"value", detail::base64_encode(value)}};
    return call("put " + key, "/v3/kv/put", body);
  }

  /// Writes several keys in one transaction: all of them or none become visible.
  EtcdResult put_all(const std::vector<std::pair<std::string, std::string>>& kvs) {
    nlohmann::json ops = nlohmann::json::array();
    std::string what = "put";
    for (const auto& [k, v] : kvs) {
      ops.push_back({{"request_put", {{"key", detail::base64_encode(k)}, {"value", detail::base64_encode(v)}}}});
      what += " " + k;
    }
    const nlohmann::json body = {{"compare", nlohmann::json::array()}, {"success", ops}};
    return call(what, "/v3/kv/txn", body);
  }

  /// Reads one key; result.kvs is empty when the key does not exist.
  EtcdResult get(const std::string& key) {
    return call("get " + key, "/v3/kv/range", {{"key", detail::base64_encode(key)}});
  }

  /// Reads every key starting with `prefix`.
  EtcdResult get_prefix(const std::string& prefix) {
    nlohmann::json body = {{"key", detail::base64_encode(prefix)}};
    body["range_end"] = detail::base64_encode(prefix_end(prefix));
    return call("get " + prefix + "*", "/v3/kv/range", body);
  }

  /// The smallest key greater than every key with this prefix (etcd's "range_end" for a prefix);
  /// "\0" (all keys) when the prefix is empty or all 0xFF bytes.
  static std::string prefix_end(std::string prefix) {
    while (!prefix.empty()) {
      if (static_cast<unsigned char>(prefix.back()) < 0xFF) {
        prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
        return prefix;
      }
      prefix.pop_back();
    }
    return std::string(1, '\0');
  }

private:
  EtcdResult call(const std::string& what, const std::string& path, const nlohmann::json& body) {
    EtcdResult out;
    const HttpResult r = http_.post(endpoint_ + path, body.dump(), "application/json");
    if (!r.answered()) {
      out.error = "etcd " + what + ": " + r.message;
      return out;
    }
    nlohmann::json doc = nlohmann::json::parse(r.body, nullptr, false);
    if (!r.ok()) {
      std::string why = r.body.substr(0, 200);
      if (doc.is_object()) {
        if (const auto m = doc.find("message"); m != doc.end() && m->is_string()) why = m->get<std::string>();
        else if (const auto e = doc.find("error"); e != doc.end() && e->is_string()) why = e->get<std::string>();
      }
      for (char& c : why)
        if (c == '\n' || c == '\r') c = ' ';
      out.error = "etcd " + what + ": HTTP " + std::to_string(r.status) + (why.empty() ? "" : ": " + why);
      return out;
    }
    if (!doc.is_object()) {
      out.error = "etcd " + what + ": the answer is not a JSON object";
      return out;
    }
    if (const auto h = doc.find("header"); h != doc.end() && h->is_object())
      if (const auto rev = h->find("revision"); rev != h->end()) out.revision = to_int(*rev);
    if (const auto kvs = doc.find("kvs"); kvs != doc.end() && kvs->is_array()) {
      for (const auto& kv : *kvs) {
        if (!kv.is_object()) continue;
        const auto k = kv.find("key");
        if (k == kv.end() || !k->is_string()) continue;
        const auto key = detail::base64_decode(k->get<std::string>());
        std::optional<std::string> value = std::string();  // an empty value is omitted by the gateway
        if (const auto v = kv.find("value"); v != kv.end() && v->is_string())
          value = detail::base64_decode(v->get<std::string>());
        if (!key || !value) {
          out.error = "etcd " + what + ": a key or value is not valid base64";
          out.kvs.clear();
          return out;
        }
        out.kvs[*key] = *value;
      }
    }
    return out;
  }

  /// proto3 JSON writes int64 as a string; accept a number too.
  static long long to_int(const nlohmann::json& v) {
    if (v.is_number_integer()) return v.get<long long>();
    if (v.is_string()) {
      try {
        return std::stoll(v.get<std::string>());
      } catch (...) {
      }
    }
    return 0;
  }

  std::string endpoint_;
  HttpClient http_;
};

}  // namespace sla_planner
