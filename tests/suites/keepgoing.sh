#!/usr/bin/env bash
# rawcraft run: failed points, --keep-going, skipped steps, check, and the
# bindings of a real reply, against a real peer in namespaces.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT
GHOST="10.$LAB_NET.0.99"
DOC=$ROOT/docs/scenarios.md
. "$TESTS_DIR/docs.sh"
doc_norm() { lab_norm; }

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
check synack.tcp.opts.mss == 1460
check 1 == 2 "one is not two"
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
$TMP/miss.lab:9:1: set next skipped: needs \${synack.tcp.seq}: expect synack (line 4) failed
$TMP/miss.lab:10:1: check synack.tcp.opts.mss == 1460 skipped: needs \${synack.tcp.opts.mss}: expect synack (line 4) failed"
expect_eq "--keep-going: a failed check is told, and the run goes on" "$(grep 'check 1' <<<"$out")" \
	"$TMP/miss.lab:11:1: check 1 == 2: got 1, expected == 2 (one is not two)"
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

# 4. A real reply with data: the peer's application writes 13 bytes once
# the handshake is done.  Its length and the SYN/ACK's options are bound;
# checks pass (exit 0), then one fails (exit 1, one line naming it).
in_b "$PY" - 9412 <<'PYEOF' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', int(sys.argv[1]))); s.listen(8); s.settimeout(10)
for _ in range(2):
    try: c, _ = s.accept()
    except socket.timeout: break
    c.sendall(b'Hello, World!'); time.sleep(0.5); c.close()
PYEOF
wait_port "$NS_B" 9412
cat >"$TMP/data.lab" <<LAB
send syn
  ipv4 dst=\${SERVER}
  tcp  dport=9412 flags=S seq=100 opts=mss:1400,sackok,ts:5:0,nop,ws:3
expect synack within 2s
  tcp flags=SA ack=101
check synack.tcp.opts.mss == 1460
check synack.tcp.opts.ts.ecr == 5
check synack.tcp.opts.ws >= 0
check synack.tcp.len == 0
send ack
  ipv4 dst=\${SERVER}
  tcp  dport=9412 flags=A seq=101 ack=\${synack.tcp.seq + 1} opts=nop,nop,ts:6:\${synack.tcp.opts.ts.val}
expect data within 2s
  tcp flags=PA
check data.tcp.len == 13 "the server writes 13 bytes"
check data.payload.len == \${WANT}
check \${data.tcp.seq} == \${synack.tcp.seq + 1}
print "seq \${data.tcp.seq} ack \${data.tcp.seq + data.tcp.len}"
send rst
  ipv4 dst=\${SERVER}
  tcp  dport=9412 flags=R seq=101
LAB
out=$(in_a "$R" run "$TMP/data.lab" -D SERVER="$IP_B" -D WANT=13 --ghost "$GHOST" 2>&1); rc=$?
expect_eq "tcp.len of a real reply with data, the SYN/ACK's options: every check holds, exit 0" \
	"$rc:$(grep -c 'check' <<<"$out")" "0:0"
read -r _ seq _ ack < <(grep '^seq ' <<<"$out")
expect_eq "bindings add up: data.tcp.seq + data.tcp.len is 13 on" "$(( (${seq:-0} + 13) % 4294967296 ))" "${ack:-none}"
out=$(in_a "$R" run "$TMP/data.lab" -D SERVER="$IP_B" -D WANT=12 --ghost "$GHOST" --keep-going 2>&1); rc=$?
expect_eq "a failed check: exit 1, one line with what came and what it wanted" \
	"$rc:$(grep -E 'check' <<<"$out")" \
	"1:$TMP/data.lab:16:1: check data.payload.len == \${WANT}: got 13, expected == 12"
wait

# 5. A value that breaks at run time (a division by the RST's window of 0)
# fails its step with exit 1, never 2, once frames are out.
cat >"$TMP/zero.lab" <<LAB
send syn
  ipv4 dst=\${SERVER}
  tcp  dport=9411 flags=S seq=100
expect rst within 1s
  tcp flags=RA
check 100 / rst.tcp.win == 1
print "went on"
LAB
for kg in "" --keep-going; do
	# shellcheck disable=SC2086
	out=$(in_a "$R" run "$TMP/zero.lab" -D SERVER="$IP_B" --ghost "$GHOST" $kg 2>&1); rc=$?
	expect_eq "division by zero at run time ${kg:-alone}: exit 1, the failed check its one line" \
		"$rc:$(grep -vE '^#[0-9]+ |^ ' <<<"$out")" \
		"1:$TMP/zero.lab:6:1: check 100 / rst.tcp.win == 1: got error: '/' by zero, expected valid values${kg:+
went on}"
done

# 6. docs/scenarios.md's grade.lab: a server that never greets; the
# greeting's check is skipped, the RST still goes out, exit 1.
in_b "$PY" - 9413 <<'PYEOF' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', int(sys.argv[1]))); s.listen(8); s.settimeout(10)
try: c, _ = s.accept(); time.sleep(3)
except socket.timeout: pass
PYEOF
wait_port "$NS_B" 9413
doc_block grade.lab >"$TMP/grade.lab"
out=$(cd "$TMP" && in_a "$R" run grade.lab -D SERVER="$IP_B" --ghost "$GHOST" --keep-going 2>&1); rc=$?
expect_eq "grade.lab with a silent server: exit 1" "$rc" 1
doc_check grade "rawcraft run grade.lab -D SERVER=$IP_B --ghost $GHOST --keep-going" "$out" \
	$(handshake_pairs "$out")
