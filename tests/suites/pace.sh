#!/usr/bin/env bash
# send --rate without bursts: the peer's capture of a paced stream, binned
# by millisecond, never holds more than twice the rate's share, even after
# a late wake-up (the sender stopped for 30 ms mid-stream), on every send
# path; every frame arrives and the mean rate holds within 2%.  And the
# summary's pps figure: N frames over the time from the first to the last
# are N - 1 intervals.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
lab_queues 2 || not_ok "veth of 2 queues" "could not make it"
R=$RAWCRAFT
case "$R" in *asan*) SLOW=1 ;; *) SLOW=0 ;; esac

printf 'eth dst=02:00:00:00:00:99\nipv4 src=%s dst=%s id=random\ntcp sport=1000..1999 dport=80 %s\n' \
	"$IP_A" "$IP_B" "seq=random flags=S" >"$TMP/vary.pkt"

# bins PCAP: "frames most-in-a-millisecond mean-rate" of a nanosecond pcap,
# the mean over the time from its first frame to its last.
bins() {
	"$PY" - "$1" <<'PYEOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
assert struct.unpack('<I', d[:4])[0] == 0xa1b23c4d, 'not a nanosecond pcap'
ts, off = [], 24
while off + 16 <= len(d):
    s, ns, cap, _ = struct.unpack('<IIII', d[off:off + 16])
    ts.append(s * 1000000000 + ns)
    off += 16 + cap
per_ms = {}
for t in ts:
    per_ms[t // 1000000] = per_ms.get(t // 1000000, 0) + 1
span = ts[-1] - ts[0] if len(ts) > 1 else 0
print(len(ts), max(per_ms.values(), default=0), (len(ts) - 1) * 1000000000 // span if span else 0)
PYEOF
}

# paced RATE ARGS...: RATE frames at --rate RATE, the sender stopped for
# 30 ms 0.4 s in; an ok line when the peer's capture holds them all, no
# millisecond more than 2 * RATE / 1000 and the mean within 2% of RATE.
paced() {
	local rate=$1 pid child td got n most mean err
	shift
	in_b timeout 15 tcpdump -i "$IF_B" -c "$rate" -s 64 -B 65536 \
		--time-stamp-precision=nano -w "$TMP/pace.pcap" 'tcp dst port 80' 2>"$TMP/td.err" &
	td=$!
	for _ in $(seq 50); do grep -qs listening "$TMP/td.err" && break; sleep 0.1; done
	# Not through in_a: $! is then timeout itself (ip netns exec execs it),
	# and rawcraft its one child.
	ip netns exec "$NS_A" timeout 15 "$R" send "$TMP/vary.pkt" --rate "$rate" -c "$rate" \
		--no-expect "$@" >"$TMP/pace.out" &
	pid=$!
	sleep 0.4
	child=$(cat "/proc/$pid/task/$pid/children")
	kill -STOP "$child"; sleep 0.03; kill -CONT "$child"
	wait "$pid"
	wait "$td"
	got=$(bins "$TMP/pace.pcap")
	read -r n most mean <<<"$got"
	err=$(( (mean - rate) * 1000 / rate ))
	if [ "$n" = "$rate" ] && [ "$most" -le $((2 * rate / 1000)) ] && [ "${err#-}" -le 20 ]; then
		ok "--rate $rate $*, stopped 30 ms: all $n frames, at most $most in a millisecond, $mean frames/s"
	else
		not_ok "--rate $rate $*, stopped 30 ms" \
			"$n frames of $rate, $most in a millisecond (most allowed $((2 * rate / 1000))), $mean frames/s"
	fi
}

# 1. Every send path: AF_PACKET past the qdisc, through it, and AF_XDP.
for tx in packet qdisc xdp; do
	for rate in 20000 100000; do
		[ "$SLOW" = 1 ] && [ "$rate" -gt 50000 ] && continue
		paced "$rate" --tx "$tx"
	done
done

# 2. The pps figure is (sent - 1) / elapsed, in the text and in JSON: a
#    pace of 100 over 10 frames is 100, not 111 (the time runs from frame
#    0's due time to the last frame's leaving).
stat() { "$PY" -c "import json,sys; o = json.loads(sys.stdin.read())['stats']; print($1)"; }
# pps_right JSON: "yes" when its pps is (sent - 1) / elapsed: the time is
# whole microseconds, e <= t < e + 1, and the figure rounded (%.0f).
pps_right() {
	stat "'yes' if (o['sent'] - 1) / (o['elapsed_us'] + 1) * 1e6 - 0.5 <= o['pps'] <= \\
		(o['sent'] - 1) / o['elapsed_us'] * 1e6 + 0.5 else \\
		'%d pps, %d sent in %d us' % (o['pps'], o['sent'], o['elapsed_us'])"
}
out=$(in_a "$R" send "$TMP/vary.pkt" --rate 100 -c 10 --no-expect --json)
expect_eq "--rate 100 -c 10 --json: pps is (sent - 1) / elapsed" "$(pps_right <<<"$out")" yes
out=$(in_a "$R" send "$TMP/vary.pkt" --rate 100 -c 10 --no-expect)
want=$("$PY" -c "
import re, sys
m = re.match(r'--- (\d+) sent in ([0-9.]+)s \((\d+) pps', sys.argv[1])
n, secs = int(m.group(1)), float(m.group(2))
# The text's seconds are rounded to ms: the figure lies between the bounds.
lo, hi = (n - 1) / (secs + 0.0005), (n - 1) / (secs - 0.0005)
print('yes' if lo - 0.5 <= int(m.group(3)) <= hi + 0.5 else 'no: ' + sys.argv[1])" "$(head -1 <<<"$out")")
expect_eq "--rate 100 -c 10, text: the pps figure is (sent - 1) over the seconds printed" "$want" yes
out=$(in_a "$R" send "$TMP/vary.pkt" --flood -c 1000 --no-expect --json)
expect_eq "--flood -c 1000 --json: pps is (sent - 1) / elapsed" "$(pps_right <<<"$out")" yes
