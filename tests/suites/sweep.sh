#!/usr/bin/env bash
# Sweeps of on-link destinations: every next hop looked up at once (a window,
# paced, 3 tries each), a target whose next hop never answered not sent to and
# counted as "no answer (no ARP reply)" the same in text and JSON, in probe
# mode and in streams; the lookups of a VLAN-tagged template carry its tags.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT
export DOC=$ROOT/README.md	# for docs.sh
. "$TESTS_DIR/docs.sh"
NET="10.$LAB_NET.0"
doc_norm() {
	lab_norm -e "s/\\b$IF_A\\b/veth0/g" -e 's/sent in [0-9.]*s ([0-9]* pps/sent in 0.254s (20 pps/'
}
# jstat JSON KEY...: the stats' KEYs of a summary line, joined by ':'.
jstat() { "$PY" -c 'import json, sys
o = json.loads(sys.argv[1])["stats"]
print(":".join(str(o.get(k)) for k in sys.argv[2:]))' "$@"; }

# pace PCAP: A's own ARP requests in PCAP against ASK_PER_MS: "ADDRS M1 M10
# SPAN", the distinct addresses asked, the most requests within any 1 ms and
# any 10 ms, and whether the first round took 60 ms or more (254 at 4 a ms).
# A pacing window is 1 ms or more and holds 4, and its requests leave before
# the next one opens: any L ms hold at most 4 * (L + 1), 8 in 1 ms, 44 in 10.
pace() { tcpdump -tt -nr "$1" "arp[6:2] = 1 and ether src $MAC_A" 2>/dev/null | "$PY" -c '
import bisect, sys
seen, first, ts = set(), [], []
for l in sys.stdin:
    w = l.split()
    t, ip = float(w[0]), w[w.index("who-has") + 1]
    ts.append(t)
    if ip not in seen:
        seen.add(ip)
        first.append(t)
most = lambda span: max(bisect.bisect_left(ts, t + span) - i for i, t in enumerate(ts))
print(len(first), most(0.001), most(0.010), "60ms+" if first[-1] - first[0] >= 0.060 else "under-60ms")'; }
# pace_ok LABEL PCAP
pace_ok() {
	local p
	p=$(pace "$2")
	if [ -n "$p" ] && set -- "$1" $p && [ "$2" = 254 ] && [ "$3" -le 8 ] && [ "$4" -le 44 ] && [ "$5" = 60ms+ ]
	then ok "$1: 254 addresses asked, 4 a millisecond at most ($p)"
	else not_ok "$1: 254 addresses asked, 4 a millisecond at most" "$p"; fi
}

# B owns 5 addresses of the /24 (IP_B is .2); port 80 is open on .2 and .20,
# closed on .10, .30 and .40; the 249 others (A's own .1 among them) have no
# ARP reply.
for h in 10 20 30 40; do in_b ip addr add "$NET.$h/24" dev "$IF_B"; done
in_b "$PY" -c "
import socket, time
ss = []
for a in ('$NET.2', '$NET.20'):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a, 80)); s.listen(64); ss.append(s)
time.sleep(120)" &
wait_port "$NS_B" 80
printf 'ipv4 dst=%s.1..%s.254\ntcp dport=80 flags=S\nexpect tcp flags=SA|RA\n' "$NET" "$NET" >"$TMP/sweep.pkt"
SILENT=249

# 1. A stream: every address in its class, text and JSON agree, one lookup wait.
out=$(cd "$TMP" && in_a timeout 30 "$R" send sweep.pkt -i "$IF_A" --rate 1000 -w "$TMP/s.pcap"); rc=$?
expect_eq "stream: exit 1 (249 addresses have no ARP reply)" "$rc" 1
expect_eq "stream: 254 targets, 5 answered, 249 no answer" \
	"$(grep -o '[0-9]* targets: .*' <<<"$out")" "254 targets: 5 answered, $SILENT no answer"
expect_eq "stream: open on .2 and .20" "$(grep 'tcp flags=SA' <<<"$out" | awk '{print $3, $4, $5}')" \
	"2 ipv4 dst=$NET.2,$NET.20"
