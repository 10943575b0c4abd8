#!/usr/bin/env bash
# rawcraft send over IPv6 against the real Linux stack in a peer namespace:
# neighbour discovery (NS -> NA, DAD), echo to the link-local and the global
# address, SYN to open and closed ports, UDP to a closed port, the next hop
# found by our own solicitation, JSON keys, tshark's checksums; then through
# a router (lab_router6): the NS for the router, packet-too-big and time
# exceeded matched to the probe they quote.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start6 || exit 0
R=$RAWCRAFT
# tshark_bad PCAP: frames with a checksum tshark finds wrong (TCP, UDP and
# ICMPv6; tshark always checks ICMPv6's; a quoted datagram cut short is
# not verifiable), or "unread" if it complains.
tshark_bad() {
	local err
	err=$(tshark -r "$1" 2>&1 >/dev/null | grep -v '^Running as user')
	[ -n "$err" ] && { echo "unread: $err"; return; }
	tshark -r "$1" -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-Y 'tcp.checksum.status == 0 || udp.checksum.status == 0 || icmpv6.checksum.status == 0' \
		2>/dev/null | wc -l
}
# tx_csum_off NS IF: the kernel computes IF's transmit checksums instead of
# leaving them to an offload a veth never does (ETHTOOL_STXCSUM by ioctl:
# no ethtool here), so the peer's frames in a -w file carry real ones.
tx_csum_off() {
	ip netns exec "$1" "$PY" -c "
import array, fcntl, socket, struct, sys
v = array.array('I', [0x17, 0])
fcntl.ioctl(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), 0x8946,
            struct.pack('16sP', sys.argv[1].encode(), v.buffer_info()[0]))" "$2"
}
# protos PCAP: tshark's Info column, one frame a line, trimmed to its kind.
infos() { tshark -r "$1" -T fields -e _ws.col.Info 2>/dev/null | sed 's/ for .*//; s/ id=.*//; s/ *\[.*//'; }

tx_csum_off "$NS_B" "$IF_B" || not_ok "peer checksums" "could not turn off the offload on $IF_B"

# A real TCP server in the peer on 9230 (IPv6); 9231 stays closed.
in_b "$PY" -c "
import socket, time
s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('::', 9230)); s.listen(4096); time.sleep(120)" &
server=$!
wait_port "$NS_B" 9230 || not_ok "peer server" "port 9230 never listened"

# 1. Neighbour solicitation, dst left out (solicited-node), answered by the
#    peer kernel's NA: solicited and override, its MAC as tll.
printf 'ipv6\nicmp6 type=neighbor-solicit target=%s opts=sll:auto\n' "$IP6_B" >"$TMP/ns.pkt"
out=$(in_a "$R" send "$TMP/ns.pkt" --expect 'icmp6 type=neighbor-advert' --json); rc=$?
got=$(json_get received "o['icmp6']['target'], o['icmp6']['flags'], o['icmp6']['opts']" <<<"$out")
dst=$(json_get sent "o['ipv6']['dst'], o['ipv6']['hlim'], o['eth']['dst']" <<<"$out")
expect_eq "NS without dst: sent to the solicited-node group, hop limit 255" "$dst" \
	"ff02::1:ff00:2 255 33:33:ff:00:00:02"
expect_eq "NS: the peer's NA for the target, flags S and O, its MAC as tll" "$rc:$got" \
	"0:$IP6_B SO tll:$MAC_B"
out=$(in_a "$R" send "$TMP/ns.pkt" --expect 'icmp6 type=neighbor-advert'); rc=$?
case "$rc:$out" in *"< $IP6_B > $LL_A ICMPv6 Neighbor Advertisement $IP6_B (sol, ovr) is at $MAC_B"*) ok "NS: the NA printed as Wireshark's Info" ;;
*) not_ok "NS: the NA printed as Wireshark's Info" "exit $rc: $out" ;; esac

# 1b. Duplicate address detection: from ::, no options; the peer owns the
#     address and answers to all-nodes, not solicited.
printf 'ipv6 src=::\nicmp6 type=neighbor-solicit target=%s\n' "$IP6_B" >"$TMP/dad.pkt"
out=$(in_a "$R" send "$TMP/dad.pkt" --expect 'icmp6 type=neighbor-advert' --json); rc=$?
got=$(json_get received "o['ipv6']['dst'], o['icmp6']['target'], o['icmp6']['flags']" <<<"$out")
expect_eq "DAD NS from ::: the peer's NA to ff02::1 (flags O, not S)" "$rc:$got" "0:ff02::1 $IP6_B O"
printf 'ipv6 src=::\nicmp6 type=neighbor-solicit target=2001:db8:%s::77\n' "$LAB_NET" >"$TMP/dad2.pkt"
out=$(in_a "$R" send "$TMP/dad2.pkt" --expect 'icmp6 type=neighbor-advert' -t 300ms); rc=$?
expect_eq "DAD NS for an address nobody owns: no NA, exit 1" "$rc" 1

