#!/bin/sh
# service.sh: the systemd unit that make writes from contrib/tschatd.service.in
# is one systemd accepts (systemd-analyze verify, with its man page found),
# runs the tschatd it names, and keeps its sandbox: an exposure score of 2.0
# or less (systemd-analyze security, "OK"), so that loosening it fails here.
# The drop-in that /etc/default/tschatd shows for the TLS key (credentials)
# is accepted with it.
. "$top_srcdir/tests/lib.sh"

: "${SERVICE_UNIT:?SERVICE_UNIT must name the built tschatd.service}"
[ -f "$SERVICE_UNIT" ] || fail "$SERVICE_UNIT was not built (make check builds it)"

grep -q '@[a-z]*@' "$SERVICE_UNIT" &&
	fail "$SERVICE_UNIT has unsubstituted variables: $(grep '@[a-z]*@' "$SERVICE_UNIT")"
grep -Eq '^ExecStart=/[^ ]*/tschatd \$TSCHATD_OPTS \$TSCHATD_TLS_OPTS$' "$SERVICE_UNIT" ||
	fail "expected 'ExecStart=BINDIR/tschatd \$TSCHATD_OPTS \$TSCHATD_TLS_OPTS', got: $(grep '^ExecStart' "$SERVICE_UNIT")"
grep -qx 'ExecReload=/bin/kill -HUP \$MAINPID' "$SERVICE_UNIT" ||
	fail "the unit has no ExecReload sending SIGHUP"
# The drop-in, as the default file shows it (comment lines "#   ...").
DEFAULTS=$top_srcdir/contrib/tschatd.default
{
	echo '[Service]'
	sed -n 's/^#   //p' "$DEFAULTS" | grep -E '^(LoadCredential|Environment)='
} >"$T/tls.conf"
grep -q '^LoadCredential=tls.key:' "$T/tls.conf" &&
    grep -q '^Environment="TSCHATD_TLS_OPTS=--tls-cert %d/tls.crt --tls-key %d/tls.key"$' "$T/tls.conf" ||
	fail "$DEFAULTS does not show the TLS drop-in: $(cat "$T/tls.conf")"
for setting in DynamicUser=yes ProtectSystem=strict ProtectHome=yes \
    NoNewPrivileges=yes CapabilityBoundingSet= PrivateDevices=yes \
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX'; do
	grep -qx "$setting" "$SERVICE_UNIT" ||
		fail "the unit lost '$setting'"
done

command -v systemd-analyze >/dev/null 2>&1 ||
	skip "no systemd-analyze: the unit was not verified"

# Verify a copy that starts the tschatd just built: systemd checks that
# ExecStart is executable, and Documentation= through man(1).
mkdir -p "$T/man/man1" "$T/unit"
cp "$top_srcdir/man/tschatd.1" "$T/man/man1/"
sed "s|^ExecStart=[^ ]*|ExecStart=$TSCHATD|" "$SERVICE_UNIT" \
    >"$T/unit/tschatd.service"
mkdir -p "$T/unit/tschatd.service.d"
cp "$T/tls.conf" "$T/unit/tschatd.service.d/tls.conf"
RC=0
MANPATH="$T/man" systemd-analyze verify "$T/unit/tschatd.service" \
    >"$T/verify" 2>&1 || RC=$?
# Without a running systemd some hosts cannot load any unit at all.
if grep -q 'Failed to initialize manager\|System has not been booted with systemd' "$T/verify"; then
	skip "systemd-analyze cannot run here: $(head -n 1 "$T/verify")"
fi
[ "$RC" -eq 0 ] && [ ! -s "$T/verify" ] ||
	fail "systemd-analyze verify (status $RC):
$(cat "$T/verify")"
note "systemd-analyze verify: clean"

if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
	RC=0
	systemd-analyze security --offline=true --threshold=20 \
	    "$T/unit/tschatd.service" >"$T/security" 2>&1 || RC=$?
	score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' \
	    "$T/security")
	[ "$RC" -eq 0 ] ||
		fail "the sandbox was loosened: exposure ${score:-?}, expected 2.0 or less:
$(grep '✗' "$T/security" | cut -c1-100)"
	note "systemd-analyze security: exposure $score"
else
	note "systemd-analyze has no --offline: the exposure was not scored"
fi
exit 0
