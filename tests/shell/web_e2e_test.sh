#!/usr/bin/env bash
# The web pages in a real browser (tests/web/run.sh): candidate flow, error
# pages, forward link, reviewer link, recruiter page, public vacancy and a
# resumed upload. Screenshots go to <build dir>/web-artifacts.
set -euo pipefail
CAMMIO_WEB_TESTS=e2e exec bash "$2/tests/web/run.sh" "$1" "$2"
