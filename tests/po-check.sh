#!/bin/sh
# po-check.sh: the translations. Every catalogue in po/LINGUAS compiles with
# the build's msgfmt --check and is complete; every source in src/ with
# marked strings is in po/POTFILES.in; and at run time the programs speak
# Chinese and German: --help fully translated, a usage error translated
# while keeping its form ("PROG: ..." and status 2). The catalogues are
# the ones compiled here, found through TSCHAT_LOCALEDIR.
. "$top_srcdir/tests/lib.sh"

: "${MSGFMT:=msgfmt}"
po=$top_srcdir/po

# Every source that marks strings is listed, and every listed file exists.
for f in $(cd "$top_srcdir" && grep -l '_("' src/*/*.c src/*/*.h 2>/dev/null); do
	grep -qx "$f" "$po/POTFILES.in" ||
		fail "$f marks strings with _() but is not in po/POTFILES.in"
done
for f in $(grep -v '^#' "$po/POTFILES.in"); do
	[ -f "$top_srcdir/$f" ] ||
		fail "po/POTFILES.in lists $f, which does not exist"
done

langs=$(grep -v '^#' "$po/LINGUAS" | tr -s ' \n' '  ')
for lang in zh_CN de; do
	case " $langs " in
	*" $lang "*) ;;
	*) fail "po/LINGUAS lacks $lang: '$langs'" ;;
	esac
done

# Compile each catalogue where bindtextdomain looks: LOCALEDIR/LANG/LC_MESSAGES.
command -v "$MSGFMT" >/dev/null 2>&1 || skip "no msgfmt ($MSGFMT)"
for lang in $langs; do
	mkdir -p "$T/locale/$lang/LC_MESSAGES"
	"$MSGFMT" --check --statistics -o "$T/locale/$lang/LC_MESSAGES/tschat.mo" \
	    "$po/$lang.po" >"$T/msgfmt" 2>&1 ||
		fail "msgfmt --check po/$lang.po:
$(cat "$T/msgfmt")"
	grep -q 'fuzzy\|untranslated' "$T/msgfmt" &&
		fail "po/$lang.po is not complete: $(cat "$T/msgfmt")
  (run 'make -C po update-po' in the build tree and translate what is new)"
	note "po/$lang.po: $(cat "$T/msgfmt")"
done

[ "${USE_NLS:-yes}" = yes ] || skip "built with --disable-nls"

# locale_ok LOCALE: the C library has LOCALE (as in zh_CN.UTF-8).
locale_ok() {
	locale -a 2>/dev/null | tr A-Z a-z | tr -d - |
	    grep -qx "$(printf '%s' "$1" | tr A-Z a-z | tr -d -)"
}
for loc in zh_CN.UTF-8 de_DE.UTF-8; do
	locale_ok "$loc" ||
		skip "the $loc locale is missing (tools/quickstart generates it)"
done

# run_in LANGUAGE LOCALE PROG ARGS...: run with the catalogues compiled above.
run_in() {
	_language=$1 _lang=$2; shift 2
	RC=0
	env -u LC_ALL -u LC_MESSAGES TSCHAT_LOCALEDIR="$T/locale" \
	    LANGUAGE="$_language" LANG="$_lang" "$@" \
	    >"$T/out" 2>"$T/err" </dev/null || RC=$?
}

# --help in each language: every line of the English help is translated
# (blank lines and the bug address aside), and the options are the same.
for prog in "$TSCHATD" "$TSCHAT"; do
	name=$(basename "$prog")
	"$prog" --help >"$T/help.C"
	for l in zh_CN:zh_CN.UTF-8 de:de_DE.UTF-8; do
		run_in "${l%%:*}" "${l#*:}" "$prog" --help
		[ "$RC" -eq 0 ] || fail "$name --help in ${l%%:*}: status $RC"
		untranslated=$(grep -Fxf "$T/help.C" "$T/out" | grep -v '^$' |
		    grep -v 'https\{0,1\}://' || true)
		[ -z "$untranslated" ] ||
			fail "$name --help in ${l%%:*}: lines left in English:
$untranslated"
		sed -n 's/^ *\(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z0-9-]*\).*/\2/p' \
		    "$T/help.C" >"$T/opts.C"
		sed -n 's/^ *\(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z0-9-]*\).*/\2/p' \
		    "$T/out" >"$T/opts"
		cmp -s "$T/opts.C" "$T/opts" ||
			fail "$name --help in ${l%%:*} lists other options than in English:
$(diff "$T/opts.C" "$T/opts")"
	done
done

# The issue's own check: Chinese help, Han characters in it (UTF-8 bytes
# E4-E9 and two continuation bytes).
run_in zh_CN zh_CN.UTF-8 "$TSCHATD" --help
LC_ALL=C grep -q "$(printf '[\344-\351][\200-\277][\200-\277]')" "$T/out" ||
	fail "tschatd --help under LANGUAGE=zh_CN shows no Chinese:
$(head -n 3 "$T/out")"
note "zh_CN: $(head -n 1 "$T/out")"

# A usage error in German: still "tschatd: ..." on stderr and status 2,
# the option named, the words no longer the English ones.
"$TSCHATD" --bogus >/dev/null 2>"$T/err.C" || true
run_in de de_DE.UTF-8 "$TSCHATD" --bogus
[ "$RC" -eq 2 ] || fail "tschatd --bogus in German: expected status 2, got $RC"
first=$(head -n 1 "$T/err")
case $first in
"tschatd: "*--bogus*) ;;
*) fail "tschatd --bogus in German: expected 'tschatd: ... --bogus ...', got '$first'" ;;
esac
[ "$first" != "$(head -n 1 "$T/err.C")" ] ||
	fail "tschatd --bogus under LANGUAGE=de is still English: '$first'"
[ "$(sed -n 2p "$T/err")" != "$(sed -n 2p "$T/err.C")" ] ||
	fail "'Try tschatd --help' under LANGUAGE=de is still English: $(sed -n 2p "$T/err")"
note "de: $first / $(sed -n 2p "$T/err")"

exit 0
