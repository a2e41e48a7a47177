# Helpers for the tests that run either a native or an aarch64 cammio (the
# aarch64 one under qemu-aarch64-static, invoked directly: binfmt_misc is
# neither needed nor used). Source after lib.sh.

# use_binary FILE: points CAMMIO at FILE (through a qemu wrapper script when
# it is an aarch64 executable) and sets MACHINE, DEB_ARCH and START_TIMEOUT.
use_binary() {
  local binary
  binary=$(readlink -f "$1")
  MACHINE=$(readelf -h "$binary" | sed -n 's/^ *Machine: *//p')
  case "$MACHINE" in
    AArch64)
      local qemu
      qemu=$(command -v qemu-aarch64-static) ||
        fail "qemu-aarch64-static not found (tools/cross-build installs qemu-user-static)"
      CAMMIO=$WORK/cammio-under-qemu-$(basename "$(dirname "$binary")")
      printf '#!/bin/sh\nexec %s %s "$@"\n' "$qemu" "$binary" > "$CAMMIO"
      chmod +x "$CAMMIO"
      DEB_ARCH=arm64
      START_TIMEOUT=600  # cycles of 0.2 s: emulated key generation on a loaded machine
      echo "# $binary: aarch64, run with $qemu"
      ;;
    *X86-64*)
      CAMMIO=$binary DEB_ARCH=amd64 START_TIMEOUT=100
      echo "# $binary: x86-64, run natively"
      ;;
    *) fail "$binary: unsupported machine '$MACHINE'" ;;
  esac
}

# start_server_wait DATA_DIR [extra args...]: lib.sh's start_server with a
# START_TIMEOUT fit for emulation. Sets PORT and SERVER_PID.
start_server_wait() {
  local data=$1; shift
  "$CAMMIO" serve --data "$data" --listen 127.0.0.1:0 "$@" >"$WORK/server.out" 2>"$WORK/server.log" &
  SERVER_PID=$!
  PORT=""
  for _ in $(seq 1 "$START_TIMEOUT"); do
    PORT=$(sed -n 's/.*listening on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
    [ -n "$PORT" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || fail "server exited: $(cat "$WORK/server.log")"
    sleep 0.2
  done
  fail "server did not start"
}

# stop_server: SIGTERM, expects exit code 0.
stop_server() {
  kill -TERM "$SERVER_PID"
  local rc=0
  wait "$SERVER_PID" || rc=$?
  SERVER_PID=""
  expect_eq "$rc" "0" "SIGTERM stops the server with exit code 0"
}
