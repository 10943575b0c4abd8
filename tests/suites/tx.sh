#!/usr/bin/env bash
# send --flood/--rate --tx auto|xdp|packet|qdisc on veths of two queues and
# of one: every frame reaches the peer, the frames on the wire are the
# ones vary writes, the summary names the path, -w and the taps see what
# they must, the pace and a stop hold, a non-root sender still works.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT
stat() { "$PY" -c "import json,sys; o = json.loads(sys.stdin.read())['stats']; print($1)"; }
case "$R" in *asan*) SLOW=1 ;; *) SLOW=0 ;; esac

# Frames the peer's kernel counts and drops (not for its MAC), three
# fields patched per frame, one a range.
printf 'eth dst=02:00:00:00:00:99\nipv4 src=%s dst=%s id=random\ntcp sport=1000..1999 dport=80 %s\n%s\n' \
	"$IP_A" "$IP_B" "seq=random flags=S" "payload size=6" >"$TMP/vary.pkt"

# flood N ARGS...: sends N frames of vary.pkt; "exit peer-count tx senders".
flood() {
	local n=$1 before out rc
	shift
	before=$(lab_rx)
	out=$(in_a timeout 60 "$R" send "$TMP/vary.pkt" --flood -c "$n" --no-expect --json "$@"); rc=$?
	echo "$rc $(( $(lab_rx) - before )) $(stat "o.get('tx'), o['senders']" <<<"$out")"
}

for q in 2 1; do
	lab_queues "$q" || not_ok "veth of $q queues" "could not make it"
	sockets=$q

	# 1. Every frame reaches the peer, and the summary says how they left.
	expect_eq "$q queue(s), --tx xdp -c 100000: exit 0, every frame at the peer, $sockets socket(s)" \
		"$(flood 100000 --tx xdp)" "0 100000 xdp $sockets"
	# auto: AF_XDP with a socket for every sender (one per core), else
	# AF_PACKET's senders, which send more than fewer AF_XDP sockets.
	if [ "$q" -ge "$(nproc)" ]; then auto="xdp $(nproc)"; else auto="packet $(nproc)"; fi
	expect_eq "$q queue(s), --tx auto: $auto" "$(flood 20000 --tx auto)" "0 20000 $auto"
	expect_eq "$q queue(s), no --tx: $auto" "$(flood 20000)" "0 20000 $auto"
	expect_eq "$q queue(s), --tx auto --cpus 1: AF_XDP" "$(flood 20000 --cpus 1)" "0 20000 xdp 1"
	expect_eq "$q queue(s), --tx packet: AF_PACKET, one sender per core" \
		"$(flood 20000 --tx packet)" "0 20000 packet $(nproc)"
	out=$(in_a "$R" send "$TMP/vary.pkt" --flood -c 1000 --no-expect --tx xdp --cpus 1)
	expect_eq "$q queue(s), the summary's line for AF_XDP" "$(sed -n 2p <<<"$out")" \
		"    tx: AF_XDP, 1 socket (copy mode)"

	# 2. The frames on the wire are what vary writes: the same set as show
	#    builds with the same seed, every source port of the range, every
	#    checksum right by tshark.
	in_a "$R" show "$TMP/vary.pkt" -i "$IF_A" -c 3000 --seed 7 -w "$TMP/show.pcap" >/dev/null
	in_b timeout 30 tcpdump -i "$IF_B" -c 3000 -B 16384 -w "$TMP/wire.pcap" 'tcp dst port 80' \
		2>"$TMP/td.err" &
	pid=$!
	for _ in $(seq 50); do grep -qs listening "$TMP/td.err" && break; sleep 0.1; done
	in_a "$R" send "$TMP/vary.pkt" --rate 100000 --cpus 2 -c 3000 --seed 7 --no-expect \
		--tx xdp >/dev/null
	wait "$pid"
	expect_eq "$q queue(s), --tx xdp: the peer captured the 3000 frames show builds" \
		"$(same_frames "$TMP/show.pcap" "$TMP/wire.pcap" any-order)" "3000 3000 3000"
	bad=$(tshark -r "$TMP/wire.pcap" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
		-Y 'ip.checksum.status != 1 || tcp.checksum.status != 1' 2>/dev/null | wc -l)
	ports=$(tshark -r "$TMP/wire.pcap" -T fields -e tcp.srcport 2>/dev/null | sort -u | wc -l)
	expect_eq "$q queue(s), --tx xdp: every checksum right, all 1000 source ports" "$bad $ports" "0 1000"
