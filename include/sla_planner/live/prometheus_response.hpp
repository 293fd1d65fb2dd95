// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Parser for answers of Prometheus's instant-query endpoint GET /api/v1/query, following the
// Prometheus HTTP API documentation ("Format overview", "Expression query result formats"):
//   {"status":"success","data":{"resultType":"vector","result":[{"metric":{..},"value":[t,"v"]}]}}
//   {"status":"success","data":{"resultType":"scalar","result":[t,"v"]}}
//   {"status":"error","errorType":"bad_data","error":"..."}
// Pure: takes the body text, never throws, never touches the network.
#pragma once

#include <cmath>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sla_planner/live/detail/prometheus_number.hpp"
#include "sla_planner/live/prometheus_error.hpp"
#include "sla_planner/live/prometheus_sample.hpp"
#include "sla_planner/live/prometheus_value.hpp"

namespace sla_planner {

/// One parsed instant-query answer: the samples of every series, or why there are none.
/// An empty result is reported as a no_data error; NaN and infinite sample values are kept
/// (the caller decides, after choosing its series, whether a NaN makes the interval unusable).
class PrometheusResponse {
public:
  /// Parse a response body. Never throws (allocation failure aside).
  static PrometheusResponse parse(std::string_view body) {
    PrometheusResponse r;
    try {
      r.parse_body(body);
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      r.fail(PrometheusErrorKind::unexpected_shape, std::string("unexpected answer: ") + e.what());
    }
    if (!r.error_ && r.samples_.empty()) r.fail(PrometheusErrorKind::no_data, "no data: the query matched no series");
    return r;
  }

  /// A response that stands for a failure before parsing (transport error, HTTP status).
  static PrometheusResponse failure(PrometheusErrorKind kind, std::string message) {
    PrometheusResponse r;
    r.fail(kind, std::move(message));
    return r;
  }

  bool ok() const noexcept { return !error_.has_value(); }
  /// Why the answer is unusable; only meaningful when !ok().
  const PrometheusError& error() const noexcept {
    static const PrometheusError none{};
    return error_ ? *error_ : none;
  }
  /// "vector" or "scalar" for a parsed answer, "" otherwise.
  const std::string& result_type() const noexcept { return result_type_; }
  /// One sample per series (a scalar gives one sample without labels). Empty when !ok().
  const std::vector<PrometheusSample>& samples() const noexcept { return samples_; }
  /// Warnings Prometheus attached to the answer (e.g. about dropped series), in order.
  const std::vector<std::string>& warnings() const noexcept { return warnings_; }

  /// The one number of a scalar or single-series answer (e.g. a sum() query): its value if
  /// finite, else the error (the parse error, no_data, not_finite, or unexpected_shape when
  /// several series were returned).
  PrometheusValue single_value() const {
    if (error_) return PrometheusValue::failure(error_->kind, error_->message);
    if (samples_.size() != 1)
      return PrometheusValue::failure(PrometheusErrorKind::unexpected_shape,
                                      "expected one series, got " + std::to_string(samples_.size()));
    return finite_value(samples_.front().value);
  }

