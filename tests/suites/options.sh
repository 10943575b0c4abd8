#!/usr/bin/env bash
# Every option meant: for each command, each option `rawcraft --help`
# describes but the command's synopsis there does not list is refused
# (exit 2, one line, nothing on stdout), each it lists is taken; README's
# and the man page's synopses list the same, and completion offers only
# what is taken.  The lists come from --help, so they cannot drift from it.
. "$(dirname "$0")/../lib.sh"

commands="show send run test decode sniff fields"
help=$("$RAWCRAFT" --help)

# synopsis CMD: the options --help's synopsis of CMD lists, one a line.
synopsis() {
	awk -v cmd="$1" '/^(usage: | +)rawcraft / { on = $0 ~ ("rawcraft " cmd " ") }
		/^$/ { exit } on' <<<"$help" | grep -oE -- '--?[a-zA-Z][a-zA-Z-]*' | sort -u
}
# Every option --help describes, with a value for it: "-c 1", "--flood".
described=$(sed -nE 's/^  (-[a-zA-Z]|--[a-z-]+)(, --[a-z-]+)?( [A-Z][][A-Z=/]*)?( .*|$)/\1\3/p' <<<"$help" |
	sed -E 's/ K=V$/ A=1/; s/ (N|PPS)$/ 1/; s/ FILE$/ out.pcap/; s/ IF$/ lo/; s/ M$/ tcp/;
		s/ D$/ 1s/; s/ IP\[\/MAC\]$/ 10.0.0.1/; s/ USER$/ nobody/; s/ PATH$/ auto/;
		s/ SIZE$/ 8/; s/ ORDER$/ in/')
if [ "$(wc -l <<<"$described")" -ge 20 ]; then ok "--help describes $(wc -l <<<"$described") options"
else not_ok "--help describes the options" "found: $described"; fi

# try CMD OPTION [VALUE]: CMD with the option where nothing can be sent or
# read: a file that does not exist, sniff on an interface that does not.
try() {
	local cmd=$1
	shift
	case $cmd in
	sniff) set -- "$@" -i rawcraft-none0 ;;
	fields) ;;
	*) set -- "$TMP/none" "$@" ;;
	esac
	(cd "$TMP" && timeout 5 "$RAWCRAFT" "$cmd" "$@" >"$TMP/out" 2>"$TMP/err")
}

for cmd in $commands; do
	takes=$(synopsis "$cmd")
	while read -r name value; do
		# shellcheck disable=SC2086 # the value is one word or none
		try "$cmd" "$name" $value
		rc=$?
		if grep -qxF -- "$name" <<<"$takes"; then
			if grep -q 'is not an option' "$TMP/err"; then
				not_ok "$cmd takes $name" "$(cat "$TMP/err")"
			else
				ok "$cmd takes $name"
			fi
		else
			expect_eq "$cmd refuses $name" "$rc $(wc -c <"$TMP/out") $(cat "$TMP/err")" \
				"2 0 rawcraft: error: $name is not an option of '$cmd' (see rawcraft --help)"
		fi
	done <<<"$described"
done

# Options that contradict each other: refused before anything opens.
try send --expect tcp --no-expect
expect_eq "send --expect with --no-expect" "$? $(cat "$TMP/err")" \
	"2 rawcraft: error: --expect with --no-expect is not an option of 'send' (see rawcraft --help)"
try send --rate 10 --flood
expect_eq "send --rate with --flood" "$? $(cat "$TMP/err")" \
	"2 rawcraft: error: --flood sends as fast as it can and --rate at a set pace: give one of them"
# An unknown command is named as such, whatever its options.
try frobnicate -D A=1
expect_eq "an unknown command with options" "$? $(cat "$TMP/err")" \
	"2 rawcraft: error: unknown command 'frobnicate': use show, send, run, test, decode, sniff or fields (see rawcraft --help)"

# README's "Use" block and the man page's SYNOPSIS: the same options per command.
readme=$(awk '/^## Use/ { u = 1 } u && /^```/ { if (n++) exit; next } u && n' "$ROOT/README.md")
man=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$ROOT/docs/rawcraft.1" | sed 's/\\-/-/g')
for cmd in $commands; do
	for doc in README man; do
		text=$readme
		[ $doc = man ] && text=$man
		got=$(awk -v cmd="$cmd" '/^(\.B )? *rawcraft( |$)/ { on = $0 ~ ("rawcraft " cmd "( |$)") } on' <<<"$text" |
			grep -oE -- '--?[a-zA-Z][a-zA-Z-]*' | sort -u | tr '\n' ' ')
		expect_eq "$doc's synopsis of $cmd lists --help's options" "$got" \
			"$(synopsis "$cmd" | tr '\n' ' ')"
	done
done

words() { tr ' ' '\n' | grep . | sort | tr '\n' ' '; }	# sorted, one line

# The man page's OPTIONS: an option said to be for some commands only, as
# "-n (show, send, ...)", is for those whose synopsis lists it.
while read -r name cmds; do
	want=""
	for cmd in $commands; do synopsis "$cmd" | grep -qxF -- "$name" && want+=" $cmd"; done
	expect_eq "man: $name is for $cmds" "$(words <<<"$cmds")" "$(words <<<"$want")"
done < <(sed 's/\\-/-/g' "$ROOT/docs/rawcraft.1" | awk '
	/^\.SH OPTIONS/ { on = 1 } /^\.SH OUTPUT/ { on = 0 }
	on && /^\.TP/ { getline; match($0, /-[-a-zA-Z]+/); name = substr($0, RSTART, RLENGTH)
		getline; if ($0 !~ /^\.RB \( /) next
		list = ""
		for (;;) { match($0, /[a-z]+ *[,)]/); list = list " " substr($0, RSTART, RLENGTH)
			if ($0 ~ /\)/) break; getline }
		gsub(/[,)]/, "", list); gsub(/  +/, " ", list); print name list }')

# Completion: every option it offers a command is one the command takes.
complete_words() {	# WORD... : what completing the last word offers
	bash -c '
		export PATH="'"$(dirname "$RAWCRAFT")"':$PATH"
		. "'"$ROOT"'/completion/rawcraft.bash"
		COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_rawcraft; printf "%s\n" "${COMPREPLY[@]}"' _ "$@" | sort
}
for cmd in $commands; do
	offered=$(complete_words rawcraft "$cmd" x -)
	bad="" missing=""
	for word in $offered; do
		value=$(sed -nE "s/^${word} //p" <<<"$described")
		case $word in -c | --count) value=1 ;; -w | --write) value=out.pcap ;;
		-t | --timeout) value=1s ;; -i | --interface) value=lo ;; esac
		# shellcheck disable=SC2086
		try "$cmd" "$word" $value
		grep -q 'is not an option' "$TMP/err" && bad+=" $word"
	done
	for name in $(synopsis "$cmd"); do
		grep -qxF -- "$name" <<<"$offered" || missing+=" $name"
	done
	expect_eq "completion offers $cmd what it takes" "refused:$bad; missing:$missing" "refused:; missing:"
done
