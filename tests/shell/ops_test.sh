#!/usr/bin/env bash
# Operations commands against a real server (docs/operations.md): backup
# while serving, restore refused while serving, restore after stopping,
# check, version, /metrics. Needs the CLI dispatch of src/cli/ops_commands.h
# and the data directory lock in serve.
source "$(dirname "$0")/lib.sh"
D=$WORK/data

out=$("$CAMMIO" account create --name "Ops Agency" --data "$D")
ACC=$(echo "$out" | json_field id)
out=$("$CAMMIO" user create --account "$ACC" --email ops@agency.test --name "Ops" --data "$D")
TOKEN=$(echo "$out" | json_field access_token)

out=$("$CAMMIO" version)
expect_contains "$out" "schema " "version names the schema version"

start_server "$D"
r=$(api "$D" ops@agency.test "$TOKEN" POST /api/vacancies \
      '{"vacancy": {"title": "Kept", "datetime_start": "2013-07-28", "datetime_end": "2013-07-29"}}')
expect_eq "${r%% *}" "201" "a vacancy before the backup"

out=$("$CAMMIO" backup --to "$WORK/b.tar" --data "$D")
expect_contains "$out" "\"kind\":\"full\"" "backup while the server runs"
tar tf "$WORK/b.tar" | grep -x cammio.db >/dev/null || fail "the archive holds no cammio.db"
pass "the archive is a plain tar"

r=$(api "$D" ops@agency.test "$TOKEN" POST /api/vacancies \
      '{"vacancy": {"title": "After", "datetime_start": "2013-07-28", "datetime_end": "2013-07-29"}}')
expect_eq "${r%% *}" "201" "a vacancy after the backup"

set +e
err=$("$CAMMIO" restore --from "$WORK/b.tar" --data "$D" 2>&1); rc=$?
set -e
expect_eq "$rc" "1" "restore is refused while the server runs"
expect_contains "$err" "running" "the refusal says why"

code=$(curl -s -o "$WORK/metrics" -w '%{http_code}' --cacert "$D/tls/cert.pem" \
         --resolve "localhost:$PORT:127.0.0.1" "https://localhost:$PORT/metrics")
expect_eq "$code" "200" "/metrics answers a local client"
expect_contains "$(cat "$WORK/metrics")" 'route="/api/vacancies",status="201"' "requests by route and status"

out=$("$CAMMIO" check --data "$D")
expect_contains "$out" "\"ok\":true" "check passes on a healthy installation"

kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""
out=$("$CAMMIO" restore --from "$WORK/b.tar" --data "$D")
expect_contains "$out" "pre-restore-" "restore keeps the previous data aside"

start_server "$D"
r=$(api "$D" ops@agency.test "$TOKEN" GET /api/vacancies)
expect_contains "$r" "Kept" "the restored data is served"
case "$r" in *After*) fail "a vacancy created after the backup survived the restore" ;; esac
pass "the restore went back to the backup"

out=$("$CAMMIO" retention set --account "$ACC" --days 30 --data "$D")
expect_contains "$out" '"interview_days":30' "retention set while the server runs"
set +e
err=$("$CAMMIO" candidate erase --account "$ACC" --email nobody@x.test --data "$D" 2>&1); rc=$?
set -e
expect_eq "$rc" "1" "erasing an unknown candidate fails"
expect_contains "$err" "no candidate" "and says so"

# The response cache (README "Response cache") follows writes of the admin
# CLI, another process: an erased candidate's invitation is gone at once.
vacancy_with_invitation "$D" ops@agency.test "$TOKEN" erase.me@x.test
first=$(api "$D" ops@agency.test "$TOKEN" GET "/api/invitations/$INV")
second=$(api "$D" ops@agency.test "$TOKEN" GET "/api/invitations/$INV")
expect_eq "$second" "$first" "the second GET gives the same answer"
expect_contains "$second" "erase.me@x.test" "the invitation is there"
curl -s -o "$WORK/metrics" --cacert "$D/tls/cert.pem" --resolve "localhost:$PORT:127.0.0.1" \
  "https://localhost:$PORT/metrics"
hits=$(sed -n 's/^cammio_response_cache_lookups_total{result="hit"} //p' "$WORK/metrics")
[ "${hits:-0}" -ge 1 ] || fail "the second GET was not a cache hit (hits: ${hits:-none})"
pass "the second GET came from the response cache"
expect_contains "$(cat "$WORK/metrics")" "cammio_response_cache_entries" "cache gauges in /metrics"
"$CAMMIO" candidate erase --account "$ACC" --email erase.me@x.test --data "$D" >/dev/null
r=$(api "$D" ops@agency.test "$TOKEN" GET "/api/invitations/$INV")
expect_eq "${r%% *}" "404" "after the CLI erased the candidate, the cached invitation is gone"
finish