expect_eq "stream: closed on .10, .30, .40" "$(grep 'tcp flags=RA' <<<"$out" | awk '{print $3, $4, $5}')" \
	"3 ipv4 dst=$NET.10,$NET.30,$NET.40"
expect_eq "stream: the rest no answer (no ARP reply)" \
	"$(grep -o 'no answer (no ARP reply) *[0-9]*' <<<"$out" | awk '{print $NF}')" "$SILENT"
expect_eq "stream: only the 5 owned addresses were sent to" \
	"$(tcpdump -nr "$TMP/s.pcap" 'tcp[13] == 2' 2>/dev/null | wc -l)" 5
# A silent next hop is asked 3 times, an answering one once (.10: A's kernel
# resets no RST, so it has no ARP of its own for it).
expect_eq "stream: 3 requests for a silent address, 1 for an owned one" \
	"$(tcpdump -nr "$TMP/s.pcap" "arp and arp[24:4] = 0x$(printf '%02x' 10 "$LAB_NET" 0 7)" 2>/dev/null | grep -c Request):$(
	   tcpdump -nr "$TMP/s.pcap" "arp and arp[24:4] = 0x$(printf '%02x' 10 "$LAB_NET" 0 10)" 2>/dev/null | grep -c Request)" "3:1"
pace_ok "stream" "$TMP/s.pcap"
out=$(cd "$TMP" && in_a timeout 30 "$R" send sweep.pkt -i "$IF_A" --rate 1000)
doc_check sweep "rawcraft send sweep.pkt -i $IF_A --rate 1000" "$out"
json=$(in_a timeout 30 "$R" send "$TMP/sweep.pkt" -i "$IF_A" --rate 1000 --json | tail -1)
expect_eq "stream JSON: the same counts (targets answered unanswered; no ARP reply)" \
	"$(jstat "$json" targets answered unanswered):$("$PY" -c '
import json, sys
c = [k for k in json.loads(sys.argv[1])["classes"] if k.get("why") == "no ARP reply"]
print(c[0]["count"], c[0]["reply"], len(c[0]["targets"]))' "$json")" "254:5:$SILENT:$SILENT None $SILENT"

# 2. Probes one by one: the same, the silent ones never sent to.
out=$(in_a timeout 30 "$R" send "$TMP/sweep.pkt" -i "$IF_A" --interval 1ms -w "$TMP/p.pcap"); rc=$?
expect_eq "probes: exit 1 (no ARP reply for 249)" "$rc" 1
expect_eq "probes: 5 sent, 5 matched, 249 no answer (no ARP reply)" \
	"$(grep -o '^--- .*(no ARP reply)' <<<"$out")" \
	"--- 5 sent, 5 matched, 0 lost (0.0% loss), $SILENT no answer (no ARP reply)"
expect_eq "probes: SYN/ACK from .2 and .20, RST from .10 .30 .40" \
	"$(grep -oE '^< [0-9.]+:80 > [^ ]+ TCP \[[A-Z, ]+\]' <<<"$out" | awk '{print $2, $6 $7}' | sort -V | tr '\n' ' ')" \
	"$NET.2:80 [SYN,ACK] $NET.10:80 [RST,ACK] $NET.20:80 [SYN,ACK] $NET.30:80 [RST,ACK] $NET.40:80 [RST,ACK] "
pace_ok "probes" "$TMP/p.pcap"
json=$(in_a timeout 30 "$R" send "$TMP/sweep.pkt" -i "$IF_A" --interval 1ms --json | tail -1)
# A's own address (.1) among them: its kernel's ARP replies to B's questions
# about it are no answer from a peer.
expect_eq "probes JSON: sent 5, matched 5, no_arp_reply 249" \
	"$(jstat "$json" sent matched no_arp_reply)" "5:5:$SILENT"
# Without an expectation nothing fails, as in a stream, and the targets not
# sent to are still told; one probe alone says why it was not sent.
out=$(in_a timeout 30 "$R" send "$TMP/sweep.pkt" -i "$IF_A" --interval 1ms --no-expect); rc=$?
expect_eq "probes --no-expect: exit 0, the skipped targets told" \
	"$rc:$(grep '^---' <<<"$out")" "0:--- 5 sent, $SILENT no answer (no ARP reply)"
