#!/usr/bin/env bash
# planner_run against a scripted Prometheus (tests/fake_prometheus.cpp), advisory environment,
# 1-s intervals: each bad answer — HTTP 500, an empty result, NaN, a truncated body, a time-out —
# skips its interval with one log line naming the reason, and nothing is decided on it; the good
# intervals around them are decided (40 req/s: 4P2D). Args: <build>/tools <source-dir>. Exit 77 when not built.
set -u
tools=$1
src=$2
. "$src/tests/cli/lib/assert.sh"
. "$src/tests/cli/lib/scripted_prometheus.sh"

work_dir planner_run_faults

start_fake ok,http500,empty,nan,truncated,slow,ok,ok

"$tools/planner_run" --environment advisory --model-name M --namespace ns \
  --metric-pulling-prometheus-endpoint "http://127.0.0.1:$port" --adjustment-interval 1 --http-timeout-s 1 \
  --ttft 100 --itl 10 --load-predictor constant --no-correction >"$work/planner.log" 2>&1 &
planner_pid=$!
sleep 10.5
stop_planner
check "planner_run exits 0 on SIGTERM (got $rc)" test "$rc" -eq 0

check "interval 1 (ok) decided" bash -c "grep 'interval 1:' '$work/planner.log' | grep -q 'decided 4P2D'"
for case in "2 http_status HTTP 500" "3 no_data no data" "4 not_finite" "5 unparsable" "6 transport"; do
  set -- $case
  n=$1 reason=$2
  check "interval $n skipped as $reason" bash -c "grep 'interval $n:' '$work/planner.log' | grep -q 'skipped ($reason)'"
  check "interval $n: one line" test "$(grep -c "interval $n:" "$work/planner.log")" -eq 1
  check "interval $n: fleet left as it is" bash -c "grep 'interval $n:' '$work/planner.log' | grep -q 'fleet left at 4P2D'"
done
check "nothing decided on bad data" test "$(grep -c 'decided' "$work/planner.log")" -ge 2
check "a good interval after the faults is decided" \
  bash -c "grep -E 'interval (7|8):' '$work/planner.log' | grep -q 'decided 4P2D'"
exit $((fails > 0))
