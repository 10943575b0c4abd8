#!/usr/bin/env bash
# rawcraft run: every example against real peers in namespaces.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT
EX=$ROOT/examples
GHOST="10.$LAB_NET.0.99"

# 1. The classic handshake, with each remedy, from the host's own address.
for remedy in "--ghost $GHOST" "--block-rst"; do
	lab_server 9230 "$TMP/got"
	# shellcheck disable=SC2086
	out=$(in_a "$R" run "$EX/handshake.lab" -D SERVER="$IP_B" $remedy); rc=$?
	lab_wait_file "$TMP/got"
	expect_eq "handshake ${remedy%% *}: exit 0" "$rc" 0
	expect_eq "handshake ${remedy%% *}: the server read exactly Hello World!, then EOF" \
		"$(cat "$TMP/got" 2>/dev/null)" "eof b'Hello World!'"
	sleep 0.3
	expect_eq "handshake ${remedy%% *}: nothing left ESTABLISHED or CLOSE_WAIT" "$(lab_leftovers 9230)" 0
	case $out in *"[us TIME_WAIT, peer CLOSED]"*) ok "handshake ${remedy%% *}: the view ends in TIME_WAIT / CLOSED" ;;
	*) not_ok "handshake ${remedy%% *}: the view ends in TIME_WAIT / CLOSED" "$out" ;; esac
	rm -f "$TMP/got"
	wait
done

# 2. Without a remedy the kernel's RST kills it, and the run says what would fix it.
lab_server 9230 "$TMP/got"
out=$(in_a "$R" run "$EX/handshake.lab" -D SERVER="$IP_B"); rc=$?
case "$rc:$out" in "1:"*"handshake.lab:"*"expect "*"--block-rst"*"--ghost"*) ok "no remedy: fails and names both remedies" ;;
*) not_ok "no remedy: fails and names both remedies" "exit $rc: $out" ;; esac
lab_wait_file "$TMP/got"; rm -f "$TMP/got"; wait

# 3. No rawcraft nftables table outlives a run: normal end, SIGINT, SIGKILL.
lab_rst_tables --block-rst ipv4 "$IP_B" "ip saddr $IP_A ip daddr $IP_B tcp sport"

# 4. syn-scan finds exactly the open ports; a filtered one is told apart.
in_b "$PY" -c "
import socket, time
ss = []
for p in (9301, 9304):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('0.0.0.0', p)); s.listen(8); ss.append(s)
time.sleep(60)" &
wait_port "$NS_B" 9304
in_b nft add table inet scantest
in_b nft add chain inet scantest in '{ type filter hook input priority 0; }'
in_b nft add rule inet scantest in tcp dport 9306 drop
out=$(in_a "$R" run "$EX/syn-scan.lab" -D TARGET="$IP_B" -D FIRST=9300 -D LAST=9306 -w "$TMP/v.pcap"); rc=$?
n=$(view_count "$out" "$TMP/v.pcap")
expect_eq "syn-scan: the view holds every frame of its -w file, the kernel's RSTs included ($n)" "${n% *}" "${n#* }"
expect_eq "syn-scan: open ports are exactly the listening ones" \
	"$(grep ' open$' <<<"$out" | cut -d/ -f1 | tr '\n' ' ')" "9301 9304 "
expect_eq "syn-scan: the dropped port is filtered, the rest closed" \
	"$(grep -c ' closed$' <<<"$out"):$(grep ' filtered$' <<<"$out" | cut -d/ -f1)" "4:9306"

# 5. arp-scan finds exactly the hosts on the segment.
lab_bridge
hosts=""
for h in 11 13 17; do lab_host "x$h" "10.$LAB_NET.0.$h" && hosts="$hosts 10.$LAB_NET.0.$h"; done
out=$(in_a "$R" run "$EX/arp-scan.lab" -D NET="10.$LAB_NET.0" -D FIRST=2 -D LAST=20 -w "$TMP/v.pcap"); rc=$?
n=$(view_count "$out" "$TMP/v.pcap")
expect_eq "arp-scan: the view holds every frame of its -w file ($n)" "${n% *}" "${n#* }"
expect_eq "arp-scan: exactly the namespaces made here answer" \
	"$(grep ' up$' <<<"$out" | awk '{print $1}' | tr '\n' ' ')" "$IP_B$(tr ' ' '\n' <<<"$hosts" | grep . | sed 's/^/ /' | tr -d '\n') "

# 6. rst-inject resets a real established connection.
lab_server 9240 "$TMP/reset"
in_a "$PY" -c "
import socket, time
c = socket.create_connection(('$IP_B', 9240))
for _ in range(100):
    try: c.send(b'ping'); time.sleep(0.1)
    except OSError: break" &
