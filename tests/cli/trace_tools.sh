#!/usr/bin/env bash
# CLI behaviour of sin_synth, trace_convert and trace_stats: --help, exit codes (0 ok, 1 bad data,
# 2 bad usage), "file:line: why" messages, outputs written completely or not at all.
#   bash tests/cli/trace_tools.sh <build>/tools <source-dir>
set -u
tools=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
traces=$src/tests/data/traces
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$src/tests/cli/lib/assert.sh"

# ---- sin_synth
expect 0 "--request-rate-period" "$tools/sin_synth" --help
expect 2 "sin_synth: error:" "$tools/sin_synth" --no-such-flag
expect 2 "sin_synth: error:" "$tools/sin_synth" --time-duration abc
expect 2 "sin_synth: error: 'process_interval' must be >= 1, got 0" "$tools/sin_synth" --process-interval 0 --output-file "$work/x.jsonl"
expect 2 "unexpected argument 'extra'" "$tools/sin_synth" extra
check "no file after a usage error" test ! -e "$work/x.jsonl"
# default file name, as the Python tool builds it, in the current directory
(cd "$work" && "$tools/sin_synth" --seed 3 > out.txt)
check "default name" test -s "$work/sin_b512_t100_rr5.0-10.0-10.0_io1002000-5000100-0.2-0.8-10.0.jsonl"
check "summary line" grep -q "(seed 3)" "$work/out.txt"
# the seed's example, twice with one seed: identical files; underscores work like dashes
args=(--time-duration 1800 --request-rate-min 5 --request-rate-max 45 --request-rate-period 600
      --isl1 3000 --osl1 300 --isl2 3000 --osl2 300 --seed 11)
expect 0 "wrote" "$tools/sin_synth" "${args[@]}" --output-file "$work/a.jsonl"
expect 0 "wrote" "$tools/sin_synth" "${args[@]}" --output_file "$work/b.jsonl"
check "same seed, same file" cmp -s "$work/a.jsonl" "$work/b.jsonl"
n=$(wc -l < "$work/a.jsonl")
check "about 45,000 requests (got $n)" test "$n" -gt 44000 -a "$n" -lt 46000
check "key order" grep -q '^{"timestamp": 0, "input_length": 3000, "output_length": 300, "hash_ids": \[[0-9]*, [0-9]*, [0-9]*, [0-9]*, [0-9]*, [0-9]*\]}$' "$work/a.jsonl"
expect 0 "wrote" "$tools/sin_synth" --seed 11 --output-file "$work/c.jsonl.gz"
check "gzip output" bash -c "gzip -dc '$work/c.jsonl.gz' | head -1 | grep -q timestamp"
expect 1 "sin_synth: error: $work/nodir/x.jsonl: cannot open for writing" "$tools/sin_synth" --output-file "$work/nodir/x.jsonl"

# ---- trace_convert
expect 0 "--from" "$tools/trace_convert" --help
expect 2 "--from is required" "$tools/trace_convert" "$traces/AzureLLMInferenceTrace_conv.csv" -o "$work/az.jsonl"
expect 2 "'from' must be one of azure, burstgpt, mooncake, got 'excel'" "$tools/trace_convert" --from excel x -o y
expect 2 "apply to --from burstgpt only" "$tools/trace_convert" --from azure --model GPT-4 x -o y
expect 0 "converted 19366 requests (azure)" "$tools/trace_convert" --from azure "$traces/AzureLLMInferenceTrace_conv.csv" -o "$work/az.jsonl"
check "azure last timestamp" test "$(tail -1 "$work/az.jsonl")" = '{"timestamp": 3501721, "input_length": 197, "output_length": 183}'
expect 1 "trace_convert: error: $work/none.csv: cannot open: No such file or directory" "$tools/trace_convert" --from azure "$work/none.csv" -o "$work/o.jsonl"
expect 1 "burstgpt_broken.csv:3: expected 6 fields, got 5" "$tools/trace_convert" --from burstgpt "$traces/fixtures/burstgpt_broken.csv" -o "$work/bg.jsonl"
check "nothing written on bad data" test ! -e "$work/bg.jsonl"
check "no temporary left" bash -c "! ls '$work' | grep -q tmp"
expect 0 "6 invalid rows skipped; first: $traces/fixtures/burstgpt_broken.csv:3: expected 6 fields, got 5" \
  "$tools/trace_convert" --from burstgpt --skip-invalid "$traces/fixtures/burstgpt_broken.csv" -o "$work/bg.jsonl"
check "2 rows kept" test "$(wc -l < "$work/bg.jsonl")" -eq 2
expect 0 "3 failed requests (0 response tokens) dropped" "$tools/trace_convert" --from burstgpt "$traces/fixtures/burstgpt_small.csv" -o "$work/bs.jsonl.gz"
expect 0 "converted 3 requests" "$tools/trace_convert" --from burstgpt --model GPT-4 "$traces/fixtures/burstgpt_small.csv" -o "$work/g4.jsonl"
expect 0 "input lengths clipped to 8192" "$tools/trace_convert" --from mooncake --max-isl 8192 --time-scale 2 "$traces/mooncake_conversation_trace.jsonl" -o "$work/mc.jsonl"
check "time scale halves the span" test "$(tail -1 "$work/mc.jsonl" | cut -d, -f1)" = '{"timestamp": 1768499'

# ---- trace_stats
expect 0 "--max-context" "$tools/trace_stats" --help
expect 2 "no TRACE file given" "$tools/trace_stats"
expect 2 "'interval_s' must be > 0" "$tools/trace_stats" --interval 0 "$traces/rr-5-45_i3000o300.jsonl"
expect 0 "requests: 44941 (44941 lines)" "$tools/trace_stats" "$traces/rr-5-45_i3000o300.jsonl"
expect 0 "min 6.000  mean 24.967  max 44.567" "$tools/trace_stats" "$traces/rr-5-45_i3000o300.jsonl"
expect 0 "beyond 8192 tokens: ISL 5411 (44.98%), ISL+OSL 5570 (46.30%)" "$tools/trace_stats" --max-context 8192 "$traces/mooncake_conversation_trace.jsonl"
expect 0 '"requests": 19366' "$tools/trace_stats" --json "$work/az.jsonl"
expect 0 "requests: 9" "$tools/trace_stats" "$work/bs.jsonl.gz"
printf '{"timestamp": 1, "input_length": 2, "output_length": 3}\n{"timestamp": -1, "input_length": 2, "output_length": 3}\n' > "$work/bad.jsonl"
expect 1 "trace_stats: error: $work/bad.jsonl:2: 'timestamp' must be a non-negative number, got -1" "$tools/trace_stats" "$work/bad.jsonl"
expect 0 "1 invalid skipped; first: $work/bad.jsonl:2:" "$tools/trace_stats" --skip-invalid "$work/bad.jsonl"
: > "$work/empty.jsonl"
expect 1 "trace_stats: error: $work/empty.jsonl: no request in the trace" "$tools/trace_stats" "$work/empty.jsonl"

if [ "$fails" -ne 0 ]; then
  echo "$fails check(s) failed"
  exit 1
fi
echo "all trace tool checks passed"
