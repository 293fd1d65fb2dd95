# Free ports on 127.0.0.1 for the servers a CLI test starts; sourced. Probes with bash's
# /dev/tcp (no extra tool): a port is taken when something accepts a connection on it.

# port_free PORT: whether nothing accepts connections on PORT.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

next_port=$((20000 + RANDOM % 20000))
# free_port VAR: sets VAR to a free port, each call a different one (no subshell, so that the
# counter moves on).
free_port() {
  while ! port_free "$next_port"; do next_port=$((next_port + 1)); done
  printf -v "$1" '%s' "$next_port"
  next_port=$((next_port + 1))
}

# wait_port PORT SECONDS: returns 0 once something accepts connections on PORT, 1 after SECONDS.
wait_port() {
  for _ in $(seq $(($2 * 10))); do port_free "$1" || return 0; sleep 0.1; done
  return 1
}
