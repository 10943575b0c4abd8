#!/usr/bin/env bash
# rawcraft run --peer NETNS: the peer kernel's real sockets driven by the
# scenario, and its TCP state read as ss reads it, checked against ss.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT
EX=$ROOT/examples
GHOST="10.$LAB_NET.0.99"
DOC=$ROOT/docs/scenarios.md
. "$TESTS_DIR/docs.sh"
# The docs' lab: 10.9.0.0/24, A .1 at 02:00:00:00:00:01, B .2 at ...:02,
# .99 nobody's, the peer's namespace "server".
doc_norm() { lab_norm -e "s/$NS_B/server/g" -e "s|$TMP/||g"; }
# isn_pairs OUT: the server's ISN as the docs show it (the port is fixed).
isn_pairs() { handshake_pairs "$1" | cut -d' ' -f3-; }

# peer_lines OUT: the peer steps' lines of a run's view, their text only.
peer_lines() { sed -n 's/^ *[0-9]* \* peer  *//p' <<<"$1"; }
# ss_state PORT SPORT WANT: the state ss -tan shows for the peer's socket
# PORT - SPORT (the listening one for WANT=LISTEN), "none" when it has none.
ss_state() {
	local s
	if [ "$3" = LISTEN ]; then
		s=$(in_b ss -tlnH "( sport = :$1 )" | awk '{print $1}')
	else
		s=$(in_b ss -tanH "( sport = :$1 and dport = :$2 )" | awk '{print $1}')
	fi
	echo "${s:-none}"
}
# As ss writes the states expect peer state names as netstat does.
ss_name() {
	case $1 in ESTABLISHED) echo ESTAB ;; CLOSED) echo none ;; *) tr _ - <<<"$1" ;; esac
}
peer_pids() { ip netns pids "$NS_B" 2>/dev/null | tr '\n' ' '; }

# 1. The handshake, the data and the close against a listening socket: the
#    kernel's state confirmed at each step, the data read by its application.
out=$(in_a "$R" run "$EX/peer-handshake.lab" --peer "$NS_B" -D SERVER="$IP_B" --ghost "$GHOST" 2>&1); rc=$?
expect_eq "handshake: exit 0" "$rc" 0
# shellcheck disable=SC2046
doc_check peer-handshake "rawcraft run peer-handshake --peer $NS_B -D SERVER=$IP_B --ghost $GHOST" \
	"$out" $(isn_pairs "$out")
expect_eq "handshake: the kernel went LISTEN, SYN_RECV, ESTABLISHED, CLOSE_WAIT, LAST_ACK, CLOSED" \
	"$(peer_lines "$out" | sed -n 's/^state //p' | tr '\n' ' ')" \
	"LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED "
case $out in *'* peer     read 12 bytes "Hello World!"'*"the peer's application read Hello World!"*)
	ok "handshake: peer read took Hello World! and bound \${peer.read}" ;;
*) not_ok "handshake: peer read took Hello World!" "$out" ;; esac
expect_eq "handshake: the peer's helper is gone after the run" "$(peer_pids)" ""
expect_eq "handshake: no socket left on the port but the one ss says nothing of" \
	"$(in_b ss -tanH '( sport = :9230 )' | wc -l)" 0

# --json: each peer step one object {"peer":TEXT,"line":N,"op":OP}, an expect
# peer state's with "expected" and "got", among the frames.
in_a "$R" run "$EX/peer-handshake.lab" --peer "$NS_B" -D SERVER="$IP_B" -D SPORT=40002 \
	--ghost "$GHOST" --json >"$TMP/hs.json" 2>&1; rc=$?
got=$("$PY" - "$TMP/hs.json" <<'PYEOF'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
peer = [o for o in objs if 'peer' in o]
print(len(objs) - len(peer) > 0, " | ".join("%d %s %s %s/%s" % (o['line'], o['op'], o['peer'],
      o.get('expected'), o.get('got')) for o in peer[:3]),
      all(set(o) == ({'peer', 'line', 'op', 'expected', 'got'} if o['op'] == 'state' else
                     {'peer', 'line', 'op'}) for o in peer))
PYEOF
)
expect_eq "handshake --json: exit 0, peer objects with their line and op, a state's expected and got" \
	"$rc:$got" "0:True 11 listen listening on port 9230 None/None | 12 state state LISTEN LISTEN/LISTEN | 20 state state SYN_RECV SYN_RECV/SYN_RECV True"

