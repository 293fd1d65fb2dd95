// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Reading a mooncake trace (.jsonl or .jsonl.gz, see mooncake_reader.hpp) into the in-memory forms
// the compute areas take: per-interval load (IntervalSeries), a summary (TraceSummary), and the
// requests of a fleet replay (ReplayRequest).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "sla_planner/formats/mooncake_reader.hpp"
#include "sla_planner/sim/replay_request.hpp"
#include "sla_planner/sim/replay_workload.hpp"
#include "sla_planner/trace/interval_series.hpp"
#include "sla_planner/trace/trace_record.hpp"
#include "sla_planner/trace/trace_summary.hpp"

namespace sla_planner {

namespace detail {
/// Read options that also reserve room in the loader's vectors once the first block is in: its
/// counts scaled by the input's size over the bytes read, plus a quarter. Reserved pages that are
/// never written cost nothing, and a trace denser than its first block only grows the vectors as
/// before; without it they double while the trace is read, copying and faulting in twice their
/// final size. `reserve(scale)` is called at most once (`scale`: input size / bytes read).
template <class Reserve>
MooncakeReadOptions reserving_read_options(const MooncakeReadOptions& options, Reserve reserve) {
  MooncakeReadOptions o = options;
  o.on_progress = [user = options.on_progress, reserve, first = true](std::uint64_t done, std::uint64_t size) mutable {
    if (first && done > 0 && size > done) reserve(1.25 * static_cast<double>(size) / static_cast<double>(done));
    first = false;
    if (user) user(done, size);
  };
  return o;
}
/// The vector's capacity raised to `scale` times its size (no-op below the current capacity). A
/// capacity of 8 MiB or more is advised to the kernel for transparent huge pages (Linux, where
/// THP is in `madvise` mode): writing it then faults once per 2 MiB instead of once per 4 KiB,
/// which on a virtual machine is most of the cost of filling it.
template <class V>
void reserve_scaled(V& v, double scale) {
  const double want = static_cast<double>(v.size()) * scale + 1024.0;
  if (!(want < static_cast<double>(v.max_size()) / 2) || static_cast<std::size_t>(want) <= v.capacity()) return;
  v.reserve(static_cast<std::size_t>(want));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const std::size_t bytes = v.capacity() * sizeof(typename V::value_type);
  if (bytes >= (std::size_t(8) << 20)) {
    const std::size_t page = 4096;
    const auto begin = (reinterpret_cast<std::uintptr_t>(v.data()) + page - 1) & ~(page - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(v.data()) + bytes) & ~(page - 1);
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // a hint: failure is harmless
  }
#endif
}
}  // namespace detail

/// Reads a mooncake trace and groups it into intervals; lines need not be sorted.
/// \throws DataError from the reader, or when the trace spans more than options.max_intervals
inline IntervalSeries load_interval_series(const std::string& path, const IntervalSeriesOptions& options = {},
                                           const MooncakeReadOptions& read_options = {},
                                           MooncakeReadStats* stats = nullptr) {
  IntervalAccumulator acc(options, path);
  const MooncakeReadStats st =
      read_mooncake_batches(path, [&](const TraceRecord* r, std::size_t n) { acc.add(r, n); }, read_options);
  if (stats) *stats = st;
  return acc.series();
}

/// Reads a mooncake trace and summarises it.
/// \throws DataError from the reader
inline TraceSummary load_trace_summary(const std::string& path, const TraceSummaryOptions& options = {},
                                       const MooncakeReadOptions& read_options = {},
                                       MooncakeReadStats* stats = nullptr) {
  TraceSummarizer t(options, path);
  const auto st = read_mooncake_batches(path, [&](const TraceRecord* r, std::size_t n) { t.add(r, n); }, read_options);
  if (stats) *stats = st;
  return t.summary();
}

/// Reads a mooncake trace (.jsonl or .jsonl.gz) into requests sorted by arrival (stable: lines
/// with one timestamp keep file order). `time_scale` divides the timestamps (2 = twice as fast).
/// \throws DataError from the reader; std::invalid_argument for a non-positive time_scale
inline std::vector<ReplayRequest> load_replay_requests(const std::string& path, const MooncakeReadOptions& options = {},
                                                       double time_scale = 1.0, MooncakeReadStats* stats = nullptr) {
  if (!(time_scale > 0) || !std::isfinite(time_scale))
    throw std::invalid_argument("'time_scale' must be > 0, got " + std::to_string(time_scale));
  std::vector<ReplayRequest> out;
  const MooncakeReadStats st = read_mooncake_batches(
      path,
      [&](const TraceRecord* r, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i)
          out.push_back({time_scale == 1.0 ? r[i].timestamp_ms : r[i].timestamp_ms / time_scale, r[i].input_length,
                         r[i].output_length});
      },
      detail::reserving_read_options(options, [&](double scale) { detail::reserve_scaled(out, scale); }));
  if (stats) *stats = st;
  if (!std::is_sorted(out.begin(), out.end(),
                      [](const ReplayRequest& a, const ReplayRequest& b) { return a.arrival_ms < b.arrival_ms; }))
    std::stable_sort(out.begin(), out.end(),
                     [](const ReplayRequest& a, const ReplayRequest& b) { return a.arrival_ms < b.arrival_ms; });
  return out;
}

