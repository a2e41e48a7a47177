#!/usr/bin/env bash
# The repository stands alone: no tracked file refers to documents outside it
# (a sibling "shared" directory, its spec folder, or the names of the source
# documents that docs/contract.md restates). Lists every offending line.
# Usage: self_contained_test.sh CAMMIO_BINARY SOURCE_DIR (the binary is unused).
set -euo pipefail
SRC=${2:?usage: self_contained_test.sh CAMMIO_BINARY SOURCE_DIR}
cd "$SRC"
SELF=tests/shell/self_contained_test.sh

# Fixed strings, not regular expressions.
PATTERNS=(-e '../shared' -e 'shared/spec' -e 'DECISIONS.md' -e 'cammio-api-v1.2.txt')

# The files to check, NUL-separated: the tracked ones in a git checkout,
# otherwise everything but build output and fetched dependencies.
list_files() {
  if command -v git >/dev/null 2>&1 && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z
  else
    find . \( -name .git -o -name .deps -o -name 'build*' -o -name node_modules \
      -o -name cammio-data \) -prune -o -type f -print0 | sed -z 's|^\./||'
  fi
}

offenders=$(
  list_files | while IFS= read -r -d '' f; do
    [ "$f" = "$SELF" ] && continue
    [ -f "$f" ] || continue  # tracked but deleted in this checkout
    # -I skips binary files; status 1 (no match) is fine, 2 is an error.
    rc=0
    grep -nIF "${PATTERNS[@]}" -- "$f" | sed "s|^|$f:|" || rc=${PIPESTATUS[0]}
    [ "$rc" -le 1 ] || { echo "ERROR: cannot read $f" >&2; exit 2; }
  done
)

if [ -n "$offenders" ]; then
  echo "FAIL: files refer to documents outside the repository:" >&2
  echo "$offenders" >&2
  exit 1
fi
echo "ok - no file refers outside the repository"
