// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Dynamo's virtual connector: scaling decisions are written to etcd for an external environment
// (one written for Dynamo's VirtualConnectorClient) to carry out. Follows
// ai-dynamo/dynamo lib/bindings/python/rust/planner.rs (VirtualConnectorCoordinator, commit
// 2d641f38e69587cff55f04a97461d43658673d09) and components/src/dynamo/planner/virtual_connector.py
// (commit 052e08810daac19d6bf4b7357ed66841d670818f):
//  - keys under "v1/{namespace}/planner/": num_prefill_workers, num_decode_workers, decision_id
//    (decimal text); the environment writes scaled_decision_id when it has carried one out;
//  - decision ids count up from 0, continuing from the decision_id found in etcd at start;
//  - a request equal to the last written counts is not a new decision;
//  - the previous decision is done when scaled_decision_id >= decision_id (or there is none);
//  - while it is not done a new decision is held back, until max_wait_s has passed since the
//    first held-back request; then it is written anyway.
// Differences: the three keys are written in one etcd transaction (the environment never sees
// counts without their decision id), and the in-memory state (and the held-back timer) changes
// only after etcd accepted the write, so a failed write is retried whole at the next request.
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "sla_planner/live/etcd_client.hpp"
#include "sla_planner/live/replica_connector.hpp"
#include "sla_planner/live/virtual_connector_options.hpp"

namespace sla_planner {

class VirtualConnector final : public ReplicaConnector {
public:
  /// Seconds on a monotonic clock; replaceable for tests.
  using Clock = std::function<double()>;

  VirtualConnector(EtcdClient etcd, VirtualConnectorOptions options, Clock clock = steady_seconds)
      : etcd_(std::move(etcd)), options_(std::move(options)), clock_(std::move(clock)) {
    options_.validate();
    prefix_ = "v1/" + options_.dynamo_namespace + "/planner/";
  }

  /// The etcd key of one field, e.g. key("decision_id") == "v1/dynamo/planner/decision_id".
  std::string key(const std::string& field) const { return prefix_ + field; }

  ScaleResult set_replicas(int prefill, int decode) override {
    if (prefill < 0 || decode < 0)
      return {ScaleOutcome::failed, "replica counts must be >= 0, got prefill " + std::to_string(prefill) +
                                        ", decode " + std::to_string(decode)};
    if (!loaded_) {
      if (auto err = load(); !err.empty()) return {ScaleOutcome::failed, err};
    }
    const std::string counts = "prefill " + std::to_string(prefill) + ", decode " + std::to_string(decode);
    if (prefill == prefill_ && decode == decode_) return {ScaleOutcome::unchanged, "no change: " + counts};

    std::string note;
    if (decision_id_) {
      std::string err;
      const bool done = acknowledged(err);
      if (!err.empty()) return {ScaleOutcome::failed, err};
      if (!done) {
        const double now = clock_();
        if (!first_held_) first_held_ = now;
        const double waited = now - *first_held_;
        if (waited < options_.max_wait_s)
          return {ScaleOutcome::waiting, "decision " + std::to_string(*decision_id_) + " not acknowledged yet (waited " +
                                             seconds(waited) + " of " + seconds(options_.max_wait_s) + "); " + counts +
                                             " held back"};
        note = " (decision " + std::to_string(*decision_id_) + " not acknowledged after " + seconds(waited) +
               "; written anyway)";
      }
    }
    const long long id = decision_id_ ? *decision_id_ + 1 : 0;
    const EtcdResult r = etcd_.put_all({{key("num_prefill_workers"), std::to_string(prefill)},
                                        {key("num_decode_workers"), std::to_string(decode)},
                                        {key("decision_id"), std::to_string(id)}});
    if (!r.ok()) return {ScaleOutcome::failed, r.error};
    prefill_ = prefill;
    decode_ = decode;
    decision_id_ = id;
    first_held_.reset();
    return {ScaleOutcome::applied, "decision " + std::to_string(id) + ": " + counts + note};
  }

  bool last_change_done() override {
    if (!loaded_ && !load().empty()) return false;
    if (!decision_id_) return true;
    std::string err;
    return acknowledged(err);
  }

  const char* name() const noexcept override { return "virtual"; }

  /// The last decision id written or found in etcd (nullopt before the first).
  std::optional<long long> decision_id() const noexcept { return decision_id_; }
  int prefill() const noexcept { return prefill_; }  ///< last written prefill count (-1: unknown)
  int decode() const noexcept { return decode_; }    ///< last written decode count (-1: unknown)

  static double steady_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }

private:
  /// Reads the state a previous planner left in etcd; "" on success, else the error.
  std::string load() {
    const EtcdResult r = etcd_.get_prefix(prefix_);
    if (!r.ok()) return r.error;
    // Unparsable values: counts become 0 and the decision id unset, as Dynamo does.
    if (const auto it = r.kvs.find(key("num_prefill_workers")); it != r.kvs.end())
      prefill_ = static_cast<int>(parse_count(it->second).value_or(0));
    if (const auto it = r.kvs.find(key("num_decode_workers")); it != r.kvs.end())
      decode_ = static_cast<int>(parse_count(it->second).value_or(0));
    if (const auto it = r.kvs.find(key("decision_id")); it != r.kvs.end()) decision_id_ = parse_count(it->second);
    loaded_ = true;
    return "";
  }

  /// Whether scaled_decision_id >= decision_id; on an etcd failure sets err and returns false.
  bool acknowledged(std::string& err) {
    const EtcdResult r = etcd_.get(key("scaled_decision_id"));
    if (!r.ok()) {
      err = r.error;
      return false;
    }
    const auto it = r.kvs.find(key("scaled_decision_id"));
    if (it == r.kvs.end()) return false;
    const auto scaled = parse_count(it->second);
    return scaled && *scaled >= *decision_id_;
  }

  /// A non-negative decimal integer below 2^31, else nullopt.
  static std::optional<long long> parse_count(const std::string& s) {
    if (s.empty() || s.size() > 10) return std::nullopt;
    long long v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    if (v > 2147483647LL) return std::nullopt;
    return v;
  }

  static std::string seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f s", s);
    return buf;
  }

  EtcdClient etcd_;
  VirtualConnectorOptions options_;
  Clock clock_;
  std::string prefix_;
  bool loaded_ = false;
  int prefill_ = -1, decode_ = -1;
  std::optional<long long> decision_id_;
  std::optional<double> first_held_;
};

}  // namespace sla_planner
