#!/usr/bin/env bash
# send --fragment over IPv4 against the real Linux stack in a peer
# namespace: a 3000-byte echo cut into fragments of 1024 is reassembled
# and answered by the peer (its reassembly and checksum counters say so),
# tshark puts our fragments together and finds every checksum right, and
# the peer's reply - cut at its MTU of 1500 - is reassembled and matched;
# in reverse and random order (--seed fixes it); UDP whole to a socket;
# the options' and templates' errors and warnings.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
R=$RAWCRAFT

# Without the network: the words, and a hand-made fragment's warning.
printf 'ipv4 dst=10.0.0.2 flags=MF\nudp dport=53\npayload size=40\n' >"$TMP/byhand.pkt"
err=$("$R" show "$TMP/byhand.pkt" 2>&1 >/dev/null)
expect_eq "a hand-made fragment with a computed checksum: one warning at its transport layer" \
	"$err" "$TMP/byhand.pkt:2:1: warning: udp csum is computed over this fragment only, and a receiver drops the reassembled datagram: give csum=, or send the whole datagram with --fragment SIZE"
printf 'ipv4 dst=10.0.0.2 flags=MF\nudp dport=53 csum=0x1234\npayload size=40\n' >"$TMP/byhand2.pkt"
err=$("$R" show "$TMP/byhand2.pkt" 2>&1 >/dev/null)
expect_eq "a hand-made fragment with its checksum given: no warning" "$err" ""
for bad in "12:--fragment takes the payload bytes of a fragment, a multiple of 8 from 8 to 65528, got '12'" \
	   "0:--fragment takes the payload bytes of a fragment, a multiple of 8 from 8 to 65528, got '0'"; do
	err=$("$R" send icmp-echo -D DST=10.0.0.2 --fragment "${bad%%:*}" 2>&1); rc=$?
	expect_eq "--fragment ${bad%%:*}: exit 2, one line" "$rc:$err" "2:rawcraft: error: ${bad#*:}"
done
err=$("$R" send icmp-echo -D DST=10.0.0.2 --fragment 8 --rate 10 2>&1); rc=$?
expect_eq "--fragment with a stream: exit 2" "$rc:$err" "2:rawcraft: error: --fragment is for probes one by one (--interval), not a stream (--rate, --flood): cut by hand with ipv4 frag= or a fragment layer"
err=$("$R" send icmp-echo -D DST=10.0.0.2 --fragment-order random 2>&1); rc=$?
expect_eq "--fragment-order alone: exit 2" "$rc:$err" "2:rawcraft: error: --fragment-order orders the fragments of --fragment SIZE: give it too"
err=$("$R" send icmp-echo -D DST=10.0.0.2 --fragment 8 --fragment-order sideways 2>&1); rc=$?
expect_eq "--fragment-order of another word: exit 2" "$rc:$err" "2:rawcraft: error: --fragment-order takes in, reverse or random, got 'sideways'"

lab_start || exit 0
export DOC=$ROOT/README.md	# for docs.sh
. "$TESTS_DIR/docs.sh"
doc_norm() { lab_norm -e "s/\\b$IF_A\\b/veth0/g" -e 's/rtt=[0-9]*us/rtt=71us/'; }
counter() { in_b nstat -asz "$1" | awk -v n="$1" '$1 == n { print $2 }'; }
# sent_offsets PCAP: the fragment offsets of A's frames in bytes, in the order they left.
sent_offsets() {
	tshark -r "$1" -Y "ip.src == $IP_A" -T fields -e ip.frag_offset 2>/dev/null |
		awk '{ printf "%d ", $1 * 8 }'
}

printf 'ipv4 dst=%s\nicmp type=echo-request seq=1\npayload size=3000\n' "$IP_B" >"$TMP/echo.pkt"
csum0=$(counter IcmpInCsumErrors) fails0=$(counter IpReasmFails) oks0=$(counter IpReasmOKs)
# Every match is on what only the whole datagram has: a lone first
# fragment's ICMP or UDP header reads as the whole already.
out=$(in_a "$R" send "$TMP/echo.pkt" --fragment 1024 --expect 'ipv4 len=3028; icmp type=echo-reply' \
	-w "$TMP/echo.pcap" 2>&1); rc=$?
