// Helpers for the trace tests: temporary files (plain and gzip) that clean up after themselves.
#pragma once

#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace sla_planner::test {

/// A file under $TMPDIR (or /tmp) removed when the object goes away.
class TempFile {
public:
  explicit TempFile(const std::string& suffix = ".jsonl") {
    static int counter = 0;
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir && *dir ? dir : "/tmp") + "/sla_trace_test_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter++) + suffix;
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

  /// Writes `text` as is.
  const TempFile& write(const std::string& text) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path_);
    return *this;
  }
  /// Writes `text` gzip-compressed.
  const TempFile& write_gz(const std::string& text) const {
    gzFile g = gzopen(path_.c_str(), "wb");
    if (!g || gzwrite(g, text.data(), static_cast<unsigned>(text.size())) != static_cast<int>(text.size()) || gzclose(g) != Z_OK)
      throw std::runtime_error("cannot write " + path_);
    return *this;
  }

private:
  std::string path_;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// gzip-compressed copy of `text` held in memory.
inline std::string gzip_bytes(const std::string& text) {
  TempFile f(".gz");
  f.write_gz(text);
  return read_text(f.path());
}

}  // namespace sla_planner::test