wait

# 7. A test point is skipped only when a failed step left what it needs
# unmade (test 2); one that cannot be evaluated for another reason fails,
# naming what was missing: an option the reply lacks (a RST carries no
# MSS), a binding an else-labelled expect left unmade.  A print needing it
# is still skipped.
cat >"$TMP/noopt.lab" <<LAB
send syn
  ipv4 dst=\${SERVER}
  tcp  dport=9411 flags=S seq=100 opts=mss:1460
expect rst within 1s
  tcp flags=RA
check rst.tcp.opts.mss == 1460
print "mss \${rst.tcp.opts.mss}"
expect synack within 300ms
  tcp flags=SA
  else closed
check synack.tcp.seq > 0
check rst.tcp.len == 0
print "went on"
LAB
rest="
$TMP/noopt.lab:7:1: print skipped: needs \${rst.tcp.opts.mss}: no mss option in rst
$TMP/noopt.lab:11:1: check synack.tcp.seq > 0: got expect synack (line 8) timed out (else closed), expected every value it names
went on"
for kg in "" --keep-going; do
	# shellcheck disable=SC2086
	out=$(in_a "$R" run "$TMP/noopt.lab" -D SERVER="$IP_B" --ghost "$GHOST" $kg 2>&1); rc=$?
	expect_eq "a point needing what no failure left unmade fails ${kg:-alone}, with what was missing" \
		"$rc:$(grep -vE '^#[0-9]+ |^ ' <<<"$out")" \
		"1:$TMP/noopt.lab:6:1: check rst.tcp.opts.mss == 1460: got no mss option in rst, expected every value it names${kg:+$rest}"
done

out=$(in_a "$R" run "$TMP/noopt.lab" -D SERVER="$IP_B" --ghost "$GHOST" --json 2>&1); rc=$?
expect_eq "--json: the failed check's point names what was missing" \
	"$rc:$(grep -F '"title":"check rst.tcp.opts.mss == 1460"' <<<"$out" | grep -o '"outcome".*')" \
	'1:"outcome":"fail","points":1,"score":0,"expected":"every value it names","got":"no mss option in rst"}'

# A peer step needing what a failure left unmade is skipped, named as such.
cat >"$TMP/peerskip.lab" <<LAB
send syn
  ipv4 dst=\${SERVER}
  tcp  dport=9411 flags=S seq=100
expect synack within 300ms
  tcp flags=SA
peer listen \${synack.tcp.sport}
print "went on"
LAB
out=$(in_a "$R" run "$TMP/peerskip.lab" -D SERVER="$IP_B" --ghost "$GHOST" --peer "$NS_B" \
	--keep-going 2>&1); rc=$?
expect_eq "a skipped peer step says which" "$rc:$(grep -E 'skipped|went' <<<"$out")" \
	"1:$TMP/peerskip.lab:6:1: peer listen skipped: needs \${synack.tcp.sport}: expect synack (line 4) failed
went on"

# 8. A for whose values fail at run time runs no pass of its body.
cat >"$TMP/for.lab" <<LAB
send syn
  ipv4 dst=\${SERVER}
  tcp  dport=9411 flags=S seq=100
expect rst within 1s
  tcp flags=RA
for i in \${100 / rst.tcp.win}
print "body \${i}"
end
print "went on"
LAB
out=$(in_a "$R" run "$TMP/for.lab" -D SERVER="$IP_B" --ghost "$GHOST" --keep-going 2>&1); rc=$?
expect_eq "a for whose values fail: no body, the run goes on, exit 1" \
	"$rc:$(grep -vE '^#[0-9]+ |^ ' <<<"$out")" \
	"1:$TMP/for.lab:6:16: error: '/' by zero
went on"

# 9. A named send made again in a loop drops what its last pass bound: the
# second SYN has no MSS.
cat >"$TMP/resend.lab" <<LAB
for o in mss:1460 nop,nop,nop,nop
send s
  ipv4 dst=\${SERVER}
  tcp  dport=9411 flags=S seq=100 opts=\${o}
print "mss \${s.tcp.opts.mss}"
end
LAB
out=$(in_a "$R" run "$TMP/resend.lab" -D SERVER="$IP_B" --ghost "$GHOST" 2>&1); rc=$?
expect_eq "a send made again binds afresh" "$rc:$(grep -vE '^#[0-9]+ |^ ' <<<"$out")" \
	"0:mss 1460
$TMP/resend.lab:5:1: print skipped: needs \${s.tcp.opts.mss}: no mss option in s"

# 10. Once an expect took a frame nothing sent, a value that breaks is the
# step's failure (exit 1), not bad input (exit 2): the peer pings us.
in_b ping -c 8 -i 0.25 -W 1 "$IP_A" >/dev/null 2>&1 &
cat >"$TMP/taken.lab" <<LAB
expect ping any within 3s
  icmp type=echo-request
print "\${100 / ping.icmp.code}"
LAB
out=$(in_a "$R" run "$TMP/taken.lab" -i "$IF_A" 2>&1); rc=$?
expect_eq "a fault after an expect took a frame: exit 1" "$rc:$(grep -vE '^#[0-9]+ |^ ' <<<"$out")" \
	"1:$TMP/taken.lab:3:14: error: '/' by zero"
wait
