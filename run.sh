#!/usr/bin/env bash
# sla_planner: one-command set-up, build and run.
#
#   ./run.sh demo       install what is missing (Debian 12, as root), build, run the example
#   ./run.sh test       install what is missing, build, run the whole test suite
#   ./run.sh sanitize   build the test suite with ASan + UBSan into build-asan/ and run it
#   ./run.sh fuzz       build the libFuzzer targets with clang into build-fuzz/ and run each briefly
#   ./run.sh bench      build and run the Google Benchmark programs
#   ./run.sh build      install what is missing and build only
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential cmake pkg-config
  libeigen3-dev nlohmann-json3-dev libcxxopts-dev catch2 libqhull-dev zlib1g-dev libsimdjson-dev
  libplplot-dev plplot-driver-cairo liblbfgspp-dev libbenchmark-dev
  clang libclang-rt-14-dev hyperfine
  libcurl4-openssl-dev libcpp-httplib-dev etcd-server libyaml-cpp-dev prometheus)
JOBS=$(nproc 2>/dev/null || echo 2)

install_deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "run.sh: installing ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "run.sh: missing packages (${missing[*]}); run as root" >&2; exit 2; }
    sudo=sudo
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {  # build <dir> [--target T...] [cmake args...]
  local dir=$1; shift
  local targets=()
  while [ "${1:-}" = "--target" ]; do targets+=(--target "$2"); shift 2; done
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$dir" -j"$JOBS" "${targets[@]}"
}

cmd=${1:-}
case "$cmd" in
  demo)
    install_deps
    build build --target perf_interpolation --target planner_search  # only what the demo runs
    ./build/tools/perf_interpolation --profile-results-dir profiling_results/H200_TP1P_TP1D \
      --isl 3000 --osl 300 --ttft 200 --itl 10
    echo
    # Which deployment to run for the example trace's traffic: every fleet within 12 GPUs and the planner, replayed.
    ./build/tools/planner_search --dataset tests/data/traces/rr-5-45_i3000o300.jsonl \
      --ttft 200 --itl 10 --max-gpu-budget 12 --no-correction
    ;;
  test)
    install_deps
    build build
    ctest --test-dir build --output-on-failure -j"$JOBS"
    ;;
  sanitize)
    install_deps
    # -O1 -g1: what the sanitizer docs recommend, and 2.5x less compile time than -O2 -g on the
    # Eigen-heavy files (test_planner.cpp: 417 s -> 169 s on the 2-core VM); line tables are kept.
    build build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
      -DSLA_PLANNER_SANITIZE=ON -DSLA_PLANNER_BUILD_BENCH=OFF
    ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0 UBSAN_OPTIONS=print_stacktrace=1 \
      ctest --test-dir build-asan --output-on-failure -j"$JOBS" -LE slow
    ;;
  fuzz)
    install_deps
    CC=clang CXX=clang++ build build-fuzz -DSLA_PLANNER_BUILD_FUZZ=ON -DSLA_PLANNER_BUILD_TESTS=OFF \
      -DSLA_PLANNER_BUILD_BENCH=OFF -DSLA_PLANNER_BUILD_EXAMPLES=OFF -DSLA_PLANNER_BUILD_TOOLS=OFF
    for f in build-fuzz/fuzz/fuzz_*; do
      [ -x "$f" ] || continue
      name=$(basename "$f")
      echo "run.sh: fuzzing $name for ${FUZZ_SECONDS:-30} s" >&2
      mkdir -p "build-fuzz/corpus/$name"
      log="build-fuzz/$name.log"
      if ! "$f" -max_total_time="${FUZZ_SECONDS:-30}" -print_final_stats=1 -artifact_prefix=build-fuzz/ \
          "build-fuzz/corpus/$name" fuzz/corpus/"${name#fuzz_}" >"$log" 2>&1; then
        # show the crash report (input bytes, stack, artifact name), not just the final stats
        grep -v '^#[0-9]' "$log" | tail -40 >&2
        echo "run.sh: $name failed; reproduce with: $f build-fuzz/crash-*" >&2
        exit 1
      fi
      tail -3 "$log"
    done
    ;;
  bench)
    install_deps
    build build
    for b in build/bench/bench_*; do [ -x "$b" ] && "$b"; done
    ;;
  build)
    install_deps
    build build
    ;;
  *)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    [ "$cmd" = "-h" ] || [ "$cmd" = "--help" ] && exit 0
    exit 2
    ;;
esac
