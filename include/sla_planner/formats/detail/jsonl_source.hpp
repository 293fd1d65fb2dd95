// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Cuts a text file into blocks of complete lines, in constant memory. Plain regular files are
// memory-mapped one window at a time (no copy; the window is unmapped once parsed); gzip files
// (recognised by their magic bytes), pipes and other streams are read through zlib's gzread
// into a reused buffer (zlib reads non-gzip data unchanged). Every block is followed by
// simdjson::SIMDJSON_PADDING readable bytes. (As with any memory mapping, a file truncated by
// another process while it is being read ends the process with SIGBUS; appending is harmless.)
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "sla_planner/util/data_error.hpp"

namespace sla_planner::detail {

/// A block of complete lines; owns its memory (a mapping or a buffer).
class LineBlock {
public:
  LineBlock() = default;
  LineBlock(const LineBlock&) = delete;
  LineBlock& operator=(const LineBlock&) = delete;
  ~LineBlock() { release(); }

  const char* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  /// The line starting this block is longer than the limit (the block holds nothing else).
  bool too_long() const noexcept { return too_long_; }
  /// Input bytes consumed once this block is done (compressed bytes for gzip), for progress.
  std::uint64_t input_done() const noexcept { return input_done_; }

  /// Exchanges contents (mapping, buffer, state) with `o`.
  void swap(LineBlock& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(too_long_, o.too_long_);
    std::swap(input_done_, o.input_done_);
    std::swap(map_, o.map_);
    std::swap(map_len_, o.map_len_);
    buf_.swap(o.buf_);
  }
  /// Unmaps the window (buffers are kept for reuse).
  void release() noexcept {
    if (map_) ::munmap(map_, map_len_);
    map_ = nullptr;
    map_len_ = 0;
    data_ = nullptr;
    size_ = 0;
    too_long_ = false;
  }

private:
  friend class LineSource;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  bool too_long_ = false;
  std::uint64_t input_done_ = 0;
  void* map_ = nullptr;
  std::size_t map_len_ = 0;
  std::vector<char> buf_;
};

/// Produces LineBlocks of about `window` bytes from a file; a line may be up to `max_line` bytes.
class LineSource {
public:
  static constexpr std::size_t kPad = simdjson::SIMDJSON_PADDING;

  LineSource(std::string path, std::size_t window, std::size_t max_line)
      : path_(std::move(path)), window_(window), max_line_(max_line) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw DataError(path_ + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0) fail_errno("cannot stat");
    if (S_ISDIR(st.st_mode)) {
      ::close(fd_);
      throw DataError(path_ + ": is a directory");
    }
    bool gzip = false;
    if (S_ISREG(st.st_mode)) {
      size_ = static_cast<std::uint64_t>(st.st_size);
      unsigned char magic[2] = {0, 0};
      if (size_ >= 2 && ::pread(fd_, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) gzip = true;
      mapped_ = !gzip && size_ > 0;
    }
    if (!mapped_) {
      const int fd2 = ::dup(fd_);
      if (fd2 < 0 || (gz_ = ::gzdopen(fd2, "rb")) == nullptr) {
        if (fd2 >= 0) ::close(fd2);
        ::close(fd_);
        throw DataError(path_ + ": cannot open: out of memory");
      }
      ::gzbuffer(gz_, 256 * 1024);
    }
    page_ = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  }
  LineSource(const LineSource&) = delete;
  LineSource& operator=(const LineSource&) = delete;
  ~LineSource() {
    if (gz_) ::gzclose(gz_);
    if (fd_ >= 0) ::close(fd_);
  }

  /// Changes the block size (before the first next()).
  void set_window(std::size_t window) noexcept { window_ = window; }
  /// Input size in bytes (compressed size for gzip; 0 when unknown, e.g. a pipe).
  std::uint64_t input_size() const noexcept { return size_; }
  const std::string& path() const noexcept { return path_; }

  /// Fills `b` with the next block. Returns false at the end of the input.
  /// \throws DataError on read or decompression errors
  bool next(LineBlock& b) {
    b.release();
    return mapped_ ? next_mapped(b) : next_stream(b);
  }

private:
  [[noreturn]] void fail_errno(const char* what) {
    const std::string why = std::strerror(errno);
    throw DataError(path_ + ": " + what + ": " + why);
  }

  // ---- regular files: one mapping per block ----
  const char* map(LineBlock& b, std::uint64_t from, std::uint64_t to) {
    if (b.map_) ::munmap(b.map_, b.map_len_), b.map_ = nullptr;
    const std::uint64_t base = from / page_ * page_;
    const std::size_t len = static_cast<std::size_t>(to - base);
    // MAP_POPULATE maps the window's cached pages in one call instead of one fault per few pages.
    void* m = ::mmap(nullptr, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd_, static_cast<off_t>(base));
    if (m == MAP_FAILED) fail_errno("cannot map file");
    ::madvise(m, len, MADV_SEQUENTIAL);
    b.map_ = m;
    b.map_len_ = len;
    return static_cast<const char*>(m) + (from - base);
  }