case "$rc:$out" in
"0:> $IP_A > $IP_B ICMP Echo (ping) request id="*"< $IP_B > $IP_A ICMP Echo (ping) reply id="*) ok "a 3000-byte echo in fragments of 1024: answered and matched, exit 0" ;;
*) not_ok "a 3000-byte echo in fragments of 1024" "exit $rc: $out" ;; esac
expect_eq "the peer reassembled it: IpReasmOKs +1, IpReasmFails and IcmpInCsumErrors unchanged" \
	"$(( $(counter IpReasmOKs) - oks0 )) $(counter IpReasmFails) $(counter IcmpInCsumErrors)" \
	"1 $fails0 $csum0"
expect_eq "-w: our three fragments in order, offsets 0 1024 2048" "$(sent_offsets "$TMP/echo.pcap")" "0 1024 2048 "
flags=$(tshark -r "$TMP/echo.pcap" -Y "ip.src == $IP_A" -T fields -e ip.flags.mf -e ip.flags.df -e ip.id 2>/dev/null | sort -u | tr '\n' ' ')
case "$flags" in
"0	0	0x"*" 1	0	0x"*) [ "$(tshark -r "$TMP/echo.pcap" -Y "ip.src == $IP_A" -T fields -e ip.id 2>/dev/null | sort -u | wc -l)" = 1 ] &&
	ok "our fragments: MF on all but the last, DF clear, one id" ||
	not_ok "our fragments: one id" "$flags" ;;
*) not_ok "our fragments: MF on all but the last, DF clear" "$flags" ;; esac
sums=$(tshark -r "$TMP/echo.pcap" -o ip.check_checksum:TRUE -T fields -e ip.checksum.status \
	-e icmp.type -e icmp.checksum.status 2>/dev/null | awk -F'\t' '$1 != "" { print }' | sort | uniq -c | awk '{ $1 = $1; print }' | tr '\n' ';')
expect_eq "tshark: every IP header checksum right, both echoes reassembled with ICMP checksums right" \
	"$sums" "4 1;1 1 0 1;1 1 8 1;"
expect_eq "the peer's reply came back fragmented (MTU 1500): three fragments in -w" \
	"$(tshark -r "$TMP/echo.pcap" -Y "ip.src == $IP_B && icmp.type == 0 || ip.src == $IP_B && ip.flags.mf == 1" 2>/dev/null | wc -l)" 3

# Reverse and random: answered; --seed fixes the random order.
printf 'ipv4 dst=%s\nicmp type=echo-request seq=1\npayload size=7000\n' "$IP_B" >"$TMP/big.pkt"
for order in reverse random; do
	in_a "$R" send "$TMP/big.pkt" --fragment 1000 --fragment-order "$order" --seed 7 \
		--expect 'ipv4 len=7028; icmp type=echo-reply' -w "$TMP/$order.pcap" >/dev/null 2>&1; rc=$?
	expect_eq "--fragment-order $order: answered, exit 0" "$rc" 0
done
expect_eq "--fragment-order reverse: the last fragment first" "$(sent_offsets "$TMP/reverse.pcap")" \
	"7000 6000 5000 4000 3000 2000 1000 0 "
in_a "$R" send "$TMP/big.pkt" --fragment 1000 --fragment-order random --seed 7 --no-expect \
	-w "$TMP/random2.pcap" >/dev/null 2>&1
rnd=$(sent_offsets "$TMP/random.pcap")
expect_eq "--fragment-order random with --seed 7: the same order twice" "$(sent_offsets "$TMP/random2.pcap")" "$rnd"
case "$rnd" in
"0 1000 2000 3000 4000 5000 6000 7000 ") not_ok "--fragment-order random: shuffled" "in order: $rnd" ;;
*) expect_eq "--fragment-order random: every fragment once" "$(tr ' ' '\n' <<<"$rnd" | sort -n | tr '\n' ' ')" \
	" 0 1000 2000 3000 4000 5000 6000 7000 " ;; esac

