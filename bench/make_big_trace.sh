#!/usr/bin/env bash
# Builds a large mooncake JSONL trace for the reader benchmark by concatenating the shared traces
# over and over, each copy shifted to start 1 s after the previous one ends.
#   bench/make_big_trace.sh OUT.jsonl [MIN_BYTES=1100000000]
set -euo pipefail
out=${1:?usage: make_big_trace.sh OUT.jsonl [MIN_BYTES]}
min=${2:-1100000000}
dir=$(cd "$(dirname "$0")/../tests/data/traces" && pwd)
: > "$out"
shift_ms=0
while [ "$(stat -c %s "$out")" -lt "$min" ]; do
  for f in "$dir/rr-5-45_i3000o300.jsonl" "$dir/mooncake_conversation_trace.jsonl"; do
    # lines start with {"timestamp": N, -- rewrite N as N + shift; print the last timestamp to stderr
    last=$(awk -v s="$shift_ms" '{ i = index($0, ","); ts = substr($0, 15, i - 15) + 0; if (ts > m) m = ts
                                     printf "{\"timestamp\": %d%s\n", ts + s, substr($0, i) }
                                   END { printf "%d\n", m > "/dev/stderr" }' "$f" 2>&1 >> "$out")
    shift_ms=$((shift_ms + last + 1000))
  done
done
ls -l "$out" >&2
