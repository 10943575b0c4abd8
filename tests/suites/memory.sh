#!/usr/bin/env bash
# Memory follows what is outstanding, not -c: a million probes in the room
# of a hundred thousand, -c 100000000 under a 600 MB address-space limit
# until SIGINT; the interface deleted mid-run is one line, the summary and
# exit 3; our own frames the capture cannot show are still in -w, in time
# order.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT
case "$R" in *asan*) SAN=1 ;; *) SAN=0 ;; esac
# The sanitizer holds freed memory back (256 MB of quarantine) to catch a
# use after free: that is its RSS, not ours.
[ $SAN = 1 ] && export ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=0"
# limit MB: the words that run a command in MB megabytes of address space;
# the sanitizer reserves terabytes, so for it its allocator's own ceiling.
limit() {
	if [ $SAN = 1 ]; then
		echo env "ASAN_OPTIONS=$ASAN_OPTIONS:allocator_may_return_null=1:max_allocation_size_mb=$1"
	else
		echo prlimit --as=$(($1 * 1000 * 1000))
	fi
}
# peak_rss CMD...: runs CMD (no shell function), its status; its peak RSS
# in KiB on fd 3.
peak_rss() {
	"$PY" -c 'import resource, subprocess, sys
rc = subprocess.call(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=open(3, "w", closefd=False))
sys.exit(rc)' "$@"
}
cat >"$TMP/syn.pkt" <<EOF
eth dst=$MAC_B
ipv4 src=$IP_A dst=$IP_B
tcp sport=random dport=9 flags=S seq=random
EOF
# Sanitized builds run ten times slower: a third of the probes.
BIG=1000000
[ $SAN = 1 ] && BIG=300000
PROBES=(ip netns exec "$NS_A" "$R" send "$TMP/syn.pkt" -i "$IF_A" --interval 0 -t 0.2 --expect tcp)

# 1. A million probes, each answered by B's RST, in the room of a tenth of
#    them (the old code held 55 bytes a probe: 68 MB RSS, and an abort()
#    under a 40 MB limit).
small=$(peak_rss "${PROBES[@]}" -c $((BIG / 10)) 3>&1 >/dev/null 2>&1)
# shellcheck disable=SC2046
big=$(peak_rss $(limit 40) "${PROBES[@]}" -c $BIG 3>&1 >"$TMP/big.out" 2>"$TMP/big.err")
rc=$?
expect_eq "-c $BIG under a 40 MB limit: exit 0" "$rc" 0
if grep -q "^--- $BIG sent, $BIG matched" "$TMP/big.out"; then
	ok "-c $BIG: every probe sent and answered"
else
	not_ok "-c $BIG: the summary" "$(tail -1 "$TMP/big.out") $(head -2 "$TMP/big.err")"
fi
if [ -n "$small" ] && [ -n "$big" ] && [ $((big - small)) -lt 4096 ]; then
	ok "-c $BIG: peak RSS $big KiB, within 4 MiB of -c $((BIG / 10))'s $small KiB"
else
	not_ok "-c $BIG: RSS bounded" "${big:-?} KiB against ${small:-?} KiB for a tenth"
fi

# 2. -c 100000000 under a 600 MB limit runs until SIGINT, then 130 and the
#    summary (the old code asked for 4 GB at once and aborted).
# shellcheck disable=SC2046
$(limit 600) "${PROBES[@]}" -c 100000000 >"$TMP/int.out" 2>"$TMP/int.err" &
pid=$!
sleep 3
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
expect_eq "-c 100000000 under 600 MB, SIGINT: exit 130" "$rc" 130
if grep -qE '^--- [0-9]+ sent, [0-9]+ matched' "$TMP/int.out" && [ ! -s "$TMP/int.err" ]; then
	ok "-c 100000000, SIGINT: the summary, nothing on stderr ($(grep '^---' "$TMP/int.out" | cut -d, -f1))"
