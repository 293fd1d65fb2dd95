# Shared helpers of the tests/cli/*.sh scripts (sourced, not a test itself). Each failure prints
# what went wrong and counts in $fails; a script ends with `exit $((fails > 0))` or similar.
fails=0

# expect CODE "substring of stderr+stdout" command...
expect() {
  local code=$1 text=$2
  shift 2
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -ne "$code" ] || [[ "$out" != *"$text"* ]]; then
    echo "FAIL: $* -> exit $rc (want $code), output:"
    echo "$out" | head -5
    echo "  (wanted to see: $text)"
    fails=$((fails + 1))
  fi
}

# check "what" condition...
check() {
  local what=$1
  shift
  if ! "$@"; then
    echo "FAIL: $what"
    fails=$((fails + 1))
  fi
}