# 2. Each state the run reports is the one ss -tan shows at that moment: the
#    run sleeps after each (2 s: ss may be slow on a loaded machine), the
#    test reads its view line by line and asks ss.
sed 's/^expect peer state .*/&\nsleep 2s/' "$EX/peer-handshake.lab" >"$TMP/slow-hs.lab"
mkfifo "$TMP/view"
in_a "$R" run "$TMP/slow-hs.lab" --peer "$NS_B" -D SERVER="$IP_B" -D SPORT=40001 \
	--ghost "$GHOST" >"$TMP/view" 2>&1 &
agree="" n=0
while IFS= read -r -t 10 line; do
	case $line in *' * peer     state '*)
		st=${line##* state }
		n=$((n + 1))
		got=$(ss_state 9230 40001 "$st")
		[ "$got" = "$(ss_name "$st")" ] || agree="$agree $st/ss:$got"
	esac
done <"$TMP/view"
wait $!; rc=$?
expect_eq "handshake, slowed: exit 0 and six states reported" "$rc:$n" "0:6"
expect_eq "handshake, slowed: every state agrees with ss -tan at that moment" "$agree" ""

# 3. The peer kernel as the client (peer connect) against a rawcraft "server"
#    speaking from the ghost address: SYN_SENT to TIME_WAIT, the peer closing
#    first.
cat >"$TMP/client.lab" <<EOF
set PORT 9240
peer connect $GHOST \${PORT}
expect peer state SYN_SENT
expect syn within 2s
  tcp flags=S dport=\${PORT}
send synack
  ipv4 dst=$IP_B
  tcp sport=\${PORT} dport=\${syn.tcp.sport} flags=SA seq=500 ack=\${syn.tcp.seq + 1}
expect ack within 2s
  tcp flags=A ack=501
expect peer state ESTABLISHED
peer write "Hi"
expect data within 2s
  tcp flags=PA
send dataack
  ipv4 dst=$IP_B
  tcp dport=\${syn.tcp.sport} flags=A seq=501 ack=\${data.tcp.seq + 2}
peer shutdown write
expect fin within 2s
  tcp flags=FA
expect peer state FIN_WAIT1
send finack
  ipv4 dst=$IP_B
  tcp dport=\${syn.tcp.sport} flags=A seq=501 ack=\${fin.tcp.seq + 1}
expect peer state FIN_WAIT2
send ourfin
  ipv4 dst=$IP_B
  tcp dport=\${syn.tcp.sport} flags=FA seq=501 ack=\${fin.tcp.seq + 1}
expect lastack within 2s
  tcp flags=A ack=502
expect peer state TIME_WAIT
EOF
out=$(in_a "$R" run "$TMP/client.lab" --peer "$NS_B" --ghost "$GHOST" 2>&1); rc=$?
expect_eq "connect: exit 0" "$rc" 0
expect_eq "connect: the kernel went SYN_SENT, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, TIME_WAIT" \
	"$(peer_lines "$out" | sed -n 's/^state //p' | tr '\n' ' ')" \
	"SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT "
case $(peer_lines "$out") in "connecting $IP_B:"*" - $GHOST:9240"*"wrote 2 bytes"*"shut down write"*)
	ok "connect: the view names the peer's own socket, the write and the shutdown" ;;
*) not_ok "connect: the view names the peer's socket" "$out" ;; esac
expect_eq "connect: ss shows the peer's socket in TIME-WAIT after the run" \
	"$(in_b ss -tanH "( dport = :9240 )" | awk '{print $1}')" "TIME-WAIT"

# 4. A state the kernel is not in fails as a test point (exit 1), naming
#    the step, what the kernel says, and the view where it infers another:
#    a FIN with a bad checksum is in the view, not in the kernel.
doc_block badfin.lab >"$TMP/badfin.lab"
out=$(in_a "$R" run "$TMP/badfin.lab" --peer "$NS_B" -D SERVER="$IP_B" --ghost "$GHOST" 2>&1); rc=$?
# shellcheck disable=SC2046
doc_check badfin "rawcraft run badfin.lab --peer $NS_B -D SERVER=$IP_B --ghost $GHOST" "$out" \
	$(isn_pairs "$out")
case "$rc:$out" in
"1:"*"* peer     state ESTABLISHED (the view infers CLOSE_WAIT)"*"badfin.lab:14:1: expect peer state CLOSE_WAIT: the peer's kernel says ESTABLISHED after 0.3s (the view infers CLOSE_WAIT)"*)
	ok "a state not reached: exit 1, the kernel's state beside the view's" ;;
