#!/usr/bin/env bash
# End to end on 127.0.0.1: Debian's prometheus scrapes fleet_emulator every second, Debian's etcd
# holds the decisions, planner_run --environment virtual reads Prometheus and writes etcd, and the
# emulator carries the decisions out. Scenario (the SLA planner's scaling test, compressed into
# 5-second intervals): 8 req/s for 20 s, 18 req/s for 20 s, 8 req/s for 20 s; ISL 4000, OSL 150;
# TTFT 100 ms, ITL 10 ms; constant predictor, no correction. Expected: 1P1D -> 2P1D -> 1P1D, and
# each decision equal to planner_dryrun's on the per-interval load planner_run observed.
# Faults: etcd stopped while the load rises (the scale-up fails, the fleet stays, the decision is
# written once etcd is back); Prometheus stopped for three intervals (skipped, one line each, no
# change) and restarted; SIGTERM exits 0; a bad config file exits 2 naming the key.
# Args: <build>/tools <source-dir>. Exit 77 (skipped) when a tool, prometheus or etcd is missing.
set -u
tools=$1
src=$2
. "$src/tests/cli/lib/assert.sh"
. "$src/tests/cli/lib/ports.sh"

for b in planner_run fleet_emulator planner_dryrun; do
  [ -x "$tools/$b" ] || { echo "SKIP: $tools/$b not built"; exit 77; }
