#!/usr/bin/env bash
# CLI behaviour of planner_search: --help, exit codes (0 ok, 1 bad data, 2 bad usage), one-line
# errors naming what is wrong, the table and recommendation, the JSON schema, pruning changing no
# answer, --only, --max-rate, several profiles, the plot, outputs complete or absent.
#   bash tests/cli/planner_search.sh <build>/tools <source-dir>
set -u
tools=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
tool=$tools/planner_search
profile=$src/profiling_results/H200_TP1P_TP1D
trace=$src/tests/data/traces/rr-5-45_i3000o300.jsonl
h100="use-pre-swept-results:h100_sxm:nvidia/Llama-3.3-70B-Instruct-FP8:vllm:0.10.1.1"
# Under ASan, fontconfig and libltdl (loaded by PLplot to draw the figure) keep allocations for the
# process's lifetime; they are not ours.
export LSAN_OPTIONS="suppressions=$src/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$src/tests/cli/lib/assert.sh"

# A 4-minute slice of the seed trace keeps the runs short.
head -n 4000 "$trace" > "$work/small.jsonl"
base=(--dataset "$work/small.jsonl" --profile-results-dir "$profile" --ttft 200 --itl 10 --load-predictor constant
      --no-correction --max-gpu-budget 6)

# ---- usage errors (exit 2), nothing written
expect 0 "--max-rate" "$tool" --help
expect 0 "--attainment-target" "$tool" --help
expect 2 "planner_search: error: --dataset is required" "$tool" --profile-results-dir "$profile"
expect 2 "planner_search: error:" "$tool" "${base[@]}" --no-such-flag
expect 2 "unexpected argument 'extra'" "$tool" "${base[@]}" extra
expect 2 "'attainment_target' must be in (0, 1], got 1.5" "$tool" "${base[@]}" --attainment-target 1.5
expect 2 "'cost_tolerance' must be >= 0, got -1" "$tool" "${base[@]}" --cost-tolerance -1
expect 2 "--max-gpu-budget must be a number of GPUs (>= 1) for a search, got -1" "$tool" "${base[@]}" --max-gpu-budget -1
expect 2 "planner_search: error: --max-gpu-budget (1) cannot hold min_endpoint (1)" "$tool" "${base[@]}" --max-gpu-budget 1
expect 2 "unknown --policy 'bogus' (known: attainment, load, throughput)" "$tool" "${base[@]}" --policy bogus
expect 2 "--policy and --no-planner contradict each other" "$tool" "${base[@]}" --policy throughput --no-planner
expect 2 "--only '9P9D' is not a candidate (16 candidates: static fleets within --max-gpu-budget 6 named like 3P1D, and planner-<policy>)" \
  "$tool" "${base[@]}" --only 9P9D
expect 2 "--max-rate '7P7D' is not a candidate" "$tool" "${base[@]}" --max-rate=7P7D
expect 2 "--profile-results-dir '$profile' is given twice" "$tool" "${base[@]}" --profile-results-dir "$profile"
expect 2 "pre-swept selector needs 10 fields" "$tool" --dataset "$work/small.jsonl" --profile-results-dir use-pre-swept-results:h100_sxm:x
expect 2 "planner_search: error: --ttft must be > 0, got 0" "$tool" "${base[@]}" --ttft 0
expect 2 "'time_scale' must be > 0, got 0" "$tool" "${base[@]}" --time-scale 0
expect 2 "planner_search: error: --load-predictor must be one of constant, arima, prophet, kalman, got 'x'" "$tool" "${base[@]}" --load-predictor x
expect 2 "--prefill-fixed-latency-ms must be a number or 'profile', got 'abc'" "$tool" "${base[@]}" --prefill-fixed-latency-ms abc
expect 2 "--output-plot must end in .png or .svg, got '$work/p.pdf'" "$tool" "${base[@]}" --output-plot "$work/p.pdf" --output-json "$work/never.json"
check "no output after a usage error" test ! -e "$work/never.json"

