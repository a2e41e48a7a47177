#!/usr/bin/env bash
# The Debian package (firmware/build-deb) of the given binary: its contents,
# control data and maintainer scripts; the shipped cammio.conf is accepted by
# the shipped binary and names every setting; the units pass
# `systemd-analyze verify`; first-boot provisioning works end to end against
# a server started with the shipped config (credentials file, console output,
# fingerprint equal to the server's, idempotent); the package, the binary,
# /healthz and /metrics name one version.
# Args: BINARY SOURCE_DIR. An aarch64 binary gives the arm64 package and runs
# under qemu-aarch64-static (.ci/run: bash tests/shell/deb_test.sh build/aarch64/cammio .).
source "$(dirname "$0")/lib.sh"
SRC=${2:?usage: deb_test.sh BINARY SOURCE_DIR}
source "$(dirname "$0")/qemu_lib.sh"
PACKAGED=$1
use_binary "$PACKAGED"

allow=()
readelf -d "$PACKAGED" 2>&1 | grep -q "There is no dynamic section" ||
  { allow=(--allow-dynamic); echo "# not a static build: packaging it anyway for the test"; }
DEB=$("$SRC/firmware/build-deb" --arch "$DEB_ARCH" --binary "$PACKAGED" --out "$WORK/deb" "${allow[@]}")
# One version everywhere (docs/operations.md "Versions"): the binary's is
# VERSION plus, in a git checkout, git describe's; the package, /healthz and
# /metrics (checked with the server below) must say the same.
version=$("$CAMMIO" version | sed -n '1s/^cammio //p')
release=$(head -1 "$SRC/VERSION")
case "$version" in
  "$release") ;;
  "$release"~[0-9]*.g*|"$release"+[0-9]*.g*)
    sha=${version##*g}
    git -C "$SRC" cat-file -e "$sha^{commit}" 2>/dev/null || fail "version $version names no commit of $SRC" ;;
  *) fail "the binary's version '$version' is not VERSION ($release) with git describe's suffix" ;;
esac
if git -C "$SRC" rev-parse HEAD >/dev/null 2>&1 &&
   [ "$(git -C "$SRC" describe --tags --exact-match --match "v$release" 2>/dev/null)" != "v$release" ]; then
  [ "$version" != "$release" ] || fail "a build of an untagged commit claims the release $release"
fi
case "$version" in
  "$release"~*) dpkg --compare-versions "$version" lt "$release" ||
    fail "the pre-release build $version does not sort before $release" ;;
esac
pass "the binary's version $version: VERSION ($release) and git describe"
expect_eq "$(basename "$DEB")" "cammio_${version}_${DEB_ARCH}.deb" "package file name"
expect_eq "$(dpkg-deb -f "$DEB" Package Architecture Version | tr '\n' ' ')" \
  "Package: cammio Architecture: $DEB_ARCH Version: $version " "control: package, architecture, version"

listing=$(dpkg-deb -c "$DEB" | awk '{print $1, $2, $6}')
for want in "-rwxr-xr-x root/root ./usr/bin/cammio" \
            "-rwxr-xr-x root/root ./usr/lib/cammio/first-boot" \
            "-rw-r--r-- root/root ./lib/systemd/system/cammio.service" \
            "-rw-r--r-- root/root ./lib/systemd/system/cammio-first-boot.service" \
            "-rw-r--r-- root/root ./etc/cammio/cammio.conf" \
            "-rw-r--r-- root/root ./etc/cammio/first-boot.env" \
            "-rw-r--r-- root/root ./usr/share/doc/cammio/copyright"; do
  case "$listing" in *"$want"*) ;; *) fail "dpkg-deb -c lacks '$want':"$'\n'"$listing" ;; esac
done
pass "dpkg-deb -c: binary, units, first-boot, config, docs with owners and modes"
nfiles=$(dpkg-deb -c "$DEB" | grep -vc '^d')
expect_eq "$nfiles" "8" "nothing else is packaged"

