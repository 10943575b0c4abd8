#!/usr/bin/env bash
# The handshake typed as separate commands: `send tcp-syn`, then `send
# tcp-ack` with the SYN/ACK's numbers, against a real server in a namespace,
# with each remedy for the host kernel's RST; without one, send says what
# the kernel did, after the SYN/ACK it answered.  --ghost's own faults.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT
GHOST="10.$LAB_NET.0.99"

# From send's --json: the SYN's sport and seq, the SYN/ACK's seq.
numbers() {
	"$PY" -c '
import json, sys
f = [json.loads(l) for l in sys.stdin if l.startswith("{\"frame\"")]
syn = [o["tcp"] for o in f if o["direction"] == "sent"][0]
synack = [o["tcp"] for o in f if o["direction"] == "received"][0]
print(syn["sport"], syn["seq"], synack["seq"])' 2>/dev/null
}

for remedy in "--ghost $GHOST" "--block-rst"; do
	name=${remedy%% *}
	lab_server 9240 "$TMP/got"
	# shellcheck disable=SC2086
	syn=$(in_a "$R" send tcp-syn -D DST="$IP_B" -D PORT=9240 $remedy --json); rc=$?
	read -r sport seq sseq <<<"$(printf '%s\n' "$syn" | numbers)"
	expect_eq "send tcp-syn $name: exit 0" "$rc" 0
	# A student types slower than the server's first SYN/ACK retry (1 s).
	sleep 1.5
	# shellcheck disable=SC2086
	out=$(in_a "$R" send tcp-ack -D DST="$IP_B" -D SPORT="$sport" -D DPORT=9240 \
		-D SEQ=$(((seq + 1) % 4294967296)) -D ACK=$(((sseq + 1) % 4294967296)) $remedy 2>&1); rc=$?
	expect_eq "send tcp-ack $name: exit 0" "$rc" 0
	sleep 0.3
	state=$(in_b ss -tanH "( sport = :9240 )" | awk '$1 == "ESTAB" {print $1}')
	expect_eq "send tcp-syn, send tcp-ack $name: the server's kernel has the connection ESTABLISHED" \
		"$state" ESTAB
	kill $(ip netns pids "$NS_B") 2>/dev/null; wait
	rm -f "$TMP/got"
done

# Without a remedy: the kernel's RST is told after the SYN/ACK it answers,
# with what would have kept the connection.
lab_server 9240 "$TMP/got"
out=$(in_a "$R" send tcp-syn -D DST="$IP_B" -D PORT=9240 2>&1); rc=$?
expect_eq "send tcp-syn without a remedy: exit 0 (the SYN/ACK came)" "$rc" 0
case $out in *"[SYN, ACK]"*$'\n'"   ! the host kernel sent $IP_A:"*"[RST]"*"no socket for the connection"$'\n'*"--block-rst"*"--ghost IP"*)
	ok "send tcp-syn without a remedy: the kernel's RST told after the SYN/ACK, with both remedies" ;;
*) not_ok "send tcp-syn without a remedy: the kernel's RST told after the SYN/ACK" "$out" ;; esac
kill $(ip netns pids "$NS_B") 2>/dev/null; wait

# --ghost must be a free address of the link: exit 2, no SYN sent.
ghost_refused() {	# ghost_refused LABEL GHOST WANT
	local before out rc
	before=$(lab_rx)
	out=$(in_a "$R" send tcp-syn -D DST="$IP_B" -D PORT=9240 --ghost "$2" 2>&1); rc=$?
	case "$rc:$out" in "2:rawcraft: error: --ghost $2 $3"*) ok "--ghost $1: exit 2, says why" ;;
	*) not_ok "--ghost $1: exit 2, says why" "exit $rc: $out" ;; esac
	# Only the who-has that asked: no SYN.
	[ $(( $(lab_rx) - before )) -le 1 ] && ok "--ghost $1: nothing but the ARP request sent" ||
		not_ok "--ghost $1: nothing but the ARP request sent" "$(( $(lab_rx) - before )) frames"
}
ghost_refused "ours" "$IP_A" "is this host's own address"
ghost_refused "the peer's" "$IP_B" "belongs to the host at $MAC_B (it answers ARP for it)"
ghost_refused "off the subnet" "10.$LAB_NET.1.9" "is off $IF_A's subnet"

# The ghost check's lookup is not the run's: a later step's bad input is
# still exit 2, not the ghost's silence read as "no ARP reply" (exit 1).
printf 'send six\n  ipv6 dst=2001:db8::2\n  udp dport=9\n' >"$TMP/six.lab"
out=$(in_a "$R" run "$TMP/six.lab" -i "$IF_A" --ghost "$GHOST" 2>&1); rc=$?
expect_eq "--ghost, then an IPv6 send from an interface without IPv6: exit 2, the src error" \
	"$rc: $out" "2: $TMP/six.lab:2:3: error: ipv6 src: interface $IF_A has no global IPv6 address: set src="
