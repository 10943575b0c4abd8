#!/usr/bin/env bash
# rawcraft run --peer NETNS over IPv6: the peer kernel's dual-stack
# listening socket and its IPv6 connections, their states as ss shows them;
# the peer's kernel as an IPv6 client.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start6 || exit 0
R=$RAWCRAFT
GHOST6="2001:db8:$LAB_NET::99"

# 1. peer-handshake with ipv6 layers: every state of the close, from the
#    kernel, and ss agreeing on the last socket it holds (none).
sed 's/ipv4 dst=/ipv6 dst=/' "$ROOT/examples/peer-handshake.lab" >"$TMP/hs6.lab"
out=$(in_a "$R" run "$TMP/hs6.lab" --peer "$NS_B" -D SERVER="$IP6_B" --ghost "$GHOST6" 2>&1); rc=$?
expect_eq "handshake6: exit 0" "$rc" 0
expect_eq "handshake6: the kernel went LISTEN, SYN_RECV, ESTABLISHED, CLOSE_WAIT, LAST_ACK, CLOSED" \
	"$(sed -n 's/^ *[0-9]* \* peer  *state //p' <<<"$out" | tr '\n' ' ')" \
	"LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED "
case $out in *"accepted [$IP6_B]:9230 - [$GHOST6]:40000"*'read 12 bytes "Hello World!"'*)
	ok "handshake6: the accepted socket's IPv6 ends, the data read" ;;
*) not_ok "handshake6: the accepted socket's IPv6 ends" "$out" ;; esac
expect_eq "handshake6: no socket left on the port" "$(in_b ss -tanH '( sport = :9230 )' | wc -l)" 0

# 2. peer connect to an IPv6 address: SYN_SENT as ss shows it while the SYN
#    goes unanswered (the run sleeps 3 s there, time for ss on a loaded
#    machine), then CLOSED once the run's helper is gone.
cat >"$TMP/c6.lab" <<EOF
peer connect $GHOST6 9241
expect syn within 2s
  ipv6 dst=$GHOST6
  tcp flags=S dport=9241
expect peer state SYN_SENT
sleep 3s
EOF
in_a "$R" run "$TMP/c6.lab" -i "$IF_A" --peer "$NS_B" --ghost "$GHOST6" >"$TMP/c6.out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q 'state SYN_SENT' "$TMP/c6.out" && break; sleep 0.05; done
expect_eq "connect6: ss shows SYN-SENT when the run does" \
	"$(in_b ss -tanH "( dport = :9241 )" | awk '{print $1}' | head -1)" "SYN-SENT"
wait "$pid"; rc=$?
expect_eq "connect6: exit 0, the socket gone with the helper" \
	"$rc:$(in_b ss -tanH "( dport = :9241 )" | wc -l):$(ip netns pids "$NS_B" | wc -l)" "0:0:0"
