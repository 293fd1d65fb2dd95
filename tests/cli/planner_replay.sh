#!/usr/bin/env bash
# CLI behaviour of planner_replay: --help, exit codes (0 ok, 1 bad data, 2 bad usage), one-line
# errors naming what is wrong, the table, the JSON schema, the plot, outputs complete or absent.
#   bash tests/cli/planner_replay.sh <build>/tools <source-dir>
set -u
tools=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
tool=$tools/planner_replay
profile=$src/profiling_results/H200_TP1P_TP1D
trace=$src/tests/data/traces/rr-5-45_i3000o300.jsonl
# Under ASan, fontconfig and libltdl (loaded by PLplot to draw the figure) keep allocations for the
# process's lifetime; they are not ours.
export LSAN_OPTIONS="suppressions=$src/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$src/tests/cli/lib/assert.sh"

# A 4-minute slice of the seed trace keeps the runs short.
head -n 4000 "$trace" > "$work/small.jsonl"
base=(--dataset "$work/small.jsonl" --profile-results-dir "$profile" --ttft 200 --itl 10 --load-predictor constant --no-correction)

# ---- usage errors (exit 2), nothing written
expect 0 "--static" "$tool" --help
expect 0 "--startup-delay" "$tool" --help
expect 0 "Dynamo's frontend default" "$tool" --help
expect 2 "planner_replay: error: --dataset is required" "$tool" --profile-results-dir "$profile"
expect 2 "planner_replay: error:" "$tool" "${base[@]}" --no-such-flag
expect 2 "unexpected argument 'extra'" "$tool" "${base[@]}" extra
expect 2 "fleet '2X2D' must look like 2P2D (<prefill>P<decode>D)" "$tool" "${base[@]}" --static 2X2D
expect 2 "'num_decode' must be in [1, 100000], got 0" "$tool" "${base[@]}" --static 1P0D
expect 2 "nothing to replay: --no-planner needs at least one --static fleet" "$tool" "${base[@]}" --no-planner
expect 2 "'startup_delay_s' must be >= 0, got -1" "$tool" "${base[@]}" --startup-delay -1
expect 2 "'kv_transfer_ms' must be >= 0, got -2" "$tool" "${base[@]}" --kv-transfer-ms -2
expect 2 "'start_num_p' must be >= 1, got 0" "$tool" "${base[@]}" --start-num-p 0
expect 2 "--prefill-fixed-latency-ms must be a number or 'profile', got 'abc'" "$tool" "${base[@]}" --prefill-fixed-latency-ms abc
expect 2 "'prefill_fixed_latency_ms' must be >= 0, got -1" "$tool" "${base[@]}" --prefill-fixed-latency-ms -1
expect 2 "planner_replay: error: --ttft must be > 0, got 0" "$tool" "${base[@]}" --ttft 0
expect 2 "'time_scale' must be > 0, got 0" "$tool" "${base[@]}" --time-scale 0
expect 2 "planner_replay: error: --load-predictor must be one of constant, arima, prophet, kalman, got 'bogus'" "$tool" "${base[@]}" --load-predictor bogus
expect 2 "--output-plot must end in .png or .svg, got '$work/p.pdf'" "$tool" "${base[@]}" --output-plot "$work/p.pdf" --output-json "$work/never.json"
expect 2 "planner_replay: error:" "$tool" "${base[@]}" --startup-delay abc
check "no output after a usage error" test ! -e "$work/never.json"

# ---- bad data (exit 1)
expect 1 "planner_replay: error: $work/missing.jsonl" "$tool" --dataset "$work/missing.jsonl" --profile-results-dir "$profile" --load-predictor constant
printf '{"timestamp": 0, "input_length": 3000, "output_length": 300}\n{"timestamp": 5, "input_length": "x"}\n' > "$work/bad.jsonl"
expect 1 "$work/bad.jsonl:2:" "$tool" --dataset "$work/bad.jsonl" --profile-results-dir "$profile" --load-predictor constant
expect 0 "skipped 1 invalid line(s); first: $work/bad.jsonl:2:" "$tool" --dataset "$work/bad.jsonl" --profile-results-dir "$profile" --skip-invalid --load-predictor constant
expect 1 "planner_replay: error: $work/noprofile" "$tool" --dataset "$work/small.jsonl" --profile-results-dir "$work/noprofile"
expect 1 "$work/nodir/r.json: cannot open for writing" "$tool" "${base[@]}" --output-json "$work/nodir/r.json"

