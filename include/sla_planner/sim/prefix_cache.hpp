// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// A prefill worker's prefix cache of KV blocks, keyed by block hash (the `hash_ids` of a mooncake
// trace), as vLLM's automatic prefix caching keeps it (docs.vllm.ai, design/prefix_caching):
//   - a block's hash chains over every block before it, so block i of a prompt hits only when
//     blocks 0..i−1 hit too: the hit length is the longest cached prefix of the prompt's hashes;
//   - cached blocks are evicted least recently used first; a request's blocks are touched (and
//     added) from its last block to its first, as vLLM frees them in reverse order, so that a
//     prompt's tail is evicted before its head.
// Storage: an intrusive doubly linked LRU list, O(1) per block, indexed two ways: a key below a
// limit (16 × the capacity, at least 2^16, at most 2^22; 2^20 unbounded) by an array indexed by the
// key itself, grown to the largest such key seen (trace ids are mostly small integers: sin_synth
// draws them below 10,000, mooncake numbers its blocks from 0), any other key by an
// open-addressing hash table (linear probing, backward-shift deletion). Both give the same
// answers; the array only saves the hashing and probing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace sla_planner {

/// LRU cache of KV block hashes with a capacity in blocks. Not thread-safe.
class PrefixCache {
public:
  /// `capacity_blocks`: blocks held at most; -1 unbounded, 0 caches nothing.
  /// \throws std::invalid_argument for a capacity below -1 or above 2^31
  explicit PrefixCache(std::int64_t capacity_blocks = 0) : cap_(capacity_blocks) {
    if (capacity_blocks < -1 || capacity_blocks > (std::int64_t(1) << 31))
      throw std::invalid_argument("'capacity_blocks' must be in [-1, 2^31], got " + std::to_string(capacity_blocks));
    if (capacity_blocks < 0) direct_limit_ = std::uint64_t(1) << 20;
    else direct_limit_ = std::min<std::uint64_t>(std::max<std::uint64_t>(16 * static_cast<std::uint64_t>(capacity_blocks),
                                                                           std::uint64_t(1) << 16),
                                                  std::uint64_t(1) << 22);
  }

  /// Blocks the cache may hold (-1: unbounded).
  std::int64_t capacity() const noexcept { return cap_; }
  /// Blocks held now.
  std::size_t size() const noexcept { return size_; }
  /// Whether block `hash` is cached.
  bool contains(std::uint64_t hash) const noexcept { return find(hash) != kNone; }

  /// Length of the longest prefix of ids[0, n) that is cached (nothing is touched).
  std::size_t match(const std::uint64_t* ids, std::size_t n) const noexcept {
    std::size_t k = 0;
    while (k < n && find(ids[k]) != kNone) ++k;
    return k;
  }
  /// The same, and the hit blocks become the most recently used (the first one most recent).
  std::size_t lookup(const std::uint64_t* ids, std::size_t n) {
    const std::size_t k = match(ids, n);
    for (std::size_t i = k; i-- > 0;) to_front(find(ids[i]));
    return k;
  }
  /// Adds (or touches) blocks ids[0, n), last to first, evicting the least recently used blocks
  /// beyond the capacity.
  void insert(const std::uint64_t* ids, std::size_t n) {
    if (cap_ == 0) return;
    for (std::size_t i = n; i-- > 0;) {
      const std::uint32_t at = find(ids[i]);
      if (at != kNone) {
        to_front(at);
        continue;
      }
      if (cap_ > 0 && static_cast<std::int64_t>(size_) >= cap_) evict();
      add(ids[i]);
    }
  }
  /// The cached hashes from most to least recently used (for tests).
  std::vector<std::uint64_t> lru_order() const {
    std::vector<std::uint64_t> out;
    for (std::uint32_t i = head_; i != kNone; i = nodes_[i].next) out.push_back(nodes_[i].key);
    return out;
  }

private:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  struct Node {
    std::uint64_t key;
    std::uint32_t prev, next;
  };
  struct Slot {  // the key is kept here too, so that probing touches only the table
    std::uint64_t key;
    std::uint32_t node;  // kNone: empty
  };

