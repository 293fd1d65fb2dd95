// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Writes mooncake JSONL (the format AIPerf's `mooncake_trace` dataset type reads) exactly as
// Python's json.dumps prints the dicts of NVIDIA Dynamo's sin_synth.py:
//   {"timestamp": 0, "input_length": 3000, "output_length": 300, "hash_ids": [3239, 6118]}
// optionally gzip-compressed (zlib deflate with a gzip wrapper, RFC 1952).
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sla_planner/util/data_error.hpp"
#include "sla_planner/trace/detail/text_format.hpp"

namespace sla_planner {

/// Formats requests into a buffer and hands it to an std::ostream in large pieces.
class MooncakeWriter {
public:
  /// `label` names the output in error messages; `gzip_level` 1..9 compresses, 0 writes plain text.
  MooncakeWriter(std::ostream& out, std::string label, int gzip_level = 0)
      : out_(out), label_(std::move(label)), gzip_(gzip_level > 0) {
    buf_.resize(kBuffer);
    if (gzip_) {
      if (gzip_level > 9) throw std::invalid_argument("'gzip_level' must be in [0, 9], got " + std::to_string(gzip_level));
      if (deflateInit2(&z_, gzip_level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw DataError(label_ + ": cannot start gzip compression");
      zbuf_.resize(kBuffer);
    }
  }
  MooncakeWriter(const MooncakeWriter&) = delete;
  MooncakeWriter& operator=(const MooncakeWriter&) = delete;
  ~MooncakeWriter() {
    if (gzip_) deflateEnd(&z_);
  }

  /// One request without hash_ids: {"timestamp": t, "input_length": i, "output_length": o}
  void write(std::int64_t timestamp_ms, std::int64_t input_length, std::int64_t output_length) {
    char* p = head(timestamp_ms, input_length, output_length, 0);
    *p++ = '}';
    *p++ = '\n';
    end_line(p);
  }

  /// One request with its hash_ids (block ids), keys in sin_synth.py's order.
  void write(std::int64_t timestamp_ms, std::int64_t input_length, std::int64_t output_length, const std::uint64_t* ids,
             std::size_t n) {
    char* p = head(timestamp_ms, input_length, output_length, n);
    std::memcpy(p, ", \"hash_ids\": [", 15);
    p += 15;
    for (std::size_t i = 0; i < n; ++i) {
      if (i) *p++ = ',', *p++ = ' ';
      p = detail::append_uint(p, ids[i]);
    }
    *p++ = ']';
    *p++ = '}';
    *p++ = '\n';
    end_line(p);
  }

  /// Writes what is buffered (and the gzip trailer). Call once at the end.
  /// \throws DataError when the stream reports a write error
  void finish() {
    flush_buffer(true);
    out_.flush();
    if (!out_) throw DataError(label_ + ": write failed (disk full?)");
  }

  std::uint64_t lines() const noexcept { return lines_; }

private:
  static constexpr std::size_t kBuffer = std::size_t(1) << 20;

  char* head(std::int64_t ts, std::int64_t isl, std::int64_t osl, std::size_t n_ids) {
    const std::size_t need = 128 + n_ids * 22;
    if (used_ + need > buf_.size()) {
      flush_buffer(false);
      if (need > buf_.size()) buf_.resize(need);
    }
    char* p = buf_.data() + used_;
    std::memcpy(p, "{\"timestamp\": ", 14);
    p = detail::append_int(p + 14, ts);
    std::memcpy(p, ", \"input_length\": ", 18);
    p = detail::append_int(p + 18, isl);
    std::memcpy(p, ", \"output_length\": ", 19);
    p = detail::append_int(p + 19, osl);
    return p;
  }

  void end_line(char* p) {
    used_ = static_cast<std::size_t>(p - buf_.data());
    ++lines_;
  }

  void flush_buffer(bool last) {
    if (!gzip_) {
      if (used_) out_.write(buf_.data(), static_cast<std::streamsize>(used_));
    } else {
      z_.next_in = reinterpret_cast<Bytef*>(buf_.data());
      z_.avail_in = static_cast<uInt>(used_);
      int rc;
      do {
        z_.next_out = reinterpret_cast<Bytef*>(zbuf_.data());
        z_.avail_out = static_cast<uInt>(zbuf_.size());
        rc = deflate(&z_, last ? Z_FINISH : Z_NO_FLUSH);
        if (rc == Z_STREAM_ERROR) throw DataError(label_ + ": gzip compression failed");
        out_.write(zbuf_.data(), static_cast<std::streamsize>(zbuf_.size() - z_.avail_out));
      } while (z_.avail_out == 0 || (last && rc != Z_STREAM_END));
    }
    used_ = 0;
    if (!out_) throw DataError(label_ + ": write failed (disk full?)");
  }

  std::ostream& out_;
  std::string label_;
  bool gzip_;
  std::vector<char> buf_, zbuf_;
  std::size_t used_ = 0;
  std::uint64_t lines_ = 0;
  z_stream z_{};
};

}  // namespace sla_planner