/// Reads a mooncake trace into requests sorted by arrival (as load_replay_requests) with each
/// request's "hash_ids" (KV block ids; a line without them has none) in one pool.
/// \throws DataError from the reader (a hash_ids that is not an array of non-negative integers is
///         a bad line); std::invalid_argument for a non-positive time_scale
inline ReplayWorkload load_replay_workload(const std::string& path, const MooncakeReadOptions& options = {},
                                          double time_scale = 1.0, MooncakeReadStats* stats = nullptr) {
  if (!(time_scale > 0) || !std::isfinite(time_scale))
    throw std::invalid_argument("'time_scale' must be > 0, got " + std::to_string(time_scale));
  ReplayWorkload w;
  w.hash_offsets.push_back(0);
  const MooncakeReadStats st = read_mooncake_batches(
      path,
      [&](const TraceRecord* r, std::size_t n, const std::uint64_t* ids, const std::uint32_t* counts) {
        // A batch's ids are contiguous: one copy for all of them.
        std::uint64_t end = w.block_hashes.size();
        for (std::size_t i = 0; i < n; ++i) {
          w.requests.push_back({time_scale == 1.0 ? r[i].timestamp_ms : r[i].timestamp_ms / time_scale,
                                r[i].input_length, r[i].output_length});
          end += counts[i];
          w.hash_offsets.push_back(end);
        }
        w.block_hashes.insert(w.block_hashes.end(), ids, ids + (end - w.block_hashes.size()));
      },
      detail::reserving_read_options(options, [&](double scale) {
        detail::reserve_scaled(w.requests, scale);
        detail::reserve_scaled(w.hash_offsets, scale);
        detail::reserve_scaled(w.block_hashes, scale);
      }));
  if (stats) *stats = st;
  if (std::is_sorted(w.requests.begin(), w.requests.end(),
                     [](const ReplayRequest& a, const ReplayRequest& b) { return a.arrival_ms < b.arrival_ms; }))
    return w;
  const auto earlier = [&](std::size_t a, std::size_t b) { return w.requests[a].arrival_ms < w.requests[b].arrival_ms; };
  std::vector<std::size_t> order(w.requests.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), earlier);
  ReplayWorkload s;
  s.requests.reserve(w.requests.size());
  s.block_hashes.reserve(w.block_hashes.size());
  s.hash_offsets.reserve(w.hash_offsets.size());
  s.hash_offsets.push_back(0);
  for (std::size_t i : order) {
    s.requests.push_back(w.requests[i]);
    s.block_hashes.insert(s.block_hashes.end(), w.block_hashes.begin() + static_cast<std::ptrdiff_t>(w.hash_offsets[i]),
                          w.block_hashes.begin() + static_cast<std::ptrdiff_t>(w.hash_offsets[i + 1]));
    s.hash_offsets.push_back(s.block_hashes.size());
  }
  return s;
}

}  // namespace sla_planner