else
	not_ok "-c 100000000, SIGINT: the summary" "$(tail -1 "$TMP/int.out") $(head -2 "$TMP/int.err")"
fi

# 3. The interface deleted while frames leave: at most three lines on
#    stderr, the summary, exit 3 - a flood, a paced stream, probes.
relink() {	# a new veth pair in the same namespaces, for the next case
	ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_B" netns "$NS_B" &&
	ip -n "$NS_A" addr add "$IP_A/24" dev "$IF_A" &&
	ip -n "$NS_B" addr add "$IP_B/24" dev "$IF_B" &&
	ip -n "$NS_A" link set "$IF_A" up && ip -n "$NS_B" link set "$IF_B" up &&
	MAC_B=$(ip -n "$NS_B" -br link show "$IF_B" | awk '{print $3}') &&
	sed -i "s/^eth dst=.*/eth dst=$MAC_B/" "$TMP/syn.pkt"
}
gone() {	# NAME ARGS...: A's end of the veth deleted a second in
	local name=$1 pid rc lines
	shift
	in_a timeout 30 "$R" send "$TMP/syn.pkt" -i "$IF_A" "$@" >"$TMP/gone.out" 2>"$TMP/gone.err" &
	pid=$!
	sleep 1
	ip -n "$NS_A" link del "$IF_A"
	wait $pid
	rc=$?
	expect_eq "$name, interface deleted: exit 3" "$rc" 3
	lines=$(wc -l <"$TMP/gone.err")
	if [ "$lines" -ge 1 ] && [ "$lines" -le 3 ]; then
		ok "$name, interface deleted: $lines line(s) on stderr ($(head -1 "$TMP/gone.err"))"
	else
		not_ok "$name, interface deleted: stderr" \
			"$lines lines: $(sort "$TMP/gone.err" | uniq -c | sort -rn | head -3)"
	fi
	if grep -qE '^--- [0-9]+ sent' "$TMP/gone.out"; then
		ok "$name, interface deleted: the summary ($(grep '^---' "$TMP/gone.out" | cut -d'(' -f1))"
	else
		not_ok "$name, interface deleted: the summary" "$(tail -1 "$TMP/gone.out")"
	fi
	relink
}
gone "--flood" --flood -c 100000000 --expect tcp
gone "--flood --cpus 2 -w" --flood --cpus 2 -c 100000000 -w "$TMP/gone.pcap"
gone "--rate 2000" --rate 2000 -c 100000 --expect tcp
gone "probes" -c 100000 --interval 0.005 --expect tcp

# 4. An EtherType nobody decodes is captured one way only: our frames go
#    into -w as built, among B's pings in time order (before: last, with
#    earlier timestamps).
printf 'eth dst=%s type=0x88b5\npayload size=46\n' "$MAC_B" >"$TMP/unknown.pkt"
in_b ping -c 12 -i 0.05 "$IP_A" >/dev/null 2>&1 &
ping_pid=$!
in_a "$R" send "$TMP/unknown.pkt" -i "$IF_A" -c 3 --interval 0.2 -w "$TMP/unknown.pcap" >/dev/null 2>&1
wait $ping_pid
order=$("$PY" - "$TMP/unknown.pcap" <<'PYEOF'
import struct, sys
data = open(sys.argv[1], 'rb').read()
off, last, ours, others, backwards = 24, 0, 0, 0, 0
while off + 16 <= len(data):
    sec, usec, caplen, _ = struct.unpack('<IIII', data[off:off + 16])
    t = sec * 1000000 + usec
    backwards += t < last
    last = max(last, t)
    if data[off + 16 + 12:off + 16 + 14] == b'\x88\xb5':
        ours += 1
    else:
        others += 1
    off += 16 + caplen
print(ours, others > 0, backwards)
PYEOF
)
expect_eq "unknown EtherType -w: our 3 frames among B's pings, none stamped before the one ahead" \
	"$order" "3 True 0"
