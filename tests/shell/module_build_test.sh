#!/usr/bin/env bash
# The build enforces the module graph of src/modules.txt (cmake/Modules.cmake):
# compiled with the flags of module m's own library (from the build's
# compile_commands.json), `#include "<n>/x.h"` resolves for m itself and the
# lower modules m may include, and fails ("No such file or directory" from GCC, "file not found" from clang) for
# every module above m, unless an exceptions: line of src/modules.txt opens
# that edge for a file of src/m/ (the ratchet; a header's exception also opens
# what the included module may include, see cmake/Modules.cmake).
# Each probe is one line preprocessed (-E), so the whole check takes seconds.
# Usage: module_build_test.sh CAMMIO_BINARY SOURCE_DIR
#   (the build tree is the binary's directory)
set -euo pipefail

build=$(cd "$(dirname "$1")" && pwd)
src=$2
table=$src/src/modules.txt
commands=$build/compile_commands.json
[ -f "$commands" ] || { echo "FAIL: no $commands (CMAKE_EXPORT_COMPILE_COMMANDS)"; exit 1; }
command -v jq >/dev/null || { echo "FAIL: jq is needed to read $commands"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The modules, bottom to top, and each one's allowed lower modules.
declare -A allowed
modules=()
while IFS= read -r line; do
  line=${line%%#*}
  [ "$line" = "paths:" ] && break
  if [[ $line =~ ^([a-z0-9_]+):(.*)$ ]]; then
    modules+=("${BASH_REMATCH[1]}")
    allowed[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
  fi
done <"$table"
[ ${#modules[@]} -ge 5 ] || { echo "FAIL: no modules read from $table"; exit 1; }

# Prints the compiler command of one src/<m>/*.cc of the build, one argument
# per line, without the output and dependency-file options.
flags_of() {
  local cmd
  cmd=$(jq -r --arg re "/src/$1/[^/]+\\.cc\$" \
        '[.[] | select(.file | test($re))][0].command // empty' "$commands")
  [ -n "$cmd" ] || return 1
  eval "local args=($cmd)"
  local i=0 a
  while [ $i -lt ${#args[@]} ]; do
    a=${args[$i]}
    case $a in
      -o|-c|-MT|-MF) i=$((i + 2)); continue ;;
      -MD|-MMD) i=$((i + 1)); continue ;;
    esac
    printf '%s\n' "$a"
    i=$((i + 1))
  done
}

# probe MODULE HEADER: 0 if `#include "HEADER"` preprocesses with MODULE's flags.
probe() {
  local -a flags
  [ -f "$work/flags.$1" ] || flags_of "$1" >"$work/flags.$1"
  mapfile -t flags <"$work/flags.$1"
  printf '#include "%s"\n' "$2" >"$work/probe.cc"
  (cd "$build" && "${flags[@]}" -E -x c++ "$work/probe.cc" -o /dev/null) \
    >"$work/err" 2>&1
}

# open_edge M N: an exceptions: line lets src/M/ include N/ (directly, or
# through a header of M that includes a module K which may include N).
open_edge() {
  grep -Eq "^src/$1/[^ ]+ $2/" "$table" && return 0
  local k
  for k in $(grep -Eo "^src/$1/[^ ]+\.h [a-z0-9_]+/" "$table" | sed 's/.* //; s/\/$//'); do
    [[ " ${allowed[$k]:-} " == *" $2 "* ]] && return 0
  done
  return 1
}

fail=0
expect() {  # expect ok|refused MODULE HEADER
  if probe "$2" "$3"; then got=ok; else got=refused; fi
  if [ "$got" != "$1" ]; then
    echo "FAIL: module $2 including \"$3\": expected $1, got $got"
    sed 's/^/    /' "$work/err" | head -5
    fail=1
  elif [ "$got" = refused ] && ! grep -qE "No such file or directory|file not found" "$work/err"; then
    echo "FAIL: module $2 including \"$3\" failed, but not for a missing header:"
    sed 's/^/    /' "$work/err" | head -5
    fail=1
  fi
}

# The example of issue 15: store may include util, never api.
flags_of store >/dev/null || { echo "FAIL: no src/store/*.cc in $commands"; exit 1; }
expect ok store util/log.h
expect ok store store/db.h
expect refused store api/call.h

# Every module against every other one.
checked=0
for ((i = 0; i < ${#modules[@]}; i++)); do
  m=${modules[$i]}
  flags_of "$m" >/dev/null || continue  # no sources yet (e.g. a new folder)
  for ((j = 0; j < ${#modules[@]}; j++)); do
    n=${modules[$j]}
    header=$(cd "$src/src/$n" 2>/dev/null && ls -- *.h 2>/dev/null | head -1 || true)
    [ -n "$header" ] || continue
    if [ "$n" = "$m" ] || [ "${allowed[$m]}" = " *" ] ||
       [[ " ${allowed[$m]} " == *" $n "* ]]; then
      expect ok "$m" "$n/$header"
      checked=$((checked + 1))
    elif [ $j -gt $i ]; then
      if open_edge "$m" "$n"; then
        continue  # an open exception: the build still allows this edge
      fi
      expect refused "$m" "$n/$header"
      checked=$((checked + 1))
    fi
  done
done

if [ $fail -ne 0 ]; then exit 1; fi
echo "ok: $checked module pairs; upward includes fail to compile"