done

# 3. A veth made without numtxqueues has one per CPU and uses one: AF_XDP
#    binds the queues in use, and no more.
lab_queues || not_ok "veth of the kernel's queues" "could not make it"
expect_eq "a veth of $(nproc) TX queues, 1 in use, --tx xdp: one AF_XDP socket" \
	"$(flood 20000 --tx xdp)" "0 20000 xdp 1"
expect_eq "a veth of $(nproc) TX queues, 1 in use, auto: AF_PACKET's senders" \
	"$(flood 20000)" "0 20000 packet $(nproc)"

# The rest on two queues.
lab_queues 2 || not_ok "veth of 2 queues" "could not make it"

# 4. With -w the frames pass the taps: auto takes the qdisc path, and the
#    file holds every frame.
out=$(in_a "$R" send "$TMP/vary.pkt" --flood -c 20000 --no-expect -w "$TMP/all.pcap" --json)
n=$(tshark -r "$TMP/all.pcap" -Y 'tcp.dstport == 80' 2>/dev/null | wc -l)
expect_eq "-w: the qdisc path, the file holds all 20000 frames" \
	"$(stat "o['tx'], o['capture_dropped']" <<<"$out") $n" "qdisc 0 20000"
out=$(in_a "$R" send "$TMP/vary.pkt" --flood -c 20000 --no-expect --tx qdisc -w "$TMP/q.pcap" --json)
n=$(tshark -r "$TMP/q.pcap" -Y 'tcp.dstport == 80' 2>/dev/null | wc -l)
expect_eq "--tx qdisc -w: the file holds all 20000 frames" \
	"$(stat "o['tx'], o['capture_dropped']" <<<"$out") $n" "qdisc 0 20000"

# 5. A tcpdump on the sender's side sees --tx qdisc, and not --tx packet
#    (nor xdp): they pass by the taps, and by the qdisc.
tapped() {	# ARGS...: frames a tcpdump on A saw of 1000 sent
	in_a timeout 20 tcpdump -i "$IF_A" -c 1000 -w "$TMP/tap.pcap" 'tcp dst port 80' 2>"$TMP/tap.err" &
	local pid=$!
	for _ in $(seq 50); do grep -qs listening "$TMP/tap.err" && break; sleep 0.1; done
	in_a "$R" send "$TMP/vary.pkt" --rate 20000 -c 1000 --no-expect "$@" >"$TMP/tap.out"
	sleep 0.3
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	tshark -r "$TMP/tap.pcap" 2>/dev/null | wc -l
}
expect_eq "--tx qdisc: a tcpdump on the sender sees all 1000" "$(tapped --tx qdisc)" 1000
grep -qx '    tx: AF_PACKET through the qdisc' "$TMP/tap.out" && ok "--tx qdisc: the summary says so" ||
	not_ok "--tx qdisc: the summary" "$(cat "$TMP/tap.out")"
expect_eq "--tx packet: a tcpdump on the sender sees none" "$(tapped --tx packet)" 0
grep -qx '    tx: AF_PACKET, qdisc bypassed' "$TMP/tap.out" && ok "--tx packet: the summary says so" ||
	not_ok "--tx packet: the summary" "$(cat "$TMP/tap.out")"
expect_eq "--tx xdp: a tcpdump on the sender sees none" "$(tapped --tx xdp)" 0
# tc sees them the same way: a pfifo on A counts --tx qdisc's 1000, and
# none of --tx packet's or xdp's.
queued() {	# ARGS...: packets A's root qdisc sent of 1000 frames sent
	local before
	before=$(in_a tc -s qdisc show dev "$IF_A" | awk '/Sent/ { print $4; exit }')
	in_a "$R" send "$TMP/vary.pkt" --rate 20000 -c 1000 --no-expect "$@" >/dev/null
	echo $(( $(in_a tc -s qdisc show dev "$IF_A" | awk '/Sent/ { print $4; exit }') - before ))
}
if in_a tc qdisc add dev "$IF_A" root pfifo; then
	expect_eq "--tx qdisc: tc's counter on the sender counts all 1000" "$(queued --tx qdisc)" 1000
	expect_eq "--tx packet: tc's counter on the sender counts none" "$(queued --tx packet)" 0
	expect_eq "--tx xdp: tc's counter on the sender counts none" "$(queued --tx xdp)" 0
	in_a tc qdisc del dev "$IF_A" root
