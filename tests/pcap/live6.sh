#!/usr/bin/env bash
# tests/pcap/live6.sh OUTDIR - IPv6 captures of the real Linux stack, made
# at test time in a namespace lab (tests/lab.sh's lab_router6: A - R - B,
# R forwarding, MTU 1280 on R - B), so that decode_ipv6_live.sh has traffic
# nobody here wrote.  Needs root; nothing of it is committed.
#
# Writes, from A's side:
#   OUTDIR/live-eth.pcap   tcpdump on A's Ethernet link to R: neighbour
#                          solicitation and advertisement, echo to R's
#                          link-local and global addresses, a 3000-byte echo
#                          in fragments (and its fragmented reply), a TCP
#                          connection to a real HTTP server on B (python3 -m
#                          http.server) and a SYN to a closed port (RST),
#                          UDP to a closed port and B's port unreachable,
#                          packet-too-big from R for a 1400-byte datagram,
#                          time-exceeded from R for hop limit 1, MLD reports
#                          behind hop-by-hop headers
#   OUTDIR/live-sll2.pcap  the same moments from `tcpdump -i any -y
#                          LINUX_SLL2` in A: Linux cooked v2; and a second
#                          link to R made meanwhile: DAD (from ::), router
#                          solicitation, MLD, echo over it
#   OUTDIR/live-vlan.pcap  live-eth.pcap's frames with an 802.1Q tag put in
#                          (this kernel may have no VLAN devices)
#
# Sourced (by tests/suites/decode_ipv6_live.sh), it only defines
# live6_capture OUTDIR, to run inside a lab_router6 lab already up.
# Every wait is bounded; tcpdump and the server are stopped by their PIDs.

# live6_tcpdump NS OUT ARGS...: starts tcpdump in NS, returns once it listens
# (5 s at most); its PID in LIVE6_PID.
live6_tcpdump() {
	local ns=$1 out=$2
	shift 2
	ip netns exec "$ns" tcpdump -Z root -n -U -s 0 -w "$out" "$@" 2>"$out.log" &
	LIVE6_PID=$!
	for _ in $(seq 50); do
		grep -q 'listening on' "$out.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "live6: tcpdump did not start: $(cat "$out.log")" >&2
	return 1
}

