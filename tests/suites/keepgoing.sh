#!/usr/bin/env bash
# rawcraft run: failed points, --keep-going, skipped steps, check, and the
# bindings of a real reply, against a real peer in namespaces.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT
GHOST="10.$LAB_NET.0.99"

# A SYN to a port nobody listens on: the peer's kernel answers RST/ACK, so
# "expect synack" fails; a later send needs ${synack.tcp.seq}.  The ping
# after it still runs.
cat >"$TMP/miss.lab" <<LAB
send syn
  ipv4 dst=\${SERVER}
  tcp  dport=9411 flags=S seq=100
expect synack within 500ms
  tcp flags=SA
send ack
  ipv4 dst=\${SERVER}
  tcp  dport=9411 flags=A seq=101 ack=\${synack.tcp.seq + 1}
set next \${synack.tcp.seq + 1}
send ping
  ipv4 dst=\${SERVER}
  icmp seq=7
expect pong within 1s
  icmp type=echo-reply seq=7
print "after: \${pong.icmp.seq}"
LAB

# 1. Without --keep-going the miss ends the run: exit 1, no ping sent.
out=$(in_a "$R" run "$TMP/miss.lab" -D SERVER="$IP_B" --ghost "$GHOST" -w "$TMP/m.pcap"); rc=$?
case "$rc:$out" in "1:"*"miss.lab:4:1: expect synack: nothing matched"*) ok "a missed expect: exit 1, named" ;;
*) not_ok "a missed expect: exit 1, named" "exit $rc: $out" ;; esac
case $out in *"after:"*) not_ok "a missed expect ends the run" "$out" ;;
*) ok "a missed expect ends the run" ;; esac

# 2. --keep-going: the send and set needing the binding are skipped (named),
# the ping and its expect still pass, exit 1.
out=$(in_a "$R" run "$TMP/miss.lab" -D SERVER="$IP_B" --ghost "$GHOST" --keep-going); rc=$?
expect_eq "--keep-going after a miss: exit 1" "$rc" 1
expect_eq "--keep-going: the steps needing the unmade binding are skipped, naming it and its step" \
	"$(grep skipped <<<"$out")" \
"$TMP/miss.lab:6:1: send ack skipped: needs \${synack.tcp.seq}: expect synack (line 4) failed
$TMP/miss.lab:9:1: set next skipped: needs \${synack.tcp.seq}: expect synack (line 4) failed"
case $out in *"after: 7"*) ok "--keep-going: later steps still run and pass" ;;
*) not_ok "--keep-going: later steps still run and pass" "$out" ;; esac

# 3. An else-labelled miss: a pass, and a step using its binding is
# skipped, not refused with exit 2 after frames went out.
cat >"$TMP/else.lab" <<LAB
send syn
  ipv4 dst=\${SERVER}
  tcp  dport=9411 flags=S seq=100
expect synack within 500ms
  tcp flags=SA
  else closed
print "label \${synack.label}"
send ack
  ipv4 dst=\${SERVER}
  tcp  dport=9411 flags=A seq=101 ack=\${synack.tcp.seq + 1}
print "done"
LAB
out=$(in_a "$R" run "$TMP/else.lab" -D SERVER="$IP_B" --ghost "$GHOST" 2>&1); rc=$?
expect_eq "else miss, binding used later: exit 0" "$rc" 0
expect_eq "else miss, binding used later: the send is skipped and said so" \
	"$(grep -E 'skipped|^label|^done|error' <<<"$out")" \
"label closed
$TMP/else.lab:8:1: send ack skipped: needs \${synack.tcp.seq}: expect synack (line 4) timed out (else closed)
done"