json=$(in_a timeout 30 "$R" send "$TMP/sweep.pkt" -i "$IF_A" --interval 1ms --no-expect --json | tail -1)
expect_eq "probes --no-expect JSON: sent 5, no_arp_reply 249" "$json" \
	"{\"stats\":{\"sent\":5,\"no_arp_reply\":$SILENT}}"
out=$(in_a timeout 30 "$R" send "$TMP/sweep.pkt" -i "$IF_A" -c 1 2>&1); rc=$?
case "$rc:$out" in 1:*"no ARP reply from $NET.1 within 1s"*) ok "probes -c 1: exit 1, no ARP reply from $NET.1" ;;
*) not_ok "probes -c 1: exit 1, no ARP reply from $NET.1" "exit $rc: $out" ;; esac
# A vlan field that varies would need a lookup per VLAN: refused, nothing sent.
for v in "id=100..101" "pcp=random"; do
	printf 'eth\nvlan %s\nipv4 dst=%s.2\nicmp type=echo-request\n' "$v" "$NET" >"$TMP/vr.pkt"
	rm -f "$TMP/vr.pcap"
	out=$(in_a timeout 10 "$R" send "$TMP/vr.pkt" -i "$IF_A" -w "$TMP/vr.pcap" 2>&1); rc=$?
	case "$rc:$out" in "2:$TMP/vr.pkt:2:6: error: a vlan ${v%%=*} range or random value"*) ok "vlan $v: exit 2 at the field" ;;
	*) not_ok "vlan $v: exit 2 at the field" "exit $rc: $out" ;; esac
	expect_eq "vlan $v: nothing sent" "$(tcpdump -nr "$TMP/vr.pcap" 2>/dev/null | wc -l)" 0
done

# 2b. More kinds of reply than a stream has classes: 40 hosts (.100-.139,
# a user-space responder) answer each with other TCP flags, and .140 has no
# ARP reply; the silent target keeps a class of its own, not the collector's.
in_b timeout 15 "$PY" "$TESTS_DIR/flags_responder.py" "$IF_B" "$NET" 100 139 "$MAC_B" 12 &
responder=$!
sleep 1
printf 'ipv4 dst=%s.100..%s.140\ntcp dport=1..40 flags=S\nexpect tcp flags=SA\n' "$NET" "$NET" >"$TMP/kinds.pkt"
out=$(in_a timeout 10 "$R" send "$TMP/kinds.pkt" -i "$IF_A" --rate 1000 -c 41 -t 500ms); rc=$?
expect_eq "40 kinds of reply: 41 targets, 40 answered, .140 alone no answer (no ARP reply)" \
	"$rc:$(grep -o '[0-9]* targets: .*' <<<"$out"):$(grep -E '^    no answer \(no ARP reply\)' <<<"$out" | awk '{print $6, $8, $10}')" \
	"1:41 targets: 40 answered, 1 no answer:1 dst=$NET.140 dport=1"
expect_eq "40 kinds of reply: 30 classes and the collector holding the other 10" \
	"$(grep -cE '^    tcp flags=' <<<"$out"):$(grep -E '^    \(other replies\)' <<<"$out" | awk '{print $3}')" "30:10"
kill "$responder" 2>/dev/null; wait "$responder" 2>/dev/null

