#!/usr/bin/env bash
# The recruiter console in a real browser (tests/web/run.sh, console.test.js):
# vacancy with questions, CSV import (all or nothing), invitations, an
# interview with review, reviewer and forward link, settings, Dutch, axe-core
# on every screen, keyboard navigation, tablet width. Screenshots go to
# <build dir>/web-artifacts/console-*.png.
set -euo pipefail
CAMMIO_WEB_TESTS=console exec bash "$2/tests/web/run.sh" "$1" "$2"