live6_capture() {
	local out=$1 port=8086 closed=9 p1 p2 srv rc=0
	local V6A="2001:db8:$LAB_NET:3::1" V6R="2001:db8:$LAB_NET:3::fe"
	local IF_A2="${LAB_ID}A2" IF_R2="${LAB_ID}R2"
	mkdir -p "$out" || return 1
	# Errors every time they are due: no rate limit in R and B.
	in_r sysctl -qw net.ipv6.icmp.ratelimit=0 && in_b sysctl -qw net.ipv6.icmp.ratelimit=0 || return 1
	# A real server on B.
	in_b timeout 60 /usr/bin/python3 -m http.server --bind "$IP6_B" "$port" \
		--directory "$out" >/dev/null 2>&1 &
	srv=$!
	wait_port "$NS_B" "$port" || { echo "live6: no HTTP server on B" >&2; kill "$srv"; return 1; }
	# Nothing in A's neighbour cache: the first frames to R start with NS.
	ip -n "$NS_A" -6 neigh flush dev "$IF_A" 2>/dev/null
	live6_tcpdump "$NS_A" "$out/live-eth.pcap" -i "$IF_A" || { kill "$srv"; return 1; }
	p1=$LIVE6_PID
	live6_tcpdump "$NS_A" "$out/live-sll2.pcap" -i any -y LINUX_SLL2 ||
		{ kill "$p1" "$srv"; return 1; }
	p2=$LIVE6_PID

	in_a ping -6 -n -q -c 2 -i 0.2 -W 1 "$LL_RA%$IF_A" >/dev/null || { echo "live6: no echo from R's link-local" >&2; rc=1; }
	in_a ping -6 -n -q -c 2 -i 0.2 -W 1 "$IP6_RA" >/dev/null || { echo "live6: no echo from R" >&2; rc=1; }
	in_a ping -6 -n -q -c 1 -W 1 -s 3000 "$IP6_RA" >/dev/null || { echo "live6: no fragmented echo" >&2; rc=1; }
	# R answers for B with packet-too-big (the R - B link is 1280), and with
	# time-exceeded for hop limit 1; ping fails both times, as it should.
	in_a ping -6 -n -q -c 1 -W 1 -s 1400 -M "do" "$IP6_B" >/dev/null 2>&1
	in_a ping -6 -n -q -c 1 -W 1 -t 1 "$IP6_B" >/dev/null 2>&1
	# TCP: a whole HTTP exchange with B, then a SYN to a closed port.
	in_a timeout 10 /usr/bin/python3 - "$IP6_B" "$port" "$closed" <<'PYEOF' || { echo "live6: TCP/UDP to B failed" >&2; rc=1; }
import socket, sys, time, urllib.request
host, port, closed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
urllib.request.urlopen('http://[%s]:%d/' % (host, port), timeout=5).read()
try:
    socket.create_connection((host, closed), timeout=2)
    sys.exit('a connection to the closed port %d' % closed)
except ConnectionRefusedError:
    pass
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.sendto(b'anyone there?', (host, closed))
time.sleep(0.3)
PYEOF
	# A second link from A to R, made meanwhile with DAD and router
	# solicitations on: A's kernel sends its DAD probe (from ::), a router
	# solicitation and MLD reports behind hop-by-hop headers on it, which
	# the `-i any` capture sees; then an echo over it.
	ip link add "$IF_A2" netns "$NS_A" type veth peer name "$IF_R2" netns "$NS_R" &&
	in_a sysctl -qw "net.ipv6.conf.$IF_A2.accept_dad=1" "net.ipv6.conf.$IF_A2.dad_transmits=1" \
		"net.ipv6.conf.$IF_A2.accept_ra=1" "net.ipv6.conf.$IF_A2.router_solicitations=1" &&
	ip -n "$NS_A" addr add "$V6A/64" dev "$IF_A2" nodad &&
	ip -n "$NS_R" addr add "$V6R/64" dev "$IF_R2" nodad &&
	ip -n "$NS_R" link set "$IF_R2" up && ip -n "$NS_A" link set "$IF_A2" up &&
	in_a ping -6 -n -q -c 2 -i 0.2 -W 2 "$V6R" >/dev/null ||
		{ echo "live6: no echo over the second link" >&2; rc=1; }
	sleep 3	# DAD (1 s), then the router solicitation (within 1 s more)

	sleep 0.3
	kill "$p1" "$p2" "$srv" 2>/dev/null
	wait "$p1" "$p2" 2>/dev/null
	wait "$srv" 2>/dev/null
	# 802.1Q: the kernel here may have no VLAN devices (this one has none),
	# so the same real frames get a tag (VLAN 100, PCP 5) put in after the
	# MAC addresses: the IPv6 in them is still the kernel's.
	/usr/bin/python3 - "$out/live-eth.pcap" "$out/live-vlan.pcap" <<'PYEOF' || rc=1
import struct, sys
data = open(sys.argv[1], 'rb').read()
magic = data[:4]
e = '<' if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
out = bytearray(data[:24])
i = 24
while i + 16 <= len(data):
    ts1, ts2, incl, orig = struct.unpack(e + 'IIII', data[i:i + 16])
    frame = data[i + 16:i + 16 + incl]
    i += 16 + incl
    tagged = frame[:12] + struct.pack('>HH', 0x8100, 5 << 13 | 100) + frame[12:]
    out += struct.pack(e + 'IIII', ts1, ts2, incl + 4, orig + 4) + tagged
open(sys.argv[2], 'wb').write(out)
PYEOF
	return $rc
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	[ $# = 1 ] || { echo "usage: tests/pcap/live6.sh OUTDIR" >&2; exit 2; }
	out=$(mkdir -p "$1" && cd "$1" && pwd) || exit 3
	here=$(cd "$(dirname "$0")/.." && pwd)
	# shellcheck source=../lab.sh
	. "$here/lab.sh"
	lab_router6 || { echo "live6: could not make the lab (needs root, iproute2, IPv6)" >&2; exit 3; }
	live6_capture "$out" || exit 1
	ls -l "$out"/live-*.pcap
fi
