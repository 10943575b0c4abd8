#!/usr/bin/env bash
# `rawcraft decode FILE FILTER... [-c N]` and `decode -`: the frames a
# tcpdump expression selects are the ones `tcpdump -r FILE FILTER` selects,
# in the same order with the same timestamps, numbered as in the file, and
# analysed with every frame of the file (a filtered frame reads as it does
# unfiltered); a bad expression is refused as tcpdump refuses it; -c N
# stops after N frames shown; "-" reads a pipe, as it comes.
. "$(dirname "$0")/../lib.sh"

if ! command -v tcpdump >/dev/null; then
	not_ok "decode filters" "tcpdump is not installed (tests/deps.sh installs it)"
	exit 0
fi
P="$ROOT/tests/pcap"
FILES=("$P/exchanges.pcap" "$P"/third-party/*.pcap "$P"/third-party/*.pcapng)
FILTERS=("tcp" "udp" "ip" "ip6" "icmp6" "tcp port 80" "not udp" "greater 100"
	 "udp and src portrange 1-1024" "tcp[tcpflags] & tcp-syn != 0" "arp")

# oracle.py ALL MANIFEST: for each line "SEL JSONL LABEL" of MANIFEST, SEL
# (tcpdump's selection) is what rawcraft's JSON shows, frame for frame: the
# same count and timestamps, and each frame's number points at the same
# bytes and time in ALL (every frame of the file).  One TAP line each.
cat >"$TMP/oracle.py" <<'PYEOF'
import json, struct, sys
def frames(path):
    d = open(path, 'rb').read()
    e = '<' if d[:4] == b'\xd4\xc3\xb2\xa1' else '>'
    out, i = [], 24
    while i + 16 <= len(d):
        sec, usec, n, _ = struct.unpack(e + 'IIII', d[i:i + 16])
        out.append(('%d.%06d' % (sec, usec), d[i + 16:i + 16 + n])); i += 16 + n
    return out
def check(every, sel, shown):
    if len(shown) != len(sel):
        return '%d frames shown, tcpdump selects %d' % (len(shown), len(sel))
    for o, (ts, b) in zip(shown, sel):
        n = o['frame']
        if o['time'] != ts:
            return 'frame %d at %s, tcpdump has %s' % (n, o['time'], ts)
        if not 1 <= n <= len(every) or every[n - 1] != (ts, b):
            return 'frame %d is not frame %d of the file' % (n, n)
every = frames(sys.argv[1])
for line in open(sys.argv[2]):
    sel, shown, label = line.rstrip('\n').split(' ', 2)
    sel = frames(sel)
    shown = [json.loads(l, parse_float=str) for l in open(shown) if l.startswith('{')]
    why = check(every, sel, shown)
    if why:
        print('not ok - %s: tcpdump\'s frames: %s' % (label, why))
    else:
        print("ok - %s: tcpdump's %d frames, in order, timestamps and numbers" % (label, len(sel)))
PYEOF

# --- filters against tcpdump, over every capture here ------------------------
for f in "${FILES[@]}"; do
	name=$(basename "$f")
	tcpdump -r "$f" -w "$TMP/all.pcap" 2>/dev/null
	"$RAWCRAFT" decode "$f" --json >"$TMP/all.json"
	"$RAWCRAFT" decode "$f" | grep '^[0-9]' >"$TMP/all.txt"
	: >"$TMP/manifest"
	i=0
	for flt in "${FILTERS[@]}"; do
		i=$((i + 1))
		label="decode $name '$flt'"
		# shellcheck disable=SC2086
		if ! tcpdump -r "$f" -w "$TMP/sel.pcap" $flt 2>"$TMP/tderr"; then
			# tcpdump refuses it (a link type without that protocol): so must we.
			want="rawcraft: error: bad filter '$flt': $(tail -1 "$TMP/tderr" | sed 's/^tcpdump: //')"
			# shellcheck disable=SC2086
			"$RAWCRAFT" decode "$f" $flt >"$TMP/out" 2>"$TMP/err"
			expect_eq "$label: refused as tcpdump refuses it (exit 2)" \
				"$?:$(cat "$TMP/err"):$(wc -c <"$TMP/out")" "2:$want:0"
			continue
		fi
		mv "$TMP/sel.pcap" "$TMP/sel$i.pcap"
		# shellcheck disable=SC2086
		"$RAWCRAFT" decode "$f" $flt --json >"$TMP/sel$i.json"
		echo "$TMP/sel$i.pcap $TMP/sel$i.json $label" >>"$TMP/manifest"
		# Analysed with the whole file: each line as it is unfiltered.
		odd=$(grep -vxFf "$TMP/all.json" "$TMP/sel$i.json" | head -1 | cut -c1-200)
		expect_eq "$label: each frame's JSON (tcp_analysis too) as without the filter" "$odd" ""
		# shellcheck disable=SC2086
		odd=$("$RAWCRAFT" decode "$f" $flt | grep '^[0-9]' | grep -vxFf "$TMP/all.txt" | head -1)
		expect_eq "$label: each summary line as without the filter" "$odd" ""
	done
	"$PY" "$TMP/oracle.py" "$TMP/all.pcap" "$TMP/manifest" 2>&1 |
		sed '/^\(not \)\?ok - /!s/^/not ok - oracle: /'
done

# Each filter selects something somewhere, or the comparisons above prove little.
for flt in "${FILTERS[@]}"; do
	n=0
	for f in "${FILES[@]}"; do
		# shellcheck disable=SC2086
		n=$((n + $(tcpdump -nn -r "$f" $flt 2>/dev/null | wc -l)))
	done
	if [ "$n" -gt 0 ]; then ok "'$flt' selects $n frames of the corpus"
	else not_ok "'$flt' selects frames of the corpus" "none"; fi
done

# --- the words and the quoted expression are one filter -----------------------
X="$P/exchanges.pcap"
expect_eq "decode FILE tcp port 80 = decode FILE 'tcp port 80'" \
	"$("$RAWCRAFT" decode "$X" tcp port 80)" "$("$RAWCRAFT" decode "$X" 'tcp port 80')"

# An ACK shown alone still names the frame it acknowledges (a SYN not shown).
got=$("$RAWCRAFT" decode "$X" 'tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)' | head -1)
case $got in
"6 0.016220 10.191.0.2:80 > 10.191.0.1:40796 TCP [SYN, ACK] seq=0 ack=1 "*"[ACK of #5, 33µs]"*)
	ok "a SYN/ACK shown alone: frame 6, [ACK of #5, 33µs] (frame 5 filtered out)" ;;
*) not_ok "a SYN/ACK shown alone: frame 6, [ACK of #5, 33µs]" "$got" ;; esac

# --template of the frames a filter selects: a file that show builds into
# the frames tcpdump selects, headed as any (frame 1 is left out).
"$RAWCRAFT" decode "$X" --template tcp >"$TMP/t.pkt"
"$RAWCRAFT" show "$TMP/t.pkt" -w "$TMP/t.pcap" >/dev/null 2>"$TMP/err"
tcpdump -r "$X" -w "$TMP/td.pcap" tcp 2>/dev/null
expect_eq "decode --template tcp | show: tcpdump's frames, byte for byte" \
	"$(same_frames "$TMP/t.pcap" "$TMP/td.pcap"):$(cat "$TMP/err")" "5 5 5:"
expect_eq "decode --template tcp: the heading, then frame 5, numbered as in the file" \
	"$(sed -n '1s/:.*//p;2p' "$TMP/t.pkt")" "# a capture as templates, a frame each, between --- lines
# frame 5: 74 bytes"

# --- bad expressions ----------------------------------------------------------
"$RAWCRAFT" decode "$X" tcp port >"$TMP/out" 2>"$TMP/err"
expect_eq "decode FILE tcp port: exit 2, pcap's message, nothing shown" \
	"$?:$(cat "$TMP/err"):$(wc -c <"$TMP/out")" \
	"2:rawcraft: error: bad filter 'tcp port': can't parse filter expression: syntax error:0"
"$RAWCRAFT" decode "$X" port 99999 >"$TMP/out" 2>"$TMP/err"
expect_eq "decode FILE port 99999: exit 2" "$?:$(cat "$TMP/err")" \
	"2:rawcraft: error: bad filter 'port 99999': illegal port number 99999 > 65535"

# --- -c N ----------------------------------------------------------------------
for flt in "" "tcp" "not arp"; do
	# shellcheck disable=SC2086
	want=$(tcpdump -r "$X" -c 5 -tt -nn $flt 2>/dev/null | awk '{print $1}')
	# shellcheck disable=SC2086
	got=$("$RAWCRAFT" decode "$X" -c 5 --json $flt | "$PY" -c '
import json, sys
for l in sys.stdin: print(json.loads(l, parse_float=str)["time"])')
	expect_eq "decode -c 5 ${flt:-(no filter)}: the 5 frames tcpdump -c 5 prints" "$got" "$want"
	[ "$(printf '%s\n' "$want" | wc -l)" = 5 ] || not_ok "tcpdump -c 5 ${flt:-}" "not 5 frames"
done
"$RAWCRAFT" decode "$X" tcp -c 5 -w "$TMP/c5.pcap" >"$TMP/out"
expect_eq "decode -c 5 tcp: 5 frame lines, then the conversation summary" \
	"$(grep -c '^[0-9]' "$TMP/out"):$(grep -c '^TCP conversations: ' "$TMP/out")" "5:1"
tcpdump -r "$X" -c 5 -w "$TMP/td5.pcap" tcp 2>/dev/null
expect_eq "decode -c 5 tcp -w: tcpdump's 5 frames" "$(same_frames "$TMP/c5.pcap" "$TMP/td5.pcap")" "5 5 5"
"$RAWCRAFT" decode "$X" -c 1000 >"$TMP/out"
expect_eq "decode -c 1000 of 21 frames: all 21" "$(grep -c '^[0-9]' "$TMP/out")" 21

# --- standard input --------------------------------------------------------------
for f in "$X" "$P/third-party/bgp-enhanced-route-refresh-subtype.pcapng"; do
	name=$(basename "$f")
	want=$("$RAWCRAFT" decode "$f" -v tcp)
	got=$(cat "$f" | "$RAWCRAFT" decode - -v tcp)
	expect_eq "cat $name | decode - -v tcp: as decode FILE" "$got" "$want"
	[ -n "$want" ] || not_ok "decode $name -v tcp" "nothing shown"
done
got=$(cat "$X" | "$RAWCRAFT" decode - -c 3 | grep -c '^[0-9]')
expect_eq "cat FILE | decode - -c 3: 3 frames" "$got" 3
printf 'not a capture at all, just text\n' | "$RAWCRAFT" decode - >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 2 ] && grep -q '^-: error: ' "$TMP/err" && [ "$(wc -l <"$TMP/err")" = 1 ]; then
	ok "decode - of text: exit 2, one line '-: error: ...'"
else
	not_ok "decode - of text: exit 2, one line" "exit $rc: $(cat "$TMP/err")"
fi

# Line-buffered from a pipe: the frames are out while the writer still holds
# the pipe open (a file as stdout is block-buffered otherwise).
{ cat "$X"; sleep 3; } | "$RAWCRAFT" decode - >"$TMP/live.txt" &
pid=$!
for _ in $(seq 20); do [ "$(grep -c '^[0-9]' "$TMP/live.txt")" = 21 ] && break; sleep 0.1; done
expect_eq "decode - from a pipe still open: its 21 frames written already" \
	"$(grep -c '^[0-9]' "$TMP/live.txt")" 21
wait $pid
expect_eq "decode - from a pipe: exit 0 at its end, then the summary" \
	"$?:$(grep -c '^TCP conversations: ' "$TMP/live.txt")" "0:1"
