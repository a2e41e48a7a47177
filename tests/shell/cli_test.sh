#!/usr/bin/env bash
# The admin CLI against a running server sharing the same database.
source "$(dirname "$0")/lib.sh"
D=$WORK/data

out=$("$CAMMIO" account create --name "Agency One" --data "$D")
ACC=$(echo "$out" | json_field id)
[ -n "$ACC" ] || fail "account create printed no id: $out"
pass "account create prints the id"

out=$("$CAMMIO" user create --account "$ACC" --email bas@agency.test --name "Bas D" --phone "+31 6" --data "$D")
TOKEN=$(echo "$out" | json_field access_token)
expect_contains "$TOKEN" "cmo_" "user create prints a fresh access token"

set +e
err=$("$CAMMIO" user create --account "$ACC" --email BAS@agency.test --name Dup --data "$D" 2>&1 >/dev/null); rc=$?
set -e
[ $rc -ne 0 ] || fail "duplicate email accepted"
expect_contains "$err" "already exists" "duplicate user email is refused with a sentence"

set +e
err=$("$CAMMIO" user create --account 999 --email x@y.test --name X --data "$D" 2>&1); rc=$?
set -e
[ $rc -ne 0 ] || fail "user for a missing account accepted"
expect_contains "$err" "no account" "user for an unknown account is refused"

start_server "$D"
r=$(api "$D" bas@agency.test "$TOKEN" GET /api/vacancies)
expect_eq "${r%% *}" "200" "the new token works against the running server"

out=$("$CAMMIO" token create --email bas@agency.test --data "$D")
TOKEN2=$(echo "$out" | json_field access_token)
TID2=$(echo "$out" | json_field id)
r=$(api "$D" bas@agency.test "$TOKEN2" GET /api/vacancies)
expect_eq "${r%% *}" "200" "a second token works while the server runs"

list=$("$CAMMIO" token list --email bas@agency.test --data "$D")
case "$list" in *"$TOKEN"*|*"$TOKEN2"*) fail "token list shows a plaintext token" ;; esac
expect_contains "$list" "\"prefix\":\"cmo_" "token list shows prefixes, never tokens"

"$CAMMIO" token revoke --id "$TID2" --data "$D" 2>/dev/null
r=$(api "$D" bas@agency.test "$TOKEN2" GET /api/vacancies)
expect_eq "${r%% *}" "403" "a revoked token is refused at once"
r=$(api "$D" bas@agency.test "$TOKEN" GET /api/vacancies)
expect_eq "${r%% *}" "200" "the other token still works"

"$CAMMIO" account disable "$ACC" --data "$D" 2>/dev/null
r=$(api "$D" bas@agency.test "$TOKEN" GET /api/vacancies)
expect_eq "${r%% *}" "401" "a disabled account answers 401"
expect_contains "$r" "Service not available" "401 carries the seed's message"
"$CAMMIO" account enable "$ACC" --data "$D" 2>/dev/null
r=$(api "$D" bas@agency.test "$TOKEN" GET /api/vacancies)
expect_eq "${r%% *}" "200" "an enabled account works again"

# A candidate's link token is the page's only credential: never logged whole.
vacancy_with_invitation "$D" bas@agency.test "$TOKEN" c@agency.test
LINK=$(echo "$INVITATION" | sed -n 's/.*job_interviews\/\([a-z0-9]*\).*/\1/p')
[ -n "$LINK" ] || fail "no link token in $INVITATION"
r=$(api "$D" "" "" GET "/public/job_interviews/$LINK/state")
expect_eq "${r%% *}" "200" "the candidate page's state by its link"
sleep 0.2
case "$(cat "$WORK/server.log")" in *"$LINK"*) fail "a link token appeared in the log" ;; esac
expect_contains "$(cat "$WORK/server.log")" "/public/job_interviews/${LINK:0:4}~/state" \
  "the access log shows a link token's first characters only"

# `cammio demo` (tools/run-demo): a ready story whose links a presenter
# clicks; a second run creates nothing and prints the same links.
set +e
err=$("$CAMMIO" demo --data "$D" 2>&1); rc=$?
set -e
[ $rc -ne 0 ] || fail "demo seeded its story beside a real account"
expect_contains "$err" "other account" "demo refuses a database with other accounts"
expect_eq "$("$CAMMIO" account list --data "$D" | grep -o '"id"' | wc -l)" "1" "... and creates nothing"
demo1=$("$CAMMIO" demo --data "$D" --alongside yes)
demo2=$("$CAMMIO" demo --data "$D" --alongside yes)
demo_links() { sed -n 's/^  [a-z ]*: *\(https:\/\/[^ ]*\).*/\1/p'; }
links=$(echo "$demo1" | demo_links)
expect_eq "$(echo "$links" | grep -c .)" "4" "demo prints four links (candidate, live, public, recruiter)"
expect_eq "$(echo "$demo2" | demo_links)" "$links" "a second demo run prints the same links"
expect_eq "$("$CAMMIO" account list --data "$D" | grep -o 'Demo Recruitment Agency' | wc -l)" "1" \
  "a second demo run makes no second account"
DEMO_TOKEN=$(echo "$demo2" | sed -n 's/^  access token: //p')
for link in $links; do
  path=/${link#https://*/}
  case "$path" in /recruiter/*) user=demo@cammio.test token=$DEMO_TOKEN ;; *) user="" token="" ;; esac
  r=$(api "$D" "$user" "$token" GET "$path")
  expect_eq "${r%% *}" "200" "the demo link $path answers"
done
r=$(api "$D" demo@cammio.test "$DEMO_TOKEN" GET /api/vacancies)
expect_eq "$(echo "$r" | grep -o '"reference_id":"cammio-demo-[a-z]*"' | sort -u | wc -l)" "3" \
  "the demo account has its three vacancies, once each"

set +e
err=$("$CAMMIO" account frobnicate --data "$D" 2>&1); rc=$?
set -e
expect_eq "$rc" "2" "an unknown subcommand is a usage error"

printf 'listen = 127.0.0.1:1\nworkers = many\n' > "$WORK/bad.conf"
set +e
err=$("$CAMMIO" serve --config "$WORK/bad.conf" --data "$D" 2>&1); rc=$?
set -e
[ $rc -ne 0 ] || fail "bad config accepted"
expect_contains "$err" "bad.conf:2: workers must be an integer" "a bad config line is named with its line number"

set +e
err=$(CAMMIO_LOG_LEVEL=loud "$CAMMIO" account list --data "$D" 2>&1); rc=$?
set -e
expect_contains "$err" "CAMMIO_LOG_LEVEL" "a bad environment setting is refused by name"

kill -TERM "$SERVER_PID"
wait "$SERVER_PID" && rc=0 || rc=$?
expect_eq "$rc" "0" "SIGTERM stops the server with exit code 0"
expect_contains "$(cat "$WORK/server.log")" "stopped cleanly" "shutdown is logged"
case "$(cat "$WORK/server.log")" in *"$TOKEN"*) fail "a token appeared in the log" ;; esac
pass "no token in the log"
finish
