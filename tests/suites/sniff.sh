#!/usr/bin/env bash
# `rawcraft sniff`: a live kernel exchange in a namespace lab, shown as
# decode shows a capture (relative numbers as tshark's on the -w file),
# with root dropped before the first frame; -c N ends it (exit 0), SIGINT
# too (130), both with the conversation summary; a bad filter is refused
# (exit 2), no privileges is exit 3, and so is no interface to pick.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"

lab_start || exit 0
if ! command -v tshark >/dev/null; then
	not_ok "sniff" "tshark is not installed (tests/deps.sh installs it)"
	exit 0
fi

# sniff_ready PID: waits (5 s at most) until PID runs as nobody, the capture
# open; prints the Uid: line's real uid.
sniff_ready() {
	local uid=""
	for _ in $(seq 50); do
		uid=$(awk '/^Uid:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
		[ "$uid" = 65534 ] && break
		sleep 0.1
	done
	echo "$uid"
}
# sniff_end PID: its exit status once it ends (10 s at most; then killed, 137).
sniff_end() {
	for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$1" 2>/dev/null && kill -KILL "$1"
	wait "$1"
}
# client PORT: a kernel client from A: connects, sends "hello", waits, closes.
client() {
	in_a "$PY" -c "import socket, time
s = socket.create_connection(('$IP_B', $1), timeout=5)
s.sendall(b'hello'); time.sleep(0.3); s.close()"
}
# flags_seq_ack_len: "[FLAGS]|SEQ|ACK|LEN" of each TCP line, from rawcraft's
# summaries or tshark's Info column (stdin).
flags_seq_ack_len() {
	sed -nE 's/^.*(\[[A-Z, ]+\]) [sS]eq=([0-9]+)( [aA]ck=([0-9]+))? .*[lL]en=([0-9]+).*$/\1|\2|\4|\5/p'
}

# --- sniff -c 8 tcp port 9230: the whole exchange, root dropped --------------
# `ip netns exec` execs rawcraft: $! is rawcraft itself.
ip netns exec "$NS_B" "$RAWCRAFT" sniff -i "$IF_B" -c 8 tcp port 9230 -w "$TMP/s.pcap" \
	>"$TMP/s.out" 2>"$TMP/s.err" &
pid=$!
uid=$(sniff_ready "$pid")
expect_eq "sniff: runs as nobody (Uid 65534) before the first frame" "$uid" 65534
# The server closes half a second after the client: its ACK of the client's
# FIN (delayed at most 200 ms) comes before its own FIN.
lab_server 9230 "$TMP/srv" 0.5
client 9230
sniff_end "$pid"; rc=$?
expect_eq "sniff -c 8: exit 0 after 8 frames" "$rc:$(cat "$TMP/s.err")" "0:"
expect_eq "sniff -c 8: 8 frame lines numbered 1 to 8" \
	"$(grep -oE '^[0-9]+ ' "$TMP/s.out" | tr -d ' ' | tr '\n' ' ')" "1 2 3 4 5 6 7 8 "
got=$(grep '^[0-9]' "$TMP/s.out" | flags_seq_ack_len)
expect_eq "sniff -c 8: handshake, data, its ACK, the client's FIN, its ACK, the server's FIN" \
	"$(printf '%s\n' "$got" | cut -d'|' -f1,2,4 | tr '\n' ';')" \
	"[SYN]|0|0;[SYN, ACK]|0|0;[ACK]|1|0;[PSH, ACK]|1|5;[ACK]|1|0;[FIN, ACK]|6|0;[ACK]|1|0;[FIN, ACK]|1|0;"
want=$(tshark -r "$TMP/s.pcap" -T fields -e _ws.col.Info 2>/dev/null | flags_seq_ack_len)
expect_eq "sniff -c 8: relative seq, ack and len as tshark's on the -w file" "$got" "$want"
expect_eq "sniff -c 8 -w: tshark reads 8 frames" \
	"$(tshark -r "$TMP/s.pcap" 2>/dev/null | wc -l)" 8
grep -q '^6 .*\[FIN_WAIT_1 > CLOSE_WAIT\]' "$TMP/s.out" &&
	ok "sniff: the client's FIN takes it to FIN_WAIT_1, the server to CLOSE_WAIT" ||
	not_ok "sniff: states after the client's FIN" "$(sed -n 6p "$TMP/s.out")"
if grep -q '^TCP conversations: 1$' "$TMP/s.out" &&
   grep -q "^  stream 0: $IP_A:[0-9]* <-> $IP_B:9230, " "$TMP/s.out" &&
   grep -q 'handshake complete; closed by FIN both ways' "$TMP/s.out"; then
	ok "sniff -c 8: the conversation summary after the frames"
else
	not_ok "sniff -c 8: the conversation summary" "$(sed -n '9,$p' "$TMP/s.out" | tr '\n' '|')"
fi
lab_wait_file "$TMP/srv"
expect_eq "sniff: the server read what the client sent" "$(cat "$TMP/srv")" "eof b'hello'"

# --- SIGINT: the summary, exit 130, a complete -w file ------------------------
ip netns exec "$NS_B" "$RAWCRAFT" sniff -i "$IF_B" tcp port 9231 -w "$TMP/i.pcap" \
	>"$TMP/i.out" 2>"$TMP/i.err" &
pid=$!
sniff_ready "$pid" >/dev/null
lab_server 9231 "$TMP/srv2" 0.5
client 9231
# Line-buffered: the frames are in the file while it still runs.
for _ in $(seq 50); do [ "$(grep -c '^[0-9]' "$TMP/i.out")" -ge 9 ] && break; sleep 0.1; done
n=$(grep -c '^[0-9]' "$TMP/i.out")
expect_eq "sniff: the exchange's 9 frames are out while it runs" "$n" 9
kill -INT "$pid"
sniff_end "$pid"; rc=$?
expect_eq "sniff, SIGINT: exit 130" "$rc:$(cat "$TMP/i.err")" "130:"
if grep -q '^TCP conversations: 1$' "$TMP/i.out" &&
   grep -q 'handshake complete; closed by FIN both ways; 0 retransmissions; states TIME_WAIT / CLOSED' \
	"$TMP/i.out"; then
	ok "sniff, SIGINT: the conversation summary, closed by FIN both ways"
else
	not_ok "sniff, SIGINT: the conversation summary" "$(grep -v '^[0-9]' "$TMP/i.out" | tr '\n' '|')"
fi
expect_eq "sniff, SIGINT: the -w file holds every frame shown" \
	"$(tshark -r "$TMP/i.pcap" 2>/dev/null | wc -l)" "$n"

# --- --json: one object per frame, requests and answers named -----------------
ip netns exec "$NS_B" "$RAWCRAFT" sniff -i "$IF_B" -c 4 --json icmp >"$TMP/j.out" &
pid=$!
sniff_ready "$pid" >/dev/null
in_a ping -c 2 -i 0.2 -W 1 "$IP_B" >/dev/null
sniff_end "$pid"; rc=$?
got=$("$PY" -c 'import json, sys
for l in sys.stdin:
    o = json.loads(l); print(o["frame"], o.get("answers"), end=";")' <"$TMP/j.out")
expect_eq "sniff --json -c 4 icmp: 4 objects, each reply answers its request" \
	"$rc:$got" "0:1 None;2 1;3 None;4 3;"

# --- stdout gone (| head): it ends as tcpdump does, 141 ----------------------
( ip netns exec "$NS_B" "$RAWCRAFT" sniff -i "$IF_B" icmp 2>"$TMP/p.err" | head -1 >"$TMP/p.out"
  echo "${PIPESTATUS[0]}" >"$TMP/p.rc" ) &
pid=$!
sp=""
for _ in $(seq 50); do sp=$(pgrep -f "sniff -i $IF_B icmp" | head -1); [ -n "$sp" ] && break; sleep 0.1; done
sniff_ready "$sp" >/dev/null
in_a ping -c 3 -i 0.2 -W 1 "$IP_B" >/dev/null
for _ in $(seq 50); do [ -s "$TMP/p.rc" ] && break; sleep 0.1; done
[ -s "$TMP/p.rc" ] || kill -KILL "$sp"
wait "$pid"
expect_eq "sniff | head -1: ends with 141 once its reader is gone, head has frame 1" \
	"$(cat "$TMP/p.rc"):$(cut -c1-2 "$TMP/p.out")" "141:1 "

# --- tcpdump -U -w (a pipe) | rawcraft decode -: read as it comes -----------
mkfifo "$TMP/fifo"
ip netns exec "$NS_B" tcpdump -U -i "$IF_B" -w "$TMP/fifo" icmp 2>"$TMP/td.err" &
tpid=$!
"$RAWCRAFT" decode - <"$TMP/fifo" >"$TMP/t.out" 2>&1 &
dpid=$!
for _ in $(seq 50); do grep -q '^listening on' "$TMP/td.err" && break; sleep 0.1; done
in_a ping -c 2 -i 0.2 -W 1 "$IP_B" >/dev/null
for _ in $(seq 30); do [ "$(grep -c '^[0-9]' "$TMP/t.out")" -ge 4 ] && break; sleep 0.1; done
got=$(grep -c 'ICMP Echo (ping) reply .*\[reply to #' "$TMP/t.out")
kill "$tpid"
wait "$tpid"
sniff_end "$dpid"
rc=$?
expect_eq "tcpdump -U -w (a pipe) | rawcraft decode -: the replies shown while it runs, exit 0" \
	"$got:$rc" "2:0"

# --- faults -------------------------------------------------------------------
ip netns exec "$NS_B" "$RAWCRAFT" sniff -i "$IF_B" tcp port >"$TMP/out" 2>"$TMP/err"
expect_eq "sniff tcp port: exit 2, pcap's message, nothing shown" \
	"$?:$(cat "$TMP/err"):$(wc -c <"$TMP/out")" \
	"2:rawcraft: error: bad filter 'tcp port': can't parse filter expression: syntax error:0"
ip netns exec "$NS_B" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$RAWCRAFT" sniff -i "$IF_B" -c 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 3 ] && grep -q '^rawcraft: error: needs CAP_NET_RAW: run as root or setcap' "$TMP/err"; then
	ok "sniff as nobody: exit 3, what it needs"
else
	not_ok "sniff as nobody: exit 3, what it needs" "exit $rc: $(cat "$TMP/err")"
fi
ip netns exec "$NS_A" "$RAWCRAFT" sniff -c 1 >"$TMP/out" 2>"$TMP/err"
expect_eq "sniff without -i and without a default route: exit 3, what to do" "$?:$(cat "$TMP/err")" \
	"3:rawcraft: error: no default route to pick an interface by: add one (ip route) or pass -i IF"
ip netns exec "$NS_B" "$RAWCRAFT" sniff -i "${LAB_ID}none" -c 1 >"$TMP/out" 2>"$TMP/err"
expect_eq "sniff -i (no such interface): exit 3" "$?:$(cat "$TMP/err")" \
	"3:rawcraft: error: no such interface '${LAB_ID}none' (see: ip link)"
ip netns exec "$NS_B" "$RAWCRAFT" sniff -i "$IF_B" --template >"$TMP/out" 2>"$TMP/err"
expect_eq "sniff --template: not an option of sniff (exit 2)" "$?:$(cat "$TMP/err")" \
	"2:rawcraft: error: --template is not an option of 'sniff' (see rawcraft --help)"

# --- no -i: the default route's interface --------------------------------------
ip -n "$NS_B" route add default via "$IP_A" dev "$IF_B"
ip netns exec "$NS_B" "$RAWCRAFT" sniff -c 2 icmp >"$TMP/d.out" 2>&1 &
pid=$!
sniff_ready "$pid" >/dev/null
in_a ping -c 1 -W 1 "$IP_B" >/dev/null
sniff_end "$pid"; rc=$?
expect_eq "sniff without -i: the default route's interface, the ping both ways" \
	"$rc:$(grep -cE "^(1 .* $IP_A > $IP_B|2 .* $IP_B > $IP_A) ICMP Echo" "$TMP/d.out")" "0:2"