# 2. Echo to the link-local and to the global address: the reply carries our id and seq.
for to in "$LL_B" "$IP6_B"; do
	printf 'ipv6 dst=%s\nicmp6 type=echo-request id=0x4d seq=5\npayload text="abc"\n' "$to" >"$TMP/echo.pkt"
	out=$(in_a "$R" send "$TMP/echo.pkt" --expect 'icmp6 type=echo-reply' --json); rc=$?
	got=$(json_get received "o['ipv6']['src'], o['icmp6']['id'], o['icmp6']['seq'], o['payload']['text']" <<<"$out")
	src=$(json_get sent "o['ipv6']['src']" <<<"$out")
	want_src=$IP6_A; [ "$to" = "$LL_B" ] && want_src=$LL_A
	expect_eq "echo to $to: from $want_src, the reply with id and seq" "$rc:$src:$got" "0:$want_src:$to 77 5 abc"
done
# An echo reply with another seq does not answer it (keys by id and seq).
printf 'ipv6 dst=%s\nicmp6 type=echo-request id=0x4d seq=5\n' "$IP6_B" >"$TMP/echo.pkt"
out=$(in_a "$R" send "$TMP/echo.pkt" --expect 'icmp6 type=echo-reply seq=6' -t 300ms); rc=$?
case "$rc:$out" in "1:"*"icmp6.seq: got 5, wanted 6"*) ok "echo: a reply is checked field by field (--expect icmp6 seq)" ;;
*) not_ok "echo: a reply is checked field by field (--expect icmp6 seq)" "exit $rc: $out" ;; esac

# 3. SYN to the open port: SYN/ACK acking seq + 1; to the closed one: RST/ACK.
for port in 9230 9231; do
	printf 'ipv6 dst=%s\ntcp dport=%s flags=S\n' "$IP6_B" "$port" >"$TMP/syn$port.pkt"
done
out=$(in_a "$R" send "$TMP/syn9230.pkt" --expect 'tcp flags=SA|RA' --json); rc=$?
seq=$(json_get sent "o['tcp']['seq']" <<<"$out")
got=$(json_get received "o['tcp']['flags'], o['tcp']['ack'], o['tcp']['csum_status']" <<<"$out")
expect_eq "SYN to an open port: SYN/ACK acks seq + 1" "$rc:$got" "0:SA $(( (seq + 1) % 4294967296 )) correct"
out=$(in_a "$R" send "$TMP/syn9231.pkt" --expect 'tcp flags=SA|RA' --json); rc=$?
got=$(json_get received "o['tcp']['flags']" <<<"$out")
expect_eq "SYN to a closed port: RST/ACK" "$rc:$got" "0:RA"
out=$(in_a "$R" send "$TMP/syn9231.pkt"); rc=$?
case "$rc:$out" in "0:"*"< [$IP6_B]:9231 > [$IP6_A]:"*"TCP [RST, ACK]"*) ok "TCP over IPv6 printed as [addr]:port" ;;
*) not_ok "TCP over IPv6 printed as [addr]:port" "exit $rc: $out" ;; esac

# 4. UDP to a closed port: port unreachable, matched to its probe by the
#    datagram it quotes, shown in the summary.
printf 'ipv6 dst=%s\nudp sport=40001 dport=9999\npayload text="x"\n' "$IP6_B" >"$TMP/udp.pkt"
out=$(in_a "$R" send "$TMP/udp.pkt" --expect 'icmp6 type=dest-unreach code=4'); rc=$?
case "$rc:$out" in "0:"*"< $IP6_B > $IP6_A ICMPv6 Destination Unreachable (Port unreachable) for [$IP6_A]:40001 > [$IP6_B]:9999 UDP len=1"*)
	ok "UDP to a closed port: port unreachable quoting the datagram" ;;
*) not_ok "UDP to a closed port: port unreachable quoting the datagram" "exit $rc: $out" ;; esac
printf 'ipv6 dst=%s\nudp sport=40001..40003 dport=9999\npayload text="x"\n' "$IP6_B" >"$TMP/udp3.pkt"
out=$(in_a "$R" send "$TMP/udp3.pkt" --interval 0 --expect icmp6 -t 1s); rc=$?
pairs=$(sed -n 's/^< .* for \[[^]]*\]:\(4000[0-9]\) .*probe=\([0-9]*\).*/\1:\2/p' <<<"$out" | sort | tr '\n' ' ')
expect_eq "three UDP probes: three port unreachables, each to the probe it quotes" "$rc:$pairs" \
	"0:40001:1 40002:2 40003:3 "
