#!/usr/bin/env bash
# perf_interpolation: the seed's output byte for byte, JSON, pre-swept rows, exit codes and messages.
# Usage: perf_interpolation.sh <build>/tools <source-dir>
set -u
TOOL="$(cd "$1" && pwd)/perf_interpolation"
SRC="$2"
PROFILE="$SRC/profiling_results/H200_TP1P_TP1D"
SEL="use-pre-swept-results:h100_sxm:nvidia/Llama-3.3-70B-Instruct-FP8:vllm:0.10.1.1:8:1:1:128:128:8"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect <exit code> <stdout file> <stderr file> -- args...: runs the tool, checks the exit code.
run() {
  local want=$1 out=$2 err=$3
  shift 3
  "$TOOL" "$@" >"$out" 2>"$err"
  local rc=$?
  [ "$rc" -eq "$want" ] || fail "exit $rc (want $want) for: $* -- stderr: $(cat "$err")"
}
expect_stderr() {  # expect_stderr <file> <exact line>
  [ "$(cat "$1")" = "$2" ] || fail "stderr was '$(cat "$1")', want '$2'"
}

# 1. The seed example, byte for byte.
cd "$SRC" || exit 1
run 0 "$TMP/out" "$TMP/err" --profile-results-dir profiling_results/H200_TP1P_TP1D --isl 3000 --osl 300 --ttft 200 --itl 10
cat >"$TMP/want" <<'TXT'
ISL=3000, OSL=300
TTFT=200ms, ITL=10ms
Using profile results from profiling_results/H200_TP1P_TP1D

Interpolating prefill performance ...
        Estimated TTFT=60.46ms <= target TTFT=200.00ms. Requests can queue 139.54ms maximally while meeting TTFT SLA.
        Estimated throughput: 49481.09 tokens/s/gpu. Request rate at 16.49 requests/s will saturate one GPU.

Interpolating decode performance ...
        Average context length: isl + osl/2 = 3150.
        Estimated ITL=9.73ms <= target ITL=10.00ms at 16.16% active kv usage.
        Estimated throughput: 4555.68 token/s/gpu. Request rate at 15.19 requests/s will saturate one GPU.
TXT
cmp -s "$TMP/want" "$TMP/out" || { fail "seed output differs:"; diff "$TMP/want" "$TMP/out" >&2; }
[ -s "$TMP/err" ] && fail "unexpected stderr: $(cat "$TMP/err")"

# 2. Underscore flag spelling, defaults (isl 3000, osl 150, ttft 100, itl 10), SLA-miss lines.
run 0 "$TMP/out" "$TMP/err" --profile_results_dir "$PROFILE" --ttft 50 --itl 4.5
grep -qx 'ISL=3000, OSL=150' "$TMP/out" || fail "defaults: $(head -1 "$TMP/out")"
grep -qx 'TTFT=50ms, ITL=4.5ms' "$TMP/out" || fail "targets line: $(sed -n 2p "$TMP/out")"
grep -qx '        Estimated TTFT=60.46ms > target TTFT=50.00ms. Cannot meet TTFT SLA.' "$TMP/out" || fail "TTFT miss line"
grep -qx '        Average context length: isl + osl/2 = 3075.' "$TMP/out" || fail "context line"
grep -qx '        Estimated ITL=4.43ms > target ITL=4.50ms. Cannot meet ITL SLA.' "$TMP/out" &&
  fail "4.43 <= 4.50 must meet the SLA"
grep -q 'Estimated ITL=4.43ms <= target ITL=4.50ms at 0.00% active kv usage.' "$TMP/out" ||
  fail "ITL line: $(grep 'Estimated ITL' "$TMP/out")"
run 0 "$TMP/out" "$TMP/err" --profile-results-dir "$PROFILE" --itl 4
grep -qx '        Estimated ITL=4.43ms > target ITL=4.00ms. Cannot meet ITL SLA.' "$TMP/out" || fail "ITL miss line"
[ "$(grep -c 'token/s/gpu' "$TMP/out")" -eq 0 ] || fail "no decode throughput line when the ITL SLA is missed"

# 3. JSON: one object with the documented keys, in order.
run 0 "$TMP/out" "$TMP/err" --profile-results-dir "$PROFILE" --isl 3000 --osl 300 --ttft 200 --itl 10 --json
[ "$(wc -l <"$TMP/out")" -eq 1 ] || fail "JSON must be one line"
grep -q '^{"isl":3000,"osl":300,"ttft_ms":200.0,"itl_ms":10.0,"prefill":{"ttft_ms":60.4586686750764[0-9]*,"thpt_per_gpu":49481.0935276961[0-9]*,"meets_ttft":true,"max_queue_ms":139.5413313249235[0-9]*,"req_per_s_per_gpu":16.4936978425653[0-9]*},"decode":{"context_length":3150,"itl_ms":9.73441022634024[0-9]*,"kv_usage":0.1616161616161616[0-9]*,"thpt_per_gpu":4555.68036609451[0-9]*,"meets_itl":true,"req_per_s_per_gpu":15.1856012203150[0-9]*}}$' "$TMP/out" ||
  fail "JSON: $(cat "$TMP/out")"

# 4. Pre-swept rows: default root from the working directory, an explicit root, and from
#    elsewhere (the source tree's copy).
run 0 "$TMP/out" "$TMP/err" --profile-results-dir "$SEL" --isl 3000 --osl 300 --ttft 200 --itl 10 --json
grep -q '"context_length":3150,"itl_ms":9.4601639999' "$TMP/out" || fail "pre-swept TP8: $(cat "$TMP/out")"
run 0 "$TMP/out2" "$TMP/err" --profile-results-dir "$SEL" --pre-swept-root "$SRC/profiling_results/pre_swept" \
  --isl 3000 --osl 300 --ttft 200 --itl 10 --json