  bool next_mapped(LineBlock& b) {
    if (pos_ == 0 && size_ >= 3) skip_bom_mapped();
    if (pos_ >= size_) return false;
    std::uint64_t want = pos_ + window_;
    // The block must be followed by kPad readable bytes inside the file; near the end, copy.
    if (want + kPad > size_) return copy_tail(b);
    const char* p = map(b, pos_, want + kPad);
    const void* nl = ::memrchr(p, '\n', window_);
    if (!nl) {  // a line longer than the window: look for its end up to max_line
      const std::uint64_t limit = pos_ + max_line_ + 1;
      if (limit + kPad > size_) return copy_tail(b);
      p = map(b, pos_, limit + kPad);
      nl = std::memchr(p, '\n', static_cast<std::size_t>(max_line_ + 1));
      if (!nl) {
        b.too_long_ = true;
        b.data_ = p;
        b.size_ = 0;
        b.input_done_ = pos_;
        pos_ = size_;
        return true;
      }
    }
    const std::size_t n = static_cast<std::size_t>(static_cast<const char*>(nl) - p) + 1;
    b.data_ = p;
    b.size_ = n;
    pos_ += n;
    b.input_done_ = pos_;
    return true;
  }

  void skip_bom_mapped() {
    unsigned char bom[3];
    if (::pread(fd_, bom, 3, 0) == 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF) pos_ = 3;
  }

  /// The rest of a regular file (less than window or max_line plus kPad bytes), copied into a
  /// padded buffer.
  bool copy_tail(LineBlock& b) {
    if (b.map_) ::munmap(b.map_, b.map_len_), b.map_ = nullptr;
    const std::size_t take = static_cast<std::size_t>(size_ - pos_);
    b.buf_.resize(take + kPad);
    std::size_t got = 0;
    while (got < take) {
      const ssize_t r = ::pread(fd_, b.buf_.data() + got, take - got, static_cast<off_t>(pos_ + got));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) fail_errno("read error");
      if (r == 0) throw DataError(path_ + ": file shrank while being read");
      got += static_cast<std::size_t>(r);
    }
    std::memset(b.buf_.data() + take, 0, kPad);
    b.data_ = b.buf_.data();
    b.size_ = take;
    pos_ = size_;
    b.input_done_ = pos_;
    return true;
  }

  // ---- gzip and streams: read into the block's buffer, carry the unfinished line over ----
  std::size_t read_more(std::vector<char>& buf, std::size_t have, std::size_t want) {
    while (have < want && !eof_) {
      const unsigned ask = static_cast<unsigned>(std::min<std::size_t>(want - have, 1u << 30));
      const int r = ::gzread(gz_, buf.data() + have, ask);
      if (r < 0) {
        int err = 0;
        const std::string msg = gz_message(&err);
        throw DataError(path_ + ": " + (err == Z_ERRNO ? std::string("read error: ") + std::strerror(errno)
                                                       : "corrupt gzip data: " + msg));
      }
      if (r == 0) {
        int err = 0;
        const std::string msg = gz_message(&err);
        if (err != Z_OK && err != Z_STREAM_END) throw DataError(path_ + ": corrupt gzip data: " + msg);
        eof_ = true;
      }
      have += static_cast<std::size_t>(r);
    }
    return have;
  }

  /// zlib's error text without the "<fd:N>: " it prefixes for descriptors.
  std::string gz_message(int* err) {
    std::string m = ::gzerror(gz_, err);
    if (m.compare(0, 4, "<fd:") == 0) {
      const auto k = m.find(": ");
      if (k != std::string::npos) m.erase(0, k + 2);
    }
    return m;
  }

  bool next_stream(LineBlock& b) {
    if (eof_ && carry_.empty()) return false;
    std::vector<char>& buf = b.buf_;
    std::size_t have = carry_.size();
    std::size_t want = std::max(window_, have + 1);
    buf.resize(want + kPad);
    if (have) std::memcpy(buf.data(), carry_.data(), have);
    carry_.clear();
    have = read_more(buf, have, want);
    if (first_) {
      first_ = false;
      if (have >= 3 && static_cast<unsigned char>(buf[0]) == 0xEF && static_cast<unsigned char>(buf[1]) == 0xBB &&
          static_cast<unsigned char>(buf[2]) == 0xBF) {
        std::memmove(buf.data(), buf.data() + 3, have - 3);
        have -= 3;
      }
    }
    const void* nl = have ? ::memrchr(buf.data(), '\n', have) : nullptr;
    while (!nl && !eof_) {  // no line end yet: the line is long; read on up to max_line
      if (have > max_line_) {
        b.too_long_ = true;
        b.data_ = buf.data();
        b.size_ = 0;
        eof_ = true;
        return true;
      }
      const std::size_t from = have;
      want = std::min(have * 2, max_line_ + 1);
      if (want <= have) want = have + 1;
      buf.resize(want + kPad);
      have = read_more(buf, have, want);
      nl = std::memchr(buf.data() + from, '\n', have - from);
    }
    std::size_t n = have;
    if (nl) {
      n = static_cast<std::size_t>(static_cast<const char*>(nl) - buf.data()) + 1;
      carry_.assign(buf.data() + n, buf.data() + have);
    }
    if (have == 0) return false;
    std::memset(buf.data() + n, 0, kPad);
    b.data_ = buf.data();
    b.size_ = n;
    b.input_done_ = size_ ? static_cast<std::uint64_t>(::gzoffset(gz_)) : 0;
    return true;
  }

  std::string path_;
  std::size_t window_, max_line_;
  int fd_ = -1;
  std::uint64_t size_ = 0;  ///< file size (0 for streams)
  std::size_t page_ = 4096;
  bool mapped_ = false;
  std::uint64_t pos_ = 0;  ///< mapped mode: next unread byte
  gzFile gz_ = nullptr;
  bool eof_ = false;
  bool first_ = true;
  std::vector<char> carry_;
};

}  // namespace sla_planner::detail
