#!/usr/bin/env bash
# rawcraft send against the real Linux stack in a peer namespace.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT

# A real TCP server in the peer, listening on 9230; 9231 stays closed.
in_b "$PY" -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 9230)); s.listen(4096); time.sleep(120)" &
wait_port "$NS_B" 9230 || not_ok "peer server" "port 9230 never listened"

# 1. ARP request answered by the peer kernel, its MAC as sha.
out=$(in_a "$R" send arp-request -D TARGET="$IP_B" --json); rc=$?
sha=$(json_get received "o['arp']['sha']" <<<"$out")
expect_eq "arp-request: exit 0" "$rc" 0
expect_eq "arp-request: reply carries the peer's MAC as sha" "$sha" "$MAC_B"

# 2. SYN -> SYN/ACK with ack = seq + 1; closed -> RST/ACK; ping -> reply.
out=$(in_a "$R" send tcp-syn -D DST="$IP_B" -D PORT=9230 --json); rc=$?
seq=$(json_get sent "o['tcp']['seq']" <<<"$out")
got=$(json_get received "o['tcp']['flags'], o['tcp']['ack']" <<<"$out")
expect_eq "SYN to an open port: exit 0" "$rc" 0
expect_eq "SYN to an open port: SYN/ACK acks seq + 1" "$got" "SA $(( (seq + 1) % 4294967296 ))"
out=$(in_a "$R" send tcp-syn -D DST="$IP_B" -D PORT=9231 --json); rc=$?
got=$(json_get received "o['tcp']['flags']" <<<"$out")
expect_eq "SYN to a closed port: RST/ACK" "$rc:$got" "0:RA"
out=$(in_a "$R" send icmp-echo -D DST="$IP_B" --json); rc=$?
sent_id=$(json_get sent "o['icmp']['id']" <<<"$out")
got=$(json_get received "o['icmp']['type'], o['icmp']['id']" <<<"$out")
expect_eq "ICMP echo: the echo reply with our id" "$rc:$got" "0:0 $sent_id"

# 2b. A SYN carrying data (hping3 -S -d): Linux's SYN/ACK acknowledges the SYN
# only (seq + 1, the data is not taken without Fast Open); a closed port's
# RST/ACK covers the data too (seq + 1 + len).  Both answer the probe.
for port in 9230 9231; do
	printf 'ipv4 dst=%s\ntcp dport=%s flags=S\npayload text="abc"\n' "$IP_B" "$port" >"$TMP/syndata$port.pkt"
done
out=$(in_a "$R" send "$TMP/syndata9230.pkt" --expect "tcp flags=SA|RA" -t 1s --json); rc=$?
seq=$(json_get sent "o['tcp']['seq']" <<<"$out")
got=$(json_get received "o['tcp']['flags'], o['tcp']['ack']" <<<"$out")
expect_eq "SYN with 3 bytes of data to an open port: the SYN/ACK (ack = seq + 1) is its reply" \
	"$rc:$got" "0:SA $(( (seq + 1) % 4294967296 ))"
out=$(in_a "$R" send "$TMP/syndata9231.pkt" --expect "tcp flags=SA|RA" -t 1s --json); rc=$?
seq=$(json_get sent "o['tcp']['seq']" <<<"$out")
got=$(json_get received "o['tcp']['flags'], o['tcp']['ack']" <<<"$out")
expect_eq "SYN with 3 bytes of data to a closed port: the RST/ACK (ack = seq + 4) is its reply" \
	"$rc:$got" "0:RA $(( (seq + 4) % 4294967296 ))"

# 3. Nobody answers: exit 1 after the timeout, not much later; says what it waited for.
start=$(date +%s%N)
out=$(in_a "$R" send icmp-echo -D DST="$IP_B" --expect 'icmp type=timestamp-reply' -t 500ms); rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "unanswered expectation: exit 1" "$rc" 1
if [ "$ms" -ge 500 ] && [ "$ms" -lt 1500 ]; then ok "unanswered expectation: gives up after -t 500ms (${ms} ms)"
else not_ok "unanswered expectation: gives up after -t 500ms" "took ${ms} ms"; fi
case $out in *"no reply matched 'icmp type=timestamp-reply' within 0.5s"*"waited for: a reply to"*) ok "timeout says what it waited for" ;;
*) not_ok "timeout says what it waited for" "$out" ;; esac