  std::size_t slot_of(std::uint64_t key) const noexcept {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_);
  }
  std::uint32_t find(std::uint64_t key) const noexcept {
    if (key < direct_limit_) return key < direct_.size() ? direct_[static_cast<std::size_t>(key)] : kNone;
    if (table_.empty()) return kNone;
    const std::size_t mask = table_.size() - 1;
    for (std::size_t s = slot_of(key);; s = (s + 1) & mask) {
      const Slot& v = table_[s];
      if (v.node == kNone || v.key == key) return v.node;
    }
  }
  void unlink(std::uint32_t i) noexcept {
    Node& n = nodes_[i];
    if (n.prev != kNone) nodes_[n.prev].next = n.next;
    else head_ = n.next;
    if (n.next != kNone) nodes_[n.next].prev = n.prev;
    else tail_ = n.prev;
  }
  void push_front(std::uint32_t i) noexcept {
    Node& n = nodes_[i];
    n.prev = kNone;
    n.next = head_;
    if (head_ != kNone) nodes_[head_].prev = i;
    head_ = i;
    if (tail_ == kNone) tail_ = i;
  }
  void to_front(std::uint32_t i) noexcept {
    if (i == head_) return;
    unlink(i);
    push_front(i);
  }
  void add(std::uint64_t key) {
    const bool direct = key < direct_limit_;
    if (direct) {
      if (key >= direct_.size())
        direct_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(std::max<std::uint64_t>(key + 1, 2 * direct_.size()),
                                                                         direct_limit_)),
                       kNone);
    } else if ((hashed_ + 1) * 2 > table_.size()) {
      grow();
    }
    std::uint32_t i;
    if (free_ != kNone) {
      i = free_;
      free_ = nodes_[i].next;
    } else {
      i = static_cast<std::uint32_t>(nodes_.size());
      nodes_.push_back(Node{});
    }
    nodes_[i].key = key;
    push_front(i);
    if (direct) {
      direct_[static_cast<std::size_t>(key)] = i;
    } else {
      place(i);
      ++hashed_;
    }
    ++size_;
  }
  void place(std::uint32_t i) noexcept {
    const std::size_t mask = table_.size() - 1;
    const std::uint64_t key = nodes_[i].key;
    std::size_t s = slot_of(key);
    while (table_[s].node != kNone) s = (s + 1) & mask;
    table_[s] = Slot{key, i};
  }
  void evict() noexcept {
    const std::uint32_t i = tail_;
    unlink(i);
    nodes_[i].next = free_;
    free_ = i;
    --size_;
    const std::uint64_t key = nodes_[i].key;
    if (key < direct_limit_) {
      direct_[static_cast<std::size_t>(key)] = kNone;
      return;
    }
    --hashed_;
    // Backward-shift deletion keeps every probe chain unbroken.
    const std::size_t mask = table_.size() - 1;
    std::size_t s = slot_of(key);
    while (table_[s].node != i) s = (s + 1) & mask;
    for (std::size_t j = (s + 1) & mask;; j = (j + 1) & mask) {
      const Slot v = table_[j];
      if (v.node == kNone) break;
      const std::size_t home = slot_of(v.key);
      // v may move to s when its home is not in (s, j] (cyclically).
      if (((j - home) & mask) >= ((j - s) & mask)) {
        table_[s] = v;
        s = j;
      }
    }
    table_[s].node = kNone;
  }
  void grow() {
    std::size_t n = table_.empty() ? 64 : table_.size() * 2;
    int bits = 0;
    while ((std::size_t(1) << bits) < n) ++bits;
    shift_ = 64 - bits;
    table_.assign(n, Slot{0, kNone});
    for (std::uint32_t i = head_; i != kNone; i = nodes_[i].next)
      if (nodes_[i].key >= direct_limit_) place(i);
  }

  std::int64_t cap_;
  std::uint64_t direct_limit_ = 0;      // keys below it are indexed by direct_, the others by table_
  std::vector<std::uint32_t> direct_;   // node of each key below direct_limit_ (kNone: absent)
  std::vector<Slot> table_;  // power-of-two size, at most half full of the keys >= direct_limit_
  std::size_t hashed_ = 0;   // keys in table_
  int shift_ = 58;
  std::vector<Node> nodes_;
  std::uint32_t head_ = kNone, tail_ = kNone, free_ = kNone;
  std::size_t size_ = 0;
};

}  // namespace sla_planner
