#!/usr/bin/env bash
# send --flood, --rate and -c over IPv6 against a real peer: frames patched
# per frame over IPv6 fields (addresses, flow label, ports, ICMPv6 ids) equal
# whole builds and carry checksums tshark finds right (RFC 1624 over the
# IPv6 pseudo-header); sweeps of ports and of destinations classify every
# target as IPv4's do, the next hops of a destination sweep looked up at once.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start6 || exit 0
R=$RAWCRAFT
rx() { in_b cat "/sys/class/net/$IF_B/statistics/rx_packets"; }
P="2001:db8:$LAB_NET:"
# bad_sums PCAP: frames without a TCP, UDP or ICMPv6 checksum tshark finds
# right (every frame here has one of them).
bad_sums() {
	local all good
	all=$(tshark -r "$1" 2>/dev/null | wc -l)
	good=$(tshark -r "$1" -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-Y 'tcp.checksum.status == 1 || udp.checksum.status == 1 || icmpv6.checksum.status == 1' \
		2>/dev/null | wc -l)
	echo $((all - good))
}

# 1. Patched frames over IPv6 fields, to a MAC nobody owns: 3000 each equal
#    3000 whole builds with the same seed, every checksum right by tshark.
cat >"$TMP/tcp.pkt" <<EOF
eth dst=02:00:00:00:00:99
ipv6 src=random dst=$IP6_B flow=random hlim=random
tcp sport=1000..1999 dport=80 seq=random flags=S
payload size=6
EOF
cat >"$TMP/udp.pkt" <<EOF
eth dst=02:00:00:00:00:99
ipv6 dst=${P}:1..${P}:20 flow=random
udp sport=1000..1010 dport=53
payload size=6
EOF
cat >"$TMP/icmp.pkt" <<EOF
eth dst=02:00:00:00:00:99
ipv6 src=random dst=$IP6_B
icmp6 type=echo-request id=1..500 seq=random
payload size=10
EOF
# The -w file may hold the hosts' own IPv6 chatter too (MLD reports): only
# the stream's frames are compared.
for p in tcp:tcp udp:udp icmp:icmpv6.type==128; do
	only=${p#*:} p=${p%%:*}
	out=$(in_a "$R" send "$TMP/$p.pkt" -i "$IF_A" --rate 100000 -c 3000 --seed 9 --no-expect \
		-w "$TMP/all-$p.pcap" --json); rc=$?
	tshark -r "$TMP/all-$p.pcap" -Y "$only" -w "$TMP/$p.pcap" -F pcap 2>/dev/null
	path=$("$PY" -c "import json,sys; print(json.loads(sys.stdin.read().splitlines()[-1])['stats']['path'])" <<<"$out")
	in_a "$R" show "$TMP/$p.pkt" -i "$IF_A" -c 3000 --seed 9 -w "$TMP/show-$p.pcap" >/dev/null
	expect_eq "IPv6 $p stream: patched, not rebuilt" "$rc:$path" "0:patched"
	expect_eq "IPv6 $p stream: 3000 patched frames equal 3000 whole builds" \
		"$(same_frames "$TMP/show-$p.pcap" "$TMP/$p.pcap")" "3000 3000 3000"
	expect_eq "IPv6 $p stream: tshark finds every checksum right" "$(bad_sums "$TMP/$p.pcap")" 0
done
expect_eq "IPv6 tcp stream: sport cycles 1000..1999, 3000 distinct sources" \
	"$(tshark -r "$TMP/tcp.pcap" -T fields -e tcp.srcport 2>/dev/null | sort -un | sed -n '1p;$p' | tr '\n' ' ')$(tshark -r "$TMP/tcp.pcap" -T fields -e ipv6.src 2>/dev/null | sort -u | wc -l)" \
	"1000 1999 3000"
expect_eq "IPv6 udp stream: dst cycles over ${P}:1..${P}:20" \
	"$(tshark -r "$TMP/udp.pcap" -T fields -e ipv6.dst 2>/dev/null | sort -u | wc -l)" 32

# 2. A flood of 100000 IPv6 frames: every one reaches the peer.
before=$(rx)
out=$(in_a timeout 60 "$R" send "$TMP/tcp.pkt" -i "$IF_A" --flood -c 100000 --json); rc=$?
after=$(rx)
expect_eq "IPv6 flood -c 100000: exit 0, the peer received 100000 frames" "$rc:$((after - before))" "0:100000"

# 3. A SYN sweep of 5000 ports over IPv6: 2 open, the rest closed, none lost,
#    the same summary as IPv4's.
in_b "$PY" -c "
import socket, time
ss = []
for p in (22, 80):
    s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('::', p)); s.listen(4096); ss.append(s)
