// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Streaming reader of mooncake JSONL traces (Mooncake FAST'25 trace format; what AIPerf's
// `mooncake_trace` dataset type and NVIDIA Dynamo's planner dry run read): one JSON object per
// line with "timestamp" (ms, integer or fractional), "input_length", "output_length"; other keys
// ("hash_ids", ...) are ignored, blank lines skipped, gzip read transparently (by magic bytes).
// Parsing uses simdjson On-Demand document streams; see detail/mooncake_region.hpp. As everywhere
// with On-Demand, values of ignored keys are only checked for balanced brackets, well-formed
// strings and valid UTF-8 ("hash_ids": [1 2] is not rejected); the three fields are fully checked.
// Lines are parsed without their "hash_ids" member (detail/hash_ids_tail.hpp), which changes nothing
// that is read. Memory is bounded by (threads + 2) windows plus, per thread, a window-sized copy and a
// simdjson parser, whatever the trace length.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "sla_planner/util/data_error.hpp"
#include "sla_planner/formats/detail/jsonl_source.hpp"
#include "sla_planner/formats/detail/mooncake_region.hpp"
#include "sla_planner/formats/detail/worker_thread.hpp"
#include "sla_planner/formats/mooncake_line_parser.hpp"
#include "sla_planner/trace/trace_record.hpp"

namespace sla_planner {

/// How to read a mooncake trace.
struct MooncakeReadOptions {
  /// Skip bad lines (count them, remember the first) instead of stopping at the first one.
  bool skip_invalid = false;
  /// Parsing threads: 0 = one per hardware thread, at most 4, with inputs under 8 windows cut
  /// into 8 blocks of at least 256 KiB (one thread for fewer than 4 blocks); 1 = parse on the
  /// calling thread.
  unsigned threads = 0;
  /// Bytes handed to a parsing thread at a time.
  std::size_t window_bytes = std::size_t(4) << 20;
  /// Longest accepted line; a longer one stops the read (also with skip_invalid).
  std::size_t max_line_bytes = std::size_t(16) << 20;
  /// Also read each request's "hash_ids" (the KV block ids of its prompt) and hand them to a
  /// four-argument on_batch (see read_mooncake_batches). Off, lines are parsed without them.
  bool keep_hash_ids = false;
  /// Called after each block with (input bytes done, input size; 0 when unknown). Optional.
  std::function<void(std::uint64_t, std::uint64_t)> on_progress;