dpkg-deb -e "$DEB" "$WORK/control"
expect_eq "$(cat "$WORK/control/conffiles")" "/etc/cammio/cammio.conf
/etc/cammio/first-boot.env" "the config files are conffiles"
for s in postinst prerm postrm; do sh -n "$WORK/control/$s" || fail "$s: syntax error"; done
expect_contains "$(cat "$WORK/control/postinst")" "useradd --system" "postinst creates the system user"

ROOT=$WORK/root
dpkg-deb -x "$DEB" "$ROOT"
info=$(readelf -h "$ROOT/usr/bin/cammio" | sed -n 's/^ *Machine: *//p')
expect_eq "$info" "$MACHINE" "the packaged binary is the $DEB_ARCH one"
[ -z "$(readelf -S "$ROOT/usr/bin/cammio" | grep '\.symtab')" ] || fail "the packaged binary is not stripped"
pass "the packaged binary is stripped ($(stat -c %s "$ROOT/usr/bin/cammio") bytes)"
use_binary "$ROOT/usr/bin/cammio" >/dev/null
CONF=$ROOT/etc/cammio/cammio.conf

# The config file: every setting of src/config/config.cc is documented in it,
# and it is accepted as shipped and with every commented-out setting enabled.
names=$(sed -n 's/^ *{{"\([a-z_]*\)", "CAMMIO_.*/\1/p' "$SRC/src/config/config.cc")
[ "$(echo "$names" | wc -l)" -ge 10 ] || fail "could not read the settings table: $names"
for n in $names; do
  grep -Eq "^#?$n = " "$CONF" || fail "cammio.conf does not mention setting '$n'"
done
pass "cammio.conf mentions all $(echo "$names" | wc -w) settings"
expect_eq "$("$CAMMIO" account list --config "$CONF" --data "$WORK/d0")" "[]" "the shipped cammio.conf is accepted"
sed -E 's/^#([a-z_]+ = )/\1/' "$CONF" > "$WORK/all.conf"
expect_eq "$("$CAMMIO" account list --config "$WORK/all.conf" --data "$WORK/d0")" "[]" \
  "every commented-out example value is accepted too"
grep -q '^data_dir = /var/lib/cammio$' "$CONF" || fail "data_dir is not /var/lib/cammio"
unit=$ROOT/lib/systemd/system/cammio.service
grep -q '^ReadWritePaths=/var/lib/cammio$' "$unit" && grep -q '^StateDirectory=cammio$' "$unit" ||
  fail "the unit's writable path is not data_dir"
expect_contains "$(grep ^ExecStart= "$unit")" "--config /etc/cammio/cammio.conf" "the unit serves with the shipped config"

if command -v systemd-analyze >/dev/null; then
  # verify resolves ExecStart= paths and dependencies inside --root: a copy
  # of the package plus the host's targets and a passwd with the user.
  V=$WORK/verify-root
  cp -a "$ROOT" "$V"
  cp -n /lib/systemd/system/*.target "$V/lib/systemd/system/" 2>/dev/null || true
  getent passwd root > "$V/etc/passwd"
  echo "cammio:x:990:990::/var/lib/cammio:/usr/sbin/nologin" >> "$V/etc/passwd"
  out=$(systemd-analyze verify --root="$V" --man=no \
        "$V/lib/systemd/system/cammio.service" "$V/lib/systemd/system/cammio-first-boot.service" 2>&1) ||
    fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify warns: $out"
  pass "systemd-analyze verify accepts both units"
  score=$(systemd-analyze security --offline=yes --root="$V" "$V/lib/systemd/system/cammio.service" 2>/dev/null |
          sed -n 's/.*Overall exposure level for cammio.service: *//p')
  [ -n "$score" ] && echo "# systemd-analyze security: $score"
fi

expect_contains "$(grep '^ExecStartPre=' "$unit")" "+/usr/lib/cammio/first-boot public-url" \
  "the unit chooses public_url (as root) before the server starts"