# 4. The bytes on the peer's wire are the bytes `show` builds (same seed).
cat >"$TMP/syn.pkt" <<PKT
eth dst=$MAC_B
ipv4 dst=$IP_B
tcp dport=9230 opts=mss:1460,sackok,ts:7:0,nop,ws:7
payload text="same bytes"
PKT
in_b timeout 10 tcpdump -i "$IF_B" -U -w "$TMP/peer.pcap" -c 1 "tcp dst port 9230 and tcp[13] == 2" 2>"$TMP/tcpdump.err" &
tdpid=$!
for _ in $(seq 50); do grep -q listening "$TMP/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
in_a "$R" send "$TMP/syn.pkt" --seed 42 --no-expect >/dev/null
wait $tdpid
in_a "$R" show "$TMP/syn.pkt" --seed 42 -i "$IF_A" -w "$TMP/show.pcap" >/dev/null
expect_eq "tcpdump in the peer sees exactly the bytes show builds" \
	"$(hex_of "$TMP/peer.pcap")" "$(hex_of "$TMP/show.pcap")"

# 5. A thousand SYNs as fast as they go: all answered.
out=$(in_a "$R" send tcp-syn -D DST="$IP_B" -D PORT=9230 -c 1000 --interval 0 -t 2s | tail -1); rc=$?
case "$rc:$out" in "0:--- 1000 sent, 1000 matched, 0 lost"*) ok "-c 1000 --interval 0: 1000 matched, 0 lost" ;;
*) not_ok "-c 1000 --interval 0: 1000 matched, 0 lost" "exit $rc: $out" ;; esac

# 6. -w holds what was sent and received, in order; tshark reads it.
in_a "$R" send tcp-syn -D DST="$IP_B" -D PORT=9230 -c 3 --interval 50ms -w "$TMP/run.pcap" >/dev/null
lines=$(tshark -r "$TMP/run.pcap" -T fields -e tcp.flags.str -e frame.time_epoch 2>/dev/null)
flags=$(awk '{print $1}' <<<"$lines" | tr -d '\n' | tr -cd 'SA')
expect_eq "-w pcap: ARP, then SYN, SYN/ACK three times, read by tshark" \
	"$(tshark -r "$TMP/run.pcap" -T fields -e _ws.col.Protocol 2>/dev/null | tr '\n' ' ')" "ARP ARP TCP TCP TCP TCP TCP TCP "
sorted=$(awk '{print $2}' <<<"$lines" | grep . | sort -n | tr '\n' ' ')
expect_eq "-w pcap: timestamps in order" "$(awk '{print $2}' <<<"$lines" | grep . | tr '\n' ' ')" "$sorted"

# 7. A near miss is explained: SYN to a closed port, expecting SYN/ACK.
out=$(in_a "$R" send tcp-syn -D DST="$IP_B" -D PORT=9231 --expect 'tcp flags=SA'); rc=$?
case "$rc:$out" in "1:"*"closest:"*"[RST, ACK]"*"tcp.flags: got RA, wanted SA"*) ok "near miss names the field that differed" ;;
*) not_ok "near miss names the field that differed" "exit $rc: $out" ;; esac

# 8. Two runs at once against the same peer each take only their own replies:
# every received SYN/ACK answers one of this run's probes exactly (dport is
# the probe's sport and ack is that probe's seq + 1).  Only the two sends are
# waited for (the peer's server above stays up for 120 s).  The runs' source
# ports are apart: one port drawn by both within the peer's handshake would
# make one SYN a duplicate of the other's, which no reply answers.
cat >"$TMP/par-syn.pkt" <<'EOF'
ipv4 dst=${DST}
tcp sport=${FIRST}..${LAST} dport=${PORT} flags=S opts=mss:1460,sackok,ts:1:0,nop,ws:7
expect tcp flags=SA|RA|R
EOF
parpids=""
for n in 1 2; do
	in_a "$R" send "$TMP/par-syn.pkt" -D DST="$IP_B" -D PORT=9230 -D FIRST=$((30000 + n * 1000)) \
		-D LAST=$((30199 + n * 1000)) -c 200 --interval 1ms --json >"$TMP/par$n.json" &
	parpids="$parpids $!"
