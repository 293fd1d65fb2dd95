// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Mooncake trace lines end with a "hash_ids" array (the KV-cache block ids of the prompt): about
// two thirds of their bytes and most of their JSON tokens, all ignored by the planner. Handing
// simdjson each line without that member saves most of its stage 1 and of On-Demand's skipping
// (bench/bench_trace_reader). A member is removed only in this exact shape, at the end of a line:
//   `,` ws `"hash_ids"` ws `:` ws `[` L `]` ws `}` ws
// where ws is space, tab or CR and L holds only digits, commas and ws.
//
// Why this never changes what is read: simdjson On-Demand skips the value of an ignored key by
// balancing brackets, so to it such a member is a member whatever the order of digits and commas
// (see mooncake_reader.hpp). Removing a member `, m` from `{a, m}` leaves `{a}` with the same other
// members. On a line that is not accepted, the removed text holds no quote but the key's and no
// bracket but its own, so what is left is no valid object with the three fields either (`{, m}`
// leaves `{}`, which lacks them). Lines that fail are re-read from their original text, so every
// message is unchanged. fuzz/fuzz_mooncake_block.cpp and test_mooncake_reader.cpp check this
// against the per-line parser, which reads lines whole.
#pragma once

#include <cstddef>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sla_planner::detail {

/// JSON whitespace inside a line (a line holds no '\n').
inline bool hash_ids_ws(char c) noexcept { return c == ' ' || c == '\t' || c == '\r'; }

/// A byte that may appear between the brackets of a removable hash_ids array.
inline bool is_list_byte(char c) noexcept {
  return (c >= '0' && c <= '9') || c == ',' || hash_ids_ws(c);
}

/// The last byte in [b, q) that is not a digit, comma or ws, or nullptr. The ids run ~100 bytes a
/// line: SSE2 (x86-64's baseline) looks at 16 at a time.
inline const char* last_non_list_byte(const char* b, const char* q) noexcept {
#if defined(__SSE2__)
  const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9), comma = _mm_set1_epi8(','),
                space = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'), cr = _mm_set1_epi8('\r');
  for (; q - b >= 16; q -= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q - 16));
    const __m128i d = _mm_sub_epi8(v, zero);
    const __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(d, nine), d);  // unsigned d <= 9
    const __m128i sep = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, space)),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, cr)));
    const unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(digit, sep))) & 0xFFFFu;
    if (other) return q - 16 + (31 - __builtin_clz(other));
  }
#endif
  while (q > b && is_list_byte(q[-1])) --q;
  return q > b ? q - 1 : nullptr;
}

/// When the line [b, e) ends with a `"hash_ids"` member as described above, sets `cut` to its
/// comma and `resume` to the byte after its `]` and returns true: [b, cut) + [resume, e) is the
/// line without it.
inline bool find_hash_ids_tail(const char* b, const char* e, const char*& cut, const char*& resume) noexcept {
  const char* p = e;
  while (p > b && hash_ids_ws(p[-1])) --p;
  if (p == b || p[-1] != '}') return false;
  --p;
  while (p > b && hash_ids_ws(p[-1])) --p;
  if (p == b || p[-1] != ']') return false;
  const char* close = p - 1;
  const char* open = last_non_list_byte(b, close);
  if (!open || *open != '[') return false;
  p = open;
  while (p > b && hash_ids_ws(p[-1])) --p;
  if (p == b || p[-1] != ':') return false;
  --p;
  while (p > b && hash_ids_ws(p[-1])) --p;
  if (p - b < 10 || std::memcmp(p - 10, "\"hash_ids\"", 10) != 0) return false;
  p -= 10;
  while (p > b && hash_ids_ws(p[-1])) --p;
  if (p == b || p[-1] != ',') return false;
  cut = p - 1;
  resume = close + 1;
  return true;
}

}  // namespace sla_planner::detail