# ---- a run: table, JSON, plot
out=$("$tool" "${base[@]}" --static 3P1D --static 2p2d --output-json "$work/r.json" --output-plot "$work/r.png" 2>&1)
rc=$?
check "run exits 0 (got $rc): $out" test "$rc" -eq 0
check "header names the trace and targets" grep -q "Replay of $work/small.jsonl: 4000 requests over .* min; SLA TTFT <= 200 ms, ITL <= 10 ms" <<< "$out"
check "model line" grep -q "model: prefill fixed latency 13.28 ms (profile estimate), KV transfer 0 ms; prefill chunked (8192 tokens/pass), router round-robin, prefix cache 945029 tokens (blocks of 512)" <<< "$out"
check "planner line" grep -q "planner (throughput): constant predictor, interval 60 s, GPU budget 8, correction off, start 1P1D, startup delay 60 s" <<< "$out"
for row in planner 3P1D 2P2D; do
  check "table row $row" grep -Eq "^$row +4000 +[0-9.]+ +[0-9.]+ +[0-9.]+%" <<< "$out"
done
check "plot written" test -s "$work/r.png"
check "PNG signature" bash -c "head -c 8 '$work/r.png' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
check "JSON schema" python3 - "$work/r.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
names = [f["name"] for f in j["fleets"]]
assert names == ["planner", "3P1D", "2P2D"], names
for f in j["fleets"]:
    for k in ["requests", "goodput_rps", "goodput_per_gpu", "attainment", "avg_gpus", "peak_gpus", "gpu_hours"]:
        assert isinstance(f[k], (int, float)), k
    for k in ["ttft_ms", "itl_ms"]:
        assert set(f[k]) == {"p50", "p90", "p99"}, f[k]
        assert f[k]["p50"] <= f[k]["p90"] <= f[k]["p99"]
    assert f["requests"] == 4000
    assert 0 <= f["attainment"] <= 100
    assert abs(f["goodput_per_gpu"] * f["avg_gpus"] - f["goodput_rps"]) < 1e-9 * max(1, f["goodput_rps"])
    s = f["series"]
    assert sum(s["arrivals"]) == 4000 and len(s["time_s"]) == len(s["gpus"])
assert j["fleets"][2]["avg_gpus"] == 4 and j["fleets"][2]["peak_gpus"] == 4
assert j["args"]["startup_delay_s"] == 60 and j["args"]["load_predictor"] == "constant"
assert abs(j["args"]["prefill_fixed_latency_ms"] - 13.28) < 0.01 and j["args"]["prefill_fixed_latency_from_profile"]
# the defaults: what a Dynamo + vLLM deployment runs
a = j["args"]
assert a["prefill_model"] == "chunked" and a["max_num_batched_tokens"] == 8192 and a["router"] == "round-robin", a
assert a["prefix_cache_tokens"] == 945029 and a["prefix_cache_tokens_from_profile"] and a["block_size"] == 512, a
for f in j["fleets"]:
    assert 0 < f["prefix_hit_rate"] < 1, f["prefix_hit_rate"]
EOF

# the same run twice: the same JSON
"$tool" "${base[@]}" --static 3P1D --static 2P2D --output-json "$work/r2.json" > /dev/null 2>&1
check "deterministic JSON" cmp -s "$work/r.json" "$work/r2.json"

