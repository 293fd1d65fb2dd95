// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Minimal reader of ZIP archives as NumPy writes them for .npz files: stored (method 0) and
// deflate (method 8) members, ZIP64 extra fields, CRC-32 checked with zlib.
// Format: PKWARE APPNOTE.TXT 6.3 (sections 4.3.7 local header, 4.3.12 central directory,
// 4.3.16 end of central directory, 4.5.3 ZIP64 extended information).
#pragma once

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "sla_planner/util/data_error.hpp"

namespace sla_planner::detail {

/// One member of a ZIP archive, located but not yet decompressed.
struct ZipEntry {
  std::string name;
  std::uint16_t method = 0;
  std::uint32_t crc32 = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  std::uint64_t local_header_offset = 0;
};

/// Read-only view of a ZIP archive held in memory. Errors throw DataError prefixed with `label`.
class ZipArchive {
public:
  ZipArchive(std::string label, std::vector<unsigned char> bytes)
      : label_(std::move(label)), bytes_(std::move(bytes)) {
    read_central_directory();
  }

  const std::vector<ZipEntry>& entries() const noexcept { return entries_; }

  /// Decompressed contents of `entry`, CRC-checked.
  std::vector<unsigned char> extract(const ZipEntry& entry) const {
    const std::uint64_t off = entry.local_header_offset;
    need(off, 30, "local header of '" + entry.name + "'");
    if (u32(off) != 0x04034b50u) fail("member '" + entry.name + "': bad local header signature");
    const std::uint64_t data = off + 30 + u16(off + 26) + u16(off + 28);
    need(data, entry.compressed_size, "data of member '" + entry.name + "'");
    const unsigned char* src = bytes_.data() + data;
    if (entry.method != 0 && entry.method != 8)
      fail("member '" + entry.name + "': unsupported compression method " + std::to_string(entry.method) +
           " (only stored and deflate)");
    // Validate the declared size before allocating it: a stored member is as large as its data,
    // and deflate expands at most about 1032:1.
    if (entry.method == 0 && entry.compressed_size != entry.uncompressed_size)
      fail("member '" + entry.name + "': stored member with differing sizes");
    if (entry.uncompressed_size > (std::uint64_t(1) << 34) ||
        (entry.method == 8 && entry.uncompressed_size > entry.compressed_size * 1032 + 1024))
      fail("member '" + entry.name + "': implausible size " + std::to_string(entry.uncompressed_size) + " for " +
           std::to_string(entry.compressed_size) + " compressed bytes");
    std::vector<unsigned char> out(static_cast<std::size_t>(entry.uncompressed_size));
    if (entry.method == 0) {
      if (!out.empty()) std::memcpy(out.data(), src, out.size());
    } else {
      inflate_raw(entry, src, out);
    }
    const auto crc = static_cast<std::uint32_t>(
        ::crc32_z(::crc32_z(0L, Z_NULL, 0), out.empty() ? Z_NULL : out.data(), out.size()));
    if (crc != entry.crc32) fail("member '" + entry.name + "': CRC mismatch (corrupt archive)");
    return out;
  }

private:
  [[noreturn]] void fail(const std::string& what) const { throw DataError(label_ + ": " + what); }

  void need(std::uint64_t off, std::uint64_t len, const std::string& what) const {
    if (off > bytes_.size() || len > bytes_.size() - off) fail("truncated archive (" + what + " past end of file)");
  }
  std::uint16_t u16(std::uint64_t off) const {
    return static_cast<std::uint16_t>(bytes_[off] | (bytes_[off + 1] << 8));
  }
  std::uint32_t u32(std::uint64_t off) const {
    return std::uint32_t(u16(off)) | (std::uint32_t(u16(off + 2)) << 16);
  }
  std::uint64_t u64(std::uint64_t off) const { return std::uint64_t(u32(off)) | (std::uint64_t(u32(off + 4)) << 32); }