# First boot, phase 1: before the server's first start, public_url is chosen
# and written into the config file, once.
D=$WORK/data
FB_CONF=$WORK/cammio.conf
export CAMMIO_FIRST_BOOT_ENV=$ROOT/etc/cammio/first-boot.env
cp "$CONF" "$FB_CONF"
out=$(CAMMIO_BIN=$CAMMIO CAMMIO_CONFIG=$FB_CONF CAMMIO_DATA_DIR=$D CAMMIO_PUBLIC_HOST=box-7f3a.local \
      "$ROOT/usr/lib/cammio/first-boot" public-url 2>&1) || fail "first-boot public-url failed: $out"
expect_eq "$(grep '^public_url' "$FB_CONF")" "public_url = https://box-7f3a.local:8443" \
  "first boot writes public_url (the chosen name, the listen port) into the config"
expect_eq "$(stat -c %a "$FB_CONF")" "$(stat -c %a "$CONF")" "... keeping the file's mode"
expect_eq "$("$CAMMIO" account list --config "$FB_CONF" --data "$WORK/d1")" "[]" "the written config is accepted"
before=$(cat "$FB_CONF")
CAMMIO_CONFIG=$FB_CONF CAMMIO_DATA_DIR=$D CAMMIO_PUBLIC_HOST=other.local "$ROOT/usr/lib/cammio/first-boot" public-url
expect_eq "$(cat "$FB_CONF")" "$before" "once public_url is there, it is left alone"
[ ! -e "$D/public-url.done" ] || fail "public-url wrote into the data directory"
cp "$CONF" "$WORK/auto.conf"
CAMMIO_CONFIG=$WORK/auto.conf CAMMIO_DATA_DIR=$WORK/auto "$ROOT/usr/lib/cammio/first-boot" public-url 2>/dev/null
auto=$(sed -n 's/^public_url = //p' "$WORK/auto.conf")
case "$auto" in https://?*:8443) ;; *) fail "chosen without a host setting: '$auto'" ;; esac
pass "without a configured name it chooses one from this machine ($auto)"
cp "$CONF" "$WORK/quoted.conf"
CAMMIO_CONFIG=$WORK/quoted.conf CAMMIO_DATA_DIR=$WORK/quoted CAMMIO_PUBLIC_HOST='"jobs.agency.test"' \
  "$ROOT/usr/lib/cammio/first-boot" public-url 2>/dev/null
expect_eq "$(grep '^public_url' "$WORK/quoted.conf")" "public_url = https://jobs.agency.test:8443" \
  "an environment-file value loses its quotes"
cp "$CONF" "$WORK/bad.conf"
CAMMIO_CONFIG=$WORK/bad.conf CAMMIO_DATA_DIR=$WORK/bad CAMMIO_PUBLIC_HOST='a b;rm -rf /' \
  "$ROOT/usr/lib/cammio/first-boot" public-url 2>/dev/null
case "$(grep '^public_url' "$WORK/bad.conf")" in
  *" "*";"*|*rm*) fail "an unusable CAMMIO_PUBLIC_HOST reached the config" ;;
  "public_url = https://"?*":8443") ;;
  *) fail "no public_url chosen after an unusable CAMMIO_PUBLIC_HOST" ;;
esac
pass "an unusable CAMMIO_PUBLIC_HOST is refused and a name is chosen instead"
sed 's/^#public_url = .*/public_url = https:\/\/set.by.operator/' "$CONF" > "$WORK/set.conf"
CAMMIO_CONFIG=$WORK/set.conf CAMMIO_DATA_DIR=$WORK/set "$ROOT/usr/lib/cammio/first-boot" public-url 2>/dev/null
expect_eq "$(grep -c '^public_url' "$WORK/set.conf")" "1" "a configured public_url is left alone"

# Phase 2, against a server started the way the unit starts it (the config
# first boot wrote), with the data directory and listener moved into $WORK.
start_server_wait "$D" --config "$FB_CONF"
server_fp=$(sed -n 's/^SHA-256 fingerprint //p' "$WORK/server.log")
expect_contains "$(openssl x509 -in "$D/tls/cert.pem" -noout -ext subjectAltName)" "DNS:box-7f3a.local" \
  "the generated certificate names the public_url host"