# the literal model (the whole TTFT occupies the prefill worker) serves fewer requests in time
expect 0 "model: prefill fixed latency 0.00 ms, KV transfer 0 ms" "$tool" "${base[@]}" --prefill-fixed-latency-ms 0
# Markdown table; only static fleets; flags with underscores
expect 0 "| planner | 4000 |" "$tool" "${base[@]}" --markdown
out=$("$tool" "${base[@]}" --no-planner --static 1P1D --startup_delay 30 2>&1)
check "the static row" grep -q '^1P1D ' <<< "$out"
check "no planner row" bash -c '! grep -q "^planner "' <<< "$out"
# more start-up delay cannot help the planner on a rising load
g0=$("$tool" "${base[@]}" --startup-delay 0 --output-json "$work/s0.json" > /dev/null 2>&1; python3 -c "import json;print(json.load(open('$work/s0.json'))['fleets'][0]['goodput_rps'])")
g9=$("$tool" "${base[@]}" --startup-delay 90 --output-json "$work/s9.json" > /dev/null 2>&1; python3 -c "import json;print(json.load(open('$work/s9.json'))['fleets'][0]['goodput_rps'])")
check "startup delay 0 ($g0) >= 90 ($g9)" python3 -c "import sys; sys.exit(0 if $g0 >= $g9 else 1)"

# chunked prefill, prefix caching, routing, KV transfer by size
expect 2 "--prefill-model must be single or chunked, got 'batch'" "$tool" "${base[@]}" --prefill-model batch
expect 2 "--router must be shortest-queue, round-robin or kv, got 'random'" "$tool" "${base[@]}" --router random
expect 2 "--prefix-cache-tokens must be 'profile', -1 or a whole number of tokens >= 0, got '-2'" "$tool" "${base[@]}" --prefix-cache-tokens -2
expect 2 "--prefix-cache-tokens must be a number or 'profile', got 'lots'" "$tool" "${base[@]}" --prefix-cache-tokens lots
expect 2 "'max_num_batched_tokens' must be >= 1, got 0" "$tool" "${base[@]}" --max-num-batched-tokens 0
expect 2 "'block_size' must be >= 1, got 0" "$tool" "${base[@]}" --block-size 0
expect 2 "'kv_transfer_gbps' must be > 0, got 0" "$tool" "${base[@]}" --kv-transfer-gbps 0
expect 2 "'kv_bytes_per_token' must be >= 0, got -1" "$tool" "${base[@]}" --kv-bytes-per-token -1
expect 0 "prefill chunked (8192 tokens/pass), router kv, prefix cache 945029 tokens (blocks of 512)" \
  "$tool" "${base[@]}" --prefill-model chunked --prefix-cache-tokens profile --router kv
expect 0 "KV transfer 0 ms + 131072 bytes/token at 50 GB/s; prefill single, router shortest-queue, prefix cache unbounded" \
  "$tool" "${base[@]}" --kv-bytes-per-token 131072 --prefill-model single --router shortest-queue --prefix-cache-tokens -1
# the model before chunked prefill and prefix caching, for comparison
"$tool" "${base[@]}" --static 2P2D --prefill-model single --prefix-cache-tokens 0 --router shortest-queue --output-json "$work/old.json" > /dev/null 2>&1
check "JSON of the old model: no prefix hits, every prompt token computed" python3 - "$work/old.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["args"]["prefill_model"] == "single" and j["args"]["prefix_cache_tokens"] == 0 and not j["args"]["prefix_cache_tokens_from_profile"]
for f in j["fleets"]:
    assert f["prefix_hit_rate"] == 0 and f["prefill_tokens_computed"] == 4000 * 3000, f
EOF
"$tool" "${base[@]}" --static 2P2D --prefill-model chunked --prefix-cache-tokens -1 --router kv --output-json "$work/c.json" > /dev/null 2>&1
check "JSON: prefix hit rate and prefill tokens" python3 - "$work/c.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["args"]["prefill_model"] == "chunked" and j["args"]["router"] == "kv" and j["args"]["prefix_cache_tokens"] == -1
for f in j["fleets"]:
    assert 0 < f["prefix_hit_rate"] < 1, f["prefix_hit_rate"]
    assert 0 < f["prefill_tokens_computed"] < 4000 * 3000
    rates = [r for r in f["series"]["prefix_hit_rate"] if r is not None]
    assert len(f["series"]["prefix_hit_rate"]) == len(f["series"]["time_s"]) and rates and all(0 <= r < 1 for r in rates)
