#!/usr/bin/env bash
# A damaged database and the certificate in backups (docs/operations.md,
# "Damaged database", "Backups and the certificate"): `cammio backup` refuses
# a database whose integrity check fails; `cammio serve` starts on it but
# warns in its log, and /healthz and /metrics show it; a healthy server says
# so too. A backup made with --include-tls yes and restored with
# --restore-tls yes into a new data directory keeps the certificate a client
# pinned; by default neither happens, and the output says so.
source "$(dirname "$0")/lib.sh"
D=$WORK/data

out=$("$CAMMIO" account create --name "Integrity Agency" --data "$D")
ACC=$(echo "$out" | json_field id)
out=$("$CAMMIO" user create --account "$ACC" --email int@agency.test --name "Int" --data "$D")
TOKEN=$(echo "$out" | json_field access_token)

# GET PATH on the running server without credentials: the body into $WORK/got.
get() {
  curl -s -o "$WORK/got" -w '%{http_code}' --cacert "$D/tls/cert.pem" \
    --resolve "localhost:$PORT:127.0.0.1" "https://localhost:$PORT$1" || true
}
# Polls /healthz until the start's integrity check has finished (bounded).
wait_integrity_checked() {
  for _ in $(seq 1 200); do
    get /healthz >/dev/null
    case "$(cat "$WORK/got")" in *'"database_integrity":"checking"'*) sleep 0.05 ;; *) return 0 ;; esac
  done
  fail "the integrity check did not finish: $(cat "$WORK/got")"
}

# A healthy database: the check passes and says so.
start_server "$D"
vacancy_with_invitation "$D" int@agency.test "$TOKEN" cand@agency.test
wait_integrity_checked
expect_contains "$(cat "$WORK/got")" '"status":"ok"' "healthz: ok on a healthy database"
expect_contains "$(cat "$WORK/got")" '"database_integrity":"ok"' "healthz: integrity ok"
expect_eq "$(get /metrics)" "200" "/metrics answers"
expect_contains "$(cat "$WORK/got")" $'\ncammio_database_integrity_ok 1\n' "metrics: integrity ok 1"

# The certificate: not in a default backup, in one made with --include-tls yes.
"$CAMMIO" backup --to "$WORK/plain.tar" --data "$D" >"$WORK/out" 2>"$WORK/err"
expect_contains "$(cat "$WORK/out")" '"includes_tls":false' "backup: tls/ not included by default"
expect_contains "$(cat "$WORK/err")" "does not hold tls/" "backup: and says so"
case "$(tar tf "$WORK/plain.tar")" in *tls/*) fail "a default backup holds tls/" ;; esac
"$CAMMIO" backup --to "$WORK/tls.tar" --include-tls yes --data "$D" >"$WORK/out" 2>"$WORK/err"
expect_contains "$(cat "$WORK/out")" '"includes_tls":true' "backup --include-tls yes: tls/ included"
expect_contains "$(cat "$WORK/err")" "PRIVATE KEY" "backup --include-tls yes: warns that the key is secret"
expect_contains "$(tar xOf "$WORK/tls.tar" manifest.json)" '"includes_tls":true' \
  "the manifest records tls/"
expect_contains "$(tar tf "$WORK/tls.tar")" $'\ntls/key.pem\n' "the archive holds tls/key.pem"
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""

# New hardware: restore into an empty data directory, keeping the certificate.
N=$WORK/new
set +e
err=$("$CAMMIO" restore --from "$WORK/plain.tar" --restore-tls yes --data "$N" 2>&1); rc=$?
set -e
expect_eq "$rc" "1" "restore --restore-tls yes of an archive without tls/ fails"
expect_contains "$err" "holds no tls/" "and says why"
[ ! -e "$N/cammio.db" ] || fail "the failed restore changed the data directory"
out=$("$CAMMIO" restore --from "$WORK/tls.tar" --restore-tls yes --data "$N")
expect_contains "$out" '"tls_restored":true' "restore --restore-tls yes puts tls/ back"
cmp -s "$D/tls/key.pem" "$N/tls/key.pem" || fail "the restored key differs"
expect_eq "$(stat -c %a "$N/tls/key.pem")" "600" "the restored key is mode 0600"
start_server "$N"
# The client still trusts (pins) the OLD directory's certificate.
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$D/tls/cert.pem" \
         --resolve "localhost:$PORT:127.0.0.1" "https://localhost:$PORT/healthz" || true)
expect_eq "$code" "200" "a client pinning the old certificate trusts the restored server"
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""
M=$WORK/other
"$CAMMIO" restore --from "$WORK/tls.tar" --data "$M" >"$WORK/out" 2>"$WORK/err"
expect_contains "$(cat "$WORK/out")" '"tls_restored":false' "restore without --restore-tls keeps tls/ out"
expect_contains "$(cat "$WORK/err")" "--restore-tls yes" "and names the option"
[ ! -e "$M/tls" ] || fail "restore without --restore-tls wrote tls/"

# Damage an index page of the real file (the server stopped, WAL checkpointed).
python3 - "$D/cammio.db" <<'PY'
import sqlite3, sys
path = sys.argv[1]
db = sqlite3.connect(path)
root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'guests_invitation'").fetchone()[0]
size = db.execute("PRAGMA page_size").fetchone()[0]
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.close()
with open(path, "r+b") as f:
    f.seek((root - 1) * size)
    f.write(b"\xff" * 64)  # the page header and cell pointers of the index's root page
PY

set +e
err=$("$CAMMIO" backup --to "$WORK/bad.tar" --data "$D" 2>&1); rc=$?
set -e
expect_eq "$rc" "1" "backup of a damaged database fails"
expect_contains "$err" "fails its integrity check" "backup says why"
expect_contains "$err" "no backup was written" "backup says nothing was written"
[ ! -e "$WORK/bad.tar" ] && [ ! -e "$WORK/bad.tar.partial" ] || fail "a damaged backup was left behind"
pass "no archive is left behind"

start_server "$D"
wait_integrity_checked
expect_contains "$(cat "$WORK/got")" '"status":"degraded"' "healthz: degraded on a damaged database"
expect_contains "$(cat "$WORK/got")" '"database_integrity":"failed"' "healthz: integrity failed"
expect_contains "$(cat "$WORK/got")" '"reason":"the database failed its integrity check' "healthz: the reason"
expect_eq "$(get /metrics)" "200" "/metrics answers on a damaged database"
expect_contains "$(cat "$WORK/got")" $'\ncammio_database_integrity_ok 0\n' "metrics: integrity ok 0"
expect_contains "$(cat "$WORK/server.log")" "FAILED its integrity check" "serve warns in its log"
r=$(api "$D" int@agency.test "$TOKEN" GET /api/vacancies)
expect_eq "${r%% *}" "200" "the server still serves what it can read"
finish