out=$(in_a "$R" run "$EX/rst-inject.lab" -D SERVER="$IP_B" -D PORT=9240 -w "$TMP/v.pcap"); rc=$?
n=$(view_count "$out" "$TMP/v.pcap")
expect_eq "rst-inject: the view holds every frame of its -w file ($n)" "${n% *}" "${n#* }"
lab_wait_file "$TMP/reset"
expect_eq "rst-inject: the server's reader sees a reset" "$rc:$(cut -d' ' -f1 "$TMP/reset" 2>/dev/null)" "0:reset"

# 7. The remaining examples: arp-who-has and the four-way close.
out=$(in_a "$R" run "$EX/arp-who-has.lab" -D TARGET="$IP_B"); rc=$?
expect_eq "arp-who-has: prints the peer's MAC" "$rc:$(tail -1 <<<"$out")" "0:$IP_B is at $(ip -n "$NS_B" -br link show br0 | awk '{print $3}')"
lab_server 9231 "$TMP/closed" 0.3
out=$(in_a "$R" run "$EX/close-4way.lab" -D SERVER="$IP_B" -D PORT=9231 --ghost "$GHOST" -v -w "$TMP/v.pcap"); rc=$?
n=$(view_count "$out" "$TMP/v.pcap")
expect_eq "close-4way: the view holds every frame of its -w file ($n)" "${n% *}" "${n#* }"
states=$(grep -o '\[us [A-Z_0-9]*, peer [A-Z_0-9]*\]' <<<"$out" | tail -4 | tr '\n' ' ')
expect_eq "close-4way: FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT against CLOSE_WAIT, LAST_ACK, CLOSED" "$rc:$states" \
	"0:[us FIN_WAIT_1, peer CLOSE_WAIT] [us FIN_WAIT_2, peer CLOSE_WAIT] [us TIME_WAIT, peer LAST_ACK] [us TIME_WAIT, peer CLOSED] "

# 8. A faulty scenario is refused before anything is sent.
printf 'send syn\n  ipv4 dst=%s\n  tcp dport=9230 flags=S\nexpect synack\n  tcp flags=SA ack=${nope + 1}\n' "$IP_B" >"$TMP/bad.lab"
out=$(in_a "$R" run "$TMP/bad.lab" -w "$TMP/bad.pcap" 2>&1); rc=$?
case "$rc:$out" in "2:$TMP/bad.lab:5:22: error: unknown variable 'nope'"*) ok "a bad scenario: one error line, exit 2" ;;
*) not_ok "a bad scenario: one error line, exit 2" "exit $rc: $out" ;; esac
[ -e "$TMP/bad.pcap" ] && not_ok "a bad scenario sends nothing" "a pcap was written" || ok "a bad scenario sends nothing"

# capture_open: until some process in $NS_A has a packet socket (rawcraft's
# capture is open), bounded: 5 s.
capture_open() {
	for _ in $(seq 50); do
		[ "$(in_a cat /proc/net/packet 2>/dev/null | wc -l)" -gt 1 ] && return 0
		sleep 0.1
	done
	return 1
}

# 9. --ghost answers ping for the ghost address with the whole payload.
cat >"$TMP/ghost.lab" <<LAB
send who
  arp tpa=$IP_B
sleep 4s
LAB
ip -n "$NS_B" neigh del "$GHOST" dev br0 2>/dev/null
ip netns exec "$NS_A" "$R" run "$TMP/ghost.lab" --ghost "$GHOST" >"$TMP/ghost.out" 2>&1 &
pid=$!
# The peer learns the ghost from its ARP request: the run is under way.
for _ in $(seq 50); do ip -n "$NS_B" neigh show "$GHOST" | grep -q lladdr && break; sleep 0.1; done
for size in 0 199 1400; do
	pout=$(in_b ping -n -c 1 -W 2 -s "$size" "$GHOST" 2>&1); prc=$?
	if [ $prc -eq 0 ]; then ok "--ghost: ping -s $size to the ghost address is answered"
	else not_ok "--ghost: ping -s $size to the ghost address is answered" "ping exit $prc: $(tail -2 <<<"$pout" | tr '\n' ' ')"; fi
done
wait "$pid"; rc=$?
expect_eq "--ghost: the run answering pings exits 0" "$rc" 0
[ $rc -eq 0 ] || sed 's/^/# /' "$TMP/ghost.out" | head -30

# 10. A backlog filled by unrelated broadcasts does not blind the next expect.
cat >"$TMP/flood.lab" <<LAB
sleep 500ms
sleep 1s
send ping
  ipv4 dst=$IP_B
  icmp type=echo-request
expect pong
  icmp type=echo-reply
LAB
ip netns exec "$NS_A" "$R" run "$TMP/flood.lab" >"$TMP/flood.out" 2>&1 &
pid=$!
capture_open || not_ok "backlog flood: setup" "rawcraft's capture never opened"
in_b "$PY" -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
for i in range(300):
    s.sendto(b'noise %d' % i, ('10.$LAB_NET.0.255', 9999))"
