#!/usr/bin/env bash
# Malformed templates and CLI usage errors: exit 2, one clear line on stderr,
# nothing on stdout, no frame written.
#
# Each tests/bad/*.pkt holds one fault.  Its first line says where and what:
#     # expect: LINE:COL: SUBSTRING
# and an optional second line gives extra arguments (split on spaces):
#     # args: -D HOST=web1
# The suite runs `rawcraft show FILE [ARGS] -w $TMP/x.pcap` with FILE as a
# path relative to the repository root and wants exactly one stderr line
# `FILE:LINE:COL: error: ...` containing SUBSTRING.
. "$(dirname "$0")/../lib.sh"

case $RAWCRAFT in
/*) ;;
*/*) RAWCRAFT=$PWD/$RAWCRAFT ;;
esac
cd "$ROOT" || exit 1

# check_stderr FILE: empty if FILE is one printable line, else why not.
check_stderr() {
	local f=$1 lines bad
	if [ ! -s "$f" ]; then
		echo "stderr is empty"
		return
	fi
	lines=$(wc -l <"$f")
	if [ "$lines" -ne 1 ] || [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" != '\n' ]; then
		echo "stderr is not exactly one line: $(dump "$f")"
		return
	fi
	# Control characters (a raw NUL, tab, CR, ESC...) other than the final newline.
	bad=$(tr -d '\n' <"$f" | LC_ALL=C tr -d '\040-\176\200-\377' | wc -c)
	if [ "$bad" -ne 0 ]; then
		echo "stderr carries $bad control byte(s): $(dump "$f")"
		return
	fi
	if ! iconv -f UTF-8 -t UTF-8 <"$f" >/dev/null 2>&1; then
		echo "stderr is not valid UTF-8: $(dump "$f")"
		return
	fi
}

# dump FILE: its text on one line, control bytes shown (cat -A: ^@ NUL, $ end
# of line, M-x high bytes), for a failure message.
dump() {
	cat -A "$1" | tr '\n' ' ' | head -c 400
}

# report NAME WHY: one TAP line; WHY made printable so the line stays one line.
report() {
	if [ -z "$2" ]; then
		ok "$1"
	else
		not_ok "$1" "$(printf '%s' "$2" | LC_ALL=C tr -c '\040-\176' '?')"
	fi
}

# pcap_empty FILE: true if FILE is absent or holds no packet record.
pcap_empty() {
	[ ! -e "$1" ] || [ "$(stat -c %s "$1")" -le 24 ]
}

n=0
for f in tests/bad/*.pkt; do
	n=$((n + 1))
	name="bad template $(basename "$f" .pkt)"
	expect=$(head -n 1 "$f" | tr -d '\r')
	case $expect in
	"# expect: "*) expect=${expect#"# expect: "} ;;
	*) not_ok "$name" "first line is not '# expect: LINE:COL: SUBSTRING'"; continue ;;
	esac
	pos=${expect%%: *}		# LINE:COL
	sub=${expect#*: }
	args=$(sed -n '2{s/\r$//;s/^# args: //p}' "$f")
	rm -f "$TMP/x.pcap"
	# shellcheck disable=SC2086  # args are words
	"$RAWCRAFT" show "$f" $args -w "$TMP/x.pcap" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	line=$(head -n 1 "$TMP/err" | tr -d '\000')
	why=
	if [ $rc -ne 2 ]; then
		why="exit $rc, want 2; stderr: $(head -c 300 "$TMP/err")"
	elif [ -s "$TMP/out" ]; then
		why="wrote to stdout: $(head -c 200 "$TMP/out")"
	elif ! pcap_empty "$TMP/x.pcap"; then
		why="-w file holds a frame ($(stat -c %s "$TMP/x.pcap") bytes)"
	else
		why=$(check_stderr "$TMP/err")
	fi
	if [ -n "$why" ]; then
		:
	elif [[ $line != "$f:$pos: error: "* ]]; then
		why="want '$f:$pos: error: ...', got '$line'"
	elif [[ $line != *"$sub"* ]]; then
		why="message lacks '$sub': '$line'"
	fi
	report "$name" "$why"
done
if [ $n -ge 45 ]; then
	ok "at least 45 malformed templates ($n)"
else
	not_ok "at least 45 malformed templates" "only $n in tests/bad"
fi

# A bad template must not clobber a capture the user already has at -w.
"$PY" - "$TMP/keep.pcap" <<'PYEOF'
import struct, sys
frame = bytes(range(60))
open(sys.argv[1], 'wb').write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
                              + struct.pack('<IIII', 1, 0, 60, 60) + frame)
PYEOF
before=$(cksum <"$TMP/keep.pcap")
"$RAWCRAFT" show tests/bad/04-ttl-8bit-range.pkt -w "$TMP/keep.pcap" >/dev/null 2>&1
rc=$?
after=$(cksum <"$TMP/keep.pcap" 2>/dev/null)
if [ $rc -eq 2 ] && [ "$before" = "$after" ]; then
	ok "bad template leaves an existing -w file untouched"
else
	not_ok "bad template leaves an existing -w file untouched" \
		"exit $rc; the 100-byte capture is now $(stat -c %s "$TMP/keep.pcap" 2>/dev/null || echo 'gone') bytes"
fi

# --- CLI usage errors --------------------------------------------------------
# A template that builds without an interface, so only the usage is wrong.
cat >"$TMP/ok.pkt" <<'PKT'
eth src=02:00:00:00:00:01 dst=ff:ff:ff:ff:ff:ff
arp sha=02:00:00:00:00:01 spa=10.0.0.1 tpa=10.0.0.2
PKT
mkdir -p "$TMP/adir"

# usage NAME SUBSTRING ARGS...: exit 2, one printable stderr line that
# contains SUBSTRING (an extended regex, case-insensitive), empty stdout,
# no pcap written.
usage() {
	local name="usage: $1" sub=$2 rc why='' line
	shift 2
	rm -f "$TMP/x.pcap"
	timeout 5 "$RAWCRAFT" "$@" >"$TMP/out" 2>"$TMP/err"	# a FIFO must not block
	rc=$?
	line=$(head -n 1 "$TMP/err" | tr -d '\000')
	if [ $rc -ne 2 ]; then
		why="exit $rc, want 2; stderr: $(head -c 300 "$TMP/err")"
	elif [ -s "$TMP/out" ]; then
		why="wrote to stdout: $(head -c 200 "$TMP/out")"
	elif ! pcap_empty "$TMP/x.pcap"; then
		why="-w file holds a frame"
	else
		why=$(check_stderr "$TMP/err")
		if [ -z "$why" ] && ! printf '%s\n' "$line" | grep -qiE -- "$sub"; then
			why="message does not match /$sub/: '$line'"
		fi
	fi
	report "$name" "$why"
}

usage "unknown long option" "'--bogus'.*not known" show "$TMP/ok.pkt" --bogus -w "$TMP/x.pcap"
usage "unknown short option" "-q.*not known" show "$TMP/ok.pkt" -q -w "$TMP/x.pcap"
usage "-D without =" "-D takes NAME=VALUE.*'FOO'" show "$TMP/ok.pkt" -D FOO -w "$TMP/x.pcap"
usage "-D with an empty name" "-D takes NAME=VALUE" show "$TMP/ok.pkt" -D =x -w "$TMP/x.pcap"
usage "-D with no argument" "-D needs a value" show "$TMP/ok.pkt" -D
usage "show with no file" "show needs a template" show -w "$TMP/x.pcap"
usage "unknown command" "unknown command 'frobnicate'" frobnicate "$TMP/ok.pkt"
usage "--seed abc" "--seed takes a number.*'abc'" show "$TMP/ok.pkt" --seed abc -w "$TMP/x.pcap"
usage "--seed -1" "--seed takes a number" show "$TMP/ok.pkt" --seed -1
# A long option without its value must be named as the user wrote it.
usage "--seed with no value" "--seed.*needs a value" show "$TMP/ok.pkt" --seed
usage "--json=1 (takes no value)" "--json.*(no value|not known|does not take)" show "$TMP/ok.pkt" --json=1
usage "-c 0" "-c takes a count" show "$TMP/ok.pkt" -c 0 -w "$TMP/x.pcap"
usage "missing template file" "cannot read.*No such file" show "$TMP/nope.pkt" -w "$TMP/x.pcap"
# Inputs that are not regular files: refused at open, never waited for.
mkfifo "$TMP/fifo.pkt" "$TMP/fifo.bin" "$TMP/fifo.lab"
printf 'eth\nipv4 dst=10.0.0.2\nudp\npayload file=fifo.bin\n' >"$TMP/pay.pkt"
printf 'send @fifo.pkt\n' >"$TMP/inc.lab"
usage "template is a directory" "^rawcraft: error: $TMP/adir: not a regular file$" show "$TMP/adir"
usage "template is a FIFO" "^rawcraft: error: $TMP/fifo.pkt: not a regular file$" \
	show "$TMP/fifo.pkt" -w "$TMP/x.pcap"
usage "send: template is a FIFO" "^rawcraft: error: $TMP/fifo.pkt: not a regular file$" \
	send "$TMP/fifo.pkt" -w "$TMP/x.pcap"
usage "template is a device" "^rawcraft: error: /dev/zero: not a regular file$" show /dev/zero
usage "payload file= is a FIFO" "^$TMP/pay.pkt:4:14: error: payload file: $TMP/fifo.bin: not a regular file$" \
	show "$TMP/pay.pkt" -w "$TMP/x.pcap"
usage "scenario is a FIFO" "^rawcraft: error: $TMP/fifo.lab: not a regular file$" run "$TMP/fifo.lab"
usage "scenario's @template is a FIFO" "^$TMP/inc.lab:1:6: error: $TMP/fifo.pkt: not a regular file$" \
	run "$TMP/inc.lab" -w "$TMP/x.pcap"
usage "decode with no file" "decode takes one capture file" decode

# Bare `rawcraft`: the usage text (several lines) on stderr, exit 2.
"$RAWCRAFT" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && grep -q '^usage: ' "$TMP/err"; then
	ok "usage: no arguments prints usage to stderr, exit 2"
else
	not_ok "usage: no arguments prints usage to stderr, exit 2" "exit $rc"
fi