# ---- bad data (exit 1): the trace, the profiles, the outputs
expect 1 "planner_search: error: $work/missing.jsonl" "$tool" --dataset "$work/missing.jsonl" --profile-results-dir "$profile" --max-gpu-budget 4
printf '{"timestamp": 0, "input_length": 3000, "output_length": 300}\n{"timestamp": 5, "input_length": "x"}\n' > "$work/bad.jsonl"
expect 1 "$work/bad.jsonl:2:" "$tool" --dataset "$work/bad.jsonl" --profile-results-dir "$profile" --max-gpu-budget 4
expect 0 "skipped 1 invalid line(s); first: $work/bad.jsonl:2:" "$tool" --dataset "$work/bad.jsonl" --profile-results-dir "$profile" \
  --max-gpu-budget 4 --skip-invalid --load-predictor constant
expect 1 "planner_search: error: $work/noprofile: profile directory not found" "$tool" --dataset "$work/small.jsonl" \
  --profile-results-dir "$work/noprofile" --max-gpu-budget 4
expect 1 "prefill.npz: no row matches $h100:3:1:1:128:128:8" "$tool" --dataset "$work/small.jsonl" \
  --profile-results-dir "$h100:3:1:1:128:128:8" --max-gpu-budget 8
# an unreadable profile among several: the one that is bad is named
mkdir -p "$work/broken/selected_prefill_interpolation" "$work/broken/selected_decode_interpolation"
printf 'not a zip' > "$work/broken/selected_prefill_interpolation/raw_data.npz"
cp "$profile/selected_decode_interpolation/raw_data.npz" "$work/broken/selected_decode_interpolation/"
expect 1 "planner_search: error: $work/broken/selected_prefill_interpolation/raw_data.npz" "$tool" "${base[@]}" \
  --profile-results-dir "$work/broken"
expect 1 "$work/nodir/r.json: cannot open for writing" "$tool" "${base[@]}" --output-json "$work/nodir/r.json"

# ---- a search: table, recommendation, JSON, plot
out=$("$tool" "${base[@]}" --output-json "$work/r.json" --output-plot "$work/r.png" 2>&1)
rc=$?
check "search exits 0 (got $rc): $out" test "$rc" -eq 0
check "header" grep -q "Search of $work/small.jsonl: 4000 requests over .* min (.* req/s); SLA TTFT <= 200 ms, ITL <= 10 ms; target 95 % of requests; GPU budget 6" <<< "$out"
check "profile line" grep -q "profile H200_TP1P_TP1D: $profile (GPUs per engine: prefill 1, decode 1; prefill fixed latency 13.28 ms, profile estimate)" <<< "$out"
check "candidates line" grep -Eq "^candidates: 15 static fleet\(s\), 1 planner\(s\) \(constant predictor, interval 60 s, correction off, startup delay 60 s\); replayed [0-9]+, pruned [0-9]+$" <<< "$out"
check "recommendation line" grep -Eq "^recommendation: [0-9]+P[0-9]+D — [0-9]+ GPUs, [0-9.]+ % of requests within TTFT 200 ms and ITL 10 ms" <<< "$out"
check "the first row is the recommended one" grep -Eq "^ +1 +[0-9]+P[0-9]+D .*<- recommended$" <<< "$out"
check "plot written" test -s "$work/r.png"
check "PNG signature" bash -c "head -c 8 '$work/r.png' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
check "JSON schema" python3 - "$work/r.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
c = j["candidates"]
assert len(c) == 16, len(c)
names = [x["name"] for x in c]
assert "planner-throughput" in names and "1P1D" in names and "3P3D" in names and "5P1D" in names, names
assert not any(x["name"] == "6P1D" for x in c)  # 7 GPUs: over the budget
rec = j["recommendation"]
assert rec is not None and rec["name"] == c[0]["name"] and rec["meets_target"] and rec["attainment"] >= 95
assert j["closest"] is None
for x in c:
    assert x["prefill_profile"] == "H200_TP1P_TP1D" and x["decode_profile"] == "H200_TP1P_TP1D"
    if x["kind"] == "static":
        assert x["gpus"] == x["num_prefill"] + x["num_decode"] <= 6
    if x["pruned"]:
        assert "attainment" not in x and x["cost_lower_bound_gpu_hours"] > rec["gpu_hours"]
        continue
    for k in ["attainment", "goodput_rps", "goodput_per_gpu", "gpu_hours", "avg_gpus"]:
        assert isinstance(x[k], (int, float)), k
    assert set(x["ttft_ms"]) == {"p50", "p90", "p99"} and set(x["itl_ms"]) == {"p50", "p90", "p99"}
    assert x["requests"] == 4000 and 0 <= x["attainment"] <= 100
    assert x["meets_target"] == (x["attainment"] >= 95)
    if x["meets_target"]:
        assert x["gpu_hours"] >= rec["gpu_hours"] * (1 - 1e-12) or x["gpu_hours"] >= rec["gpu_hours"] / 1.01
