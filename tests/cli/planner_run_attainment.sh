#!/usr/bin/env bash
# planner_run --policy attainment against a scripted Prometheus (tests/fake_prometheus.cpp),
# advisory environment, 1-s intervals: every interval reads 40 req/s of ISL 4000 / OSL 150 from the
# frontend (no per-engine gauges: the policy decides without them) and decides a fleet within the
# budget from its simulation of the H200 profile, saying so in the log; a bad --attainment-target
# exits 2 naming the setting. Args: <build>/tools <source-dir>. Exit 77 when not built.
set -u
tools=$1
src=$2
. "$src/tests/cli/lib/assert.sh"
. "$src/tests/cli/lib/scripted_prometheus.sh"

expect 2 "planner_run: error: --attainment-target must be in (0, 1], got 2" "$tools/planner_run" --environment advisory --model-name M --policy attainment --attainment-target 2
expect 2 "planner_run: error: --attainment-max-scale-down must be >= 0, got -2" "$tools/planner_run" --environment advisory --model-name M --policy attainment --attainment-max-scale-down -2

work_dir planner_run_attainment

start_fake ok,ok,ok,ok,ok,ok,ok,ok

"$tools/planner_run" --policy attainment --environment advisory --model-name M --namespace ns \
  --metric-pulling-prometheus-endpoint "http://127.0.0.1:$port" --http-timeout-s 1 \
  --adjustment-interval 1 --startup-delay-s 2 --ttft 200 --itl 10 --max-gpu-budget 8 >"$work/planner.log" 2>&1 &
planner_pid=$!
sleep 4.5
stop_planner
check "planner_run exits 0 on SIGTERM (got $rc)" test "$rc" -eq 0
check "start line names the attainment policy" bash -c "grep 'start:' '$work/planner.log' | grep -q 'policy attainment'"
check "interval 1 decided from its simulation" \
  bash -c "grep 'interval 1:' '$work/planner.log' | grep 'read num_req=40' | grep -q 'decided [0-9]P[0-9]D (attainment: rate 40.00 req/s observed'"
check "every decision within the budget of 8 GPUs" python3 - "$work/planner.log" <<'PY'
import re, sys
d = [tuple(map(int, m)) for m in re.findall(r"decided (\d+)P(\d+)D", open(sys.argv[1]).read())]
assert len(d) >= 2, d
assert all(p + q <= 8 and p >= 1 and q >= 1 for p, q in d), d
PY
exit $((fails > 0))
