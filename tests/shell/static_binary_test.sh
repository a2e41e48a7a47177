#!/usr/bin/env bash
# The product is one static executable: no dynamic section, and it serves
# HTTPS from an otherwise empty root directory (chroot).
source "$(dirname "$0")/lib.sh"
if readelf -d "$CAMMIO" 2>&1 | grep -q "There is no dynamic section"; then
  pass "no dynamic section"
else
  fail "the binary has a dynamic section: $(readelf -d "$CAMMIO" | head -5)"
fi
ROOT=$WORK/root
mkdir -p "$ROOT"
cp "$CAMMIO" "$ROOT/cammio"
[ "$(find "$ROOT" -mindepth 1 | wc -l)" = "1" ] || fail "the chroot holds more than the binary"
out=$(chroot "$ROOT" /cammio demo --data /data)
TOKEN=$(echo "$out" | sed -n 's/.*access token: //p')
[ -n "$TOKEN" ] || fail "demo in chroot printed no token: $out"
pass "the admin CLI works in an empty root"

# Created first: the background shell opens it only when it gets to run, and
# a `sed` of a missing file fails the script (set -e, pipefail) before the loop
# below can retry.
: >"$WORK/server.log"
chroot "$ROOT" /cammio serve --data /data --listen 127.0.0.1:0 >"$WORK/server.out" 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 1 200); do
  PORT=$(sed -n 's/.*listening on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
  [ -n "$PORT" ] && break
  sleep 0.05
done
[ -n "${PORT:-}" ] || fail "server in chroot did not start"
r=$(api "$ROOT/data" demo@cammio.test "$TOKEN" GET /api/vacancies)
expect_eq "${r%% *}" "200" "HTTPS request served from the chroot"
expect_contains "$(cat "$WORK/server.log")" "SHA-256 fingerprint" "first start prints the certificate fingerprint"
size=$(strip -o "$WORK/stripped" "$CAMMIO" && stat -c %s "$WORK/stripped")
echo "stripped size: $size bytes"
finish