done
PROM=${SLA_PLANNER_PROMETHEUS:-$(command -v prometheus || true)}
ETCD=${SLA_PLANNER_ETCD:-$(command -v etcd || true)}
[ -n "$PROM" ] && [ -x "$PROM" ] || { echo "SKIP: prometheus not installed (Debian package prometheus)"; exit 77; }
[ -n "$ETCD" ] && [ -x "$ETCD" ] || { echo "SKIP: etcd not installed (Debian package etcd-server)"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/planner_run_e2e.XXXXXX")
declare -A pid=()
stop() {  # stop NAME: SIGTERM, wait up to 5 s, then SIGKILL
  local p=${pid[$1]:-}
  [ -n "$p" ] || return 0
  kill -TERM "$p" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null
  wait "$p" 2>/dev/null
  unset "pid[$1]"
}
cleanup() {
  for n in "${!pid[@]}"; do stop "$n"; done
  if [ "$fails" -gt 0 ]; then
    for f in planner.log emulator.log; do echo "--- $f"; tail -30 "$work/$f" 2>/dev/null; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

http_get() {  # http_get PORT PATH: the body
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
  sed '1,/^\r$/d' <&3
  exec 3<&-
}

free_port prom_port
free_port etcd_port
free_port peer_port
free_port emu_port
free_port planner_port
etcd_url=http://127.0.0.1:$etcd_port
interval=5

start_etcd() {
  "$ETCD" --name e2e --data-dir "$work/etcd" --listen-client-urls "$etcd_url" --advertise-client-urls "$etcd_url" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "e2e=http://127.0.0.1:$peer_port" >>"$work/etcd.log" 2>&1 &
  pid[etcd]=$!
  wait_port "$etcd_port" 20
}
start_prometheus() {
  "$PROM" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prom" \
    --web.listen-address="127.0.0.1:$prom_port" >>"$work/prometheus.log" 2>&1 &
  pid[prometheus]=$!
  wait_port "$prom_port" 20
}

cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: fleet_emulator
    static_configs:
      - targets: ['127.0.0.1:$emu_port']
EOF

# The trace: 8, 18, 8 requests per second, 20 s each, evenly spaced.
awk 'BEGIN { t = 0; split("8 18 8", rate, " ");
  for (p = 1; p <= 3; ++p) { n = rate[p] * 20;
    for (i = 0; i < n; ++i) printf "{\"timestamp\": %d, \"input_length\": 4000, \"output_length\": 150, \"hash_ids\": []}\n", (t + i / rate[p]) * 1000;
    t += 20 } }' >"$work/trace.jsonl"

# A bad config file: exit 2, the key named.
printf 'ttft: 100\nmin_endpont: 1\n' >"$work/bad.yaml"
expect 2 "unknown key 'min_endpont'" "$tools/planner_run" --config "$work/bad.yaml"
printf '{"environment": "cloud"}\n' >"$work/bad.json"
expect 2 "'environment' must be one of virtual, kubernetes, advisory" "$tools/planner_run" --config "$work/bad.json"

check "etcd starts" start_etcd
check "prometheus starts" start_prometheus

cat >"$work/planner.yaml" <<EOF
environment: virtual
namespace: e2e
model_name: test-model
metric_pulling_prometheus_endpoint: http://127.0.0.1:$prom_port
etcd_endpoints: $etcd_url
ttft: 100
itl: 10
adjustment_interval: $interval
load_predictor: constant
no_correction: true
max_gpu_budget: 8
log_format: json
http_timeout_s: 2
EOF

"$tools/fleet_emulator" --dataset "$work/trace.jsonl" --port "$emu_port" --etcd-endpoints "$etcd_url" \
  --namespace e2e --model-name Test-Model --startup-delay 2 >"$work/emulator.log" 2>&1 &
pid[emulator]=$!
"$tools/planner_run" --config "$work/planner.yaml" --metrics-port "$planner_port" >"$work/planner.log" 2>&1 &
pid[planner]=$!
t0=$SECONDS

# The scenario: 60 s of trace, then two more intervals. etcd is down from 16 s to 31 s, while
# the load rises (at 20 s): the scale-up cannot be written at 25 s and 30 s (logged as failed,
# the fleet stays) and is written once etcd is back (35 s).
sleep 16
stop etcd
sleep 15
check "etcd restarts" start_etcd
sleep 41
check "planner_run survives etcd going away" kill -0 "${pid[planner]}"
check "the scale-up failed while etcd was away" grep -q '"outcome":"failed"' "$work/planner.log"
check "the decision that failed was the scale-up (written after etcd came back: decision 1 below)" \
  bash -c "grep '\"outcome\":\"failed\"' '$work/planner.log' | head -1 | grep -q '\"prefill\":2'"
check "planner_run serves /healthz" bash -c "$(declare -f http_get); http_get $planner_port /healthz | grep -q ok"
check "planner_run exports dynamo_planner_num_p_workers" \
  bash -c "$(declare -f http_get); http_get $planner_port /metrics | grep -q '^dynamo_planner_num_p_workers 1'"

# Prometheus away for three intervals.
n_before=$(grep -c '"event":"skipped"' "$work/planner.log")
decided_before=$(grep -c '"event":"decided"' "$work/planner.log")
stop prometheus
sleep $((3 * interval + 1))
n_away=$(( $(grep -c '"event":"skipped"' "$work/planner.log") - n_before ))
decided_away=$(( $(grep -c '"event":"decided"' "$work/planner.log") - decided_before ))
check "three intervals skipped while Prometheus is away (got $n_away)" test "$n_away" -ge 3 -a "$n_away" -le 4
check "nothing decided while Prometheus is away (got $decided_away)" test "$decided_away" -eq 0
check "the skipped intervals say why" grep -q '"reason":"transport"' "$work/planner.log"
check "prometheus restarts" start_prometheus
sleep $((2 * interval + 2))
check "decisions resume after Prometheus is back" \
  test "$(grep -c '"event":"decided"' "$work/planner.log")" -gt "$decided_before"

# SIGTERM: finish the step, exit 0.
kill -TERM "${pid[planner]}"
wait "${pid[planner]}"
rc=$?
unset "pid[planner]"
check "planner_run exits 0 on SIGTERM (got $rc)" test "$rc" -eq 0
check "planner_run logs its stop" grep -q '"event":"stop"' "$work/planner.log"
echo "e2e: $((SECONDS - t0)) s of live run"

# The decisions, as the emulator carried them out: 1P1D (the first, written because etcd held
# none), 2P1D, 1P1D; nothing else.
check "decision 0 is 1P1D" grep -q 'decision 0: 1P1D' "$work/emulator.log"
check "decision 1 is 2P1D" grep -q 'decision 1: 2P1D' "$work/emulator.log"
check "decision 2 is 1P1D" grep -q 'decision 2: 1P1D' "$work/emulator.log"
check "decision 1 carried out" grep -q 'decision 1 carried out' "$work/emulator.log"
check "no more than three decisions written" bash -c "! grep -q 'decision 3:' '$work/emulator.log'"
check "no decision over the GPU budget" bash -c "! grep -q '\"event\":\"refused\"' '$work/planner.log'"

# The same decisions as planner_dryrun on the per-interval load planner_run observed: one trace
# interval per decided interval (requests rounded to whole ones, evenly spaced).
grep '"event":"decided"' "$work/planner.log" | awk -v iv="$interval" '
  { match($0, /"num_req":[-0-9.e+]*/); n = substr($0, RSTART + 10, RLENGTH - 10) + 0;
    match($0, /"isl":[-0-9.e+]*/); isl = substr($0, RSTART + 6, RLENGTH - 6) + 0;
    match($0, /"osl":[-0-9.e+]*/); osl = substr($0, RSTART + 6, RLENGTH - 6) + 0;
    k = NR - 1; m = int(n + 0.5);
    for (i = 0; i < m; ++i) printf "{\"timestamp\": %d, \"input_length\": %d, \"output_length\": %d, \"hash_ids\": []}\n", (k * iv + i * iv / m) * 1000, int(isl + 0.5), int(osl + 0.5) }' \
  >"$work/observed.jsonl"
grep '"event":"decided"' "$work/planner.log" | awk '
  { match($0, /"decision":\{[^}]*/); d = substr($0, RSTART, RLENGTH);
    match(d, /"prefill":[0-9]+/); p = substr(d, RSTART + 10, RLENGTH - 10);
    match(d, /"decode":[0-9]+/); q = substr(d, RSTART + 9, RLENGTH - 9);
    print p "," q }' >"$work/live_decisions.csv"
"$tools/planner_dryrun" --dataset "$work/observed.jsonl" --ttft 100 --itl 10 --adjustment-interval "$interval" \
  --load-predictor constant --no-correction --no-plot --output-csv "$work/dryrun.csv" >/dev/null 2>&1
check "planner_dryrun runs on the observed load" test -s "$work/dryrun.csv"
# dry-run row s (s >= 1) is the decision after observing intervals 0..s-1 = planner_run's s-th decision
awk -F, 'NR > 2 { print $8 "," $11 }' "$work/dryrun.csv" >"$work/dry_decisions.csv"
rows=$(wc -l <"$work/dry_decisions.csv")
check "planner_dryrun gave decisions ($rows)" test "$rows" -ge 10
check "planner_run decided like planner_dryrun on the same load" \
  cmp -s "$work/dry_decisions.csv" <(head -n "$rows" "$work/live_decisions.csv")
if ! cmp -s "$work/dry_decisions.csv" <(head -n "$rows" "$work/live_decisions.csv"); then
  paste -d' ' "$work/dry_decisions.csv" <(head -n "$rows" "$work/live_decisions.csv") | head -30
fi
check "planner_run reached 2P1D" grep -q '^2,1$' "$work/live_decisions.csv"
check "planner_run ended at 1P1D" test "$(tail -n 1 "$work/live_decisions.csv")" = "1,1"

exit $((fails > 0))
