#!/usr/bin/env bash
# Browser end-to-end tests of the web pages (e2e.test.js) and of the
# recruiter console (console.test.js) against a real `cammio serve` with its
# own data directory, then of the live room
# (live.test.js: it starts its own servers, Debian's coturn and an ATS), in
# Debian's chromium driven by playwright-core (installed by
# tools/install-deps; never a browser of playwright's own). Fails -- never
# skips -- when chromium, coturn or playwright-core is missing.
# Usage: run.sh CAMMIO_BINARY SOURCE_DIR [ARTIFACTS_DIR]
#   ARTIFACTS_DIR (screenshots) defaults to <binary's dir>/web-artifacts.
#   CAMMIO_WEB_TESTS: which files, "e2e console live" by default (ctest runs
#   each as its own entry: tests/shell/web_e2e_test.sh, web_console_test.sh,
#   web_live_test.sh).
set -euo pipefail
SUITES=${CAMMIO_WEB_TESTS:-e2e console live}
CAMMIO=$(realpath "${1:?usage: run.sh CAMMIO_BINARY SOURCE_DIR [ARTIFACTS_DIR]}")
SRC=$(realpath "${2:?usage: run.sh CAMMIO_BINARY SOURCE_DIR [ARTIFACTS_DIR]}")
ART=${3:-$(dirname "$CAMMIO")/web-artifacts}
WEB=$SRC/tests/web

fail() { echo "FAIL: $*" >&2; exit 1; }
CHROMIUM=${CAMMIO_CHROMIUM:-$(command -v chromium || true)}
[ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] ||
  fail "chromium is not installed (tools/install-deps installs it: apt-get install chromium)"
command -v node >/dev/null || fail "node is not installed (tools/install-deps installs nodejs)"
[ -f "$WEB/node_modules/playwright-core/package.json" ] ||
  fail "playwright-core is missing: (cd tests/web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci)"

WORK=$(mktemp -d /tmp/cammio-web-XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
DATA=$WORK/data
mkdir -p "$ART"
node "$WEB/make_y4m.js" "$WORK/camera.y4m" 45

if [[ " $SUITES " == *" live "* ]]; then
  # The live room starts its own servers (settings per test), coturn and an ATS.
  command -v turnserver >/dev/null || fail "coturn is not installed (tools/install-deps installs it)"
  rm -f "$ART"/live-*.png
  (cd "$WEB" && CAMMIO_BIN=$CAMMIO CAMMIO_CHROMIUM=$CHROMIUM CAMMIO_ARTIFACTS=$ART CAMMIO_Y4M=$WORK/camera.y4m \
    node --test --test-reporter=spec --test-timeout=280000 live.test.js)
fi
has() { [[ " $SUITES " == *" $1 "* ]]; }
has e2e || has console || exit 0
if has e2e; then find "$ART" -maxdepth 1 -name '*.png' ! -name 'live-*' ! -name 'console-*' -delete; fi
if has console; then
  [ -f "$WEB/node_modules/axe-core/package.json" ] ||
    fail "axe-core is missing: (cd tests/web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci)"
  rm -f "$ART"/console-*.png
fi

ACC=$("$CAMMIO" account create --name "Web E2E Agency" --data "$DATA" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
[ -n "$ACC" ] || fail "account create printed no id"
USER_JSON=$("$CAMMIO" user create --account "$ACC" --email recruiter@agency.test --name "Rob Recruiter" --data "$DATA")
TOKEN=$(echo "$USER_JSON" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || fail "user create printed no access token"
# The console signs in with a password (the user is the account's admin).
PASSWORD=console-e2e-$RANDOM$RANDOM
echo "$PASSWORD" | "$CAMMIO" user password recruiter@agency.test --data "$DATA" 2>/dev/null ||
  fail "user password failed"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL=https://127.0.0.1:$PORT
"$CAMMIO" serve --data "$DATA" --listen "127.0.0.1:$PORT" --public-url "$URL" \
  >"$WORK/server.out" 2>"$ART/server.log" &
SERVER_PID=$!
for _ in $(seq 1 200); do
  grep -q "listening on" "$ART/server.log" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "server exited: $(cat "$ART/server.log")"
  sleep 0.05
done
grep -q "listening on" "$ART/server.log" || fail "server did not start"

cd "$WEB"
FILES=()
has e2e && FILES+=(e2e.test.js)
has console && FILES+=(console.test.js)
CAMMIO_URL=$URL CAMMIO_USER=recruiter@agency.test CAMMIO_TOKEN=$TOKEN CAMMIO_PASSWORD=$PASSWORD \
CAMMIO_CHROMIUM=$CHROMIUM CAMMIO_ARTIFACTS=$ART CAMMIO_Y4M=$WORK/camera.y4m \
  node --test --test-reporter=spec --test-timeout=300000 --test-concurrency=1 "${FILES[@]}"
echo "web e2e: screenshots in $ART"