wait "$pid"; rc=$?
if [ $rc -eq 0 ]; then ok "backlog flood: 300 broadcasts before the ping, the echo reply still matches"
else not_ok "backlog flood: 300 broadcasts before the ping, the echo reply still matches" "exit $rc: $(tail -5 "$TMP/flood.out")"; fi

# 11. Payload in an expect is compared: ICMP echo data, and a UDP echo server.
for want in abc abd; do
	cat >"$TMP/pl-$want.lab" <<LAB
send ping
  ipv4 dst=$IP_B
  icmp type=echo-request
  payload text="abc"
expect pong
  icmp type=echo-reply
  payload text="$want"
LAB
done
out=$(in_a "$R" run "$TMP/pl-abc.lab" 2>&1); rc=$?
expect_eq "expect payload text=\"abc\": the echo reply of \"abc\" matches (exit 0)" "$rc" 0
out=$(in_a "$R" run "$TMP/pl-abd.lab" 2>&1); rc=$?
case "$rc:$out" in "1:"*payload*) ok "expect payload text=\"abd\": the echo of \"abc\" does not match (exit 1, names payload)" ;;
*) not_ok "expect payload text=\"abd\": the echo of \"abc\" does not match (exit 1, names payload)" "exit $rc: $out" ;; esac
lab_udp_echo 7007
cat >"$TMP/udp-echo.lab" <<LAB
send probe
  ipv4 dst=$IP_B
  udp dport=7007
  payload hex=616263
expect echo
  udp sport=7007
  payload text="abc"
LAB
out=$(in_a "$R" run "$TMP/udp-echo.lab" 2>&1); rc=$?
expect_eq "UDP echo: payload hex=616263 comes back as text=\"abc\" (exit 0)" "$rc" 0
[ $rc -eq 0 ] || sed 's/^/# /' <<<"$out" | head -20

# 12. A loop value out of range on a later pass is refused before anything is sent.
cat >"$TMP/range.lab" <<LAB
for p in 80 70000
send probe
  ipv4 dst=$IP_B
  tcp dport=\${p} flags=S
end
LAB
out=$(in_a "$R" run "$TMP/range.lab" -w "$TMP/range.pcap" 2>&1); rc=$?
expect_eq "for p in 80 70000: refused up front (exit 2)" "$rc" 2
[ $rc -eq 2 ] || sed 's/^/# /' <<<"$out" | head -10
[ -e "$TMP/range.pcap" ] && not_ok "for p in 80 70000: nothing sent" "a pcap was written" ||
	ok "for p in 80 70000: nothing sent (no pcap)"

# 13. send -w into a directory that does not exist: exit 3, nothing sent.
ip netns exec "$NS_B" timeout 5 tcpdump -n -i "$IF_B" -U -w "$TMP/wfail.pcap" \
	"icmp[icmptype] == icmp-echo and src host $IP_A" 2>"$TMP/wfail.err" &
tdpid=$!
for _ in $(seq 50); do grep -q listening "$TMP/wfail.err" 2>/dev/null && break; sleep 0.1; done
out=$(in_a "$R" send icmp-echo -D DST="$IP_B" -w /nonexistent/dir/x.pcap 2>&1); rc=$?
expect_eq "send -w /nonexistent/dir/x.pcap: exit 3" "$rc" 3
[ $rc -eq 3 ] || sed 's/^/# /' <<<"$out" | head -10
sleep 1
kill -TERM "$tdpid" 2>/dev/null; wait "$tdpid" 2>/dev/null
n=$( [ -s "$TMP/wfail.pcap" ] && tcpdump -n -r "$TMP/wfail.pcap" 2>/dev/null | wc -l || echo "no capture")
expect_eq "send -w /nonexistent/dir/x.pcap: no echo request reaches the peer within 1 s" "$n" 0

# 14. A SYN on an established connection earns a challenge ACK (RFC 5961)
#     acking the connection's next byte, not the SYN's seq + 1: a scenario's
#     own expect decides what it wants.
lab_server 9250 "$TMP/challenge"
cat >"$TMP/challenge.lab" <<LAB
send syn
  ipv4 dst=$IP_B
  tcp dport=9250 flags=S seq=1000
expect synack within 2s
  tcp flags=SA
send
  ipv4 dst=$IP_B
  tcp dport=9250 flags=A seq=1001 ack=\${synack.tcp.seq + 1}
send again
  ipv4 dst=$IP_B
  tcp dport=9250 flags=S seq=7777
expect challenge within 2s
  tcp flags=A ack=1001
LAB
out=$(in_a "$R" run "$TMP/challenge.lab" --ghost "$GHOST"); rc=$?
expect_eq "a challenge ACK to a SYN on an open connection is matched" "$rc" 0
