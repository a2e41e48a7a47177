#!/usr/bin/env bash
# Guards the per-module test entries (ctest unit.<module>, tests/CMakeLists.txt):
# every test case of cammio_tests belongs to exactly one module, so splitting
# the run drops none and runs none twice. Fails listing the test cases outside
# every module (their file is not under tests/<module>/), and when the module
# counts do not add up to the whole, or a module matches no test case.
# Usage: unit_modules_guard.sh CAMMIO_TESTS MODULE...
set -euo pipefail
TESTS=${1:?usage: unit_modules_guard.sh CAMMIO_TESTS MODULE...}
shift
[ $# -gt 0 ] || { echo "FAIL: no modules given" >&2; exit 1; }

# The number of test cases passing the given filters (doctest --count).
count() {
  "$TESTS" --count --no-version "$@" | sed -n 's/.*passing the current filters: \([0-9]*\).*/\1/p'
}

total=$(count)
if [ -z "$total" ] || [ "$total" -eq 0 ]; then
  echo "FAIL: cannot count the test cases of $TESTS" >&2
  exit 1
fi
sum=0 patterns="" rc=0
for m in "$@"; do
  n=$(count -sf="*/tests/$m/*")
  [ "${n:-0}" -gt 0 ] || { echo "FAIL: unit.$m: no test case matches */tests/$m/*" >&2; rc=1; }
  echo "unit.$m: ${n:-0} test cases"
  sum=$((sum + ${n:-0}))
  patterns="$patterns${patterns:+,}*/tests/$m/*"
done
outside=$(count -sfe="$patterns")
if [ "$outside" -ne 0 ]; then
  echo "FAIL: $outside test case(s) belong to no module entry (put their file under tests/<module>/):" >&2
  "$TESTS" --list-test-cases --no-version -sfe="$patterns" >&2
  rc=1
fi
if [ "$sum" -ne "$total" ]; then
  echo "FAIL: the modules hold $sum test cases, the binary $total (each must be in exactly one)" >&2
  rc=1
fi
[ $rc -eq 0 ] && echo "ok - all $total test cases run in exactly one of $# module entries"
exit $rc
