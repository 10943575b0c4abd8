#!/usr/bin/env bash
# The C examples of libcraft against a real peer: one probe, a scenario.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
bin=$ROOT/build/examples
make -s -C "$ROOT" examples >/dev/null 2>&1 || not_ok "make examples" "failed"

in_b "$PY" -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 9230)); s.listen(16); time.sleep(60)" &
wait_port "$NS_B" 9230 || not_ok "peer server" "port 9230 never listened"

# 1. probe-one: a SYN out, the peer kernel's SYN/ACK back through callbacks.
out=$(in_a "$bin/probe-one" "$IF_A" "$IP_B" 9230 2>&1); rc=$?
case "$rc:$out" in
"0:> $IP_A:"*" > $IP_B:9230 TCP [SYN]"*"< $IP_B:9230 > $IP_A:"*"TCP [SYN, ACK]"*"rtt="*)
	ok "probe-one: SYN to an open port, SYN/ACK matched" ;;
*) not_ok "probe-one: SYN to an open port" "exit $rc: $out" ;; esac
out=$(in_a "$bin/probe-one" "$IF_A" "$IP_B" 9231 2>&1); rc=$?
case "$rc:$out" in "0:"*"TCP [RST, ACK]"*) ok "probe-one: a closed port's RST/ACK matched" ;;
*) not_ok "probe-one: a closed port" "exit $rc: $out" ;; esac
out=$(in_a "$bin/probe-one" nosuch0 "$IP_B" 9230 2>&1); rc=$?
case "$rc:$out" in "3:"*nosuch0*) ok "probe-one: no such interface is a system fault (3)" ;;
*) not_ok "probe-one: no such interface" "exit $rc: $out" ;; esac

# 2. run-lab: the shipped ARP scenario, its print step and both frames.
out=$(in_a "$bin/run-lab" "$IF_A" "$ROOT/examples/arp-who-has.lab" TARGET="$IP_B" 2>&1); rc=$?
case "$rc:$out" in
"0:"*"> "*"ARP"*"< "*"ARP"*"$IP_B is at $MAC_B"*) ok "run-lab arp-who-has: request, reply, print" ;;
*) not_ok "run-lab arp-who-has" "exit $rc: $out" ;; esac
out=$(in_a "$bin/run-lab" "$IF_A" "$ROOT/examples/arp-who-has.lab" TARGET=10.254.254.254 2>&1); rc=$?
case "$rc:$out" in "1:"*"expect reply: nothing matched"*) ok "run-lab: an unanswered expect is exit 1" ;;
*) not_ok "run-lab: an unanswered expect" "exit $rc: $out" ;; esac
