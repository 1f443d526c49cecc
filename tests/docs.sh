#!/bin/sh
# docs.sh: the manual pages. Every option that tschatd --help and
# tschat --help print is in the OPTIONS of the program's page, with the same
# short form, and every option there is in --help; the pages are clean under
# mandoc -Tlint -Wwarning and groff -ww (each when installed) and fit 80
# columns.
. "$top_srcdir/tests/lib.sh"

# help_options PROG: "--long -s" or "--long" per option that --help lists.
help_options() {
	"$1" --help |
	    sed -n 's/^ \{1,\}-\([A-Za-z]\), \(--[a-z][a-z0-9-]*\).*/\2 -\1/p
		s/^ \{1,\}\(--[a-z][a-z0-9-]*\).*/\1/p' | sort -u
}

# man_options PAGE: the same for the .It Fl lines of its OPTIONS section,
# as in ".It Fl b , -bind Ar addr" or ".It Fl -utc".
man_options() {
	sed -n '/^\.Sh OPTIONS/,/^\.Sh /p' "$1" | sed -n '
		s/^\.It Fl \([A-Za-z]\) , \(-[a-z][a-z0-9-]*\).*/-\2 -\1/p
		s/^\.It Fl \(-[a-z][a-z0-9-]*\).*/-\1/p' | sort -u
}

for prog in "$TSCHATD" "$TSCHAT"; do
	name=$(basename "$prog")
	page=$top_srcdir/man/$name.1
	[ -f "$page" ] || fail "no manual page $page"
	help_options "$prog" >"$T/help"
	man_options "$page" >"$T/man"
	[ -s "$T/help" ] || fail "$name --help lists no option"
	[ -s "$T/man" ] || fail "man/$name.1 has no '.It Fl' in OPTIONS"
	missing=$(comm -23 "$T/help" "$T/man")
	[ -z "$missing" ] ||
		fail "options in $name --help but not in man/$name.1 OPTIONS (or with another short form):
$missing"
	extra=$(comm -13 "$T/help" "$T/man")
	[ -z "$extra" ] ||
		fail "options in man/$name.1 OPTIONS but not in $name --help (or with another short form):
$extra"
	note "$name: $(wc -l <"$T/help" | tr -d ' ') options, --help and man/$name.1 agree"
done

linted=
for page in "$top_srcdir"/man/tschatd.1 "$top_srcdir"/man/tschat.1; do
	if command -v mandoc >/dev/null 2>&1; then
		RC=0
		mandoc -Tlint -Wwarning "$page" >"$T/lint" 2>&1 || RC=$?
		# mandoc.db staleness is the host's, not the page's.
		grep -v 'mandoc\.db' "$T/lint" >"$T/lint.page" || true
		[ "$RC" -eq 0 ] && [ ! -s "$T/lint.page" ] ||
			fail "mandoc -Tlint -Wwarning $page (status $RC):
$(cat "$T/lint")"
		mandoc -Tascii -Owidth=80 "$page" 2>/dev/null |
		    sed 's/.\x08//g' | awk -v p="$page" '
			length($0) > 80 { print p ": a line of " length($0) " columns: " $0; bad = 1 }
			END { exit bad }' >"$T/wide" ||
			fail "$(cat "$T/wide")"
		linted="$linted mandoc"
	fi
	if command -v groff >/dev/null 2>&1; then
		groff -ww -z -mdoc "$page" >"$T/groff" 2>&1 ||
			fail "groff -ww -z -mdoc $page failed: $(cat "$T/groff")"
		[ ! -s "$T/groff" ] ||
			fail "groff -ww -z -mdoc $page warns:
$(cat "$T/groff")"
		linted="$linted groff"
	fi
done
if [ -z "$linted" ]; then
	note "neither mandoc nor groff is installed: the pages were not linted"
else
	note "linted with:$(printf '%s\n' $linted | sort -u | tr '\n' ' ' | sed 's/^/ /')"
fi
exit 0
