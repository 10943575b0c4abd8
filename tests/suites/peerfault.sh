#!/usr/bin/env bash
# rawcraft run --peer NETNS when things go wrong: a peer step that gets
# nothing in time (exit 1, one FILE:LINE:COL line), the system refusing a
# socket (exit 3, what to do), steps out of order and bad names (exit 2,
# nothing sent), a helper stopped or killed mid-run (the run still ends),
# the helper's user and signals.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT
child_of() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' '; }
peer_pids() { ip netns pids "$NS_B" 2>/dev/null | tr '\n' ' '; }
# started LAB PORT ARGS...: rawcraft runs LAB in A in the background ($pid),
# its output in $TMP/out and $TMP/err, until PORT listens in B; $helper is
# its child.
started() {
	local lab=$1 port=$2
	shift 2
	ip netns exec "$NS_A" "$R" run "$lab" -i "$IF_A" --peer "$NS_B" "$@" >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	wait_port "$NS_B" "$port"
	helper=$(child_of "$pid")
}
# ended_within SECONDS: rc is $pid's status, or "hung" when it had to be
# killed after SECONDS.
ended_within() {
	rm -f "$TMP/hung"
	(sleep "$1"; touch "$TMP/hung"; kill -KILL "$pid" "$helper" 2>/dev/null) &
	local dog=$!
	wait "$pid"; rc=$?
	kill "$dog" 2>/dev/null
	wait "$dog" 2>/dev/null
	[ -e "$TMP/hung" ] && rc=hung
}

# 1. Nothing to accept, nothing to read within D: the step fails, exit 1,
#    one FILE:LINE:COL line.
printf 'peer listen 9260\npeer accept within 300ms\n' >"$TMP/accept.lab"
out=$(in_a "$R" run "$TMP/accept.lab" -i "$IF_A" --peer "$NS_B" 2>&1); rc=$?
expect_eq "accept in time: exit 1, one line at the step" "$rc:$(grep -v '^ ' <<<"$out")" \
	"1:$TMP/accept.lab:2:1: peer accept: no connection within 0.3s"
printf 'peer listen 9268\npeer accept within 300ms\nprint "went on"\n' >"$TMP/kg.lab"
out=$(in_a "$R" run "$TMP/kg.lab" -i "$IF_A" --peer "$NS_B" --keep-going 2>&1); rc=$?
case "$rc:$out" in "1:"*"$TMP/kg.lab:2:1: peer accept: no connection within 0.3s"*"went on"*)
	ok "a failed peer step and --keep-going: the run goes on, exit 1" ;;
*) not_ok "a failed peer step and --keep-going" "exit $rc: $out" ;; esac
printf 'peer listen 9261\npeer accept within 5s\npeer read 5 within 300ms\n' >"$TMP/read.lab"
in_a "$R" run "$TMP/read.lab" -i "$IF_A" --peer "$NS_B" >"$TMP/read.out" 2>&1 &
pid=$!
wait_port "$NS_B" 9261
in_a timeout 5 "$PY" -c "import socket, time
s = socket.create_connection(('$IP_B', 9261)); time.sleep(2)" &
client=$!
wait "$pid"; rc=$?
wait "$client"
expect_eq "read in time: exit 1, one line at the step" "$rc:$(grep -v '^[ #]' "$TMP/read.out")" \
	"1:$TMP/read.lab:3:1: peer read: nothing within 0.3s"

# 2. A port the namespace holds already: the system's refusal, exit 3, one
#    line with what to do.
ip netns exec "$NS_B" timeout 10 "$PY" -c "import socket, time
s = socket.socket(socket.AF_INET6); s.bind(('::', 9262)); s.listen(); time.sleep(8)" &
holder=$!
wait_port "$NS_B" 9262
printf 'peer listen 9262\n' >"$TMP/inuse.lab"
out=$(in_a "$R" run "$TMP/inuse.lab" -i "$IF_A" --peer "$NS_B" 2>&1); rc=$?
kill "$holder"; wait "$holder" 2>/dev/null
expect_eq "a port in use: exit 3, one line, what to do" "$rc:$out" \
	"3:rawcraft: error: --peer: peer listen: listen on port 9262: Address already in use (pick another port, or end what holds this one in the namespace)"

# 3. Steps out of order, a name that is no namespace's: exit 2, one line,
#    nothing sent.
before=$(lab_rx)
printf 'send\n  ipv4 dst=%s\n  udp dport=9\npeer read 5\n' "$IP_B" >"$TMP/order.lab"
out=$(in_a "$R" run "$TMP/order.lab" -i "$IF_A" --peer "$NS_B" 2>&1); rc=$?
expect_eq "peer read before a connection: exit 2 at the step" "$rc:$out" \
	"2:$TMP/order.lab:4:1: error: peer read with no connection: peer accept or peer connect first"
