// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Loader for NumPy .npz archives (a ZIP of .npy members, stored or deflate-compressed).
// Format: "NEP 1 — A simple file format for NumPy arrays" (.npy versions 1.0, 2.0, 3.0).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sys/stat.h>
#include <map>
#include <string>
#include <vector>

#include "sla_planner/util/data_error.hpp"
#include "sla_planner/formats/detail/zip_archive.hpp"

namespace sla_planner {

/// One array read from an .npy member. Numeric dtypes (<f8 <f4 <i8 <i4) are widened to double;
/// unicode dtypes (<U…) are kept as UTF-8 strings. Shapes are 1-D or 2-D, stored row-major.
struct NpyArray {
  std::string dtype;                 ///< NumPy descr, e.g. "<f8" or "<U33"
  std::vector<std::size_t> shape;    ///< dimensions; {} for a 0-d scalar
  std::vector<double> values;        ///< numeric data, row-major (empty for strings)
  std::vector<std::string> strings;  ///< unicode data, row-major (empty for numbers)

  bool is_string() const noexcept { return !dtype.empty() && dtype[1] == 'U'; }
  std::size_t size() const noexcept { return is_string() ? strings.size() : values.size(); }
  /// Rows: shape[0] for 2-D arrays, 1 for 0-d and 1-D arrays.
  std::size_t rows() const noexcept { return shape.size() == 2 ? shape[0] : 1; }
  /// Columns: shape[1] for 2-D arrays, the length for 1-D arrays, 1 for 0-d.
  std::size_t cols() const noexcept {
    return shape.size() == 2 ? shape[1] : (shape.size() == 1 ? shape[0] : 1);
  }
  /// Numeric row `r` (the whole array for 1-D).
  std::vector<double> row(std::size_t r) const {
    const std::size_t c = cols();
    return {values.begin() + static_cast<std::ptrdiff_t>(r * c),
            values.begin() + static_cast<std::ptrdiff_t>((r + 1) * c)};
  }
};

/// An .npz archive read completely into memory: `NpzFile::load(path)`, then `at("key")`.
/// Keys are member names without the ".npy" suffix. Every failure throws DataError whose
/// message names the file and, where relevant, the member.
class NpzFile {
public:
  /// Reads and decodes every member of the archive at `path`.
  /// \throws DataError when the file is missing, not a zip, truncated, corrupt, or holds an
  ///         unsupported array (dtype, byte order, rank > 2).
  static NpzFile load(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw DataError(path + ": file not found");
    if (!S_ISREG(st.st_mode)) throw DataError(path + ": not a regular file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path + ": cannot open file");
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return from_bytes(path, std::move(bytes));
  }

  /// Decodes an archive held in memory; `label` prefixes error messages (usually the path).
  static NpzFile from_bytes(const std::string& label, std::vector<unsigned char> bytes) {
    NpzFile f;
    f.path_ = label;
    detail::ZipArchive zip(label, std::move(bytes));
    for (const auto& e : zip.entries()) {
      std::string key = e.name;
      if (key.size() > 4 && key.compare(key.size() - 4, 4, ".npy") == 0) key.resize(key.size() - 4);
      else continue;  // not an array member
      f.arrays_[key] = parse_npy(label + ": member '" + e.name + "'", zip.extract(e));
    }
    return f;
  }

  /// Decodes one .npy file image; errors are prefixed with `label`.
  static NpyArray parse_npy(const std::string& label, const std::vector<unsigned char>& b) {
    auto fail = [&](const std::string& what) -> DataError { return DataError(label + ": " + what); };
    static const unsigned char magic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    if (b.size() < 10 || std::memcmp(b.data(), magic, 6) != 0) throw fail("not an .npy array (bad magic)");
    const int major = b[6];
    std::size_t hlen = 0, hoff = 0;
    if (major == 1) {
      hlen = b[8] | (std::size_t(b[9]) << 8);
      hoff = 10;
    } else if (major == 2 || major == 3) {
      if (b.size() < 12) throw fail("truncated .npy header");
      hlen = b[8] | (std::size_t(b[9]) << 8) | (std::size_t(b[10]) << 16) | (std::size_t(b[11]) << 24);
      hoff = 12;
    } else {
      throw fail("unsupported .npy format version " + std::to_string(major) + "." + std::to_string(b[7]));
    }
    if (hlen > b.size() - hoff) throw fail("truncated .npy header");
    const std::string header(reinterpret_cast<const char*>(b.data() + hoff), hlen);
    NpyArray a;
    a.dtype = header_string(header, "descr", fail);
    const bool fortran = header_bool(header, "fortran_order", fail);
    a.shape = header_shape(header, fail);
    if (a.shape.size() > 2) throw fail("arrays of rank " + std::to_string(a.shape.size()) + " are not supported (1-D or 2-D)");
    std::size_t n = 1;
    for (auto d : a.shape) {
      if (d != 0 && n > (std::size_t(1) << 48) / d) throw fail("malformed .npy header (shape too large)");
      n *= d;
    }

    const std::string& t = a.dtype;
    if (t.size() < 3) throw fail("unsupported dtype '" + t + "'");
    if (t[0] == '>') throw fail("unsupported dtype '" + t + "' (big-endian)");
    const char kind = t[1];
    std::size_t width = 0;
    try { width = std::stoul(t.substr(2)); } catch (...) { throw fail("unsupported dtype '" + t + "'"); }
    const bool numeric = (t == "<f8" || t == "<f4" || t == "<i8" || t == "<i4");
    const bool unicode = (t[0] == '<' || t[0] == '|') && kind == 'U' && width > 0 && width < 4096;
    if (!numeric && !unicode) throw fail("unsupported dtype '" + t + "' (expected <f8, <f4, <i8, <i4 or <U)");
    const std::size_t item = unicode ? 4 * width : width;
    const std::size_t data_off = hoff + hlen;
    if (n != 0 && item > (b.size() - data_off) / n)
      throw fail("truncated data: shape needs " + std::to_string(n * item) + " bytes, " +
                 std::to_string(b.size() - data_off) + " present");
    const unsigned char* p = b.data() + data_off;
    if (numeric) {
      a.values.resize(n);
      for (std::size_t i = 0; i < n; ++i, p += item) a.values[i] = read_number(t, p);
    } else {
      a.strings.resize(n);
      for (std::size_t i = 0; i < n; ++i, p += item) a.strings[i] = utf32_to_utf8(p, width);
    }
    if (fortran && a.shape.size() == 2) to_row_major(a);
    return a;
  }

  const std::string& path() const noexcept { return path_; }
  bool contains(const std::string& key) const { return arrays_.count(key) != 0; }
  /// The array stored under `key`. \throws DataError naming the file and the missing key.
  const NpyArray& at(const std::string& key) const {
    auto it = arrays_.find(key);
    if (it == arrays_.end()) throw DataError(path_ + ": missing array '" + key + "'");
    return it->second;
  }
  const std::map<std::string, NpyArray>& arrays() const noexcept { return arrays_; }

private:
  template <class Fail>
  static std::size_t find_key(const std::string& h, const std::string& key, Fail& fail) {
    const auto pos = h.find("'" + key + "'");
    if (pos == std::string::npos) throw fail("malformed .npy header (no '" + key + "')");
    const auto colon = h.find(':', pos);
    if (colon == std::string::npos) throw fail("malformed .npy header");
    auto v = h.find_first_not_of(' ', colon + 1);
    if (v == std::string::npos) throw fail("malformed .npy header");
    return v;
  }
  template <class Fail>
  static std::string header_string(const std::string& h, const std::string& key, Fail& fail) {
    const auto v = find_key(h, key, fail);
    if (h[v] != '\'' && h[v] != '"') throw fail("malformed .npy header ('" + key + "' is not a string)");
    const auto end = h.find(h[v], v + 1);
    if (end == std::string::npos) throw fail("malformed .npy header");
    return h.substr(v + 1, end - v - 1);
  }
  template <class Fail>
  static bool header_bool(const std::string& h, const std::string& key, Fail& fail) {
    const auto v = find_key(h, key, fail);
    if (h.compare(v, 4, "True") == 0) return true;
    if (h.compare(v, 5, "False") == 0) return false;
    throw fail("malformed .npy header ('" + key + "' is not True/False)");
  }
  template <class Fail>
  static std::vector<std::size_t> header_shape(const std::string& h, Fail& fail) {
    auto v = find_key(h, "shape", fail);
    if (h[v] != '(') throw fail("malformed .npy header (shape is not a tuple)");
    const auto end = h.find(')', v);
    if (end == std::string::npos) throw fail("malformed .npy header");
    std::vector<std::size_t> shape;
    std::size_t i = v + 1;
    while (i < end) {
      while (i < end && (h[i] == ' ' || h[i] == ',')) ++i;
      if (i >= end) break;
      std::size_t d = 0, digits = 0;
      while (i < end && h[i] >= '0' && h[i] <= '9') {
        if (d > (std::size_t(1) << 40)) throw fail("malformed .npy header (dimension too large)");
        d = d * 10 + std::size_t(h[i++] - '0');
        ++digits;
      }
      if (digits == 0) throw fail("malformed .npy header (bad shape)");
      shape.push_back(d);
    }
    return shape;
  }
  static double read_number(const std::string& t, const unsigned char* p) {
    if (t == "<f8") { double v; std::memcpy(&v, p, 8); return v; }
    if (t == "<f4") { float v; std::memcpy(&v, p, 4); return v; }
    if (t == "<i8") { std::int64_t v; std::memcpy(&v, p, 8); return static_cast<double>(v); }
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  static std::string utf32_to_utf8(const unsigned char* p, std::size_t width) {
    std::string s;
    for (std::size_t i = 0; i < width; ++i, p += 4) {
      const std::uint32_t c = p[0] | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24);
      if (c == 0) break;  // NumPy pads with NULs
      if (c < 0x80) s += char(c);
      else if (c < 0x800) { s += char(0xC0 | (c >> 6)); s += char(0x80 | (c & 0x3F)); }
      else if (c < 0x10000) { s += char(0xE0 | (c >> 12)); s += char(0x80 | ((c >> 6) & 0x3F)); s += char(0x80 | (c & 0x3F)); }
      else { s += char(0xF0 | ((c >> 18) & 0x07)); s += char(0x80 | ((c >> 12) & 0x3F)); s += char(0x80 | ((c >> 6) & 0x3F)); s += char(0x80 | (c & 0x3F)); }
    }
    return s;
  }
  static void to_row_major(NpyArray& a) {
    const std::size_t r = a.shape[0], c = a.shape[1];
    if (!a.values.empty()) {
      std::vector<double> v(a.values.size());
      for (std::size_t i = 0; i < r; ++i)
        for (std::size_t j = 0; j < c; ++j) v[i * c + j] = a.values[j * r + i];
      a.values.swap(v);
    } else {
      std::vector<std::string> v(a.strings.size());
      for (std::size_t i = 0; i < r; ++i)
        for (std::size_t j = 0; j < c; ++j) v[i * c + j] = a.strings[j * r + i];
      a.strings.swap(v);
    }
  }

  std::string path_;
  std::map<std::string, NpyArray> arrays_;
};

}  // namespace sla_planner