cmp -s "$TMP/out" "$TMP/out2" || fail "--pre-swept-root gives a different answer"
(cd "$TMP" && "$TOOL" --profile-results-dir "$SEL" --isl 3000 --osl 300 --ttft 200 --itl 10 --json >"$TMP/out3" 2>"$TMP/err") ||
  fail "pre-swept outside the source tree: $(cat "$TMP/err")"
cmp -s "$TMP/out" "$TMP/out3" || fail "fallback pre-swept root gives a different answer"
grep -qx "Using profile results from $SEL" <("$TOOL" --profile-results-dir "$SEL") || fail "selector echo"

# 5. Help and bad usage (exit 2, one line on stderr).
run 0 "$TMP/out" "$TMP/err" --help
grep -q -- '--profile-results-dir DIR' "$TMP/out" || fail "--help lists --profile-results-dir"
grep -q 'Exit codes: 0 ok, 1 bad data, 2 bad usage.' "$TMP/out" || fail "--help states the exit codes"
run 2 "$TMP/out" "$TMP/err"
expect_stderr "$TMP/err" "perf_interpolation: error: --profile-results-dir is required (see --help)"
run 2 "$TMP/out" "$TMP/err" --profile-results-dir "$PROFILE" --bogus
expect_stderr "$TMP/err" "perf_interpolation: error: Option 'bogus' does not exist (see --help)"
run 2 "$TMP/out" "$TMP/err" --profile-results-dir "$PROFILE" --isl 3k
expect_stderr "$TMP/err" "perf_interpolation: error: --isl: expected an integer, got '3k' (see --help)"
run 2 "$TMP/out" "$TMP/err" --profile-results-dir "$PROFILE" --itl fast
expect_stderr "$TMP/err" "perf_interpolation: error: --itl: expected a number, got 'fast' (see --help)"
run 2 "$TMP/out" "$TMP/err" --profile-results-dir "$PROFILE" --osl 0
expect_stderr "$TMP/err" "perf_interpolation: error: 'osl' must be >= 1, got 0"
run 2 "$TMP/out" "$TMP/err" --profile-results-dir "$PROFILE" --ttft -5
expect_stderr "$TMP/err" "perf_interpolation: error: 'ttft' must be a positive number of milliseconds, got -5"
run 2 "$TMP/out" "$TMP/err" --profile-results-dir "$PROFILE" stray
expect_stderr "$TMP/err" "perf_interpolation: error: unexpected argument 'stray' (see --help)"
run 2 "$TMP/out" "$TMP/err" --profile-results-dir use-pre-swept-results:h100_sxm:x
grep -q "pre-swept selector needs 10 fields" "$TMP/err" || fail "bad selector: $(cat "$TMP/err")"
[ -s "$TMP/out" ] && fail "no stdout on bad usage"

# 6. Bad data (exit 1, one line naming the file).
run 1 "$TMP/out" "$TMP/err" --profile-results-dir "$TMP/none"
expect_stderr "$TMP/err" "perf_interpolation: error: $TMP/none: profile directory not found (run Dynamo's profiler to make one, use the bundled profiling_results/H200_TP1P_TP1D, or select a pre-swept row with use-pre-swept-results:...)"
mkdir -p "$TMP/p/selected_prefill_interpolation" "$TMP/p/selected_decode_interpolation"
cp "$PROFILE/selected_prefill_interpolation/raw_data.npz" "$TMP/p/selected_prefill_interpolation/"
cp "$SRC/tests/data/npz/truncated.npz" "$TMP/p/selected_decode_interpolation/raw_data.npz"
run 1 "$TMP/out" "$TMP/err" --profile-results-dir "$TMP/p"
expect_stderr "$TMP/err" "perf_interpolation: error: $TMP/p/selected_decode_interpolation/raw_data.npz: not a zip archive (no end-of-central-directory record; truncated or not an .npz)"
cp "$SRC/tests/data/npz/decode_collinear.npz" "$TMP/p/selected_decode_interpolation/raw_data.npz"
run 1 "$TMP/out" "$TMP/err" --profile-results-dir "$TMP/p"
expect_stderr "$TMP/err" "perf_interpolation: error: $TMP/p/selected_decode_interpolation/raw_data.npz: decode points are collinear (x_kv_usage, y_context_length span a line); cannot triangulate"
cp "$SRC/tests/data/npz/decode_nan.npz" "$TMP/p/selected_decode_interpolation/raw_data.npz"
run 1 "$TMP/out" "$TMP/err" --profile-results-dir "$TMP/p"
expect_stderr "$TMP/err" "perf_interpolation: error: $TMP/p/selected_decode_interpolation/raw_data.npz: z_itl[2] is nan (values must be finite)"
run 1 "$TMP/out" "$TMP/err" --profile-results-dir "${SEL/:8:1:1:/:16:1:1:}"
grep -q "prefill.npz: no row matches" "$TMP/err" || fail "unknown pre-swept row: $(cat "$TMP/err")"
[ -s "$TMP/out" ] && fail "no stdout on bad data"

# 7. A write failure is bad data, not a crash.
if [ -w /dev/full ]; then
  "$TOOL" --profile-results-dir "$PROFILE" >/dev/full 2>"$TMP/err"
  rc=$?
  [ "$rc" -eq 1 ] || fail "writing to /dev/full: exit $rc"
  expect_stderr "$TMP/err" "perf_interpolation: error: <stdout>: write failed"
fi

[ "$failures" -eq 0 ] && echo "perf_interpolation CLI: all checks passed"
exit "$((failures > 0))"