# The quoted datagram in JSON: ipv6 and udp again after icmp6.
out=$(in_a "$R" send "$TMP/udp.pkt" --expect 'icmp6 type=dest-unreach' --json)
got=$(json_get received "' '.join(o['layers']), o['icmp6']['type'], o['icmp6']['code'], o['ipv62']['dst'], o['udp']['dport']" <<<"$out")
expect_eq "JSON of port unreachable: the layers, icmp6 type/code, the quoted ipv6 and udp" "$got" \
	"eth ipv6 icmp6 ipv6 udp payload 1 4 $IP6_B 9999"

# 5. JSON keys of the ipv6 and icmp6 layers of a matched reply.
printf 'ipv6 dst=%s\nicmp6 type=echo-request id=9 seq=1\n' "$IP6_B" >"$TMP/echo.pkt"
out=$(in_a "$R" send "$TMP/echo.pkt" --expect 'icmp6 type=echo-reply' --json)
got=$(json_get received "' '.join(sorted(o['ipv6'])), '/', ' '.join(sorted(o['icmp6']))" <<<"$out")
expect_eq "JSON keys: ipv6 and icmp6 of an echo reply" "$got" \
	"dscp dst ecn flow hlim nh offset plen src tc ver / code csum csum_status id offset seq type"

# 6. The next hop by our own NS: the -w file holds our NS, the NA, then the
#    probe and its reply; tshark reads every frame with good checksums.
in_a ip -6 neigh flush dev "$IF_A"
printf 'ipv6 dst=%s\nicmp6 type=echo-request\n' "$IP6_B" >"$TMP/echo.pkt"
in_a "$R" send "$TMP/echo.pkt" --expect 'icmp6 type=echo-reply' -w "$TMP/nh.pcap" >/dev/null
expect_eq "-w: our NS for the peer, its NA, then the echo and its reply" \
	"$(infos "$TMP/nh.pcap" | tr '\n' '|')" \
	"Neighbor Solicitation|Neighbor Advertisement $IP6_B (sol, ovr) is at $MAC_B|Echo (ping) request|Echo (ping) reply|"
ns_dst=$(tshark -r "$TMP/nh.pcap" -c 1 -T fields -e ipv6.dst -e icmpv6.nd.ns.target_address -e icmpv6.opt.linkaddr 2>/dev/null)
expect_eq "-w: the NS is to the solicited-node group, for the peer, with our MAC" "$ns_dst" \
	"ff02::1:ff00:2	$IP6_B	$MAC_A"
expect_eq "-w of the lookup: tshark finds every checksum good" "$(tshark_bad "$TMP/nh.pcap")" 0
for p in ns:icmp6 dad:icmp6 syn9230:tcp syn9231:tcp udp:icmp6; do
	want=${p#*:} p=${p%:*}
	in_a "$R" send "$TMP/$p.pkt" --expect "$want" -t 500ms -w "$TMP/$p.pcap" >/dev/null
	n=$(tshark -r "$TMP/$p.pcap" 2>/dev/null | wc -l)
	expect_eq "-w of $p: $n frames, tshark finds every checksum good" "$(tshark_bad "$TMP/$p.pcap")" 0
done

# 7. A next hop that does not answer: exit 1 after the wait, says so.
printf 'ipv6 dst=2001:db8:%s::77\nicmp6 type=echo-request\n' "$LAB_NET" >"$TMP/gone.pkt"
out=$(in_a "$R" send "$TMP/gone.pkt" --expect icmp6 2>&1); rc=$?
case "$rc:$out" in "1:rawcraft: error: no neighbour advertisement from 2001:db8:$LAB_NET::77 within 1s"*)
	ok "next hop silent: exit 1, no neighbour advertisement" ;;
*) not_ok "next hop silent: exit 1, no neighbour advertisement" "exit $rc: $out" ;; esac

kill "$server"; wait "$server" 2>/dev/null || true	# its TERM is ours
lab_down; mkdir -p "$TMP"	# lab_down takes $TMP with it
# --- through a router --------------------------------------------------------
lab_start_router6 || exit 0
for i in "$NS_R $IF_RA" "$NS_R $IF_RB" "$NS_B $IF_B"; do
	# shellcheck disable=SC2086
	tx_csum_off $i || not_ok "router lab checksums" "could not turn off the offload on $i"
done
in_b "$PY" -c "
import socket, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(('::', 7))
while True:
    d, p = s.recvfrom(4096); s.sendto(d, p)" &
