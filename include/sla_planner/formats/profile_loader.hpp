// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Loading of pre-deployment profiles in the layouts NVIDIA Dynamo's profiler writes:
//   <dir>/selected_prefill_interpolation/raw_data.npz, <dir>/selected_decode_interpolation/raw_data.npz
//   or <dir>/prefill_raw_data.json, <dir>/decode_raw_data.json (same keys, arrays of numbers),
// and the multi-row pre-swept tables <root>/<gpu_type>/<framework>/<model>/{prefill,decode}.npz.
#pragma once

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "sla_planner/formats/npz_file.hpp"
#include "sla_planner/profile/pre_swept_spec.hpp"
#include "sla_planner/profile/profile.hpp"
#include "sla_planner/util/data_error.hpp"

namespace sla_planner {

/// Reads profiles from files: the only I/O a profile needs (Profile itself is plain data).
struct ProfileLoader {
  /// Loads a profile directory, or a pre-swept row when `dir_or_selector` starts with
  /// "use-pre-swept-results:" (then `pre_swept_root` is the folder holding <gpu_type>/…).
  /// Both parts are validated.
  /// \throws DataError with one line naming the file and the problem
  /// \throws std::invalid_argument when a pre-swept selector is malformed
  static Profile load(const std::string& dir_or_selector, const std::string& pre_swept_root = "profiling_results/pre_swept") {
    if (PreSweptSpec::matches(dir_or_selector)) return load_pre_swept(PreSweptSpec::parse(dir_or_selector), pre_swept_root);
    return load_directory(dir_or_selector);
  }

  /// Loads <dir>/selected_{prefill,decode}_interpolation/raw_data.npz, or the JSON form when an
  /// npz file is absent.
  static Profile load_directory(const std::string& dir) {
    if (!is_directory(dir))
      throw DataError(dir + ": profile directory not found (run Dynamo's profiler to make one, use the bundled "
                            "profiling_results/H200_TP1P_TP1D, or select a pre-swept row with use-pre-swept-results:...)");
    std::string base = dir;
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    Profile p;
    const std::string pnpz = base + "/selected_prefill_interpolation/raw_data.npz";
    const std::string pjson = base + "/prefill_raw_data.json";
    if (is_file(pnpz)) p.prefill = prefill_from_npz(NpzFile::load(pnpz), 0);
    else if (is_file(pjson)) p.prefill = prefill_from_json(pjson);
    else throw DataError(pnpz + ": file not found (nor " + pjson + "); is " + dir + " a Dynamo profile directory?");
    const std::string dnpz = base + "/selected_decode_interpolation/raw_data.npz";
    const std::string djson = base + "/decode_raw_data.json";
    if (is_file(dnpz)) p.decode = decode_from_npz(NpzFile::load(dnpz), 0);
    else if (is_file(djson)) p.decode = decode_from_json(djson);
    else throw DataError(dnpz + ": file not found (nor " + djson + "); is " + dir + " a Dynamo profile directory?");
    p.prefill.validate();
    p.decode.validate();
    return p;
  }

  /// Loads the row of the pre-swept tables under `root` that matches every column of `spec`.
  static Profile load_pre_swept(const PreSweptSpec& spec, const std::string& root) {
    const std::string dir = root + "/" + spec.gpu_type + "/" + spec.framework + "/" + spec.model;
    if (!is_directory(dir))
      throw DataError(dir + ": no pre-swept results for gpu_type '" + spec.gpu_type + "', framework '" +
                      spec.framework + "', model '" + spec.model + "'");
    Profile p;
    const NpzFile pf = NpzFile::load(dir + "/prefill.npz");
    p.prefill = prefill_from_npz(pf, find_row(pf, spec));
    const NpzFile df = NpzFile::load(dir + "/decode.npz");
    p.decode = decode_from_npz(df, find_row(df, spec));
    p.prefill.validate();
    p.decode.validate();
    return p;
  }

  /// Prefill data from row `row` of an npz (1-D arrays have one row).
  static PrefillProfile prefill_from_npz(const NpzFile& f, std::size_t row) {
    PrefillProfile p;
    p.source = f.path();
    p.isl = numeric_row(f, "prefill_isl", row);
    p.ttft_ms = numeric_row(f, "prefill_ttft", row);
    p.thpt_per_gpu = numeric_row(f, "prefill_thpt_per_gpu", row);
    return p;
  }

  /// Decode data from row `row` of an npz (1-D arrays have one row).
  static DecodeProfile decode_from_npz(const NpzFile& f, std::size_t row) {
    DecodeProfile d;
    d.source = f.path();
    d.kv_usage = numeric_row(f, "x_kv_usage", row);
    d.context_length = numeric_row(f, "y_context_length", row);
    d.itl_ms = numeric_row(f, "z_itl", row);
    d.thpt_per_gpu = numeric_row(f, "z_thpt_per_gpu", row);
    const NpyArray& kv = f.at("max_kv_tokens");
    if (kv.is_string() || kv.size() == 0) throw DataError(f.path() + ": 'max_kv_tokens' must hold a number");
    d.max_kv_tokens = kv.size() == 1 ? kv.values[0] : kv.row(std::min(row, kv.rows() - 1)).at(0);
    return d;
  }

