// sla_planner tools — minimal PNG encoder for 8-bit RGB images, using zlib.
// SPDX-License-Identifier: Apache-2.0
//
// Format: PNG specification, 2nd edition (W3C, 2003): signature, IHDR, IDAT (zlib stream of
// filtered scanlines), IEND; each chunk with its CRC-32. Scanlines use filter type 1 ("Sub") and
// zlib level 1: plots are mostly flat colour, which this compresses well at a fraction of the time
// cairo/libpng's adaptive filtering takes.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace sla_tools {

/// Writes `rgba` (width × height pixels, 4 bytes each, row-major; alpha ignored) as an RGB PNG.
/// \throws std::runtime_error when zlib fails
inline void write_png_rgb(std::ostream& out, const unsigned char* rgba, int width, int height) {
  auto put32 = [](std::vector<unsigned char>& v, std::uint32_t x) {
    v.push_back(static_cast<unsigned char>(x >> 24));
    v.push_back(static_cast<unsigned char>(x >> 16));
    v.push_back(static_cast<unsigned char>(x >> 8));
    v.push_back(static_cast<unsigned char>(x));
  };
  auto chunk = [&](const char* type, const std::vector<unsigned char>& data) {
    std::vector<unsigned char> head;
    put32(head, static_cast<std::uint32_t>(data.size()));
    head.insert(head.end(), type, type + 4);
    uLong crc = crc32(0L, head.data() + 4, 4);
    if (!data.empty()) crc = crc32(crc, data.data(), static_cast<uInt>(data.size()));
    std::vector<unsigned char> tail;
    put32(tail, static_cast<std::uint32_t>(crc));
    out.write(reinterpret_cast<const char*>(head.data()), static_cast<std::streamsize>(head.size()));
    if (!data.empty()) out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    out.write(reinterpret_cast<const char*>(tail.data()), 4);
  };
  static const unsigned char signature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  out.write(reinterpret_cast<const char*>(signature), 8);
  std::vector<unsigned char> ihdr;
  put32(ihdr, static_cast<std::uint32_t>(width));
  put32(ihdr, static_cast<std::uint32_t>(height));
  ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});  // 8-bit, truecolour, deflate, adaptive filtering, no interlace
  chunk("IHDR", ihdr);

  // Filtered scanlines, deflated one row at a time: filter byte 1 ("Sub": each byte minus the byte
  // 3 to its left), zlib level 1 with run-length matching (plots are long runs of one colour).
  const std::size_t row = 1 + 3 * static_cast<std::size_t>(width);
  std::vector<unsigned char> line(row), idat;
  z_stream zs{};
  if (deflateInit2(&zs, 1, Z_DEFLATED, 15, 8, Z_RLE) != Z_OK) throw std::runtime_error("PNG: zlib init failed");
  std::vector<unsigned char> buf(1 << 16);
  auto pump = [&](int flush) {
    do {
      zs.next_out = buf.data();
      zs.avail_out = static_cast<uInt>(buf.size());
      const int rc = deflate(&zs, flush);
      if (rc == Z_STREAM_ERROR) {
        deflateEnd(&zs);
        throw std::runtime_error("PNG: zlib compression failed");
      }
      idat.insert(idat.end(), buf.data(), buf.data() + (buf.size() - zs.avail_out));
    } while (zs.avail_out == 0);
  };
  for (int y = 0; y < height; ++y) {
    const unsigned char* src = rgba + 4 * static_cast<std::size_t>(width) * static_cast<std::size_t>(y);
    line[0] = 1;
    unsigned char pr = 0, pg = 0, pb = 0;
    for (int x = 0; x < width; ++x, src += 4) {
      line[1 + 3 * x] = static_cast<unsigned char>(src[0] - pr);
      line[2 + 3 * x] = static_cast<unsigned char>(src[1] - pg);
      line[3 + 3 * x] = static_cast<unsigned char>(src[2] - pb);
      pr = src[0];
      pg = src[1];
      pb = src[2];
    }
    zs.next_in = line.data();
    zs.avail_in = static_cast<uInt>(row);
    pump(y + 1 == height ? Z_FINISH : Z_NO_FLUSH);
  }
  deflateEnd(&zs);
  chunk("IDAT", idat);
  chunk("IEND", {});
}

}  // namespace sla_tools
