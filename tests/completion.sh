#!/bin/sh
# completion.sh: the bash completions in contrib/bash-completion complete
# every long option that --help prints, and the values of --framing, run
# through bash-completion as a shell would.
. "$top_srcdir/tests/lib.sh"

command -v bash >/dev/null 2>&1 || skip "no bash"
BASH_COMPLETION=
for f in /usr/share/bash-completion/bash_completion \
    /etc/bash_completion; do
	[ -r "$f" ] && { BASH_COMPLETION=$f; break; }
done
[ -n "$BASH_COMPLETION" ] || skip "bash-completion is not installed"

# The completions run PROG --help: the programs just built come first.
PATH=$(dirname "$TSCHATD"):$(dirname "$TSCHAT"):$PATH
export PATH

# complete PROG WORDS...: what bash completes for the last word.
complete_words() {
	_prog=$1; shift
	bash --norc --noprofile -c '
		. "$1"
		. "$2"
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_tschat_fn=$(complete -p "$1" | sed "s/.*-F \([^ ]*\).*/\1/")
		"$_tschat_fn" "$1" "${COMP_WORDS[COMP_CWORD]}" \
		    "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' sh "$BASH_COMPLETION" \
	    "$top_srcdir/contrib/bash-completion/$_prog" "$@" |
	    sed -e 's/ *$//' -e '/^$/d'
}

for prog in tschatd tschat; do
	"$prog" --help >"$T/help"
	sed -n 's/^ *\(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z0-9-]*\).*/\2/p' \
	    "$T/help" | sort -u >"$T/want"
	[ -s "$T/want" ] || fail "$prog --help lists no long option"
	complete_words "$prog" "$prog" "--" | sort -u >"$T/got"
	missing=$(comm -23 "$T/want" "$T/got")
	extra=$(comm -13 "$T/want" "$T/got")
	[ -z "$missing" ] ||
		fail "$prog: --help options the completion does not offer: $missing"
	[ -z "$extra" ] ||
		fail "$prog: completed options that --help does not list: $extra"
	got=$(complete_words "$prog" "$prog" --framing "" | sort | tr '\n' ' ')
	expect_eq "$prog --framing <TAB>" "line raw " "$got"
	got=$(complete_words "$prog" "$prog" --framing=r | tr '\n' ' ')
	expect_eq "$prog --framing=r<TAB>" "raw " "$got"
done

got=$(complete_words tschat tschat -n "" | tr '\n' ' ')
expect_eq "tschat -n <TAB> (a nick: nothing to offer)" "" "$got"
got=$(complete_words tschatd tschatd --max-line "" | tr '\n' ' ')
expect_eq "tschatd --max-line <TAB> (a number: nothing to offer)" "" "$got"
# The first operand of tschat is a host: a name from /etc/hosts is offered.
got=$(complete_words tschat tschat localh | grep -x localhost || true)
expect_eq "tschat localh<TAB>" "localhost" "$got"
exit 0