  /// \throws std::invalid_argument naming the field
  void validate() const {
    if (threads > 256) throw std::invalid_argument("'threads' must be <= 256, got " + std::to_string(threads));
    if (window_bytes < 4096 || window_bytes > (std::size_t(1) << 30))
      throw std::invalid_argument("'window_bytes' must be in [4096, 2^30], got " + std::to_string(window_bytes));
    if (max_line_bytes < 1 || max_line_bytes > (std::size_t(1) << 31))
      throw std::invalid_argument("'max_line_bytes' must be in [1, 2^31], got " + std::to_string(max_line_bytes));
  }
  /// The thread count `threads` stands for.
  unsigned effective_threads() const {
    if (threads) return threads;
    const unsigned hw = std::thread::hardware_concurrency();
    return std::max(1u, std::min(hw, 4u));
  }
};

/// What a read saw.
struct MooncakeReadStats {
  std::uint64_t records = 0;  ///< requests delivered
  std::uint64_t lines = 0;    ///< lines read, blank and skipped ones included
  std::uint64_t invalid = 0;  ///< bad lines skipped (skip_invalid)
  std::string first_error;    ///< "file:line: why" of the first skipped line
  std::uint64_t first_error_line = 0;  ///< its line number
  std::uint64_t bytes = 0;    ///< JSONL bytes parsed (after decompression)
};

/// Reads the trace at `path`, calling on_batch(const TraceRecord* records, std::size_t n) for
/// consecutive runs of requests in file order. on_batch may take two more arguments (then the
/// ids are read whatever options.keep_hash_ids says), (const std::uint64_t* ids, const std::uint32_t* counts): record i's ids follow
/// those of records 0..i−1 in `ids`, counts[i] of them (a line without "hash_ids" has none; one
/// whose hash_ids is not an array of non-negative integers is a bad line).
/// \throws DataError "file:line: why" at the first bad line (unless skip_invalid), on I/O or
///         gzip errors, and when the trace holds no request at all
/// \throws std::invalid_argument for bad options
template <class OnBatch>
MooncakeReadStats read_mooncake_batches(const std::string& path, OnBatch&& on_batch, const MooncakeReadOptions& options = {}) {
  options.validate();
  detail::LineSource source(path, options.window_bytes, options.max_line_bytes);
  // Automatic threading: an input of fewer than 8 windows is cut into 8 blocks (at least 256 KiB
  // each) so that every thread gets work, and smaller buffers are faster to fault in (README,
  // Performance); threads only start for 4 blocks or more.
  const std::uint64_t size = source.input_size();
  std::size_t window = options.window_bytes;
  if (options.threads == 0 && size > 0 && size < 8 * std::uint64_t(window)) {
    window = std::max<std::size_t>(static_cast<std::size_t>(size / 8), std::min<std::size_t>(window, 256u << 10));
    source.set_window(window);
  }
  const bool small = size > 0 && size < 4 * std::uint64_t(window);
  const unsigned nthreads = (options.threads == 0 && small) ? 1u : options.effective_threads();
  struct Slot {
    detail::LineBlock block;
    detail::RegionParser parser;
    detail::RegionResult result;
    bool busy = false;
    std::unique_ptr<detail::WorkerThread> worker;  // last: joined before the rest is destroyed
  };
  std::vector<std::unique_ptr<Slot>> slots;
  constexpr bool kWantsIds =
      std::is_invocable_v<OnBatch&, const TraceRecord*, std::size_t, const std::uint64_t*, const std::uint32_t*>;
  for (unsigned i = 0; i < nthreads; ++i) {
    slots.push_back(std::make_unique<Slot>());
    slots.back()->parser.set_keep_hash_ids(options.keep_hash_ids || kWantsIds);
    if (nthreads > 1) slots.back()->worker = std::make_unique<detail::WorkerThread>();
  }
  MooncakeReadStats stats;
  std::string first_why;
  const bool skip = options.skip_invalid;

  // Delivers one parsed block (blocks are consumed in file order).
  auto consume = [&](detail::LineBlock& block, detail::RegionResult& r) {
    if (block.too_long())
      throw DataError(path + ":" + std::to_string(stats.lines + 1) + ": line longer than " +
                      std::to_string(options.max_line_bytes) + " bytes");
    for (auto& rec : r.records) rec.line += stats.lines;
    if (!r.records.empty()) {
      if constexpr (kWantsIds)
        on_batch(static_cast<const TraceRecord*>(r.records.data()), r.records.size(),
                 static_cast<const std::uint64_t*>(r.hash_ids.data()), static_cast<const std::uint32_t*>(r.hash_counts.data()));
      else
        on_batch(static_cast<const TraceRecord*>(r.records.data()), r.records.size());
    }
    stats.records += r.records.size();
    if (r.invalid) {
      if (stats.invalid == 0) {
        stats.first_error_line = stats.lines + r.first_error_line;
        stats.first_error = path + ":" + std::to_string(stats.first_error_line) + ": " + r.first_error;
        first_why = r.first_error;
      }
      stats.invalid += r.invalid;
      if (!skip) throw DataError(stats.first_error);
    }
    stats.lines += r.lines;
    stats.bytes += block.size();
    const std::uint64_t done = block.input_done();
    block.release();
    if (options.on_progress) options.on_progress(done, source.input_size());
  };

  if (nthreads == 1) {
    Slot& s = *slots[0];
    while (source.next(s.block)) {
      if (s.block.too_long()) s.result.clear();
      else s.parser.parse(s.block.data(), s.block.size(), skip, s.result);
      consume(s.block, s.result);
    }
  } else {
    // Round robin over the workers. The next block is mapped (or read) while they parse, so a
    // finished worker gets new work at once; its results are delivered after that.
    detail::LineBlock ahead, done_block;
    detail::RegionResult done_result;
    bool have = source.next(ahead);
    for (std::size_t k = 0, idle = 0; idle < slots.size(); k = (k + 1) % slots.size()) {
      Slot& s = *slots[k];
      const bool had = s.busy;
      if (had) {
        s.worker->wait();
        s.busy = false;
        s.block.swap(done_block);
        std::swap(s.result, done_result);
      }
      if (have) {
        s.block.swap(ahead);
        s.busy = true;
        if (s.block.too_long()) {
          s.result.clear();  // nothing to parse; consume() reports it in turn
        } else {
          Slot* sp = &s;
          s.worker->submit([sp, skip] { sp->parser.parse(sp->block.data(), sp->block.size(), skip, sp->result); });
        }
        have = source.next(ahead);
        idle = 0;
      } else {
        ++idle;
      }
      if (had) consume(done_block, done_result);
    }
  }
  if (stats.records == 0) {
    if (stats.invalid)
      throw DataError(path + ": no valid request (" + std::to_string(stats.invalid) + " bad lines skipped; line " +
                      std::to_string(stats.first_error_line) + ": " + first_why + ")");
    throw DataError(path + ": no request in the trace");
  }
  return stats;
}

/// Same, one call per request: on_record(const TraceRecord&).
template <class OnRecord>
MooncakeReadStats read_mooncake(const std::string& path, OnRecord&& on_record, const MooncakeReadOptions& options = {}) {
  return read_mooncake_batches(
      path,
      [&](const TraceRecord* r, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) on_record(r[i]);
      },
      options);
}

}  // namespace sla_planner
