#!/usr/bin/env bash
# rawcraft's TCP analysis of what real kernels send agrees with tshark's,
# key by key (tests/oracle/tcp_analysis.py: stream, seq, ack, len,
# next_seq, acks_frame, ack_rtt, irtt, window, expert, dupack, rto_frame on
# >= 99% of the TCP frames, and each finding the exchange must make seen at
# least once by both).  In a lab_router6 lab with IPv4 added (A - R - B, R
# forwarding both):
#   loss     a 2 MB transfer A -> B while R's nft drops every 20th segment
#            it forwards, over IPv4 (captured on A and on B) and over IPv6
#            (on A): retransmissions, duplicate ACKs, segments not captured
#   stall    B reads nothing for 3 s from a 4 KB receive buffer, then all;
#            A idles with 1 s keep-alives: zero windows, window full,
#            window updates, keep-alives and their ACKs
#   hello    the course's exchange: B's server sends "Hello World!\0" and
#            closes first; after its FIN the ends are FIN_WAIT_1 and
#            CLOSE_WAIT, after the last ACK TIME_WAIT and CLOSED
# Segments are MSS-sized (gso_max_segs 1), as a NIC without offload sends
# them.  Needs root.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
. "$TESTS_DIR/pcap/live6.sh"	# live6_tcpdump
TRAFFIC="$TESTS_DIR/oracle/tcp_traffic.py"
COMPARE="$TESTS_DIR/oracle/tcp_analysis.py"

for t in tcpdump tshark nft; do
	command -v $t >/dev/null ||
		{ not_ok "tcp oracle" "$t is not installed (tests/deps.sh installs it)"; exit 0; }
done
lab_start_router6 || exit 0
IP4_A="10.$LAB_NET.1.1" IP4_RA="10.$LAB_NET.1.254" IP4_RB="10.$LAB_NET.2.254" IP4_B="10.$LAB_NET.2.2"
if ! { in_a ip addr add "$IP4_A/24" dev "$IF_A" && in_r ip addr add "$IP4_RA/24" dev "$IF_RA" &&
	in_r ip addr add "$IP4_RB/24" dev "$IF_RB" && in_b ip addr add "$IP4_B/24" dev "$IF_B" &&
	in_a ip route add default via "$IP4_RA" && in_b ip route add default via "$IP4_RB" &&
	in_r sysctl -qw net.ipv4.ip_forward=1; }; then
	not_ok "tcp oracle" "could not add IPv4 to the router lab"
	exit 0
fi
for p in "$NS_A $IF_A" "$NS_R $IF_RA" "$NS_R $IF_RB" "$NS_B $IF_B"; do
	# shellcheck disable=SC2086
	ip -n ${p% *} link set dev ${p#* } gso_max_segs 1 ||
		{ not_ok "tcp oracle" "gso_max_segs not settable on ${p#* }"; exit 0; }
done

# capture NAME NS IF... -- CMD...: CMD while tcpdump writes each IF's TCP
# to $TMP/NAME-IF.pcap in NS (the first IF in NS, the second in $NS_B).
capture() {
	local name=$1 pids=() rc ns
	shift
	ns=$1
	shift
	while [ "$1" != -- ]; do
		live6_tcpdump "$ns" "$TMP/$name-$1.pcap" -B 16384 -i "$1" tcp || return 1
		pids+=("$LIVE6_PID")
		ns=$NS_B
		shift
	done
	shift
	"$@"
	rc=$?
	sleep 1.2	# libpcap hands frames over at least once a second
	kill -INT "${pids[@]}"
	wait "${pids[@]}" 2>/dev/null
	return $rc
}

# exchange SERVER-ARGS -- CLIENT-ARGS: tcp_traffic.py's server in B, its
# client in A; fails when either does.
exchange() {
	local server=() srv
	while [ "$1" != -- ]; do server+=("$1"); shift; done
	shift
	in_b timeout 30 "$PY" "$TRAFFIC" "${server[@]}" >"$TMP/server.out" 2>&1 &
	srv=$!
	wait_port "$NS_B" "${server[2]}" || { kill $srv; return 1; }
	in_a timeout 30 "$PY" "$TRAFFIC" "$@" >"$TMP/client.out" 2>&1 && wait $srv
}

# compare LABEL PCAP FINDINGS: the compare's TAP line for PCAP.
compare() {
	if ! "$RAWCRAFT" decode "$2" --json >"$2.jsonl" 2>"$2.err"; then
		not_ok "$1 agrees with tshark" "rawcraft decode failed: $(head -c 300 "$2.err")"
		return
	fi
	"$PY" "$COMPARE" "$1" "$2" "$2.jsonl" --expect "$3"
}

# The loss: R drops every 20th data segment it forwards to B.
in_r nft -f - <<EOF || { not_ok "tcp oracle" "nft could not load the loss rule"; exit 0; }
table inet tcporacle {
	chain forward {
		type filter hook forward priority 0;
		tcp dport { 9231, 9232 } numgen inc mod 20 == 0 drop
	}
}
EOF
if capture loss4 "$NS_A" "$IF_A" "$IF_B" -- \
	exchange sink 0.0.0.0 9231 -- bulk "$IP4_B" 9231 2000000; then
	compare "loss over IPv4, sender's side" "$TMP/loss4-$IF_A.pcap" \
		retransmission,duplicate_ack
	compare "loss over IPv4, receiver's side" "$TMP/loss4-$IF_B.pcap" \
		lost_segment,duplicate_ack
else
	not_ok "a transfer through the lossy router over IPv4" "$(cat "$TMP"/*.out | head -c 300)"
fi
if capture loss6 "$NS_A" "$IF_A" -- exchange sink :: 9232 -- bulk "$IP6_B" 9232 2000000; then
	compare "loss over IPv6, sender's side" "$TMP/loss6-$IF_A.pcap" \
		retransmission,duplicate_ack
else
	not_ok "a transfer through the lossy router over IPv6" "$(cat "$TMP"/*.out | head -c 300)"
fi

if capture stall "$NS_A" "$IF_A" -- \
	exchange sink 0.0.0.0 9233 4096 3 -- bulk "$IP4_B" 9233 200000 3.5; then
	compare "stalled reader" "$TMP/stall-$IF_A.pcap" \
		zero_window,window_full,window_update,keep_alive,keep_alive_ack
else
	not_ok "a transfer to a stalled reader" "$(cat "$TMP"/*.out | head -c 300)"
fi

if capture hello "$NS_A" "$IF_A" -- \
	exchange hello-server 0.0.0.0 9230 -- hello-client "$IP4_B" 9230; then
	pcap="$TMP/hello-$IF_A.pcap"
	compare "the course's exchange" "$pcap" ""
	# The states: after the server's FIN, and after the last frame.
	got=$("$PY" -c 'import json, sys
frames = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{\"frame\"")]
state = lambda o: "%s/%s" % (o["tcp_analysis"]["state"]["src"], o["tcp_analysis"]["state"]["dst"])
fin = [o for o in frames if o["tcp"]["sport"] == 9230 and "F" in o["tcp"]["flags"]]
print(state(fin[0]) if fin else "no FIN", state(frames[-1]), frames[-1]["tcp"]["flags"])' "$pcap.jsonl")
	expect_eq "the course's exchange: FIN_WAIT_1/CLOSE_WAIT after the server's FIN, TIME_WAIT/CLOSED after the last ACK" \
		"$got" "FIN_WAIT_1/CLOSE_WAIT TIME_WAIT/CLOSED A"
else
	not_ok "the course's exchange" "$(cat "$TMP"/*.out | head -c 300)"
fi
exit 0