*) not_ok "a state not reached: exit 1, the kernel's state beside the view's" "exit $rc: $out" ;; esac
expect_eq "a failed run leaves no helper" "$(peer_pids)" ""

# 5. The helper lives in the peer's namespace while the run lasts, as
#    rawcraft's child, and never after it: SIGINT (exit 130), SIGKILL (the
#    socketpair's end or PR_SET_PDEATHSIG ends it: this cannot tell which;
#    peerfault.sh stops the helper first, so that only PDEATHSIG can).
printf 'send\n  ipv4 dst=%s\n  udp dport=9\npeer listen 9250\nsleep 30s\n' "$IP_B" >"$TMP/slow.lab"
for sig in INT KILL; do
	# `ip netns exec` execs rawcraft: $! is rawcraft itself.
	ip netns exec "$NS_A" "$R" run "$TMP/slow.lab" --peer "$NS_B" >"$TMP/slow.out" 2>&1 &
	pid=$!
	for _ in $(seq 50); do [ "$(ss_state 9250 0 LISTEN)" = LISTEN ] && break; sleep 0.1; done
	helper=$(peer_pids)
	expect_eq "SIG$sig: while it runs, one process in $NS_B, rawcraft's child" \
		"$(ps -o ppid= -p "${helper%% *}" 2>/dev/null | tr -d ' '):$(wc -w <<<"$helper")" "$pid:1"
	kill -"$sig" "$pid"
	wait "$pid" 2>/dev/null; rc=$?
	for _ in $(seq 20); do [ -z "$(peer_pids)" ] && break; sleep 0.05; done
	expect_eq "SIG$sig: exit $([ $sig = INT ] && echo 130 || echo 137), the helper ended with it" \
		"$rc:$(peer_pids)" "$([ $sig = INT ] && echo 130 || echo 137):"
done
case $(cat "$TMP/slow.out") in *"peer     listening on port 9250"*) ok "the slow run listened" ;;
*) not_ok "the slow run listened" "$(cat "$TMP/slow.out")" ;; esac

# 6. A namespace that does not exist is a system fault (exit 3) naming it.
before=$(lab_rx)
out=$(in_a "$R" run "$TMP/slow.lab" --peer "${LAB_ID}none" 2>&1); rc=$?
case "$rc:$out" in "3:"*"--peer ${LAB_ID}none: no such network namespace (ip netns list"*)
	ok "a missing namespace: exit 3, named, ip netns list suggested" ;;
*) not_ok "a missing namespace: exit 3" "exit $rc: $out" ;; esac

# 7. Peer steps without --peer, a bad state, a bad argument: exit 2, one
#    line with the place, nothing sent (nor by the missing namespace's run).
out=$(in_a "$R" run "$TMP/slow.lab" 2>&1); rc=$?
expect_eq "peer steps without --peer: exit 2, the step named, --peer NETNS suggested" "$rc:$out" \
	"2:$TMP/slow.lab:4:1: error: peer listen PORT drives the peer's own sockets: add --peer NETNS (a namespace, as ip netns list names it)"
printf 'send\n  ipv4 dst=%s\n  udp dport=9\nexpect peer state ESTABLISHE\n' "$IP_B" >"$TMP/bad.lab"
out=$(in_a "$R" run "$TMP/bad.lab" --peer "$NS_B" 2>&1); rc=$?
case "$rc:$out" in "2:$TMP/bad.lab:4:19: error: expect peer state takes a TCP state"*"found 'ESTABLISHE'")
	ok "an unknown state: exit 2 at its column" ;;
*) not_ok "an unknown state: exit 2 at its column" "exit $rc: $out" ;; esac
printf 'send\n  ipv4 dst=%s\n  udp dport=9\npeer listen 70000\n' "$IP_B" >"$TMP/bad.lab"
out=$(in_a "$R" run "$TMP/bad.lab" --peer "$NS_B" 2>&1); rc=$?
expect_eq "a bad port: exit 2 at its column" "$rc:$out" \
	"2:$TMP/bad.lab:4:13: error: a port is 1..65535, found '70000'"
printf 'peer read\n' >"$TMP/bad.lab"
out=$(in_a "$R" run "$TMP/bad.lab" --peer "$NS_B" 2>&1); rc=$?
expect_eq "peer read without N: exit 2" "$rc:$out" \
	"2:$TMP/bad.lab:1:10: error: peer read needs a value: peer read N [within D]"
expect_eq "nothing reached the peer from the refused runs" "$(lab_rx)" "$before"
