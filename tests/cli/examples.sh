#!/usr/bin/env bash
# The examples build and run from the source tree (one block per example).
# Usage: examples.sh <build>/tools <source-dir>
set -u
EXAMPLES="$(cd "$1/.." && pwd)/examples"
cd "$2" || exit 1
failures=0

# quickstart: the README's library section.
if [ -x "$EXAMPLES/quickstart" ]; then
  out=$("$EXAMPLES/quickstart" 2>&1)
  want=$'prefill: TTFT 60.46 ms, 49481 tokens/s/GPU\ndecode: ITL 9.73 ms at 16.16% KV usage, 4556 tokens/s/GPU'
  [ "$out" = "$want" ] || { echo "FAIL: quickstart printed:"; echo "$out"; failures=$((failures + 1)); }
  "$EXAMPLES/quickstart" /no/such/profile >/dev/null 2>&1
  [ $? -eq 1 ] || { echo "FAIL: quickstart on a missing profile must exit 1"; failures=$((failures + 1)); }
else
  echo "SKIP: $EXAMPLES/quickstart not built"
fi

# embed_planner: a service loop; every decision within the budget of 8 GPUs, notes at the end.
if [ -x "$EXAMPLES/embed_planner" ]; then
  out=$("$EXAMPLES/embed_planner" 2>&1)
  rc=$?
  [ $rc -eq 0 ] || { echo "FAIL: embed_planner exited $rc: $out"; failures=$((failures + 1)); }
  n=$(printf '%s\n' "$out" | grep -c '^interval ')
  [ "$n" -eq 24 ] || { echo "FAIL: embed_planner printed $n decisions, expected 24"; failures=$((failures + 1)); }
  over=$(printf '%s\n' "$out" | sed -n 's/.*(\([0-9]*\) GPUs).*/\1/p' | awk '$1 > 8' | wc -l)
  [ "$over" -eq 0 ] || { echo "FAIL: embed_planner exceeded the budget"; failures=$((failures + 1)); }
  printf '%s\n' "$out" | grep -q '^  Prefill calculation: ' ||
    { echo "FAIL: embed_planner did not explain its decision"; failures=$((failures + 1)); }
else
  echo "FAIL: $EXAMPLES/embed_planner not built"; failures=$((failures + 1))
fi

# The README's library section shows examples/quickstart.cpp (without its first comment line).
readme_code=$(awk '/<!-- SECTION:library -->/{s=1} s&&/^```cpp/{c=1;next} c&&/^```/{exit} c' README.md)
[ "$readme_code" = "$(tail -n +2 examples/quickstart.cpp)" ] ||
  { echo "FAIL: README library section differs from examples/quickstart.cpp"; failures=$((failures + 1)); }

exit "$((failures > 0))"