EOF

# ---- planning policies, the scored window, model mismatch
expect 2 "--policy must be one of throughput, load, attainment, got 'bogus'" "$tool" "${base[@]}" --policy bogus
expect 2 "--policy load is given twice" "$tool" "${base[@]}" --policy load --policy load
expect 2 "--policy and --no-planner contradict each other" "$tool" "${base[@]}" --policy load --no-planner --static 1P1D
expect 2 "--attainment-target must be in (0, 1], got 1.5" "$tool" "${base[@]}" --attainment-target 1.5
expect 2 "--attainment-max-scale-down must be >= 0, got -1" "$tool" "${base[@]}" --attainment-max-scale-down -1
expect 2 "--score-after must be a number of seconds >= 0, got -1" "$tool" "${base[@]}" --score-after -1
expect 2 "--fleet-slowdown must be > 0, got 0" "$tool" "${base[@]}" --fleet-slowdown 0
out=$("$tool" "${base[@]}" --policy throughput --policy load --policy attainment --static 2P2D --score-after 60 \
      --output-json "$work/p.json" 2>&1)
rc=$?
check "three policies run (exit $rc): $out" test "$rc" -eq 0
check "a row per policy" bash -c 'grep -q "^planner-throughput " <<< "$1" && grep -q "^planner-load " <<< "$1" && grep -q "^planner-attainment " <<< "$1"' _ "$out"
check "scored-window line" grep -q "scored: requests arriving 60 s or more after the first; fleet slowdown x1 (planners not told)" <<< "$out"
check "JSON: names, policies, scored window, decisions" python3 - "$work/p.json" "$work/small.jsonl" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
ts = [json.loads(l)["timestamp"] for l in open(sys.argv[2])]
late = sum(1 for t in ts if t >= ts[0] + 60000)
assert j["args"]["policies"] == ["throughput", "load", "attainment"], j["args"]["policies"]
assert j["args"]["score_after_s"] == 60 and j["args"]["fleet_slowdown"] == 1
assert j["args"]["attainment_target"] == 0.95 and j["args"]["attainment_max_scale_down"] == 1
names = [f["name"] for f in j["fleets"]]
assert names == ["planner-throughput", "planner-load", "planner-attainment", "2P2D"], names
for f in j["fleets"]:
    assert f["requests"] == 4000 and f["scored"] == late, (f["name"], f["scored"], late)
    assert f["good"] <= f["scored"]
    assert abs(f["attainment"] - 100.0 * f["good"] / f["scored"]) < 1e-9
by = {f["name"]: f for f in j["fleets"]}
assert len(by["planner-throughput"]["decisions"]) >= 3          # one per 60-s interval
assert len(by["planner-load"]["decisions"]) >= 12 * len(by["planner-throughput"]["decisions"]) - 12  # 5-s ticks
assert any("attainment:" in n for d in by["planner-attainment"]["decisions"] for n in d["notes"])
assert by["2P2D"]["decisions"] == []
EOF
"$tool" "${base[@]}" --no-planner --static 2P2D --output-json "$work/s1.json" > /dev/null 2>&1
"$tool" "${base[@]}" --no-planner --static 2P2D --fleet-slowdown 1.5 --output-json "$work/s2.json" > /dev/null 2>&1
check "fleet slowdown: TTFT and ITL grow by about the factor" python3 - "$work/s1.json" "$work/s2.json" <<'EOF'
import json, sys
a = json.load(open(sys.argv[1]))["fleets"][0]
b = json.load(open(sys.argv[2]))["fleets"][0]
assert b["itl_ms"]["p50"] >= 1.4 * a["itl_ms"]["p50"], (a["itl_ms"], b["itl_ms"])
assert b["ttft_ms"]["p50"] > a["ttft_ms"]["p50"]
assert b["attainment"] < a["attainment"]
EOF

if [ "$fails" -ne 0 ]; then
  echo "$fails failure(s)"
  exit 1
fi
echo "all planner_replay CLI checks passed"
