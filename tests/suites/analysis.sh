#!/usr/bin/env bash
# The analysis decode prints: what docs/rawcraft.1 shows is what decode
# prints; relative numbers stay right across hundreds of interleaved
# streams (the old fixed table forgot past 256), checked against tshark;
# --absolute; a request names its answer in a file, not in a pipe.
# Offline: any user, no network.
. "$(dirname "$0")/../lib.sh"

need_oracles "decode analysis" || exit 0
pcap=$ROOT/tests/pcap/exchanges.pcap

out=$("$RAWCRAFT" decode "$pcap" 2>&1)
# shown_are_printed WHERE SHOWN: every line a document shows is one of $out's.
shown_are_printed() {
	local line missing=""
	while IFS= read -r line; do
		grep -qxF -- "$line" <<<"$out" || missing+="'$line' "
	done <<<"$2"
	if [ -n "$2" ] && [ -z "$missing" ]; then
		ok "$1: its $(wc -l <<<"$2") lines of exchanges.pcap's decode are decode's"
	else
		not_ok "$1: its lines of exchanges.pcap's decode are decode's" "not printed: $missing"
	fi
}

# 1. The man page's Analysis examples are lines decode prints.
shown_are_printed "docs/rawcraft.1 Analysis" \
	"$(sed -n '/^\.SS Analysis/,/^\.SS\|^\.SH/p' "$ROOT/docs/rawcraft.1" |
		sed -n '/^\.EX/,/^\.EE/p' | grep -v '^\.E[XE]' | sed 's/\\-/-/g')"

# 2. 300 streams interleaved: SYNs, SYN/ACKs, ACKs, then data both ways, each
#    stream's numbers as tshark numbers them.
"$PY" - "$TMP/many.pcap" <<'PYEOF'
import sys
from scapy.all import Ether, IP, TCP, Raw, wrpcap
frames, t = [], 1700000000.0
def add(p):
    global t
    t += 0.0001
    p.time = t
    frames.append(p)
e = Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')
r = Ether(src='02:00:00:00:00:02', dst='02:00:00:00:00:01')
n = 300
c = lambda i: IP(src='10.0.0.1', dst='10.0.0.2') / TCP(sport=20000 + i, dport=80)
s = lambda i: IP(src='10.0.0.2', dst='10.0.0.1') / TCP(sport=80, dport=20000 + i)
isn = lambda i: (i * 7919 * 65537) & 0xffffffff
rsn = lambda i: (i * 104729 * 257 + 5) & 0xffffffff
for i in range(n):
    p = e / c(i); p[TCP].flags = 'S'; p[TCP].seq = isn(i); add(p)
for i in range(n):
    p = r / s(i); p[TCP].flags = 'SA'; p[TCP].seq = rsn(i); p[TCP].ack = isn(i) + 1; add(p)
for i in range(n):
    p = e / c(i) / Raw(b'x' * (i % 50 + 1)); p[TCP].flags = 'PA'
    p[TCP].seq = isn(i) + 1; p[TCP].ack = rsn(i) + 1; add(p)
for i in range(n):
    p = r / s(i); p[TCP].flags = 'A'; p[TCP].seq = rsn(i) + 1
    p[TCP].ack = isn(i) + 2 + i % 50; add(p)
wrpcap(sys.argv[1], frames)
PYEOF
"$RAWCRAFT" decode "$TMP/many.pcap" --json 2>"$TMP/err" | "$PY" -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    a = o.get("tcp_analysis")
    if a:
        print(o["frame"], a["stream"], a["seq"], a["ack"], a["next_seq"], a["acks_frame"] or "")
' >"$TMP/ours"
tshark -n -r "$TMP/many.pcap" -T fields -E separator=' ' -e frame.number -e tcp.stream -e tcp.seq \
	-e tcp.ack -e tcp.nxtseq -e tcp.analysis.acks_frame 2>/dev/null | sed 's/ *$//' >"$TMP/theirs"
sed -i 's/ *$//' "$TMP/ours"
if [ "$(wc -l <"$TMP/ours")" = 1200 ] && cmp -s "$TMP/ours" "$TMP/theirs"; then
	ok "300 interleaved streams: stream, relative seq/ack, next seq and ACKed frame as tshark's (1200 frames)"
else
	not_ok "300 interleaved streams: numbers as tshark's" \
		"$(diff "$TMP/ours" "$TMP/theirs" | head -5 | tr '\n' ' ') $(head -c 200 "$TMP/err")"
fi

# 3. --absolute: the raw numbers, in the line and in JSON.
line=$("$RAWCRAFT" decode "$pcap" --absolute | sed -n 6p)
raw=$("$RAWCRAFT" decode "$pcap" --absolute --json | sed -n 6p | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["tcp_analysis"]["seq"])')
case $line in
*"TCP [SYN, ACK] seq=3796097665 ack=3477341757 "*) [ "$raw" = 3796097665 ] &&
	ok "--absolute: raw seq/ack in the summary and tcp_analysis" ||
	not_ok "--absolute: raw seq in tcp_analysis" "got '$raw'" ;;
*) not_ok "--absolute: raw seq/ack in the summary" "got '$line'" ;;
esac

# 4. A request names its answer when decode reads a file, not from a pipe,
#    which it reads once; the answer names its request in both.
file=$("$RAWCRAFT" decode "$pcap" | sed -n '20,21p')
pipe=$("$RAWCRAFT" decode - <"$pcap" | sed -n '20,21p')
case "$file|$pipe" in
*"request id=0x95e8 seq=1 [answered by #21]"*"[reply to #20, "*"|"*"request id=0x95e8 seq=1"$'\n'*"[reply to #20, "*)
	ok "a request names its answer in a file; from a pipe only the answer names its request" ;;
*) not_ok "a request names its answer in a file, not from a pipe" "file: $file; pipe: $pipe" ;;
esac

# 4b. A named pipe (a shell's <(...)) is read as stdin is: once, in order.
fifo=$("$RAWCRAFT" decode <(cat "$pcap") 2>&1; echo "exit $?")
pipe=$("$RAWCRAFT" decode - <"$pcap" 2>&1; echo "exit $?")
if [ "$fifo" = "$pipe" ] && [ "$(wc -l <<<"$fifo")" -gt 20 ]; then
	ok "a named pipe (<(cat file)) decodes as stdin does"
else
	not_ok "a named pipe (<(cat file)) decodes as stdin does" "$(head -3 <<<"$fifo")"
fi

# 5. The summary at the end holds the conversations a frame was shown of.
udp=$("$RAWCRAFT" decode "$pcap" udp | grep -c '^TCP conversations')
one=$("$RAWCRAFT" decode "$pcap" tcp port 81 | sed -n '/^TCP conversations/,$p')
case "$udp|$one" in
"0|TCP conversations: 1"$'\n'"  stream 1: 10.191.0.1:37008 <-> 10.191.0.2:81, "*"reset (RST)"*)
	ok "the conversation summary holds only the streams shown (none for 'udp', stream 1 for 'tcp port 81')" ;;
*) not_ok "the conversation summary holds only the streams shown" "udp: $udp; tcp port 81: $one" ;;
esac

# 6. README's decode lines are decode's.
shown_are_printed "README" "$(awk '/analysis.sh wants these lines/ { on = 1; next }
	on && /^  ```$/ { if (++fence == 2) exit; next }
	on && /^  [0-9]/ { sub(/^  /, ""); print }' "$ROOT/README.md")"