  void read_central_directory() {
    if (bytes_.size() < 22) fail("not a zip archive (file is " + std::to_string(bytes_.size()) + " bytes)");
    // The end-of-central-directory record sits in the last 22 + 65535 bytes.
    std::uint64_t eocd = bytes_.size() - 22;
    const std::uint64_t stop = bytes_.size() > 22 + 65535 ? bytes_.size() - 22 - 65535 : 0;
    while (u32(eocd) != 0x06054b50u) {
      if (eocd == stop) fail("not a zip archive (no end-of-central-directory record; truncated or not an .npz)");
      --eocd;
    }
    std::uint64_t count = u16(eocd + 10);
    std::uint64_t cd_size = u32(eocd + 12);
    std::uint64_t cd_off = u32(eocd + 16);
    if (eocd >= 20 && u32(eocd - 20) == 0x07064b50u) {  // ZIP64 end-of-central-directory locator
      const std::uint64_t z64 = u64(eocd - 20 + 8);
      need(z64, 56, "ZIP64 end of central directory");
      if (u32(z64) != 0x06064b50u) fail("bad ZIP64 end-of-central-directory record");
      count = u64(z64 + 32);
      cd_size = u64(z64 + 40);
      cd_off = u64(z64 + 48);
    }
    need(cd_off, cd_size, "central directory");
    std::uint64_t p = cd_off;
    for (std::uint64_t i = 0; i < count; ++i) {
      need(p, 46, "central directory entry");
      if (u32(p) != 0x02014b50u) fail("bad central directory entry signature");
      ZipEntry e;
      e.method = u16(p + 10);
      e.crc32 = u32(p + 16);
      e.compressed_size = u32(p + 20);
      e.uncompressed_size = u32(p + 24);
      const std::uint16_t name_len = u16(p + 28), extra_len = u16(p + 30), comment_len = u16(p + 32);
      e.local_header_offset = u32(p + 42);
      need(p + 46, std::uint64_t(name_len) + extra_len + comment_len, "central directory entry");
      e.name.assign(reinterpret_cast<const char*>(bytes_.data() + p + 46), name_len);
      // ZIP64 extended information: only the fields whose 32-bit value is saturated are present.
      std::uint64_t x = p + 46 + name_len, xend = x + extra_len;
      while (x + 4 <= xend) {
        const std::uint16_t id = u16(x), len = u16(x + 2);
        if (x + 4 + len > xend) break;
        if (id == 0x0001) {
          std::uint64_t f = x + 4, fend = f + len;
          auto take = [&](std::uint64_t& v) {
            if (v == 0xffffffffu && f + 8 <= fend) { v = u64(f); f += 8; }
          };
          take(e.uncompressed_size);
          take(e.compressed_size);
          take(e.local_header_offset);
        }
        x += 4 + len;
      }
      entries_.push_back(std::move(e));
      p += 46 + std::uint64_t(name_len) + extra_len + comment_len;
    }
  }

  void inflate_raw(const ZipEntry& entry, const unsigned char* src, std::vector<unsigned char>& out) const {
    z_stream zs{};
    if (::inflateInit2(&zs, -MAX_WBITS) != Z_OK) fail("zlib inflateInit2 failed");
    std::uint64_t in_left = entry.compressed_size, out_done = 0;
    int rc = Z_OK;
    unsigned char sink = 0;
    while (rc == Z_OK) {
      const uInt in_chunk = static_cast<uInt>(std::min<std::uint64_t>(in_left, 1u << 30));
      zs.next_in = const_cast<unsigned char*>(src + (entry.compressed_size - in_left));
      zs.avail_in = in_chunk;
      const std::uint64_t out_left = out.size() - out_done;
      // Give zlib one spare byte when the output is full so that extra data is detected, not ignored.
      zs.next_out = out_left ? out.data() + out_done : &sink;
      zs.avail_out = out_left ? static_cast<uInt>(std::min<std::uint64_t>(out_left, 1u << 30)) : 1u;
      const uInt avail_out_before = zs.avail_out;
      rc = ::inflate(&zs, Z_NO_FLUSH);
      in_left -= in_chunk - zs.avail_in;
      if (out_left) out_done += avail_out_before - zs.avail_out;
      else if (zs.avail_out == 0) rc = Z_DATA_ERROR;  // more output than the declared size
      if (rc == Z_BUF_ERROR && in_left == 0) break;
    }
    ::inflateEnd(&zs);
    if (rc != Z_STREAM_END || out_done != out.size())
      fail("member '" + entry.name + "': corrupt deflate data");
  }

  std::string label_;
  std::vector<unsigned char> bytes_;
  std::vector<ZipEntry> entries_;
};

}  // namespace sla_planner::detail