done
for job in $parpids; do wait "$job" 2>/dev/null; done
for n in 1 2; do
	mine=$("$PY" - "$TMP/par$n.json" <<'PYEOF'
import json, sys
objs = []
for line in open(sys.argv[1]):
    try:
        objs.append(json.loads(line))
    except ValueError:
        pass
acks_of = {}	# sport -> the acks a reply to one of its probes carries
for o in objs:
    if o.get('direction') == 'sent':
        acks_of.setdefault(o['tcp']['sport'], set()).add((o['tcp']['seq'] + 1) % 2**32)
got = bad = 0; matched = None; why = ''
for o in objs:
    if o.get('direction') == 'received':
        got += 1
        t = o.get('tcp') or {}
        if t.get('ack') not in acks_of.get(t.get('dport'), ()):
            bad += 1
            why = why or ' (first stray: dport=%s ack=%s)' % (t.get('dport'), t.get('ack'))
    if 'stats' in o:
        matched = o['stats']['matched']
print(got, bad, matched, end='')
print(why if bad else '')
PYEOF
)
	expect_eq "parallel run $n: 200 replies, each to its own probe (dport = sport, ack = seq + 1)" "$mine" "200 0 200"
done

# 8b. -v and -x: the tree and bytes of the SYN sent, then of the reply, each
# as decode --absolute -v -x shows that frame of the -w file (the frame line
# and decode's [analysis] lines aside); --json the same keys for both.
out=$(in_a "$R" send tcp-syn -D DST="$IP_B" -D PORT=9230 --expect 'tcp flags=SA' -t 500ms \
	-v -x -w "$TMP/v.pcap"); rc=$?
blocks() { awk '/^Frame [0-9]+:/ { on = 1; n++; next } on && /^$/ { on = 0 }
		on && !/^ +\[/ { print n ": " $0 }'; }
heads=$(grep -E '^(<|>) ' <<<"$out" | cut -c1-2 | tr -d '\n')
mine=$(blocks <<<"$out")
theirs=$("$R" decode "$TMP/v.pcap" --absolute -v -x | blocks | sed -nE 's/^3: /1: /p; s/^4: /2: /p')
case $mine in *"1:     Flags: 0x002 (SYN)"*"1: 0000  "*"2:     Flags: 0x012 (SYN, ACK)"*"2: 0000  "*) flags=ok ;; *) flags=no ;; esac
if [ "$rc:$heads:$flags" = "0:> < :ok" ] && [ "$mine" = "$theirs" ]; then
	ok "send -v -x: the SYN's tree and bytes, then the SYN/ACK's, as decode shows them"
else
	not_ok "send -v -x: the SYN's tree and bytes, then the SYN/ACK's" \
		"exit $rc, heads '$heads', flags $flags: $(diff <(echo "$theirs") <(echo "$mine") | head -8)"
