#!/usr/bin/env bash
# send --fragment over IPv6 against the real Linux stack in a peer
# namespace: a Fragment header after the unfragmentable part (behind a
# Hop-by-Hop header too), the peer reassembles and answers, its reply cut
# at MTU 1500 is reassembled and matched, tshark finds every checksum
# right; a UDP datagram reaches a socket whole.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start6 || exit 0
R=$RAWCRAFT
counter() { in_b nstat -asz "$1" | awk -v n="$1" '$1 == n { print $2 }'; }

printf 'ipv6 dst=%s\nicmp6 type=echo-request seq=1\npayload size=3000\n' "$IP6_B" >"$TMP/echo.pkt"
fails0=$(counter Ip6ReasmFails) oks0=$(counter Ip6ReasmOKs) csum0=$(counter Icmp6InCsumErrors)
out=$(in_a "$R" send "$TMP/echo.pkt" --fragment 1024 --fragment-order random \
	--expect 'ipv6 plen=3008; icmp6 type=echo-reply' -w "$TMP/echo.pcap" 2>&1); rc=$?
case "$rc:$out" in
"0:> $IP6_A > $IP6_B ICMPv6 Echo (ping) request id="*"< $IP6_B > $IP6_A ICMPv6 Echo (ping) reply id="*) ok "IPv6: a 3000-byte echo in fragments of 1024, random order: answered and matched" ;;
*) not_ok "IPv6: a 3000-byte echo in fragments of 1024" "exit $rc: $out" ;; esac
expect_eq "the peer reassembled it: Ip6ReasmOKs +1, Ip6ReasmFails and Icmp6InCsumErrors unchanged" \
	"$(( $(counter Ip6ReasmOKs) - oks0 )) $(counter Ip6ReasmFails) $(counter Icmp6InCsumErrors)" \
	"1 $fails0 $csum0"
ids=$(tshark -r "$TMP/echo.pcap" -Y "ipv6.src == $IP6_A && ipv6.fraghdr" -T fields \
	-e ipv6.fraghdr.ident 2>/dev/null | sort | uniq -c | awk '{ print $1 }')
expect_eq "our three fragments share one id" "$ids" 3
sums=$(tshark -r "$TMP/echo.pcap" -T fields -e icmpv6.type -e icmpv6.checksum.status 2>/dev/null |
	awk -F'\t' '$1 == 128 || $1 == 129' | tr '\t\n' ' ;')
expect_eq "tshark: both echoes reassembled, their ICMPv6 checksums right" "$sums" "128 1;129 1;"
expect_eq "the peer's reply came back in fragments" \
	"$(tshark -r "$TMP/echo.pcap" -Y "ipv6.src == $IP6_B && ipv6.fraghdr" 2>/dev/null | wc -l)" 3

# UDP behind a Hop-by-Hop header: the header before the Fragment header,
# the socket reads the datagram whole.
in_b "$PY" -c "
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(('::', 9301)); s.settimeout(10)
try:
    d, _ = s.recvfrom(65535); open(sys.argv[1], 'w').write('%d' % len(d))
except socket.timeout:
    open(sys.argv[1], 'w').write('timeout')" "$TMP/udp.out" &
udp=$!
for _ in $(seq 50); do in_b ss -lunH "sport = :9301" | grep -q . && break; sleep 0.1; done
printf 'ipv6 dst=%s\nhopopts\nudp dport=9301\npayload size=2500\n' "$IP6_B" >"$TMP/udp.pkt"
in_a "$R" send "$TMP/udp.pkt" --fragment 800 --fragment-order reverse --no-expect \
	-w "$TMP/udp.pcap" >/dev/null 2>&1; rc=$?
wait "$udp"
expect_eq "UDP behind hopopts in fragments of 800, reversed: the socket reads all 2500 bytes" \
	"$rc:$(cat "$TMP/udp.out")" "0:2500"
chain=$(tshark -r "$TMP/udp.pcap" -Y "ipv6.src == $IP6_A && ipv6.fraghdr" -T fields \
	-e ipv6.nxt -e ipv6.hopopts.nxt -e ipv6.fraghdr.nxt -e ipv6.fraghdr.offset 2>/dev/null |
	awk '{ printf "%s,%s,%s %d;", $1, $2, $3, $4 * 8 }')
expect_eq "each fragment: IPv6 -> Hop-by-Hop -> Fragment, the last first" "$chain" \
	"0,44,17 2400;0,44,17 1600;0,44,17 800;0,44,17 0;"

# RFC 8200 4.5: the first fragment holds every header through TCP's;
# Linux drops one that does not.  Below that: bad input, nothing sent.
printf 'ipv6 dst=%s\ntcp dport=80 flags=S\npayload size=100\n' "$IP6_B" >"$TMP/tcp.pkt"
rx0=$(lab_rx)
err=$(in_a "$R" send "$TMP/tcp.pkt" --fragment 16 --no-expect 2>&1); rc=$?
expect_eq "--fragment 16 of IPv6/TCP: exit 2, one line, nothing sent" "$rc:$err:$(( $(lab_rx) - rx0 ))" \
	"2:$TMP/tcp.pkt:1:1: error: --fragment 16: an IPv6 first fragment must hold every header through the upper-layer one (RFC 8200 4.5): give a larger SIZE:0"
out=$(in_a "$R" send "$TMP/tcp.pkt" --fragment 24 -w "$TMP/tcp.pcap" --no-expect 2>&1); rc=$?
expect_eq "--fragment 24 of IPv6/TCP: sent, the first fragment holds the TCP header" \
	"$rc:$(tshark -r "$TMP/tcp.pcap" -Y "ipv6.src == $IP6_A && ipv6.fraghdr" 2>/dev/null | wc -l)" "0:5"
