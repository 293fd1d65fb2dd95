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
fake=$tools/../tests/fake_prometheus
for b in "$tools/planner_run" "$fake"; do [ -x "$b" ] || { echo "SKIP: $b not built"; exit 77; }; done

expect 2 "planner_run: error: --attainment-target must be in (0, 1], got 2" "$tools/planner_run" --environment advisory --model-name M --policy attainment --attainment-target 2

work=$(mktemp -d "${TMPDIR:-/tmp}/planner_run_attainment.XXXXXX")
fake_pid= planner_pid=
cleanup() {
  for p in $planner_pid $fake_pid; do kill -TERM "$p" 2>/dev/null; done
  for p in $planner_pid $fake_pid; do wait "$p" 2>/dev/null; done
  [ "$fails" -gt 0 ] && cat "$work/planner.log"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

port=$((20000 + RANDOM % 20000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
"$fake" "$port" ok,ok,ok,ok,ok,ok,ok,ok 2>"$work/fake.log" &
fake_pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

"$tools/planner_run" --policy attainment --environment advisory --model-name M --namespace ns \
  --metric-pulling-prometheus-endpoint "http://127.0.0.1:$port" --http-timeout-s 1 \
  --adjustment-interval 1 --startup-delay-s 2 --ttft 200 --itl 10 --max-gpu-budget 8 >"$work/planner.log" 2>&1 &
planner_pid=$!
sleep 4.5
kill -TERM "$planner_pid"
wait "$planner_pid"
rc=$?
planner_pid=
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