assert j["replayed"] + j["pruned"] == 16
assert j["args"]["attainment_target"] == 0.95 and j["args"]["max_gpu_budget"] == 6 and j["args"]["prune"]
assert j["args"]["profiles"][0]["label"] == "H200_TP1P_TP1D"
assert j["trace"]["requests"] == 4000
assert set(j["pareto_front"]) <= set(names)
EOF

# pruning off: every candidate replayed, the same recommendation and the same numbers
"$tool" "${base[@]}" --no-prune --output-json "$work/all.json" > /dev/null 2>&1
check "pruning changes no answer" python3 - "$work/r.json" "$work/all.json" <<'EOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert b["pruned"] == 0 and b["replayed"] == 16
assert a["recommendation"] == b["recommendation"], (a["recommendation"]["name"], b["recommendation"]["name"])
bb = {x["name"]: x for x in b["candidates"]}
for x in a["candidates"]:
    if not x["pruned"]:
        assert x == bb[x["name"]], x["name"]
EOF

# the same run twice: the same JSON (any thread count)
"$tool" "${base[@]}" --threads 1 --output-json "$work/r1.json" > /dev/null 2>&1
check "deterministic JSON" cmp -s "$work/r.json" "$work/r1.json"

# --only: the seed's three deployments; Markdown; flags with underscores
out=$("$tool" "${base[@]}" --only 3P1D --only 2p2d --only planner-throughput --markdown 2>&1)
check "only three rows" test "$(grep -c '^| [0-9]' <<< "$out")" -eq 3
check "Markdown header" grep -q "^| rank | candidate | GPUs | SLA attainment |" <<< "$out"
check "2P2D row" grep -q "| 2P2D | 4 |" <<< "$out"

# nothing meets an impossible SLA: no recommendation, the closest named
out=$("$tool" "${base[@]}" --itl 1 --no-planner --output-json "$work/none.json" 2>&1)
check "no recommendation" grep -q "^recommendation: none — none of the 15 candidates (within 6 GPUs) meets 95 %; closest: " <<< "$out"
check "JSON recommendation null" python3 -c "import json; j=json.load(open('$work/none.json')); assert j['recommendation'] is None and j['closest'] is not None"

# --max-rate: the recommended fleet, and a named one
out=$("$tool" "${base[@]}" --no-planner --max-rate --output-json "$work/rate.json" 2>&1)
check "max rate line: $out" grep -Eq "^max rate: [0-9]+P[0-9]+D meets the target up to [0-9.]+x the trace's rate: [0-9.]+ req/s \(the trace: [0-9.]+ req/s\); misses it at [0-9.]+x" <<< "$out"
check "max rate JSON" python3 - "$work/rate.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
m = j["max_rate"]
assert m["name"] == j["recommendation"]["name"]
assert 0 < m["scale"] < m["fail_scale"] <= m["scale"] * 1.01 + 1e-12
assert abs(m["rate_rps"] - m["scale"] * m["trace_rate_rps"]) < 1e-9 * m["rate_rps"]
assert m["attainment_at_scale"] >= 95
EOF
expect 0 "max rate: 1P1D meets the target up to" "$tool" "${base[@]}" --no-planner --only 2P2D --max-rate=1p1d