printf 'expect peer state LISTEN\npeer listen 9263\n' >"$TMP/order.lab"
out=$(in_a "$R" run "$TMP/order.lab" -i "$IF_A" --peer "$NS_B" 2>&1); rc=$?
expect_eq "expect peer state before anything to look at: exit 2 at the step" "$rc:$out" \
	"2:$TMP/order.lab:1:1: error: expect peer state has no connection to look at: a peer listen, peer connect or send first"
printf 'peer listen 9263\npeer accept\npeer connect %s 9\n' "$IP_A" >"$TMP/order.lab"
out=$(in_a "$R" run "$TMP/order.lab" -i "$IF_A" --peer "$NS_B" 2>&1); rc=$?
expect_eq "two connections at once: exit 2 at the second" "$rc:$out" \
	"2:$TMP/order.lab:3:1: error: peer connect while a connection is open: peer close it first"
printf 'send\n  ipv4 dst=%s\n  udp dport=9\npeer listen 9263\n' "$IP_B" >"$TMP/name.lab"
out=$(in_a "$R" run "$TMP/name.lab" -i "$IF_A" --peer a/b 2>&1); rc=$?
expect_eq "--peer a/b: exit 2, one line" "$rc:$out" \
	"2:rawcraft: error: --peer a/b: not a namespace name (ip netns list names them)"
expect_eq "nothing reached the peer from the refused runs" "$(lab_rx)" "$before"

# 4. The helper stopped (SIGSTOP) mid-run: the next step's wait for it ends
#    (exit 3, one line), and so does the run, the helper killed.
printf 'peer listen 9264\nsleep 2s\nexpect peer state LISTEN\n' >"$TMP/stop.lab"
started "$TMP/stop.lab" 9264
kill -STOP "$helper"
ended_within 20
expect_eq "a stopped helper: the run ends, exit 3, one line" "$rc:$(cat "$TMP/err")" \
	"3:rawcraft: error: --peer: the peer helper did not answer within 3000 ms (is the namespace still there? ip netns list)"
expect_eq "a stopped helper: killed with the run" "$(peer_pids)" ""
#    ... and ^C while the run waits for it: the stop wins, at once (130).
printf 'peer listen 9265\nsleep 1s\nexpect peer state LISTEN\n' >"$TMP/stop.lab"
started "$TMP/stop.lab" 9265
kill -STOP "$helper"
sleep 1.5
kill -INT "$pid"
ended_within 1
expect_eq "^C while the helper is stopped: exit 130 within 1 s, the helper gone" \
	"$rc:$(peer_pids)" "130:"

# 5. The helper killed mid-run: the next step is a fault (exit 3, one line),
#    the helper reaped.
printf 'peer listen 9266\nsleep 2s\npeer close\n' >"$TMP/kill.lab"
started "$TMP/kill.lab" 9266
kill -KILL "$helper"
ended_within 5
case "$rc:$(cat "$TMP/err")" in "3:rawcraft: error: --peer: the peer helper "*)
	[ "$(wc -l <"$TMP/err")" = 1 ] && ok "a killed helper: exit 3, one line" ||
		not_ok "a killed helper: one line" "$(cat "$TMP/err")" ;;
*) not_ok "a killed helper: exit 3" "$rc: $(cat "$TMP/err")" ;; esac
expect_eq "a killed helper: nothing left in the namespace" "$(peer_pids)" ""

# 6. The helper runs as the -Z user (nobody by default), not uid 0, and
#    still listens on port 80 (CAP_NET_BIND_SERVICE); SIGTERM and SIGHUP to
#    it are ignored: the run goes on.
nobody=$(id -u nobody)
printf 'peer listen 80\nsleep 1s\nexpect peer state LISTEN\n' >"$TMP/z.lab"
for z in "-Z nobody" ""; do
	# shellcheck disable=SC2086
	started "$TMP/z.lab" 80 $z
	uid=$(ps -o uid= -p "$helper" | tr -d ' ')
	kill -TERM "$helper"
	kill -HUP "$helper"
	ended_within 5
	expect_eq "${z:-no -Z}: the helper is uid $nobody, port 80 listens, SIGTERM/SIGHUP ignored" \
		"$uid:$rc" "$nobody:0"
done

# 7. rawcraft killed while its helper is stopped: a stopped helper reads no
#    end of the socketpair, so only PR_SET_PDEATHSIG can end it.
printf 'peer listen 9267\nsleep 30s\n' >"$TMP/death.lab"
started "$TMP/death.lab" 9267
kill -STOP "$helper"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
for _ in $(seq 20); do [ -z "$(peer_pids)" ] && break; sleep 0.1; done
expect_eq "PDEATHSIG: a stopped helper dies with rawcraft" "$(peer_pids)" ""
