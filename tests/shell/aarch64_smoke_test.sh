#!/usr/bin/env bash
# API smoke run of one binary: admin CLI, then `cammio serve` on a fresh data
# directory answering HTTPS: health, create vacancy, invite, list, XML, clean
# SIGTERM. An aarch64 binary runs under qemu-aarch64-static, invoked directly
# (binfmt_misc is neither needed nor used); a native binary runs as is, which
# is how ctest runs it on every build.
# .ci/run: bash tests/shell/aarch64_smoke_test.sh build/aarch64/cammio .
source "$(dirname "$0")/lib.sh"
start=$(date +%s)
source "$(dirname "$0")/qemu_lib.sh"
use_binary "$CAMMIO"

expect_contains "$("$CAMMIO" version)" "cammio " "cammio version runs"
D=$WORK/data
out=$("$CAMMIO" account create --name "Smoke Agency" --data "$D")
ACC=$(echo "$out" | json_field id)
[ -n "$ACC" ] || fail "account create printed no id: $out"
out=$("$CAMMIO" user create --account "$ACC" --email smoke@agency.test --name "Smoke Tester" --data "$D")
TOKEN=$(echo "$out" | json_field access_token)
expect_contains "$TOKEN" "cmo_" "account and user created, token printed"

start_server_wait "$D"
pass "serve started on a temp data directory (port $PORT, $(($(date +%s) - start)) s so far)"
expect_contains "$(cat "$WORK/server.log")" "SHA-256 fingerprint" "the certificate fingerprint is printed"

r=$(api "$D" smoke@agency.test "$TOKEN" GET /healthz)
expect_eq "${r%% *}" "200" "GET /healthz over HTTPS (certificate verified)"

r=$(api "$D" smoke@agency.test "$TOKEN" POST /api/vacancies \
  '{"vacancy":{"title":"Embedded engineer","datetime_start":"2030-01-01","datetime_end":"2030-02-01"}}')
expect_eq "${r%% *}" "201" "POST /api/vacancies"
VAC=$(echo "${r#* }" | json_field id)
[ -n "$VAC" ] || fail "no vacancy id in: $r"

r=$(api "$D" smoke@agency.test "$TOKEN" POST /api/invitations \
  "{\"invitation\":{\"vacancy_id\":$VAC,\"candidate_email\":\"ann@candidates.test\",\"candidate_name\":\"Ann Arm\"}}")
expect_eq "${r%% *}" "201" "POST /api/invitations"

r=$(api "$D" smoke@agency.test "$TOKEN" GET /api/invitations)
expect_eq "${r%% *}" "200" "GET /api/invitations"
expect_contains "$r" "ann@candidates.test" "the list holds the invitation"

r=$(api "$D" smoke@agency.test "$TOKEN" GET "/api/vacancies/$VAC.xml")
expect_eq "${r%% *}" "200" "GET /api/vacancies/$VAC.xml"
expect_contains "$r" "<title>Embedded engineer</title>" "the XML answer holds the vacancy"

r=$(api "$D" smoke@agency.test wrong-token GET /api/vacancies)
expect_eq "${r%% *}" "403" "wrong credentials are refused"

stop_server
expect_contains "$(cat "$WORK/server.log")" "stopped cleanly" "shutdown is logged"
echo "# smoke run: $(($(date +%s) - start)) s"
finish
