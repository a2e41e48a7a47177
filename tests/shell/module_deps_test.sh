#!/usr/bin/env bash
# The module dependency check. src/modules.txt is the one table of the modules,
# the lower modules each may include, the owners of third-party headers and of
# SQL statements, and the exceptions still to be removed. This fails, printing
# file:line, on:
#  1. src/<m>/ or include/ including "<n>/..." where m may not use n;
#  2. tests/<m>/ including a module m may not use (tests/cli, tests/testing,
#     tests/fuzz and tests/*.cc may include anything; only tests include
#     "testing/...");
#  3. a third-party header (<httplib.h>, <sqlite3.h>, <mbedtls/...>, ...)
#     included in src/ or include/ outside the modules that own it;
#  4. an include path with "../" (it would get around the module include roots);
#  6. a statement in src/ outside the module that owns it: DELETE FROM, an
#     sqlite3_ call, an SQL string literal ("SELECT, "INSERT, "UPDATE,
#     "PRAGMA) -- SQL and the SQLite API live in store only;
#  and on a line of the table's exceptions: block that no longer occurs, so
#  that list cannot go stale. On success it prints the module graph.
# Usage: module_deps_test.sh CAMMIO_BINARY SOURCE_DIR   (the binary is unused;
#          runs the checker's self-test, then checks SOURCE_DIR)
#        module_deps_test.sh --check TREE              (checks TREE only)
set -euo pipefail

