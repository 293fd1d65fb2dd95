// sla_planner tools — shared command-line conventions.
// SPDX-License-Identifier: Apache-2.0
//
// Every tool:
//   - accepts long flags with '-' or '_' (--profile-results-dir == --profile_results_dir);
//   - exits 0 on success, 1 on bad data (DataError, I/O), 2 on bad usage (flags, arguments);
//   - prints one line "<tool>: error: <what>" on stderr on failure;
//   - writes output files completely or not at all (OutputFile: write to a temporary, then rename);
//   - shows a progress bar on stderr by one rule (ProgressFlags): always with --progress, never with
//     --no-progress, and otherwise when stderr is a terminal and the work is large — an input over
//     64 MiB, more than 200,000 requests to produce or replay, or more than 100 forecasts that
//     each fit a model.
#pragma once

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "sla_planner/util/data_error.hpp"

namespace sla_tools {

enum ExitCode : int { kOk = 0, kBadData = 1, kBadUsage = 2 };

/// Bad usage detected by a tool itself (exit code 2).
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// argv with every "--long_flag" rewritten to "--long-flag" (the value part after '=' is untouched).
class NormalizedArgs {
public:
  NormalizedArgs(int argc, char** argv) {
    for (int i = 0; i < argc; ++i) {
      std::string a = argv[i];
      if (i > 0 && a.size() > 2 && a[0] == '-' && a[1] == '-') {
        const auto eq = a.find('=');
        for (std::size_t k = 2; k < a.size() && k < eq; ++k)
          if (a[k] == '_') a[k] = '-';
      }
      store_.push_back(std::move(a));
    }
    for (auto& s : store_) ptrs_.push_back(s.data());
    ptrs_.push_back(nullptr);
  }
  int argc() const { return static_cast<int>(store_.size()); }
  char** argv() { return ptrs_.data(); }

private:
  std::vector<std::string> store_;
  std::vector<char*> ptrs_;
};

/// Shortest decimal text that reads back as the same double ("200", "12.5"; "inf", "-inf", "nan").
inline std::string shortest(double v) {
  if (!std::isfinite(v)) return v > 0 ? "inf" : (v < 0 ? "-inf" : "nan");
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

/// Parses the command line with `opts` (long flags normalised as NormalizedArgs does). For --help
/// prints the help on stdout and returns nothing (the tool then exits 0).
/// \throws UsageError for an argument no option takes, cxxopts exceptions for malformed flags
inline std::optional<cxxopts::ParseResult> parse_command_line(cxxopts::Options& opts, int argc, char** argv) {
  NormalizedArgs args(argc, argv);
  auto r = opts.parse(args.argc(), args.argv());
  if (r.count("help")) {
    std::fputs((opts.help() + "\n").c_str(), stdout);
    return std::nullopt;
  }
  if (!r.unmatched().empty()) throw UsageError("unexpected argument '" + r.unmatched().front() + "'");
  return r;
}

/// Runs a tool body, mapping exceptions to one error line and the exit-code convention.
inline int run_main(const char* tool, const std::function<int()>& body) {
  try {
    return body();
  } catch (const cxxopts::exceptions::exception& e) {
    // cxxopts quotes with U+2018/U+2019; the rest of our messages use ASCII quotes.
    std::string msg = e.what();
    for (const char* q : {"\xE2\x80\x98", "\xE2\x80\x99"})
      for (auto pos = msg.find(q); pos != std::string::npos; pos = msg.find(q)) msg.replace(pos, 3, "'");
    std::fprintf(stderr, "%s: error: %s (see --help)\n", tool, msg.c_str());
    return kBadUsage;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: error: %s (see --help)\n", tool, e.what());
    return kBadUsage;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s: error: %s\n", tool, e.what());
    return kBadUsage;
  } catch (const sla_planner::DataError& e) {
    std::fprintf(stderr, "%s: error: %s\n", tool, e.what());
    return kBadData;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "%s: error: out of memory\n", tool);
    return kBadData;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", tool, e.what());
    return kBadData;
  }
}

/// An output file that appears complete or not at all: data goes to "<path>.tmp.<pid>", and
/// commit() flushes, checks for write errors and renames it into place. Without commit() (an
/// exception, an early return) the temporary is removed.
class OutputFile {
public:
  explicit OutputFile(std::string path)
      : path_(std::move(path)), tmp_(path_ + ".tmp." + std::to_string(::getpid())) {
    out_.open(tmp_, std::ios::binary | std::ios::trunc);
    if (!out_) throw sla_planner::DataError(path_ + ": cannot open for writing: " + std::strerror(errno));
  }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() {
    if (!committed_) {
      out_.close();
      std::remove(tmp_.c_str());
    }
  }
  std::ofstream& stream() { return out_; }
  const std::string& temp_path() const { return tmp_; }
  const std::string& path() const { return path_; }
  /// Finishes the file. \throws DataError when writing or renaming failed
  /// When the stream was closed by the caller (another library wrote temp_path() by name), only
  /// the rename is done.
  void commit() {
    bool ok = true;
    if (out_.is_open()) {
      out_.flush();
      ok = static_cast<bool>(out_);
      out_.close();
      ok = ok && !out_.fail();
    }
    if (!ok) {
      std::remove(tmp_.c_str());
      committed_ = true;
      throw sla_planner::DataError(path_ + ": write failed (disk full?)");
    }
    if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
      const std::string why = std::strerror(errno);
      std::remove(tmp_.c_str());
      committed_ = true;
      throw sla_planner::DataError(path_ + ": cannot rename temporary file into place: " + why);
    }
    committed_ = true;
  }

private:
  std::string path_, tmp_;
  std::ofstream out_;
  bool committed_ = false;
};