# A retry cuts its target as the first send did (no reply matches: sent twice).
in_a "$R" send "$TMP/big.pkt" --fragment 1000 --fragment-order random --retries 1 -t 0.3 \
	--expect 'icmp type=echo-reply code=1' -w "$TMP/retry.pcap" >/dev/null 2>&1
cuts=$(tshark -r "$TMP/retry.pcap" -Y "ip.src == $IP_A" -T fields -e ip.frag_offset -e ip.id \
	-e ip.checksum 2>/dev/null | tr '\t\n' ', ')
if [ "$(wc -w <<<"${cuts//,/ }")" = 48 ] && [ "${cuts:0:${#cuts}/2}" = "${cuts:${#cuts}/2}" ]; then
	ok "--retries with --fragment-order random: the retry's fragments are the first send's"
else
	not_ok "--retries with --fragment: the same fragments" "$cuts"
fi

# UDP: a socket in the peer gets the datagram whole.
in_b "$PY" -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', 9300)); s.settimeout(10)
try:
    d, _ = s.recvfrom(65535); open(sys.argv[1], 'w').write('%d %d' % (len(d), d.count(b'x')))
except socket.timeout:
    open(sys.argv[1], 'w').write('timeout')" "$TMP/udp.out" &
udp=$!
for _ in $(seq 50); do in_b ss -lunH "sport = :9300" | grep -q . && break; sleep 0.1; done
printf 'ipv4 dst=%s\nudp dport=9300\npayload text="%s"\n' "$IP_B" "$(printf 'x%.0s' $(seq 3000))" >"$TMP/udp.pkt"
in_a "$R" send "$TMP/udp.pkt" --fragment 1480 --no-expect >/dev/null 2>&1; rc=$?
wait "$udp"
expect_eq "UDP in fragments of 1480: the peer's socket reads all 3000 bytes" "$rc:$(cat "$TMP/udp.out")" "0:3000 3000"

# A template that sets DF: a warning; one that cannot be cut: bad input, nothing sent.
printf 'ipv4 dst=%s flags=DF\nicmp type=echo-request\npayload size=2000\n' "$IP_B" >"$TMP/df.pkt"
err=$(in_a "$R" send "$TMP/df.pkt" --fragment 1024 --expect 'ipv4 len=2028; icmp type=echo-reply' 2>&1 >/dev/null); rc=$?
expect_eq "flags=DF with --fragment: answered, and a warning" "$rc:$err" \
	"0:$TMP/df.pkt:1:$(( ${#IP_B} + 11 )): warning: ipv4 flags: --fragment clears the DF bit in every fragment"
printf 'ipv4 dst=%s flags=DF\nicmp type=echo-request\npayload size=1000\n' "$IP_B" >"$TMP/df-fits.pkt"
err=$(in_a "$R" send "$TMP/df-fits.pkt" --fragment 1024 --expect 'icmp type=echo-reply' -w "$TMP/df.pcap" 2>&1 >/dev/null); rc=$?
expect_eq "flags=DF with a --fragment it fits: whole with DF, answered, no warning" \
	"$rc:$err:$(tshark -r "$TMP/df.pcap" -Y "ip.src == $IP_A" -T fields -e ip.flags.df -e ip.flags.mf 2>/dev/null | tr '\t\n' ', ')" \
	"0::1,0 "
# A template whose cutting varies from probe to probe: bad input, nothing sent.
printf 'ipv4 dst=%s flags=0..1\nicmp type=echo-request\npayload size=2000\n' "$IP_B" >"$TMP/vary.pkt"
rx0=$(lab_rx)
err=$(in_a "$R" send "$TMP/vary.pkt" --fragment 1024 -c 2 2>&1); rc=$?
expect_eq "--fragment with ipv4 flags ranged: exit 2 at the field, nothing sent" "$rc:$err:$(( $(lab_rx) - rx0 ))" \
	"2:$TMP/vary.pkt:1:$(( ${#IP_B} + 11 )): error: --fragment 1024: ipv4 flags must not vary: every probe is cut as the first:0"
printf 'arp tpa=%s\n' "$IP_B" >"$TMP/arp.pkt"
rx0=$(lab_rx)
err=$(in_a "$R" send "$TMP/arp.pkt" --fragment 8 2>&1); rc=$?
expect_eq "--fragment of an ARP request: exit 2 at its layer, nothing sent" "$rc:$err:$(( $(lab_rx) - rx0 ))" \
	"2:$TMP/arp.pkt:1:1: error: --fragment 8: the frame carries no IP datagram:0"
printf 'ipv4 dst=%s\nicmp type=echo-request\npayload size=100\n' "$IP_B" >"$TMP/small.pkt"
out=$(in_a "$R" send "$TMP/small.pkt" --fragment 1024 --expect 'icmp type=echo-reply' -w "$TMP/small.pcap" 2>&1); rc=$?
expect_eq "a datagram that fits: it leaves whole, answered" "$rc:$(sent_offsets "$TMP/small.pcap")" "0:0 "

# big_reply PORT: a UDP server in the peer answering one small datagram
# with 3000 bytes, which its kernel cuts at MTU 1500; returns once it
# listens (bounded: 5 s).
big_reply() {
	in_b "$PY" -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', int(sys.argv[1]))); s.settimeout(10)
try:
    d, peer = s.recvfrom(2048); s.sendto(b'y' * 3000, peer)
except socket.timeout:
    pass" "$1" &
	for _ in $(seq 50); do in_b ss -lunH "sport = :$1" | grep -q . && return 0; sleep 0.1; done
	return 1
}

# A scenario's expect takes a reply that came in fragments.
big_reply 9302 || not_ok "run: the peer's UDP server" "port 9302 never listened"
cat >"$TMP/big-reply.lab" <<LAB
send ask
  ipv4 dst=$IP_B
  udp sport=40000 dport=9302
  payload text="hello"
expect answer within 2s
  ipv4 len=3028
  udp sport=9302 len=3008
print "ipv4 length \${answer.ipv4.len}"
LAB
out=$(in_a "$R" run "$TMP/big-reply.lab" -w "$TMP/run.pcap" 2>&1); rc=$?
case "$rc:$out" in
0:*"ipv4 length 3028"*) ok "run: an expect takes the reply reassembled from its fragments" ;;
*) not_ok "run: an expect takes the reply reassembled from its fragments" "exit $rc: $out" ;; esac
expect_eq "run -w: the reply's fragments as they came" \
	"$(tshark -r "$TMP/run.pcap" -Y "ip.src == $IP_B" 2>/dev/null | wc -l)" 3

# A stream's reply that came in fragments counts once it is whole.
big_reply 9303 || not_ok "--rate: the peer's UDP server" "port 9303 never listened"
printf 'ipv4 dst=%s\nudp dport=9303\npayload text="hello"\n' "$IP_B" >"$TMP/ask.pkt"
out=$(in_a "$R" send "$TMP/ask.pkt" --rate 10 -c 1 --expect 'ipv4 len=3028; udp sport=9303 len=3008' --json 2>&1); rc=$?
expect_eq "--rate: the reply reassembled from its fragments is the one answer" \
	"$rc:$(grep '^{"stats"' <<<"$out" | "$PY" -c "import json,sys; o = json.load(sys.stdin)['stats']; print(o['answered'], o['unanswered'])")" \
	"0:1 0"

# README's example.
printf 'ipv4 dst=%s\nicmp type=echo-request seq=1\npayload size=3000\nexpect icmp type=echo-reply\n' \
	"$IP_B" >"$TMP/big-ping.pkt"
out=$(cd "$TMP" && in_a "$R" send big-ping.pkt -i "$IF_A" --fragment 1024 --seed 1 2>&1)
doc_check fragment "rawcraft send big-ping.pkt -i $IF_A --fragment 1024 --seed 1" "$out"
