// PrefixCache: the prefix-only hit rule, LRU eviction order (a request's tail before its head),
// touching on lookup, unbounded and disabled caches, and many blocks through the hash table.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "sla_planner/sim/prefix_cache.hpp"

using namespace sla_planner;
using V = std::vector<std::uint64_t>;

TEST_CASE("only a cached prefix hits: a later block without its predecessors does not") {
  PrefixCache c(-1);
  const V a = {1, 2, 3};
  c.insert(a.data(), a.size());
  const V q1 = {1, 2, 9, 3};
  CHECK(c.match(q1.data(), q1.size()) == 2);  // 3 is cached, but its predecessor 9 is not
  const V q2 = {9, 1, 2, 3};
  CHECK(c.match(q2.data(), q2.size()) == 0);
  const V q3 = {1, 2, 3, 4};
  CHECK(c.lookup(q3.data(), q3.size()) == 3);
  CHECK(c.match(nullptr, 0) == 0);
}

TEST_CASE("LRU eviction order: least recently used first, a request's last block before its first") {
  PrefixCache c(4);
  const V a = {1, 2, 3};
  c.insert(a.data(), a.size());
  CHECK(c.lru_order() == V{1, 2, 3});  // most recent first: the head of the prompt
  const V b = {7, 8};
  c.insert(b.data(), b.size());  // 5 blocks > 4: the LRU one, 3 (a's tail), goes
  CHECK(c.lru_order() == V{7, 8, 1, 2});
  CHECK(!c.contains(3));
  // A lookup touches the hit blocks: 1 and 2 become the most recent.
  const V q = {1, 2, 3};
  CHECK(c.lookup(q.data(), q.size()) == 2);
  CHECK(c.lru_order() == V{1, 2, 7, 8});
  // A match does not touch.
  const V m = {7};
  CHECK(c.match(m.data(), m.size()) == 1);
  CHECK(c.lru_order() == V{1, 2, 7, 8});
  // Two more blocks evict 8, then 7.
  const V d = {5, 6};
  c.insert(d.data(), d.size());
  CHECK(c.lru_order() == V{5, 6, 1, 2});
  CHECK(c.size() == 4);
  // Re-inserting cached blocks only touches them.
  const V e = {2, 6};
  c.insert(e.data(), e.size());
  CHECK(c.lru_order() == V{2, 6, 5, 1});
}

TEST_CASE("capacity 0 caches nothing; -1 never evicts") {
  PrefixCache off(0);
  const V a = {1, 2};
  off.insert(a.data(), a.size());
  CHECK(off.size() == 0);
  CHECK(off.match(a.data(), a.size()) == 0);
  CHECK_THROWS_WITH(PrefixCache(-2), "'capacity_blocks' must be in [-1, 2^31], got -2");

  PrefixCache all(-1);
  V many(100000);
  for (std::size_t i = 0; i < many.size(); ++i) many[i] = i * 0x10000 + 7;  // collide in the low bits
  all.insert(many.data(), many.size());
  CHECK(all.size() == many.size());
  CHECK(all.match(many.data(), many.size()) == many.size());
}

TEST_CASE("eviction keeps every other block findable (hash table deletions)") {
  PrefixCache c(1000);
  for (std::uint64_t i = 0; i < 50000; ++i) c.insert(&i, 1);
  CHECK(c.size() == 1000);
  for (std::uint64_t i = 0; i < 50000; ++i) CHECK(c.contains(i) == (i >= 49000));
}

TEST_CASE("small and large keys (array and hash table) share one LRU order") {
  // Capacity 3: keys below 2^16 are indexed by an array, larger ones by the hash table.
  PrefixCache c(3);
  const std::uint64_t big = std::uint64_t(1) << 40;
  const V a = {5, big, 7};
  c.insert(a.data(), a.size());
  CHECK(c.lru_order() == V{5, big, 7});
  const V b = {big + 1};
  c.insert(b.data(), b.size());  // evicts 7 (array)
  CHECK(c.lru_order() == V{big + 1, 5, big});
  const V d = {65536, 65535};
  c.insert(d.data(), d.size());  // evicts big (table), then 5 (array)
  CHECK(c.lru_order() == V{65536, 65535, big + 1});
  CHECK(!c.contains(5));
  CHECK(!c.contains(big));
  CHECK(!c.contains(7));
  const V q = {65536, 65535, big + 1, 9};
  CHECK(c.lookup(q.data(), q.size()) == 3);
  CHECK(c.size() == 3);
  // The same sequence of operations on keys that are all large gives the same order.
  PrefixCache h(3);
  const std::uint64_t o = std::uint64_t(1) << 50;
  const V ha = {o + 5, big, o + 7}, hb = {big + 1}, hd = {o + 65536, o + 65535};
  h.insert(ha.data(), ha.size());
  h.insert(hb.data(), hb.size());
  h.insert(hd.data(), hd.size());
  CHECK(h.lru_order() == V{o + 65536, o + 65535, big + 1});
}