else
	not_ok "a pfifo on the sender" "tc could not add it"
fi

# 6. What cannot be: exit 2, one line, nothing sent.
before=$(lab_rx)
err=$(in_a "$R" send "$TMP/vary.pkt" --flood -c 5 --tx xdp -w "$TMP/no.pcap" 2>&1 >/dev/null)
expect_eq "--tx xdp -w: exit 2, one line" "$?:$err" \
	"2:rawcraft: error: --tx xdp passes by the taps -w records from: drop -w, or use --tx qdisc"
err=$(in_a "$R" send "$TMP/vary.pkt" --flood -c 5 --tx packet -w "$TMP/no.pcap" 2>&1 >/dev/null)
expect_eq "--tx packet -w: exit 2, one line (its capture would be empty)" "$?:$err" \
	"2:rawcraft: error: --tx packet passes by the taps -w records from: drop -w, or use --tx qdisc"
err=$(in_a "$R" send "$TMP/vary.pkt" -c 5 --tx packet 2>&1 >/dev/null)
expect_eq "--tx without --flood or --rate: exit 2, one line" "$?:$err" \
	"2:rawcraft: error: --tx sets the senders of --flood or --rate"
err=$(in_a "$R" send "$TMP/vary.pkt" --flood -c 5 --tx fast 2>&1 >/dev/null)
expect_eq "--tx fast: exit 2, one line" "$?:$err" \
	"2:rawcraft: error: --tx takes auto, xdp, packet or qdisc, got 'fast'"
expect_eq "refused --tx: nothing sent" "$(( $(lab_rx) - before ))" 0

# 7. The pace holds with AF_XDP, by the peer's counter over a window.
for rate in 10000 200000; do
	[ "$SLOW" = 1 ] && [ "$rate" -gt 50000 ] && continue
	lab_pace "$rate" "$TMP/vary.pkt" --no-expect --tx xdp
done

# 8. SIGINT during an AF_XDP flood: the summary, exit 130.
ip netns exec "$NS_A" "$R" send "$TMP/vary.pkt" --flood -c 100000000 --no-expect --tx xdp \
	>"$TMP/int.out" 2>&1 &
pid=$!
sleep 1
uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")	# ip netns exec is rawcraft by now
kill -INT "$pid" 2>/dev/null
wait "$pid"; rc=$?
expect_eq "--tx xdp as root: nobody while it sends" "$uid" 65534
expect_eq "--tx xdp, SIGINT: exit 130, the summary says so and names AF_XDP" \
	"$rc $(grep -c 'stopped by SIGINT' "$TMP/int.out") $(grep -c 'tx: AF_XDP, 2 sockets' "$TMP/int.out")" \
	"130 1 1"

# 9. A link going down mid-flood: exit 3, and the summary's count is what
#    the kernel took, the failing batch's frames too: at least what the
#    peer received, at most a batch a socket more (dropped going down).
#    down_mid_flood TX NS IF COUNT WHAT [STDERR WORDS]
down_mid_flood() {
	local tx=$1 ns=$2 ifc=$3 count=$4 what=$5 words=${6:-} before rc peer sent pid
	before=$(lab_rx)
	ip netns exec "$NS_A" "$R" send "$TMP/vary.pkt" --flood -c "$count" --no-expect --tx "$tx" \
		--json >"$TMP/down.out" 2>"$TMP/down.err" &
	pid=$!
	sleep 0.5
	ip -n "$ns" link set "$ifc" down
	wait "$pid"; rc=$?
	peer=$(( $(lab_rx) - before ))
	sent=$(stat "o['sent']" <"$TMP/down.out")
	if [ "$rc" = 3 ] && [ "$sent" -ge "$peer" ] && [ "$sent" -le $((peer + 128)) ] &&
		{ [ -z "$words" ] || grep -q "$words" "$TMP/down.err"; }; then
		ok "--tx $tx, $what: exit 3, $sent sent, the peer received $peer"
	else
		not_ok "--tx $tx, $what: the count" \
			"exit $rc, $sent sent, the peer received $peer, $(cat "$TMP/down.err")"
	fi
	ip -n "$ns" link set "$ifc" up
}
down_mid_flood xdp "$NS_A" "$IF_A" 100000000 "link down"
down_mid_flood packet "$NS_A" "$IF_A" 100000000 "link down"
# The peer's end set down: veth drops every frame (AF_XDP's kick says EBUSY
# for each), so they are not counted as sent, and a device that lets
# nothing leave for a second is a fault, as AF_PACKET's ENOBUFS is.
# Before, exit 0 and all 20000000 "sent".
down_mid_flood xdp "$NS_B" "$IF_B" 20000000 "peer down" 'drops every frame'