fi
out=$(in_a "$R" send tcp-syn -D DST="$IP_B" -D PORT=9230 --expect 'tcp flags=SA' -t 500ms -v --json)
keys=$("$PY" -c 'import json, sys
for l in sys.stdin:
    o = json.loads(l); print(o["direction"], " ".join(sorted(o)))' <<<"$out")
expect_eq "send -v --json: the sent frame's keys and the reply's" "$keys" \
	"sent caplen direction eth frame ipv4 layers len probe summary tcp time
received caplen direction eth frame ipv4 layers len probe rtt_us summary tcp time"
out=$(in_a "$R" send tcp-syn -D DST="$IP_B" -D PORT=9230 -c 2 --interval 10ms -v | grep -E '^(<|>|Frame) ' |
	cut -d' ' -f1 | tr '\n' ' ')
expect_eq "send -c 2 -v: each probe's tree before its reply's" "$out" "> Frame < Frame > Frame < Frame "

# 9. System faults: one line that says what to do, exit 3 (1 for silence).
out=$(in_a "$R" send tcp-syn -D DST="$IP_B" -D PORT=9230 -i nosuch0 2>&1); rc=$?
case "$rc:$out" in "3:rawcraft: error: no such interface 'nosuch0'"*) ok "unknown interface: exit 3" ;;
*) not_ok "unknown interface: exit 3" "exit $rc: $out" ;; esac
in_a ip link add "${LAB_ID}d" type veth peer name "${LAB_ID}e"	# both ends down
out=$(in_a "$R" send tcp-syn -D DST="$IP_B" -D PORT=9230 -i "${LAB_ID}d" 2>&1); rc=$?
case "$rc:$out" in "3:"*"is down: ip link set ${LAB_ID}d up"*) ok "interface down: exit 3, says how to bring it up" ;;
*) not_ok "interface down: exit 3, says how to bring it up" "exit $rc: $out" ;; esac
out=$(in_a "$R" send tcp-syn -D DST=192.0.2.77 -D PORT=9230 2>&1); rc=$?
case "$rc:$out" in "3:rawcraft: error: no route to 192.0.2.77"*) ok "no route: exit 3" ;;
*) not_ok "no route: exit 3" "exit $rc: $out" ;; esac
start=$(date +%s%N)
out=$(in_a "$R" send tcp-syn -D DST="10.$LAB_NET.0.7" -D PORT=9230 2>&1); rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
case "$rc:$out" in "1:rawcraft: error: no ARP reply from 10.$LAB_NET.0.7 within 1s"*) ok "next hop silent: exit 1 after 1s (${ms} ms)" ;;
*) not_ok "next hop silent: exit 1 after 1s" "exit $rc after ${ms} ms: $out" ;; esac
# -t is the replies' wait only: with -t 0 the next hop keeps its 1 s for
# ARP, here answered after 200 ms by a slow responder in B (its kernel's ARP
# off), and a silent one is still named after 1 s.
start=$(date +%s%N)
out=$(in_a "$R" send tcp-syn -D DST="10.$LAB_NET.0.7" -D PORT=9230 -t 0 2>&1); rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
case "$rc:$out" in "1:rawcraft: error: no ARP reply from 10.$LAB_NET.0.7 within 1s"*) ok "-t 0: a silent next hop still has 1s (${ms} ms)" ;;
*) not_ok "-t 0: a silent next hop still has 1s" "exit $rc after ${ms} ms: $out" ;; esac
in_b ip link set "$IF_B" arp off
in_a ip neigh flush dev "$IF_A"
in_b timeout 20 "$PY" -c '
import socket, sys, time
mac, ip = bytes.fromhex(sys.argv[2].replace(":", "")), socket.inet_aton(sys.argv[3])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
s.bind((sys.argv[1], 0))
open(sys.argv[4], "w").close()
req = b""
while req[20:22] != b"\0\1" or req[38:42] != ip:
    req = s.recv(100)
time.sleep(0.2)
s.send(req[6:12] + mac + b"\x08\x06\0\1\x08\0\6\4\0\2" + mac + ip + req[22:32])
' "$IF_B" "$MAC_B" "$IP_B" "$TMP/arp-ready" &
arp_pid=$!
for _ in $(seq 50); do [ -e "$TMP/arp-ready" ] && break; sleep 0.1; done
out=$(in_a "$R" send tcp-syn -D DST="$IP_B" -D PORT=9231 --no-expect -t 0 --json 2>&1); rc=$?
expect_eq "-t 0: the next hop's ARP reply after 200 ms still resolves it" \
	"$rc $(json_get sent "o['eth']['dst']" <<<"$out")" "0 $MAC_B"
wait "$arp_pid"	# it answers once
in_b ip link set "$IF_B" arp on
if command -v setpriv >/dev/null; then
	out=$(in_a setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$R" send icmp-echo -D DST="$IP_B" 2>&1); rc=$?
	case "$rc:$out" in "3:rawcraft: error: needs CAP_NET_RAW: run as root or setcap cap_net_raw,cap_net_admin+ep"*)
		ok "no permission: exit 3 with the setcap hint" ;;
	*) not_ok "no permission: exit 3 with the setcap hint" "exit $rc: $out" ;; esac
fi