export CAMMIO_BIN=$CAMMIO CAMMIO_CONFIG=$FB_CONF CAMMIO_RUN_AS="" CAMMIO_DATA_DIR=$D \
  CAMMIO_LISTEN=127.0.0.1:$PORT CAMMIO_CREDENTIALS=$WORK/credentials \
  CAMMIO_ISSUE=$WORK/issue.d/cammio.issue CAMMIO_FIRST_EMAIL=ops@appliance.test
mkdir -p "$WORK/issue.d"
out=$("$ROOT/usr/lib/cammio/first-boot" 2>"$WORK/first-boot.err") ||
  fail "first-boot failed: $(cat "$WORK/first-boot.err")"
expect_contains "$out" "username:            ops@appliance.test" "first boot shows the user on the console"
expect_eq "$(stat -c %a "$WORK/credentials")" "600" "the credentials file is root-only (0600)"
# shellcheck disable=SC1091
. "$WORK/credentials"
expect_contains "$out" "access token:        $CAMMIO_ACCESS_TOKEN" "console and file show the same token"
expect_eq "$CAMMIO_CERT_SHA256" "$server_fp" "the fingerprint written equals the one the server logs"
expect_eq "$CAMMIO_URL" "https://box-7f3a.local:8443" "the credentials and console show public_url"
expect_contains "$out" "URL:                 https://box-7f3a.local:8443" "... on the console too"
expect_contains "$(cat "$WORK/issue.d/cammio.issue")" "$server_fp" "the login banner shows the fingerprint"
r=$(api "$D" "" "" GET /healthz)
expect_contains "$r" "\"version\":\"$version\"" "/healthz names the package's version"
curl -s -o "$WORK/metrics" --cacert "$D/tls/cert.pem" --resolve "localhost:$PORT:127.0.0.1" \
  "https://localhost:$PORT/metrics"
expect_contains "$(cat "$WORK/metrics")" "cammio_build_info{version=\"$version\"} 1" \
  "/metrics names the package's version"
case "$(cat "$WORK/issue.d/cammio.issue")" in *"$CAMMIO_ACCESS_TOKEN"*) fail "token in the banner" ;; esac
r=$(api "$D" "$CAMMIO_USERNAME" "$CAMMIO_ACCESS_TOKEN" GET /api/vacancies)
expect_eq "${r%% *}" "200" "the first-boot credentials work against the API"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CAMMIO_CERTIFICATE" \
  --resolve "localhost:$PORT:127.0.0.1" -u "$CAMMIO_USERNAME:$CAMMIO_ACCESS_TOKEN" \
  "https://localhost:$PORT/api/vacancies.xml")
expect_eq "$code" "200" "... with the certificate path the file names"
[ -e "$D/first-boot.done" ] || fail "no first-boot.done mark"
before=$(cat "$WORK/credentials")
out=$("$ROOT/usr/lib/cammio/first-boot" 2>&1) || fail "second first-boot failed: $out"
expect_contains "$out" "already provisioned" "first boot runs once"
expect_eq "$(cat "$WORK/credentials")" "$before" "the second run leaves the credentials alone"
stop_server

# Restored data (an account, no mark): nothing is created.
D2=$WORK/restored
"$CAMMIO" account create --name Existing --data "$D2" >/dev/null
mkdir -p "$D2/tls" && cp "$D/tls/cert.pem" "$D2/tls/cert.pem"
out=$(CAMMIO_DATA_DIR=$D2 CAMMIO_CREDENTIALS=$WORK/credentials2 "$ROOT/usr/lib/cammio/first-boot" 2>&1) ||
  fail "first-boot on restored data failed: $out"
expect_contains "$out" "already holds accounts" "first boot leaves a database with accounts alone"
[ ! -e "$WORK/credentials2" ] || fail "credentials written for restored data"
finish