# The keys of the statements: block of the table $1, one a line (trimmed, as
# the checker reads them).
statement_keys() {
  awk '
    { line = $0; sub(/(^|[ \t])#.*$/, "", line); sub(/^[ \t]+/, "", line); sub(/[ \t]+$/, "", line) }
    line == "" { next }
    line ~ /^(paths|third-party|statements|exceptions):$/ { section = line; next }
    section == "statements:" {
      key = substr(line, 1, index(line, ":") - 1); sub(/[ \t]+$/, "", key); print key
    }' "$1"
}

# Prints "path:line:text" for every #include line and every line holding a
# statement key of the table (statements:) in the C++ files under src/,
# include/ and tests/ of the tree in $1.
scan() {
  local roots=() r pats=(-e '^[[:space:]]*#[[:space:]]*include') key
  for r in src include tests; do
    if [ -d "$1/$r" ]; then roots+=("$r"); fi
  done
  [ ${#roots[@]} -gt 0 ] || return 0
  if [ -f "$1/src/modules.txt" ]; then
    while IFS= read -r key; do
      pats+=(-e "$(printf '%s' "$key" | sed 's/[].[*^$\\]/\\&/g')")
    done < <(statement_keys "$1/src/modules.txt")
  fi
  (cd "$1" || exit 2
   find "${roots[@]}" \( -name node_modules -o -name corpus \) -prune -o \
    -type f \( -name '*.h' -o -name '*.cc' -o -name '*.inc' \) -print | LC_ALL=C sort |
    xargs -r grep -nH "${pats[@]}" || [ $? -eq 123 ])
}

# The checker: reads the table, then the scan. Prints one message per finding
# and the module edges into the file $2; exits 1 on any finding.
check_tree() {
  local tree=$1 edges=$2 table=$1/src/modules.txt
  : >"$edges"
  [ -f "$table" ] || { echo "FAIL: $table is missing"; return 1; }
  scan "$tree" | awk -v TABLE=src/modules.txt -v EDGES="$edges" '
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function table_error(msg) { print TABLE ":" FNR ": " msg; bad = 1 }
function file_module(p,   a, n) {
  if (p in pathmod) return pathmod[p]
  n = split(p, a, "/")
  if (a[1] == "src" && n >= 3 && (a[2] in ismod)) return a[2]
  if (a[1] == "tests") {
    if (n == 2 || a[2] == "testing" || a[2] == "fuzz") return "*"
    if (n >= 3 && (a[2] in ismod)) return a[2]
  }
  return "?"
}
function include_module(inc,   a, n) {
  if (("include/" inc) in pathmod) return pathmod["include/" inc]
  n = split(inc, a, "/")
  if (n == 1) return ""          # same directory, or generated next to it
  if (a[1] in ismod) return a[1]
  if (a[1] == "testing") return "testing"
  return "?"
}
function may_use(m, n) { return m == "*" || m == n || star[m] || ((m, n) in allowed) }
function owned_by(list, m, p,   a, i, k) {
  k = split(list, a, " ")
  for (i = 1; i <= k; i++) if (a[i] == m || a[i] == p) return 1
  return 0
}
function finding(p, line, key, msg,   id) {
  id = p SUBSEP key
  if (id in exc) { used[id] = 1; return }
  print p ":" line ": " msg
  if (!(id in missing)) { missing[id] = 1; add[++nadd] = p " " key "  # <commit id>" }
  bad = 1
}
# ---- the table ----
FNR == NR {
  line = $0
  if (section == "exceptions") {
    if (line ~ /^[ \t]*#/ || trim(line) == "") next
    c = index(line, "#")
    if (c == 0 || trim(substr(line, c + 1)) == "") {
      table_error("exception without \"# <commit id>\" (the commit that removes it): " line); next
    }
    body = trim(substr(line, 1, c - 1)); sp = index(body, " ")
    if (sp == 0) { table_error("exception needs \"<file> <include or statement>\": " line); next }
    id = substr(body, 1, sp - 1) SUBSEP trim(substr(body, sp + 1))
    if (id in exc) { table_error("duplicate exception: " line); next }
    exc[id] = FNR; exc_text[FNR] = line; exc_lines[++nexc] = FNR
    next
  }
  sub(/(^|[ \t])#.*$/, "", line); line = trim(line)
  if (line == "") next
  if (line ~ /^(paths|third-party|statements|exceptions):$/) { section = substr(line, 1, length(line) - 1); next }
  c = index(line, ":")
  if (c == 0) { table_error("expected \"<name>: <list>\": " line); next }
  key = trim(substr(line, 1, c - 1)); list = trim(substr(line, c + 1))
  if (section == "") {
    if (key in ismod) { table_error("module " key " is listed twice"); next }
    k = split(list, a, " ")
    for (i = 1; i <= k; i++) {
      if (a[i] == "*") star[key] = 1
      else if (!(a[i] in ismod)) table_error(key " may use " a[i] ", which is not a module listed above it (the order is the build order, so no cycles)")
      else allowed[key, a[i]] = 1
    }
    ismod[key] = 1; order[++nmod] = key; deps[key] = list
  } else if (section == "paths") {
    if (!(list in ismod)) table_error(key ": " list " is not a module")
    pathmod[key] = list
  } else if (section == "third-party") {
    tp_key[++ntp] = key; tp_owner[ntp] = list
  } else if (section == "statements") {
    st_key[++nst] = key; st_owner[nst] = list
  }
  next
}
# ---- the scan: path:line:text ----
{
  c1 = index($0, ":"); p = substr($0, 1, c1 - 1); rest = substr($0, c1 + 1)
  c2 = index(rest, ":"); ln = substr(rest, 1, c2 - 1); text = substr(rest, c2 + 1)
  fm = file_module(p)
  in_src = (p ~ /^(src|include)\//)
  if (fm == "?") {
    if (!(p in nomod)) finding(p, ln, "(module)", p " is in no module of " TABLE " (add the folder to the table, or a paths: line)")
    nomod[p] = 1
    next
  }
  if (match(text, /^[ \t]*#[ \t]*include[ \t]*["<][^">]*[">]/)) {
    spec = substr(text, RSTART, RLENGTH); sub(/^[ \t]*#[ \t]*include[ \t]*/, "", spec)
    inc = substr(spec, 2, length(spec) - 2); quoted = (substr(spec, 1, 1) == "\"")
    if (index(inc, "../")) {
      finding(p, ln, inc, "include path with \"../\": " spec " (include \"<module>/<file>\" instead)")
      next
    }
    if (!quoted) {
      if (!in_src) next
      for (i = 1; i <= ntp; i++)
        if (index(spec, tp_key[i]) == 1 && !owned_by(tp_owner[i], fm, p))
          finding(p, ln, spec, fm " may not include " spec ": only " tp_owner[i] " may")
      next
    }
    im = include_module(inc)
    if (im == "") next
    if (im == "?") { finding(p, ln, inc, "\"" inc "\" is in no module of " TABLE); next }
    if (im == "testing") {
      if (p !~ /^tests\//) finding(p, ln, inc, "only tests may include \"" inc "\"")
      next
    }
    if (in_src && im != fm) {
      edge = fm " -> " im; count[edge]++
      if (!may_use(fm, im)) upward[edge] = 1
    }
    if (!may_use(fm, im))
      finding(p, ln, inc, (in_src ? "" : "the tests of ") fm " may not include \"" inc "\" (" fm " may use: " (deps[fm] == "" ? "no other module" : deps[fm]) ")")
    next
  }
  if (!in_src) next
  for (i = 1; i <= nst; i++)
    if (index(text, st_key[i]) && !owned_by(st_owner[i], fm, p))
      finding(p, ln, st_key[i], "\"" st_key[i] "\" outside " st_owner[i] " (move the statement into a function of " st_owner[i] ")")
}
END {
  for (i = 1; i <= nexc; i++) {
    n = exc_lines[i]
    for (id in exc) if (exc[id] == n && !(id in used)) {
      print TABLE ":" n ": stale exception (it no longer occurs), delete this line:"
      print "    " exc_text[n]
      bad = 1
    }
  }
  if (nadd) {
    print "To accept these until the commit that removes them, add these lines under"
    print "exceptions: in " TABLE " (with the id of that commit of the plan):"
    for (i = 1; i <= nadd; i++) print "    " add[i]
  }
  for (e in count) printf "  %-18s %3d%s\n", e, count[e], (e in upward ? "  (not allowed: listed as exceptions)" : "") > EDGES
  exit bad
}' "$table" -
}

# Runs the checker on small trees with planted faults: each must be found.
self_test() {
  local t=$1 out rc=0
  mkdir -p "$t/src/util" "$t/src/store" "$t/src/api" "$t/include/lib" "$t/tests/store" "$t/tests/testing"
  cat >"$t/src/modules.txt" <<'EOF'
util:
store: util   # a comment
api: util store
cli: *
paths:
include/lib/status.h: util
src/main.cc: cli
third-party:
<sqlite3.h>: store
statements:
DELETE FROM: store
sqlite3_: store
"SELECT: store   # a string literal that starts a query
exceptions:
src/store/old.cc api/call.h  # X1
EOF
  printf '#include "lib/status.h"\n' >"$t/src/util/log.h"
  printf '#include "util/log.h"\n#include <sqlite3.h>\n#include <string>\nconst char* k = "DELETE FROM t";\nconst char* q = "SELECT 1";\nint r = sqlite3_step(s);\n' >"$t/src/store/db.cc"
  printf '#include "api/call.h"\n' >"$t/src/store/old.cc"
  printf '#include "store/db.h"\n#include "call_local.h"\n' >"$t/src/api/call.cc"
  printf '#include "api/call.h"\n' >"$t/src/main.cc"
  printf '#include "store/db.h"\n#include "testing/support.h"\n' >"$t/tests/store/db_test.cc"
  printf '#include "api/call.h"\n' >"$t/tests/testing/support.h"

  expect() {  # expect <0|1> <text the output must contain> <what>
    local want=$1 needle=$2 what=$3 got=0
    out=$(check_tree "$t" /dev/null 2>&1) || got=$?
    if [ "$got" -ne "$want" ] || [[ "$out" != *"$needle"* ]]; then
      echo "FAIL: self-test: $what: expected status $want and \"$needle\", got $got:" >&2
      echo "$out" >&2
      rc=1
    fi
  }
  plant() { printf '%s\n' "$2" >"$t/$1"; }
  expect 0 "" "a clean tree passes"
  plant src/store/up.cc '#include "api/call.h"'
  expect 1 "src/store/up.cc:1: store may not include \"api/call.h\"" "an upward include"
  expect 1 "
    src/store/up.cc api/call.h  # <commit id>" "the exception line to add"
  rm "$t/src/store/up.cc"
  plant src/util/x.cc '#include "util/../store/db.h"'
  expect 1 "src/util/x.cc:1: include path with \"../\"" "a ../ include"
  rm "$t/src/util/x.cc"
  plant src/api/q.cc '#include <sqlite3.h>'
  expect 1 "src/api/q.cc:1: api may not include <sqlite3.h>: only store may" "a third-party header outside its owner"
  rm "$t/src/api/q.cc"
  plant src/api/d.cc 'const char* k = "DELETE FROM t";'
  expect 1 "src/api/d.cc:1: \"DELETE FROM\" outside store" "a statement outside its owner"
  rm "$t/src/api/d.cc"
  plant src/api/s.cc 'const char* k = "SELECT id FROM t";'
  expect 1 "src/api/s.cc:1: \"\"SELECT\" outside store" "an SQL string literal outside store"
  rm "$t/src/api/s.cc"
  plant src/api/l.cc 'int v = sqlite3_libversion_number();'
  expect 1 "src/api/l.cc:1: \"sqlite3_\" outside store" "an SQLite call outside store"
  expect 1 "
    src/api/l.cc sqlite3_  # <commit id>" "the exception line for a statement"
  rm "$t/src/api/l.cc"
  plant src/api/c.cc '// a comment on SELECT and PRAGMA user_version'
  expect 0 "" "SQL words in a comment"
  rm "$t/src/api/c.cc"
  plant tests/store/up_test.cc '#include "api/call.h"'
  expect 1 "tests/store/up_test.cc:1: the tests of store may not include \"api/call.h\"" "a test including upwards"
  rm "$t/tests/store/up_test.cc"
  plant src/api/t.cc '#include "testing/support.h"'
  expect 1 "only tests may include" "src including a test helper"
  rm "$t/src/api/t.cc"
  plant src/util/d.cc '#include "lib/other.h"'
  expect 1 "\"lib/other.h\" is in no module" "an include of no module"
  rm "$t/src/util/d.cc"
  plant src/store/old.cc '#include "util/log.h"'
  expect 1 "src/modules.txt:15: stale exception (it no longer occurs), delete this line:" "a stale exception"
  plant src/store/old.cc '#include "api/call.h"'
  sed -i 's/^store: util/store: util api/' "$t/src/modules.txt"
  expect 1 "store may use api, which is not a module listed above it" "a cycle in the table"
  sed -i 's/^store: util api/store: util/' "$t/src/modules.txt"
  expect 0 "" "the tree is clean again"
  return $rc
}

TMP=$(mktemp -d /tmp/cammio-module-deps-XXXXXX)
trap 'rm -rf "$TMP"' EXIT

if [ "${1:-}" = "--check" ]; then
  check_tree "${2:?usage: module_deps_test.sh --check TREE}" "$TMP/edges"
  exit $?
fi
SRC=${2:?usage: module_deps_test.sh CAMMIO_BINARY SOURCE_DIR}
mkdir "$TMP/tree"
self_test "$TMP/tree" || { echo "FAIL: the checker's self-test failed" >&2; exit 1; }
echo "ok - the checker finds planted faults (self-test)"
if ! out=$(check_tree "$SRC" "$TMP/edges"); then
  echo "FAIL: module dependencies (table: src/modules.txt):" >&2
  echo "$out" >&2
  exit 1
fi
echo "ok - every #include, third-party header and statement (SQL, sqlite3_) follows src/modules.txt"
echo "module graph (edge, #include lines; src/ and include/):"
LC_ALL=C sort "$TMP/edges"