server=$!
sleep 0.3

# 8. A destination off the link: the NS is for the router's address, and
#    the echo goes to the router's MAC.
printf 'ipv6 dst=%s\nicmp6 type=echo-request\n' "$IP6_B" >"$TMP/far.pkt"
out=$(in_a "$R" send "$TMP/far.pkt" --expect 'icmp6 type=echo-reply' -w "$TMP/far.pcap" --json); rc=$?
expect_eq "via a router: the echo reply from B" "$rc:$(json_get received "o['ipv6']['src'], o['ipv6']['hlim']" <<<"$out")" "0:$IP6_B 63"
expect_eq "via a router: the NS is for the router, the echo to its MAC" \
	"$(tshark -r "$TMP/far.pcap" -T fields -e icmpv6.nd.ns.target_address -e eth.dst 2>/dev/null | sed -n '1p;3p' | tr '\t\n' ' |')" \
	"$IP6_RA 33:33:ff:00:00:fe| $MAC_RA|"
expect_eq "via a router: tshark finds every checksum good" "$(tshark_bad "$TMP/far.pcap")" 0

# 9. 1400 bytes over a 1280-byte link: packet-too-big from R, matched to the
#    probe it quotes (UDP by its ports, echo by its id and seq).
printf 'ipv6 dst=%s\nudp sport=40100 dport=7\npayload size=1400\n' "$IP6_B" >"$TMP/bigu.pkt"
printf 'ipv6 dst=%s\nicmp6 type=echo-request id=0x77 seq=2\npayload size=1400\n' "$IP6_B" >"$TMP/bige.pkt"
out=$(in_a "$R" send "$TMP/bigu.pkt" --expect 'icmp6 type=packet-too-big mtu=1280' -w "$TMP/bigu.pcap" --json); rc=$?
got=$(json_get received "o['ipv6']['src'], o['icmp6']['mtu'], o['ipv62']['plen'], o['udp']['sport']" <<<"$out")
expect_eq "1400-byte UDP: packet-too-big from the router, MTU 1280, quoting it" "$rc:$got" "0:$IP6_RA 1280 1408 40100"
out=$(in_a "$R" send "$TMP/bige.pkt" --expect 'icmp6 type=packet-too-big mtu=1280'); rc=$?
case "$rc:$out" in "0:"*"< $IP6_RA > $IP6_A ICMPv6 Packet Too Big for $IP6_A > $IP6_B ICMPv6 Echo (ping) request id=0x0077, seq=2"*)
	ok "1400-byte echo: packet-too-big matched to the echo it quotes" ;;
*) not_ok "1400-byte echo: packet-too-big matched to the echo it quotes" "exit $rc: $out" ;; esac
expect_eq "packet-too-big -w: tshark finds every checksum good" "$(tshark_bad "$TMP/bigu.pcap")" 0
# A small datagram passes: the echo server answers.
printf 'ipv6 dst=%s\nudp sport=40101 dport=7\npayload text="hello"\n' "$IP6_B" >"$TMP/smallu.pkt"
out=$(in_a "$R" send "$TMP/smallu.pkt" --expect 'udp' --json); rc=$?
expect_eq "small UDP through the router: echoed by B" "$rc:$(json_get received "o['payload']['text']" <<<"$out")" "0:hello"

# 10. Hop limit 1: time exceeded from the router, matched.
printf 'ipv6 dst=%s hlim=1\nudp sport=40200 dport=33434\n' "$IP6_B" >"$TMP/hl.pkt"
out=$(in_a "$R" send "$TMP/hl.pkt" --expect 'icmp6 type=time-exceeded code=0' --json); rc=$?
got=$(json_get received "o['ipv6']['src'], o['ipv62']['hlim'], o['udp']['sport']" <<<"$out")
expect_eq "hlim=1: time exceeded from the router, quoting the probe" "$rc:$got" "0:$IP6_RA 1 40200"
printf 'ipv6 dst=%s hlim=1\nicmp6 type=echo-request id=5 seq=9\n' "$IP6_B" >"$TMP/hle.pkt"
out=$(in_a "$R" send "$TMP/hle.pkt" --expect 'icmp6 type=time-exceeded'); rc=$?
case "$rc:$out" in "0:"*"Time Exceeded (hop limit exceeded in transit) for $IP6_A > $IP6_B ICMPv6 Echo (ping) request id=0x0005, seq=9"*)
	ok "hlim=1 echo: time exceeded matched to the echo it quotes" ;;
*) not_ok "hlim=1 echo: time exceeded matched to the echo it quotes" "exit $rc: $out" ;; esac
kill "$server"; wait "$server" 2>/dev/null || true	# its TERM is ours
