#!/usr/bin/env bash
# The live interview room in real browsers (tests/web/live.test.js through
# tests/web/run.sh): three participants, chat, a reload, the end, the
# recordings and the ATS notification; a call relayed by coturn.
set -euo pipefail
CAMMIO_WEB_TESTS=live exec bash "$2/tests/web/run.sh" "$1" "$2"
