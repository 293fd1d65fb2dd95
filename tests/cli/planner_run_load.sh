#!/usr/bin/env bash
# planner_run --policy load against a scripted Prometheus (tests/fake_prometheus.cpp), advisory
# environment, 1-s load ticks, the "load" target (scale prefill up at >= 1 queued token, down at 0;
# decode up at >= 90 % KV, down at <= 70 %): a tick without vLLM's per-engine gauges is skipped with
# one line; a queue on the one prefill engine adds one (2P1D); while only one prefill engine reports,
# nothing is decided; with two idle prefill engines and a full decode engine, 1P2D; an HTTP 500 is
# skipped; two half-full decode engines, 1P1D; a bad --policy exits 2 naming the flag and the choices. Args: <build>/tools <source-dir>.
# Exit 77 when not built.
set -u
tools=$1
src=$2
. "$src/tests/cli/lib/assert.sh"
. "$src/tests/cli/lib/scripted_prometheus.sh"

expect 2 "--policy must be one of throughput, load" \
  "$tools/planner_run" --environment advisory --model-name M --policy bogus
expect 2 "--load-target" "$tools/planner_run" --environment advisory --model-name M --policy load --load-target fast

work_dir planner_run_load

printf '{"policy": "load", "optimization_target": "load", "load_tick_s": 1}\n' >"$work/load.json"

start_fake ok,workers/1/1/4/0.5,workers/1/1/4/0.5,workers/2/1/0/0.95,http500,workers/1/2/0/0.5

"$tools/planner_run" --config "$work/load.json" --environment advisory --model-name M --namespace ns \
  --metric-pulling-prometheus-endpoint "http://127.0.0.1:$port" --http-timeout-s 1 \
  --ttft 100 --itl 10 >"$work/planner.log" 2>&1 &
planner_pid=$!
sleep 6.5
stop_planner
check "planner_run exits 0 on SIGTERM (got $rc)" test "$rc" -eq 0

line() { grep "interval $1:" "$work/planner.log"; }
check "start line names the load policy and its 1-s tick" \
  bash -c "grep 'start:' '$work/planner.log' | grep -q 'policy load, environment advisory, interval 1 s'"
check "interval 1: no per-engine gauges -> skipped (no_data), one line" \
  bash -c "grep 'interval 1:' '$work/planner.log' | grep -q 'skipped (no_data): per-engine metrics: vllm:num_requests_waiting: no data'"
for n in 1 2 3 4 5 6; do
  check "interval $n: one line" test "$(grep -c "interval $n:" "$work/planner.log")" -eq 1
done
check "interval 1: fleet left at 1P1D" bash -c "grep 'interval 1:' '$work/planner.log' | grep -q 'fleet left at 1P1D'"
check "interval 2: a queued prefill engine adds one: 2P1D" \
  bash -c "grep 'interval 2:' '$work/planner.log' | grep 'engines 1P1D' | grep -q 'decided 2P1D (.*prefill: scale up 1 -> 2'"
check "interval 3: one of two prefill engines reports: no decision" \
  bash -c "grep 'interval 3:' '$work/planner.log' | grep -q 'decided 2P1D (load: scaling in progress'"
check "interval 4: idle prefill, full decode: 1P2D" \
  bash -c "grep 'interval 4:' '$work/planner.log' | grep 'engines 2P1D' | grep -q 'decided 1P2D (.*prefill: scale down 2 -> 1.*decode: scale up 1 -> 2'"
check "interval 5: HTTP 500 skipped, fleet left at 1P2D" \
  bash -c "grep 'interval 5:' '$work/planner.log' | grep -q 'skipped (http_status).*fleet left at 1P2D'"
check "interval 6: decided again: two decode engines at 50 % KV -> 1P1D" \
  bash -c "grep 'interval 6:' '$work/planner.log' | grep -q 'decided 1P1D (.*decode: scale down 2 -> 1'"
exit $((fails > 0))