  static PrefillProfile prefill_from_json(const std::string& path) {
    const nlohmann::json j = read_json(path);
    PrefillProfile p;
    p.source = path;
    p.isl = json_numbers(j, "prefill_isl", path);
    p.ttft_ms = json_numbers(j, "prefill_ttft", path);
    p.thpt_per_gpu = json_numbers(j, "prefill_thpt_per_gpu", path);
    return p;
  }

  static DecodeProfile decode_from_json(const std::string& path) {
    const nlohmann::json j = read_json(path);
    DecodeProfile d;
    d.source = path;
    d.kv_usage = json_numbers(j, "x_kv_usage", path);
    d.context_length = json_numbers(j, "y_context_length", path);
    d.itl_ms = json_numbers(j, "z_itl", path);
    d.thpt_per_gpu = json_numbers(j, "z_thpt_per_gpu", path);
    if (!j.contains("max_kv_tokens")) throw DataError(path + ": missing key 'max_kv_tokens'");
    const auto& kv = j["max_kv_tokens"];
    if (kv.is_number()) d.max_kv_tokens = kv.get<double>();
    else if (kv.is_array() && kv.size() == 1 && kv[0].is_number()) d.max_kv_tokens = kv[0].get<double>();
    else throw DataError(path + ": 'max_kv_tokens' must be a number");
    return d;
  }

private:
  static bool is_directory(const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }
  static bool is_file(const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  }

  static std::vector<double> numeric_row(const NpzFile& f, const std::string& key, std::size_t row) {
    const NpyArray& a = f.at(key);
    if (a.is_string()) throw DataError(f.path() + ": '" + key + "' holds strings, expected numbers");
    if (row >= a.rows())
      throw DataError(f.path() + ": '" + key + "' has " + std::to_string(a.rows()) + " rows, row " +
                      std::to_string(row) + " requested");
    return a.row(row);
  }

  /// The row of a pre-swept table whose per-row columns all match `spec`.
  static std::size_t find_row(const NpzFile& f, const PreSweptSpec& spec) {
    const std::vector<std::pair<std::string, std::string>> text = {
        {"gpu_type", spec.gpu_type}, {"model", spec.model}, {"framework", spec.framework},
        {"framework_version", spec.framework_version}};
    const std::vector<std::pair<std::string, long>> nums = {
        {"tp", spec.tp}, {"dp", spec.dp}, {"pp", spec.pp}, {"block_size", spec.block_size},
        {"max_batch_size", spec.max_batch_size}, {"gpu_count", spec.gpu_count}};
    const std::size_t rows = f.at(text[0].first).size();
    std::string available;
    for (std::size_t r = 0; r < rows; ++r) {
      bool ok = true;
      std::string desc;
      for (const auto& [k, v] : text) {
        const NpyArray& a = f.at(k);
        const std::string got = (a.is_string() && r < a.size()) ? a.strings[r] : std::string("?");
        ok = ok && got == v;
        desc += (desc.empty() ? "" : ":") + got;
      }
      for (const auto& [k, v] : nums) {
        const NpyArray& a = f.at(k);
        const double got = (!a.is_string() && r < a.size()) ? a.values[r] : std::nan("");
        ok = ok && got == static_cast<double>(v);
        std::ostringstream os;
        os << got;
        desc += ":" + os.str();
      }
      if (ok) return r;
      available += (available.empty() ? "" : ", ") + desc;
    }
    throw DataError(f.path() + ": no row matches " + spec.str() + " (rows: " + available + ")");
  }

  static nlohmann::json read_json(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path + ": cannot open file");
    try {
      return nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
      throw DataError(path + ": invalid JSON at byte " + std::to_string(e.byte));
    }
  }

  static std::vector<double> json_numbers(const nlohmann::json& j, const std::string& key, const std::string& path) {
    if (!j.is_object() || !j.contains(key)) throw DataError(path + ": missing key '" + key + "'");
    const auto& a = j[key];
    if (!a.is_array()) throw DataError(path + ": '" + key + "' must be an array of numbers");
    std::vector<double> v;
    v.reserve(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_number()) throw DataError(path + ": " + key + "[" + std::to_string(i) + "] is not a number");
      v.push_back(a[i].get<double>());
    }
    return v;
  }
};

/// Loads a profile directory or a pre-swept selector (ProfileLoader::load).
/// \throws DataError with one line naming the file and the problem
/// \throws std::invalid_argument when a pre-swept selector is malformed
inline Profile load_profile(const std::string& dir_or_selector,
                            const std::string& pre_swept_root = "profiling_results/pre_swept") {
  return ProfileLoader::load(dir_or_selector, pre_swept_root);
}

}  // namespace sla_planner