# 10. The interface deleted mid-flood: one line, the summary, exit 3.
ip netns exec "$NS_A" "$R" send "$TMP/vary.pkt" --flood -c 100000000 --no-expect --tx xdp \
	>"$TMP/gone.out" 2>"$TMP/gone.err" &
pid=$!
sleep 1
ip -n "$NS_A" link del "$IF_A"
wait "$pid"; rc=$?
expect_eq "--tx xdp, interface deleted: exit 3, one line, the summary" \
	"$rc $(wc -l <"$TMP/gone.err") $(grep -c '^--- ' "$TMP/gone.out")" "3 1 1"
grep -q "^rawcraft: error: sending on $IF_A: " "$TMP/gone.err" &&
	ok "--tx xdp, interface deleted: $(cat "$TMP/gone.err")" ||
	not_ok "--tx xdp, interface deleted: the line" "$(cat "$TMP/gone.err")"
lab_queues 2 || not_ok "veth of 2 queues" "could not make it again"

# 11. Not root: nobody with CAP_NET_RAW alone (what setcap gives) sends by
#    AF_XDP; with too little locked memory for a UMEM a sender auto takes
#    AF_PACKET, and --tx xdp sends on fewer queues, or says why and what
#    to do.
if command -v setpriv >/dev/null; then
	chmod 755 "$TMP"	# the template, for nobody to read
	nobody() {	# MEMLOCK ARGS...: flood as nobody; "exit peer-count tx"
		local lim=$1 before out rc
		shift
		before=$(lab_rx)
		out=$(in_a prlimit --memlock="$lim" setpriv --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps=+net_raw --ambient-caps=+net_raw \
			"$R" send "$TMP/vary.pkt" --flood -c 20000 --no-expect --json "$@" 2>"$TMP/nobody.err")
		rc=$?
		echo "$out" >"$TMP/nobody.out"
		echo "$rc $(( $(lab_rx) - before )) $(stat "o.get('tx')" <<<"$out" 2>/dev/null)"
	}
	expect_eq "nobody + CAP_NET_RAW, 8 MiB locked: AF_XDP, every frame" \
		"$(nobody 8388608 --tx xdp)" "0 20000 xdp"
	expect_eq "nobody + CAP_NET_RAW, 64 KiB locked: auto falls back to AF_PACKET" \
		"$(nobody 65536)" "0 20000 packet"
	got=$(nobody 3145728 --tx xdp)
	expect_eq "nobody + CAP_NET_RAW, 3 MiB locked (one 2 MiB UMEM): --tx xdp on one queue" \
		"$got $(stat "o['senders']" <"$TMP/nobody.out")" "0 20000 xdp 1"
	got=$(nobody 3145728)
	expect_eq "nobody + CAP_NET_RAW, 3 MiB locked: auto, AF_PACKET's senders" \
		"$got $(stat "o['senders']" <"$TMP/nobody.out")" "0 20000 packet $(nproc)"
	err=$(in_a setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$R" send "$TMP/vary.pkt" --flood -c 5 --no-expect --tx xdp 2>&1 >/dev/null)
	case "$?:$err" in "3:rawcraft: error: needs CAP_NET_RAW: run as root or setcap"*)
		ok "nobody without capabilities, --tx xdp: exit 3 with the setcap hint" ;;
	*) not_ok "nobody without capabilities, --tx xdp" "$err" ;; esac
	got=$(nobody 65536 --tx xdp)
	expect_eq "nobody, 64 KiB locked, --tx xdp: exit 3, nothing sent" "$got" "3 0 "
	grep -q "^rawcraft: error: cannot send with AF_XDP on $IF_A: .*locked memory.*use --tx packet" \
		"$TMP/nobody.err" && ok "--tx xdp without locked memory: $(cat "$TMP/nobody.err")" ||
		not_ok "--tx xdp without locked memory: the line" "$(cat "$TMP/nobody.err")"
else
	not_ok "non-root sending" "setpriv is missing"
fi