  /// `v` if finite, else a not_finite error "value is NaN" / "value is +Inf" / "value is -Inf".
  static PrometheusValue finite_value(double v) {
    if (std::isfinite(v)) return PrometheusValue::of(v);
    const char* s = std::isnan(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf");
    return PrometheusValue::failure(PrometheusErrorKind::not_finite, std::string("value is ") + s);
  }

private:
  using json = nlohmann::json;

  PrometheusResponse() = default;

  void fail(PrometheusErrorKind kind, std::string message) {
    error_ = PrometheusError{kind, std::move(message)};
    samples_.clear();
  }

  void parse_body(std::string_view body) {
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      fail(PrometheusErrorKind::unparsable, "unparsable answer: empty body");
      return;
    }
    json doc;
    try {
      doc = json::parse(body.begin(), body.end());
    } catch (const json::parse_error& e) {
      if (e.byte > body.size())
        fail(PrometheusErrorKind::unparsable,
             "unparsable answer: truncated JSON (ends after " + std::to_string(body.size()) + " bytes)");
      else
        fail(PrometheusErrorKind::unparsable, "unparsable answer: invalid JSON at byte " + std::to_string(e.byte));
      return;
    }
    if (!doc.is_object()) return shape("the answer is not a JSON object");
    const auto status = doc.find("status");
    if (status == doc.end() || !status->is_string()) return shape("no \"status\" string");
    const std::string& st = status->get_ref<const std::string&>();
    if (st == "error") {
      fail(PrometheusErrorKind::error_status,
           "Prometheus error (" + string_field(doc, "errorType", "unknown type") + "): " +
               string_field(doc, "error", "no message"));
      return;
    }
    if (st != "success") return shape("\"status\" is \"" + clip(st) + "\", expected \"success\" or \"error\"");
    if (const auto w = doc.find("warnings"); w != doc.end() && w->is_array())
      for (const auto& s : *w)
        if (s.is_string()) warnings_.push_back(s.get<std::string>());
    const auto data = doc.find("data");
    if (data == doc.end() || !data->is_object()) return shape("no \"data\" object");
    const auto type = data->find("resultType");
    if (type == data->end() || !type->is_string()) return shape("no \"data.resultType\" string");
    const auto result = data->find("result");
    if (result == data->end()) return shape("no \"data.result\"");
    const std::string& rt = type->get_ref<const std::string&>();
    if (rt == "scalar") {
      PrometheusSample s;
      if (!read_pair(*result, s, "data.result")) return;
      samples_.push_back(std::move(s));
    } else if (rt == "vector") {
      if (!result->is_array()) return shape("\"data.result\" is not an array");
      samples_.reserve(result->size());
      for (std::size_t i = 0; i < result->size(); ++i) {
        const json& item = (*result)[i];
        const std::string where = "data.result[" + std::to_string(i) + "]";
        if (!item.is_object()) return shape("\"" + where + "\" is not an object");
        PrometheusSample s;
        if (const auto m = item.find("metric"); m != item.end()) {
          if (!m->is_object()) return shape("\"" + where + ".metric\" is not an object");
          for (auto it = m->begin(); it != m->end(); ++it) {
            if (!it.value().is_string())
              return shape("label \"" + clip(it.key()) + "\" of \"" + where + "\" is not a string");
            s.labels.emplace(it.key(), it.value().get<std::string>());
          }
        }
        const auto v = item.find("value");
        if (v == item.end()) return shape("\"" + where + "\" has no \"value\"");
        if (!read_pair(*v, s, where + ".value")) return;
        samples_.push_back(std::move(s));
      }
    } else {
      return shape("resultType \"" + clip(rt) + "\" is not supported (expected \"vector\" or \"scalar\")");
    }
    result_type_ = rt;
  }

  /// Reads [timestamp, "value"] into s; on failure records the error and returns false.
  bool read_pair(const json& pair, PrometheusSample& s, const std::string& where) {
    if (!pair.is_array() || pair.size() != 2) {
      shape("\"" + where + "\" is not a [timestamp, \"value\"] pair");
      return false;
    }
    if (!pair[0].is_number()) {
      shape("\"" + where + "\" has a non-numeric timestamp");
      return false;
    }
    if (!pair[1].is_string()) {
      shape("\"" + where + "\" has a value that is not a string");
      return false;
    }
    const std::string& text = pair[1].get_ref<const std::string&>();
    const auto v = detail::parse_prometheus_number(text);
    if (!v) {
      shape("\"" + where + "\" has value \"" + clip(text) + "\", which is not a number");
      return false;
    }
    s.timestamp = pair[0].get<double>();
    s.value = *v;
    return true;
  }

  void shape(const std::string& what) { fail(PrometheusErrorKind::unexpected_shape, "unexpected answer: " + what); }

  static std::string string_field(const json& doc, const char* key, const char* fallback) {
    const auto it = doc.find(key);
    return it != doc.end() && it->is_string() ? clip(it->get<std::string>()) : std::string(fallback);
  }

  /// At most 200 characters of untrusted text, on one line.
  static std::string clip(const std::string& s) {
    std::string r = s.substr(0, 200);
    for (char& c : r)
      if (c == '\n' || c == '\r') c = ' ';
    if (s.size() > 200) r += "...";
    return r;
  }

  std::optional<PrometheusError> error_;
  std::string result_type_;
  std::vector<PrometheusSample> samples_;
  std::vector<std::string> warnings_;
};

}  // namespace sla_planner
