#!/usr/bin/env bash
# Every acknowledged write survives kill -9 of the server.
source "$(dirname "$0")/lib.sh"
D=$WORK/data
out=$("$CAMMIO" demo --data "$D")
TOKEN=$(echo "$out" | sed -n 's/.*access token: //p')
start_server "$D"

body='{"vacancy":{"title":"Durable","datetime_start":"2030-01-01","datetime_end":"2030-02-01"}}'
post() {
  curl -s -o /dev/null -w '%{http_code}\n' --cacert "$D/tls/cert.pem" --resolve "localhost:$PORT:127.0.0.1" \
    -u "demo@cammio.test:$TOKEN" -H 'Content-Type: application/json' --data-binary "$body" \
    "https://localhost:$PORT/api/vacancies"
}
export -f post; export D PORT TOKEN body
# 8 parallel writers; kill -9 the server while they run.
( seq 1 400 | xargs -P 8 -I{} bash -c post > "$WORK/codes" 2>/dev/null ) &
WRITERS=$!
sleep 1.5
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
wait "$WRITERS" || true
acked=$(grep -c '^201$' "$WORK/codes" || true)
[ "$acked" -gt 0 ] || fail "no write was acknowledged before the kill"
pass "$acked writes acknowledged before kill -9"

start_server "$D"
r=$(api "$D" demo@cammio.test "$TOKEN" GET "/api/vacancies?limit=0")
stored=$(curl -s -D - -o /dev/null --cacert "$D/tls/cert.pem" --resolve "localhost:$PORT:127.0.0.1" \
  -u "demo@cammio.test:$TOKEN" "https://localhost:$PORT/api/vacancies?limit=1" | tr -d '\r' |
  sed -n 's/^[Xx]-[Tt]otal-[Cc]ount: //p')
[ "$stored" -ge "$acked" ] || fail "only $stored of $acked acknowledged writes survived"
pass "all $acked acknowledged writes survived ($stored stored)"
finish
