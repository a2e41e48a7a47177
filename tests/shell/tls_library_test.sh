#!/usr/bin/env bash
# The product's TLS library is mbedTLS 3.6 LTS built from source with the
# repo's configuration: `cammio version` reports 3.6.x, and no Debian
# libmbedtls/libmbedx509/libmbedcrypto archive or -lmbed* (bookworm's 2.28)
# is on the link line of the executable or of the tests.
source "$(dirname "$0")/lib.sh"
out=$("$CAMMIO" version)
case "$out" in
  *$'\nmbedtls 3.6.'*) pass "cammio version reports mbedTLS 3.6: $(echo "$out" | grep mbedtls)" ;;
  *) fail "cammio version does not report mbedTLS 3.6.x: $out" ;;
esac
build=$(dirname "$CAMMIO")
for link in "$build/CMakeFiles/cammio.dir/link.txt" "$build/tests/CMakeFiles/cammio_tests.dir/link.txt"; do
  [ -f "$link" ] || fail "no link command at $link"
  if grep -Eq -- '(/usr/lib/[^ ]*libmbed|-lmbed)' "$link"; then
    fail "a system mbedTLS is linked: $(grep -Eo -- '(/usr/lib/[^ ]*libmbed[^ ]*|-lmbed[^ ]*)' "$link")"
  fi
  grep -q 'libmbedtls_static.a' "$link" || fail "$link does not link the mbedTLS built from source"
  pass "$(basename "$(dirname "$link")"): only the mbedTLS built from source is linked"
done
finish