/// True when stderr is a terminal.
inline bool stderr_is_tty() { return ::isatty(STDERR_FILENO) == 1; }

/// Adds --progress and --no-progress.
inline void add_progress_flags(cxxopts::Options& opts) {
  opts.add_options()("progress", "Progress bar on stderr (default: when stderr is a terminal and the work is large)")(
      "no-progress", "Never show a progress bar");
}

/// The one rule for progress bars: shown when --progress is given; never with --no-progress;
/// otherwise when stderr is a terminal and the work is large.
struct ProgressFlags {
  static constexpr std::uint64_t kLargeInputBytes = std::uint64_t(64) << 20;  ///< an input file this big is large
  static constexpr std::uint64_t kLargeItemCount = 200000;  ///< this many requests to produce or replay is large
  static constexpr std::uint64_t kLargeFitCount = 100;      ///< this many model-fitting forecasts is large
  bool forced = false, off = false;
  ProgressFlags() = default;
  explicit ProgressFlags(const cxxopts::ParseResult& r) : forced(r.count("progress") != 0), off(r.count("no-progress") != 0) {}
  /// Whether a bar shows for work that is large (true) or not.
  bool show(bool large) const { return forced || (!off && large && stderr_is_tty()); }
  /// ... for an input of `bytes`.
  bool show_for_bytes(std::uint64_t bytes) const { return show(bytes > kLargeInputBytes); }
  /// ... for `items` requests (lines, or replayed requests).
  bool show_for_items(std::uint64_t items) const { return show(items > kLargeItemCount); }
  /// ... for `intervals` forecasts that each fit a model (ARIMA, Prophet: milliseconds apiece).
  bool show_for_fits(std::uint64_t intervals) const { return show(intervals > kLargeFitCount); }
};

/// A progress bar on stderr: "[#########           ]  45%  1.2 s", redrawn at most 10 times a second.
class Progress {
public:
  Progress(bool enabled, std::string label) : enabled_(enabled), label_(std::move(label)), start_(clock::now()) {}
  ~Progress() { finish(); }
  /// Reports `done` of `total` units.
  void update(double done, double total) {
    if (!enabled_ || finished_) return;
    const auto now = clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    const double frac = total > 0 ? std::min(1.0, std::max(0.0, done / total)) : 0.0;
    const int width = 30, fill = static_cast<int>(frac * width + 0.5);
    std::string bar(static_cast<std::size_t>(fill), '#');
    bar.resize(width, ' ');
    std::fprintf(stderr, "\r%s [%s] %3d%%  %.1f s", label_.c_str(), bar.c_str(), static_cast<int>(frac * 100 + 0.5),
                 std::chrono::duration<double>(now - start_).count());
    std::fflush(stderr);
  }
  /// Draws 100% and ends the line (only if anything was drawn).
  void finish() {
    if (!enabled_ || finished_) return;
    finished_ = true;
    if (!drawn_) return;
    drawn_ = false;
    std::string bar(30, '#');
    std::fprintf(stderr, "\r%s [%s] 100%%  %.1f s\n", label_.c_str(), bar.c_str(),
                 std::chrono::duration<double>(clock::now() - start_).count());
  }

private:
  using clock = std::chrono::steady_clock;
  bool enabled_;
  bool finished_ = false;
  bool drawn_ = false;
  std::string label_;
  clock::time_point start_, last_{};
};

}  // namespace sla_tools