# 3. VLAN: a host on VLAN 100 (a user-space responder: no 8021q here) answers
# tagged ARP and pings only; the next hop's ARP carries the template's tags.
V="$NET.50"
in_b timeout 40 "$PY" "$TESTS_DIR/vlan_responder.py" "$IF_B" "$V" "$MAC_B" 100 35 &
in_b timeout 40 "$PY" "$TESTS_DIR/vlan_responder.py" "$IF_B" "$NET.51" "$MAC_B" 100,200 35 &
in_b timeout 40 tcpdump -e -n -l -i "$IF_B" arp or vlan >"$TMP/peer.txt" 2>/dev/null &
sleep 1
printf 'eth\nvlan id=100 pcp=3\nipv4 dst=%s\nicmp type=echo-request\nexpect icmp type=echo-reply\n' "$V" >"$TMP/v.pkt"
out=$(in_a timeout 10 "$R" send "$TMP/v.pkt" -i "$IF_A" -t 1s); rc=$?
expect_eq "vlan id=100: the tagged host's ARP reply found, its echo reply matched (exit 0)" "$rc" 0
printf 'eth\nipv4 dst=%s\nicmp type=echo-request\nexpect icmp type=echo-reply\n' "$V" >"$TMP/u.pkt"
out=$(in_a timeout 10 "$R" send "$TMP/u.pkt" -i "$IF_A" -t 1s 2>&1); rc=$?
case "$rc:$out" in 1:*"no ARP reply from $V"*) ok "untagged: the tagged host does not answer (exit 1, no ARP reply)" ;;
*) not_ok "untagged: the tagged host does not answer" "exit $rc: $out" ;; esac
printf 'eth type=qinq\nvlan id=100\nvlan id=200\nipv4 dst=%s\nicmp type=echo-request\nexpect icmp type=echo-reply\n' "$NET.51" >"$TMP/q.pkt"
out=$(in_a timeout 10 "$R" send "$TMP/q.pkt" -i "$IF_A" -t 1s); rc=$?
expect_eq "QinQ 100/200: both tags on the ARP, the reply matched (exit 0)" "$rc" 0
# A ghost's check opens the lookups' capture before the template's tags are
# known: it lets tagged answers in all the same (QinQ: the veth takes the
# outer tag out of the frame, and the filter sees the inner one).
out=$(in_a timeout 10 "$R" send "$TMP/q.pkt" -i "$IF_A" -t 1s --ghost "$NET.60" 2>&1); rc=$?
expect_eq "QinQ --ghost: the tagged ARP reply found, the echo reply matched (exit 0)" "$rc" 0
printf 'eth\nvlan id=100\nipv4 dst=%s.49..%s.50\nicmp type=echo-request\nexpect icmp type=echo-reply\n' "$NET" "$NET" >"$TMP/vs.pkt"
out=$(in_a timeout 10 "$R" send "$TMP/vs.pkt" -i "$IF_A" -t 1s --rate 100)
expect_eq "tagged stream: .50 answers, .49 no ARP reply" \
	"$(grep -E 'icmp type=echo-reply|no ARP reply\)' <<<"$out" | awk '{print $NF}' | tr '\n' ' ')" \
	"dst=$NET.49 dst=$NET.50 "
# A scenario's send step looks its next hop up with the step's tags.
printf 'send ping\n  eth\n  vlan id=100\n  ipv4 dst=%s\n  icmp type=echo-request id=7\nexpect pong within 1s\n  icmp type=echo-reply\n' "$V" >"$TMP/v.lab"
out=$(in_a timeout 10 "$R" run "$TMP/v.lab" -i "$IF_A" 2>&1); rc=$?
expect_eq "run: a tagged send step's next hop answers its tagged ARP (exit 0)" "$rc" 0
sleep 1
grep -q "ethertype 802.1Q (0x8100), length 46: vlan 100, p 3, ethertype ARP (0x0806), Request who-has $V tell $IP_A" "$TMP/peer.txt" &&
	ok "tcpdump -e on the peer: the next hop's ARP carries vlan 100, p 3" ||
	not_ok "tcpdump -e on the peer: the next hop's ARP carries vlan 100, p 3" "$(head -5 "$TMP/peer.txt")"
grep -q "(0x88a8), length 50: vlan 100, p 0, ethertype 802.1Q (0x8100), vlan 200, p 0, ethertype ARP (0x0806), Request who-has $NET.51" "$TMP/peer.txt" &&
	ok "tcpdump -e on the peer: QinQ ARP carries vlan 100 then vlan 200" ||
	not_ok "tcpdump -e on the peer: QinQ ARP carries vlan 100 then vlan 200" "$(grep 88a8 "$TMP/peer.txt" | head -3)"
kill $(jobs -p) 2>/dev/null
wait
