#!/usr/bin/env bash
# docs/openapi.json through third-party tools (tools/openapi): `redocly lint`
# must report no error, and every exchange of the contract tests
# (tests/api/contract_*_test.cc, openapi_test.cc, run again here with
# CAMMIO_OPENAPI_RECORD set) must match the document by ajv
# (tools/openapi/validate-exchanges.js), every operation answered 2xx at
# least once. Fails -- never skips -- when node or the npm modules are
# missing: tools/install-deps installs them (npm ci into build/openapi-tools).
# Usage: openapi_validation_test.sh CAMMIO_BINARY SOURCE_DIR
set -euo pipefail
CAMMIO=$(realpath "${1:?usage: openapi_validation_test.sh CAMMIO_BINARY SOURCE_DIR}")
SRC=$(realpath "${2:?usage: openapi_validation_test.sh CAMMIO_BINARY SOURCE_DIR}")
TESTS=$(dirname "$CAMMIO")/tests/cammio_tests
TOOLS=$SRC/build/openapi-tools
MODULES=$TOOLS/node_modules

fail() { echo "FAIL: $*" >&2; exit 1; }
command -v node >/dev/null || fail "node is not installed (tools/install-deps installs nodejs)"
for m in @redocly/cli ajv ajv-formats; do
  [ -f "$MODULES/$m/package.json" ] || fail "npm module $m is missing in $MODULES: run tools/install-deps"
done
cmp -s "$SRC/tools/openapi/package-lock.json" "$TOOLS/package-lock.json" ||
  fail "$MODULES is not from tools/openapi/package-lock.json: run tools/install-deps"
[ -x "$TESTS" ] || fail "no test binary at $TESTS"

# No update check or telemetry: the lint talks to nobody.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1
echo "== redocly lint docs/openapi.json"
"$MODULES/.bin/redocly" lint --format=stylish "$SRC/docs/openapi.json" ||
  fail "redocly lint found errors in docs/openapi.json"

WORK=$(mktemp -d /tmp/cammio-openapi-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
echo "== contract tests, recording their exchanges"
CAMMIO_OPENAPI_RECORD=$WORK/exchanges.jsonl "$TESTS" --no-version \
  -sf='*contract_*_test.cc,*openapi_test.cc' >"$WORK/tests.log" 2>&1 ||
  { tail -50 "$WORK/tests.log"; fail "the contract tests failed"; }
tail -3 "$WORK/tests.log"
echo "== ajv: every exchange against docs/openapi.json"
NODE_PATH=$MODULES node "$SRC/tools/openapi/validate-exchanges.js" "$SRC/docs/openapi.json" \
  "$WORK/exchanges.jsonl" || fail "exchanges do not match docs/openapi.json"
echo "openapi_validation_test: ok"
