# Shared helpers for the shell tests: start a real `cammio serve` on a free
# port with its own data directory, call it with curl, and fail loudly.
# Usage: source lib.sh BINARY
set -euo pipefail
CAMMIO=${1:?usage: test.sh CAMMIO_BINARY SOURCE_DIR}
WORK=$(mktemp -d /tmp/cammio-shell-XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
PASSED=0

fail() { echo "FAIL: $*" >&2; [ -f "$WORK/server.log" ] && tail -20 "$WORK/server.log" >&2; exit 1; }
pass() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; pass "$3"; }
expect_contains() { case "$1" in *"$2"*) pass "$3" ;; *) fail "$3: '$2' not in: $1" ;; esac; }

# start_server DATA_DIR [extra args...]: sets PORT and SERVER_PID.
start_server() {
  local data=$1; shift
  # Empty now: the background shell may truncate it only after the loop below
  # has read a previous server's port from it.
  : >"$WORK/server.log"
  "$CAMMIO" serve --data "$data" --listen 127.0.0.1:0 "$@" >"$WORK/server.out" 2>"$WORK/server.log" &
  SERVER_PID=$!
  for _ in $(seq 1 200); do
    PORT=$(sed -n 's/.*listening on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
    [ -n "$PORT" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || fail "server exited: $(cat "$WORK/server.log")"
    sleep 0.05
  done
  fail "server did not start"
}

# api DATA_DIR USER TOKEN METHOD PATH [BODY]: prints "STATUS BODY".
api() {
  local data=$1 user=$2 token=$3 method=$4 path=$5 body=${6:-}
  local args=(-s -o "$WORK/body" -w '%{http_code}' --cacert "$data/tls/cert.pem"
              --resolve "localhost:$PORT:127.0.0.1" -u "$user:$token" -X "$method")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  local code
  code=$(curl "${args[@]}" "https://localhost:$PORT$path") || code="000"
  echo "$code $(cat "$WORK/body" 2>/dev/null)"
}

json_field() { sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p" | head -1; }

# POSTs a vacancy open until 2099 and an invitation to it for EMAIL, as USER
# with TOKEN; sets VAC, INV and INVITATION (the invitation's response body).
vacancy_with_invitation() {
  local data=$1 user=$2 token=$3 email=$4 r
  r=$(api "$data" "$user" "$token" POST /api/vacancies \
        '{"vacancy": {"title": "Shell test", "datetime_start": "2013-07-28", "datetime_end": "2099-07-29"}}')
  expect_eq "${r%% *}" "201" "a vacancy to invite to"
  VAC=$(echo "${r#* }" | json_field id)
  r=$(api "$data" "$user" "$token" POST /api/invitations \
        "{\"invitation\": {\"vacancy_id\": $VAC, \"candidate_email\": \"$email\", \"candidate_name\": \"Shell Candidate\"}}")
  expect_eq "${r%% *}" "201" "an invitation for $email"
  INVITATION=${r#* }
  INV=$(echo "$INVITATION" | json_field id)
}

finish() { echo "$PASSED passed, 0 failed"; }