time.sleep(120)" &
server=$!
wait_port "$NS_B" 80 || not_ok "peer server" "port 80 never listened"
printf 'ipv6 dst=%s\ntcp dport=1..5000 flags=S\nexpect tcp flags=SA|RA\n' "$IP6_B" >"$TMP/sweep.pkt"
out=$(in_a timeout 60 "$R" send "$TMP/sweep.pkt" --flood); rc=$?
expect_eq "IPv6 SYN sweep: exit 0, 5000 targets all answered" \
	"$rc:$(grep -o '5000 targets: [0-9]* answered, [0-9]* no answer' <<<"$out")" \
	"0:5000 targets: 5000 answered, 0 no answer"
expect_eq "IPv6 SYN sweep: the open ports" "$(grep 'tcp flags=SA' <<<"$out" | awk '{print $3, $4, $5}')" \
	"2 tcp dport=22,80"
expect_eq "IPv6 SYN sweep: the closed ports" "$(grep 'tcp flags=RA' <<<"$out" | awk '{print $3, $4, $5}')" \
	"4998 tcp dport=1-21,23-79,81-5000"

# 4. UDP to closed ports at a rate: ICMPv6 port unreachable classes (type and
#    code), each matched to its probe by the quoted datagram.  Linux limits
#    the ICMPv6 errors it sends (per destination, and for all): off in B.
in_b sysctl -qw net.ipv6.icmp.ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000 net.ipv4.icmp_msgs_burst=10000
printf 'ipv6 dst=%s\nudp sport=40000 dport=3000..3099\nexpect icmp6 type=dest-unreach\n' "$IP6_B" >"$TMP/udpsweep.pkt"
out=$(in_a "$R" send "$TMP/udpsweep.pkt" --rate 1000); rc=$?
expect_eq "IPv6 UDP sweep: 100 port unreachables, classed icmp6 type/code" \
	"$rc:$(grep 'icmp6 type=' <<<"$out" | awk '{print $1, $2, $3, $4, $5, $6}')" \
	"0:icmp6 type=dest-unreach code=4 100 udp dport=3000-3099"

# 5. A sweep over destinations: the next hops looked up at once - one NS
#    each, all before the first probe - the peer's three addresses answer
#    the echo, the others have no next hop; -w holds every frame once.
for a in 5 9; do in_b ip addr add "${P}:$a/64" dev "$IF_B" nodad; done
printf 'ipv6 dst=%s:2..%s:40\nicmp6 type=echo-request\nexpect icmp6 type=echo-reply\n' "$P" "$P" >"$TMP/hosts.pkt"
start=$(date +%s%N)
out=$(in_a timeout 30 "$R" send "$TMP/hosts.pkt" --rate 1000 -t 500ms -w "$TMP/hosts.pcap"); rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "destination sweep: exit 1 (most have no next hop)" "$rc" 1
expect_eq "destination sweep: 63 targets, the peer's three addresses answer" \
	"$(grep -o '[0-9]* targets' <<<"$out"):$(grep 'icmp6 type=echo-reply' <<<"$out" | awk '{print $3, $4, $5}')" \
	"63 targets:3 ipv6 dst=${P}:2,${P}:5,${P}:9"
expect_eq "destination sweep: the rest have no neighbour advertisement" \
	"$(grep -o 'no answer (no neighbour advertisement) *[0-9]*' <<<"$out" | awk '{print $NF}')" 60
# One lookup wait for all: 60 silent next hops one by one would take 60 s.
if [ "$ms" -lt 5000 ]; then ok "destination sweep: the 60 silent next hops cost one wait (${ms} ms)"
else not_ok "destination sweep: one wait for the silent next hops" "took ${ms} ms"; fi
kinds=$(tshark -r "$TMP/hosts.pcap" -T fields -e icmpv6.type 2>/dev/null | sort | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' ')
# Each silent next hop is solicited 3 times (as the kernel does), the others once.
expect_eq "destination sweep -w: 3 + 60 x 3 NS, 3 NA, 3 echoes, 3 replies" "$kinds" "128:3 129:3 135:183 136:3 "
first_echo=$(tshark -r "$TMP/hosts.pcap" -T fields -e frame.number -e icmpv6.type 2>/dev/null | awk '$2 == 128 {print $1; exit}')
last_ns=$(tshark -r "$TMP/hosts.pcap" -T fields -e frame.number -e icmpv6.type 2>/dev/null | awk '$2 == 135 {n = $1} END {print n}')
[ -n "$first_echo" ] && [ "$last_ns" -lt "$first_echo" ] && ok "destination sweep -w: every NS before the first probe" ||
	not_ok "destination sweep -w: every NS before the first probe" "last NS $last_ns, first echo $first_echo"
