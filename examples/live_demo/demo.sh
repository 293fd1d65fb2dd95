#!/usr/bin/env bash
# A live planner on one machine: etcd, Prometheus (scraping every second), fleet_emulator replaying
# 8, 18, then 8 req/s (ISL 4000, OSL 150, one minute each) and planner_run --environment virtual
# deciding every 10 s. Watch planner_run's log; Ctrl-C stops everything.
#   ./run.sh build && examples/live_demo/demo.sh
# Needs Debian's prometheus and etcd-server. Ports: DEMO_PORT_BASE (default 19000) to +4.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tools=${TOOLS:-$here/../../build/tools}
base=${DEMO_PORT_BASE:-19000}
etcd_port=$base prom_port=$((base + 1)) peer_port=$((base + 2)) emu_port=$((base + 3)) planner_port=$((base + 4))
for b in "$tools/planner_run" "$tools/fleet_emulator" "$(command -v etcd)" "$(command -v prometheus)"; do
  [ -x "$b" ] || { echo "demo: missing $b (./run.sh build; apt-get install etcd-server prometheus)" >&2; exit 2; }
done
work=$(mktemp -d /tmp/live_demo.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

awk 'BEGIN { t = 0; split("8 18 8", rate, " ");
  for (p = 1; p <= 3; ++p) { n = rate[p] * 60;
    for (i = 0; i < n; ++i) printf "{\"timestamp\": %d, \"input_length\": 4000, \"output_length\": 150, \"hash_ids\": []}\n", (t + i / rate[p]) * 1000;
    t += 60 } }' >"$work/trace.jsonl"
cat >"$work/prometheus.yml" <<YML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: fleet_emulator
    static_configs: [{targets: ['127.0.0.1:$emu_port']}]
  - job_name: planner_run
    static_configs: [{targets: ['127.0.0.1:$planner_port']}]
YML

etcd --name demo --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
  --advertise-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" --initial-cluster "demo=http://127.0.0.1:$peer_port" \
  >"$work/etcd.log" 2>&1 &
pids+=($!)
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prom" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)
sleep 2
"$tools/fleet_emulator" --dataset "$work/trace.jsonl" --port "$emu_port" --etcd-endpoints "http://127.0.0.1:$etcd_port" \
  --namespace demo --model-name demo-model --startup-delay 5 &
pids+=($!)
echo "demo: Prometheus http://127.0.0.1:$prom_port, emulator http://127.0.0.1:$emu_port/metrics," \
  "planner http://127.0.0.1:$planner_port/metrics" >&2
"$tools/planner_run" --environment virtual --namespace demo --model-name demo-model \
  --metric-pulling-prometheus-endpoint "http://127.0.0.1:$prom_port" --etcd-endpoints "http://127.0.0.1:$etcd_port" \
  --ttft 100 --itl 10 --adjustment-interval 10 --load-predictor constant --no-correction \
  --metrics-port "$planner_port" &
pids+=($!)
wait