# several profiles: the H100 70B rows at TP2 and TP4, prefill and decode mixed, named @tp2/@tp4
printf '{"timestamp": %d, "input_length": 3000, "output_length": 150}\n' $(seq 0 1000 119000) > "$work/slow.jsonl"
out=$("$tool" --dataset "$work/slow.jsonl" --profile-results-dir "$h100:2:1:1:128:128:8" --profile-results-dir "$h100:4:1:1:128:128:8" \
  --ttft 1000 --itl 40 --max-gpu-budget 8 --load-predictor constant --no-correction --no-prune --output-json "$work/tp.json" 2>&1)
rc=$?
check "two profiles exit 0 (got $rc): $out" test "$rc" -eq 0
check "profile lines" grep -q "^profile tp4: $h100:4:1:1:128:128:8 (GPUs per engine: prefill 4, decode 4;" <<< "$out"
check "mixed candidates" python3 - "$work/tp.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
names = sorted(x["name"] for x in j["candidates"])
# static: (tp2, tp2): P + D <= 4 -> 6 fleets; (tp2, tp4): 1P1D, 2P1D; (tp4, tp2): 1P1D, 1P2D; (tp4, tp4): 1P1D
# planner on every pair that holds one engine of each kind: tp2, tp2/tp4, tp4/tp2, tp4
want = sorted(["1P1D@tp2", "1P2D@tp2", "1P3D@tp2", "2P1D@tp2", "2P2D@tp2", "3P1D@tp2", "1P1D@tp2/tp4", "2P1D@tp2/tp4",
               "1P1D@tp4/tp2", "1P2D@tp4/tp2", "1P1D@tp4", "planner-throughput@tp2", "planner-throughput@tp2/tp4",
               "planner-throughput@tp4/tp2", "planner-throughput@tp4"])
assert names == want, names
for x in j["candidates"]:
    if x["kind"] == "static":
        assert x["gpus"] <= 8
        assert x["gpus"] == x["num_prefill"] * x["prefill_engine_num_gpu"] + x["num_decode"] * x["decode_engine_num_gpu"]
    assert x["prefill_profile"] in ("tp2", "tp4") and x["decode_profile"] in ("tp2", "tp4")
assert [p["label"] for p in j["args"]["profiles"]] == ["tp2", "tp4"]
assert j["recommendation"] is not None
EOF

# ---- the replay model's flags are planner_replay's (tools/common/replay_flags.hpp)
expect 2 "--router must be shortest-queue, round-robin or kv, got 'x'" "$tool" "${base[@]}" --router x
expect 2 "--prefix-cache-tokens must be 'profile', -1 or a whole number of tokens >= 0, got '1.5'" \
  "$tool" "${base[@]}" --prefix-cache-tokens 1.5
out=$("$tool" "${base[@]}" --only 2P2D --no-planner --prefill-model chunked --prefix-cache-tokens profile --router kv \
      --output-json "$work/m.json" 2>&1)
check "a search with chunked prefill, prefix caching and KV routing exits 0: $out" test $? -eq 0
out=$("$tool" "${base[@]}" --only 2P2D --no-planner --output-json "$work/d.json" 2>&1)
check "a search with the default model exits 0: $out" test $? -eq 0
check "default model: chunked prefill, the profile's prefix cache, round-robin" python3 - "$work/d.json" <<'EOF2'
import json, sys
j = json.load(open(sys.argv[1]))
a = j["args"]
assert a["prefill_model"] == "chunked" and a["router"] == "round-robin" and a["prefix_cache_tokens_from_profile"], a
assert a["max_num_batched_tokens"] == 8192 and a["block_size"] == 512, a
assert 0 < j["candidates"][0]["prefix_hit_rate"] < 1, j["candidates"][0]
EOF2
check "model flags in the JSON args and a prefix hit rate in the candidate" python3 - "$work/m.json" <<'EOF2'
import json, sys
j = json.load(open(sys.argv[1]))
a = j["args"]
assert a["prefill_model"] == "chunked" and a["router"] == "kv" and a["prefix_cache_tokens_from_profile"], a
c = j["candidates"][0]
assert 0 < c["prefix_hit_rate"] < 1 and c["prefill_tokens_computed"] > 0, c
EOF2

if [ "$fails" -ne 0 ]; then
  echo "$fails failure(s)"
  exit 1
fi
echo "all planner_search CLI checks passed"