expect_eq "destination sweep -w: tshark finds every checksum right" "$(bad_sums "$TMP/hosts.pcap")" 0
# The classes' counts in one column, past the longest name.
expect_eq "destination sweep: the counts aligned past 'no answer (no neighbour advertisement)'" \
	"$("$PY" -c '
import re, sys
ms = [m for m in (re.match(r"^    \S.*? +(\d+)  ", l) for l in sys.stdin) if m]
print(len(ms), "lines,", len({m.end(1) for m in ms}), "column")' <<<"$(grep -E '^    (icmp6|no answer)' <<<"$out")")" \
	"2 lines, 1 column"
json=$(in_a timeout 30 "$R" send "$TMP/hosts.pkt" --rate 1000 -t 500ms --json | tail -1)
expect_eq "destination sweep JSON: 60 in the class why no neighbour advertisement" \
	"$("$PY" -c '
import json, sys
o = json.loads(sys.argv[1])
c = [k for k in o["classes"] if k.get("why") == "no neighbour advertisement"]
print(o["stats"]["unanswered"], c[0]["count"], c[0]["reply"])' "$json")" "60 60 None"
# Probes one by one: the same targets not sent to, in the stats line.
out=$(in_a timeout 30 "$R" send "$TMP/hosts.pkt" --interval 1ms -t 500ms); rc=$?
expect_eq "destination probes: exit 1, 3 matched, 60 no answer (no neighbour advertisement)" \
	"$rc:$(grep -o '^--- .*(no neighbour advertisement)' <<<"$out")" \
	"1:--- 3 sent, 3 matched, 0 lost (0.0% loss), 60 no answer (no neighbour advertisement)"
json=$(in_a timeout 30 "$R" send "$TMP/hosts.pkt" --interval 1ms -t 500ms --json | tail -1)
expect_eq "destination probes JSON: sent 3, matched 3, no_neighbour_advertisement 60" \
	"$("$PY" -c 'import json, sys; o = json.loads(sys.argv[1])["stats"]; print(o["sent"], o["matched"], o["no_neighbour_advertisement"])' "$json")" "3 3 60"

# 6. A tagged next hop over IPv6: a host on VLAN 100 (a user-space responder)
#    answers tagged solicitations only; the lookup's NS carries the tag.
in_b timeout 20 "$PY" "$TESTS_DIR/vlan_responder.py" "$IF_B" "${P}:50" "$MAC_B" 100 15 &
responder=$!
sleep 1
printf 'eth\nvlan id=100\nipv6 dst=%s:50\nicmp6 type=echo-request\n' "$P" >"$TMP/v6.pkt"
out=$(in_a timeout 10 "$R" send "$TMP/v6.pkt" -t 500ms -w "$TMP/v6.pcap" 2>&1); rc=$?
expect_eq "vlan id=100 over IPv6: the tagged NS answered, the echo sent (exit 0)" \
	"$rc:$(tcpdump -enr "$TMP/v6.pcap" 'vlan 100 and icmp6' 2>/dev/null | grep -c 'neighbor advertisement')" "0:1"
printf 'eth\nipv6 dst=%s:50\nicmp6 type=echo-request\n' "$P" >"$TMP/u6.pkt"
out=$(in_a timeout 10 "$R" send "$TMP/u6.pkt" -t 500ms 2>&1); rc=$?
case "$rc:$out" in 1:*"no neighbour advertisement from ${P}:50"*) ok "untagged over IPv6: the tagged host does not answer (exit 1)" ;;
*) not_ok "untagged over IPv6: the tagged host does not answer" "exit $rc: $out" ;; esac
kill "$responder" 2>/dev/null; wait "$responder" 2>/dev/null
kill "$server"; wait "$server" 2>/dev/null || true	# its TERM is ours
