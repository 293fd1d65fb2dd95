# Shared set-up of the planner_run scripts that talk to the scripted Prometheus
# (tests/fake_prometheus.cpp); sourced after assert.sh with $tools set (it sources ports.sh).
# Exits 77 (skipped) when planner_run or the stand-in is not built.
. "$(dirname "${BASH_SOURCE[0]}")/ports.sh"
fake=$tools/../tests/fake_prometheus
for b in "$tools/planner_run" "$fake"; do [ -x "$b" ] || { echo "SKIP: $b not built"; exit 77; }; done

# work_dir NAME: a fresh directory in $work; when the script exits, planner_run and the stand-in
# are stopped, the planner's log is shown if a check failed, and the directory is removed.
work_dir() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  fake_pid= planner_pid=
  trap cleanup EXIT
  trap 'exit 143' TERM INT
}
cleanup() {
  for p in $planner_pid $fake_pid; do kill -TERM "$p" 2>/dev/null; done
  for p in $planner_pid $fake_pid; do wait "$p" 2>/dev/null; done
  [ "$fails" -gt 0 ] && cat "$work/planner.log"
  rm -rf "$work"
}

# start_fake ANSWERS: the stand-in on a free port of 127.0.0.1 ($port), giving the comma-separated
# ANSWERS one per round of queries (its log in $work/fake.log); returns once it accepts connections.
start_fake() {
  free_port port
  "$fake" "$port" "$1" 2>"$work/fake.log" &
  fake_pid=$!
  wait_port "$port" 5
}

# stop_planner: SIGTERM to the planner_run started in the background as $planner_pid; its exit
# code in $rc.
stop_planner() {
  kill -TERM "$planner_pid"
  wait "$planner_pid"
  rc=$?
  planner_pid=
}
