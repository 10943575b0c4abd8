# tests/lab.sh - sourced: a two-host lab in network namespaces.
#   lab_up       creates namespaces $NS_A and $NS_B joined by veth
#                ($IF_A 10.$N.0.1/24 <-> $IF_B 10.$N.0.2/24), unique per run
#   lab_queues N the veth made again with N TX and RX queues a side
#   in_a CMD     runs CMD inside $NS_A (where rawcraft runs)
#   in_b CMD     runs CMD inside $NS_B (the peer: the real kernel, real servers)
#   lab_up6      the same two namespaces and veth with IPv6 on and nothing
#                else: $IF_A $IP6_A/64 <-> $IF_B $IP6_B/64 (2001:db8:$LAB_NET::1
#                and ::2), link-local $LL_A and $LL_B, no DAD anywhere, so
#                every address is usable when it returns; no IPv4 address
#   lab_router6  A - R - B over IPv6: $IF_A $IP6_A/64 <-> $IF_RA $IP6_RA/64
#                in $NS_R, which forwards to $IF_RB $IP6_RB/64 <-> $IF_B
#                $IP6_B/64 on another /64; A and B route by default through R;
#                the R - B link has MTU $LAB_MTU6 (1280), so a datagram of
#                more than 1280 bytes from A to B gets packet-too-big from R
# Everything is removed by the EXIT trap, even on failure; processes started
# inside a namespace outlive `ip netns del`, so they are killed first.
# A short random id: "rc" + 6 hex digits, so that every name derived from it
# (${LAB_ID}a, ${LAB_ID}hx11, ${LAB_ID}d ...) stays within IFNAMSIZ - 1 = 15
# characters whatever the PID.
LAB_ID="rc$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
NS_A="${LAB_ID}a"
NS_B="${LAB_ID}b"
IF_A="${LAB_ID}A"
IF_B="${LAB_ID}B"
LAB_NET=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' \n') % 200 + 20 ))
IP_A="10.$LAB_NET.0.1"
IP_B="10.$LAB_NET.0.2"
# The IPv6 labs' names and addresses (documentation prefix, RFC 3849);
# LAB_NET is also a valid hexadecimal group.  LL_A, LL_B (and LL_RA, LL_RB)
# are read from the kernel by lab_up6 / lab_router6.
NS_R="${LAB_ID}r"
IF_RA="${LAB_ID}RA"
IF_RB="${LAB_ID}RB"
LAB_MTU6=1280
IP6_A="2001:db8:$LAB_NET::1"
IP6_B="2001:db8:$LAB_NET::2"
IP6_RA="" IP6_RB=""
LL_A="" LL_B="" LL_RA="" LL_RB=""
LAB6=false	# true once an IPv6 lab is up: lab_host then keeps IPv6 on

lab_down() {
	local ns pids
	for ns in $(ip netns list | awk '{print $1}' | grep "^$LAB_ID"); do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		# shellcheck disable=SC2086
		[ -n "$pids" ] && kill -9 $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "${TMP:-/nonexistent}"
}
trap lab_down EXIT INT TERM

# IPv6 stays off: its neighbour discovery would add frames to the counts.
lab_no_ipv6() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
}

# lab_link [N]: the veth between A and B, with N TX and RX queues a side
# (default: the kernel's, one per CPU of which one is used), its addresses, up.
lab_link() {
	local q=()
	[ -n "${1:-}" ] && q=(numtxqueues "$1" numrxqueues "$1")
	ip link add "$IF_A" netns "$NS_A" "${q[@]}" type veth peer name "$IF_B" netns "$NS_B" "${q[@]}" &&
	ip -n "$NS_A" addr add "$IP_A/24" dev "$IF_A" &&
	ip -n "$NS_B" addr add "$IP_B/24" dev "$IF_B" &&
	ip -n "$NS_A" link set "$IF_A" up && ip -n "$NS_B" link set "$IF_B" up &&
	MAC_A=$(ip -n "$NS_A" -br link show "$IF_A" | awk '{print $3}') &&
	MAC_B=$(ip -n "$NS_B" -br link show "$IF_B" | awk '{print $3}')
}

# lab_queues [N]: the veth made again (if it is gone too), as lab_link makes it.
lab_queues() { ip -n "$NS_A" link del "$IF_A" 2>/dev/null; lab_link "${1:-}"; }

lab_up() {
	ip netns add "$NS_A" && ip netns add "$NS_B" &&
	lab_no_ipv6 "$NS_A" && lab_no_ipv6 "$NS_B" &&
	ip -n "$NS_A" link set lo up && ip -n "$NS_B" link set lo up &&
	lab_link
}

# lab_start: lab_up, or one failing test line when it cannot be made.
lab_start() {
	lab_up && return 0
	echo "not ok - lab: could not create network namespaces (needs root and iproute2)"
	return 1
}

# lab_bridge: turns B into a switch (br0 holds $IP_B) for more hosts.
lab_bridge() {
	ip -n "$NS_B" link add br0 type bridge &&
	ip -n "$NS_B" addr del "$IP_B/24" dev "$IF_B" &&
	ip -n "$NS_B" link set "$IF_B" master br0 &&
	ip -n "$NS_B" addr add "$IP_B/24" dev br0 &&
	ip -n "$NS_B" link set br0 up
}

# lab_host SUFFIX IP: one more host on B's bridge, in namespace $LAB_ID$SUFFIX.
# In an IPv4 lab its IPv6 is off too, as A's and B's are: its router
# solicitations and MLD reports would otherwise cross the bridge.
lab_host() {
	local ns="$LAB_ID$1" h="${LAB_ID}h$1"
	ip netns add "$ns" &&
	{ $LAB6 || lab_no_ipv6 "$ns"; } &&
	ip link add "$h" netns "$NS_B" type veth peer name eth0 netns "$ns" &&
	ip -n "$NS_B" link set "$h" master br0 && ip -n "$NS_B" link set "$h" up &&
	ip -n "$ns" addr add "$2/24" dev eth0 && ip -n "$ns" link set eth0 up &&
	ip -n "$ns" link set lo up
}

in_a() { ip netns exec "$NS_A" "$@"; }
# lab_rx: the frames B's end of the veth has received (counted by its kernel).
lab_rx() { in_b cat "/sys/class/net/$IF_B/statistics/rx_packets"; }

# lab_pace RATE ARGS...: `rawcraft send ARGS --rate RATE -c 2*RATE` in A
# judged by B's rx counter over a second inside the run: an ok line when
# it is within 2% of RATE.  Each counter read and its clock are taken in
# one process, next to each other: a fork of `ip netns exec` between them
# (several ms, more under load) was part of the measured second.
lab_pace() {
	local rate=$1 pid got err
	shift
	in_a timeout 60 "$RAWCRAFT" send "$@" --rate "$rate" -c $((rate * 2)) >/dev/null &
	pid=$!
	sleep 0.5
	got=$(in_b "$PY" -c '
import sys, time
def rx():
    with open(sys.argv[1]) as f:
        return int(f.read()), time.monotonic_ns()
r0, t0 = rx()
time.sleep(1)
r1, t1 = rx()
print((r1 - r0) * 1000000000 // (t1 - t0))' "/sys/class/net/$IF_B/statistics/rx_packets")
	wait "$pid"
	err=$(( (got - rate) * 1000 / rate ))
	if [ "${err#-}" -le 20 ]; then
		ok "${*:2} --rate $rate: the peer saw $got frames/s (within 2%)"
	else
		not_ok "${*:2} --rate $rate: pace" "the peer saw $got frames/s, ${err}‰ off"
	fi
}
in_b() { ip netns exec "$NS_B" "$@"; }

# wait_port NS PORT: until a TCP listener is up (bounded: 5 s).
wait_port() {
	for _ in $(seq 50); do
		ip netns exec "$1" ss -ltnH "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# lab_server PORT OUT [LINGER] [ADDR]: a real server in $NS_B for one
# connection on ADDR (0.0.0.0; an IPv6 one such as :: for IPv6); writes
# what it read and how it ended (eof, reset, timeout) to OUT; LINGER seconds
# before it closes its end.  Returns once it listens.
lab_server() {
	in_b "$PY" - "$1" "$2" "${3:-0}" "${4:-0.0.0.0}" <<'PYEOF' &
import socket, sys, time
port, out, linger, addr = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_INET6 if ':' in addr else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port)); s.listen(8); s.settimeout(10)
try:
    c, _ = s.accept()
except socket.timeout:
    open(out, 'w').write('no connection'); sys.exit(0)
c.settimeout(20); data = b''; how = 'eof'
try:
    while True:
        b = c.recv(1000)
        if not b: break
        data += b
except ConnectionResetError:
    how = 'reset'
except socket.timeout:
    how = 'timeout'
time.sleep(linger)
c.close()
open(out, 'w').write(how + ' ' + repr(data))
PYEOF
	wait_port "$NS_B" "$1"
}
# lab_udp_echo PORT: a UDP echo server in $NS_B, for 10 s after its last
# datagram; returns once it listens (bounded: 5 s).
lab_udp_echo() {
	in_b "$PY" -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', $1)); s.settimeout(10)
try:
    while True:
        data, peer = s.recvfrom(2048); s.sendto(data, peer)
except socket.timeout:
    pass" &
	for _ in $(seq 50); do in_b ss -lunH "sport = :$1" | grep -q . && return 0; sleep 0.1; done
	return 1
}
# lab_wait_file F: until F has something in it (bounded: 10 s).
lab_wait_file() { for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done; return 1; }
# lab_leftovers PORT: the peer's connections on PORT still ESTABLISHED or CLOSE_WAIT.
lab_leftovers() { in_b ss -tanH "( sport = :$1 )" | grep -cE 'ESTAB|CLOSE-WAIT'; }

# lab_rst_tables LABEL NET DST RULE: --block-rst's nftables table in $NS_A,
# for a flow over NET (ipv4 or ipv6) to DST: while a run is under way it
# holds a rule starting RULE ("ip saddr A ip daddr B tcp sport"); SIGINT
# ends the run (130) and removes it; SIGKILL leaves it, and the next run,
# --block-rst or not, removes it; a normal end removes its own.
lab_rst_tables() {
	local label=$1 pid rc
	printf 'send syn\n  %s dst=%s\n  tcp dport=9 flags=S\nsleep 30s\n' "$2" "$3" >"$TMP/slow.lab"
	printf 'send\n  %s dst=%s\n  udp dport=9\n' "$2" "$3" >"$TMP/quick.lab"
	# `ip netns exec` execs the command, so $! is rawcraft itself (in_a is
	# a shell function: its $! would be a subshell) and the signal goes to
	# it alone.
	ip netns exec "$NS_A" "$RAWCRAFT" run "$TMP/slow.lab" --block-rst >/dev/null &
	pid=$!
	for _ in $(seq 50); do lab_rst_rule "$pid" | grep -q . && break; sleep 0.1; done
	case $(lab_rst_rule "$pid") in "$4 "*) ok "$label: its table holds the flow's rule while it runs" ;;
	*) not_ok "$label: its table holds the flow's rule while it runs" \
		"$(in_a nft list ruleset 2>&1 | head -20 | tr '\n' ' ')" ;; esac
	kill -INT "$pid"; wait "$pid"; rc=$?
	expect_eq "$label: SIGINT ends the run (exit 130) and removes the table" "$rc:$(lab_rst_count)" "130:0"
	ip netns exec "$NS_A" "$RAWCRAFT" run "$TMP/slow.lab" --block-rst >/dev/null &
	pid=$!
	for _ in $(seq 50); do [ "$(lab_rst_count)" = 1 ] && break; sleep 0.1; done
	kill -KILL "$pid"; wait "$pid" 2>/dev/null
	expect_eq "$label: SIGKILL leaves the table behind" "$(lab_rst_count)" 1
	in_a "$RAWCRAFT" run "$TMP/quick.lab" >/dev/null
	expect_eq "$label: the next run removes a dead run's table" "$(lab_rst_count)" 0
	in_a "$RAWCRAFT" run "$TMP/quick.lab" --block-rst >/dev/null
	expect_eq "$label: a normal end removes the table" "$(lab_rst_count)" 0
}
lab_rst_count() { in_a nft list tables 2>/dev/null | grep -c rawcraft; }
lab_rst_rule() { in_a nft list table inet "rawcraft_$1" 2>/dev/null | grep -oE 'ip6? saddr .* drop'; }

# --- IPv6 labs ---------------------------------------------------------------

# lab_ipv6_on NS: IPv6 on, and no duplicate address detection for the
# interfaces made after this (they inherit "default"), so that addresses,
# the link-local ones included, are never tentative; no router
# advertisements taken, so that nothing but the lab's own routes is used;
# the kernel's unsolicited MLD reports (a join's report and its repeats,
# each up to 1 s late by default) all within 10 ms of a join, so that none
# lands in the middle of a test's run long after the lab came up.
lab_ipv6_on() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0 \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
		net.ipv6.conf.all.dad_transmits=0 net.ipv6.conf.default.dad_transmits=0 \
		net.ipv6.conf.all.mldv2_unsolicited_report_interval=10 \
		net.ipv6.conf.default.mldv2_unsolicited_report_interval=10
}

# lab_if6 NS IF: the same for one interface that already exists (before it
# is up: the link-local address is made when it comes up).
lab_if6() {
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=0" \
		"net.ipv6.conf.$2.accept_dad=0" "net.ipv6.conf.$2.accept_ra=0" \
		"net.ipv6.conf.$2.dad_transmits=0" \
		"net.ipv6.conf.$2.mldv2_unsolicited_report_interval=10" >/dev/null
}

# lab_ll6 NS IF: prints IF's link-local address once it is usable (not
# tentative); bounded: 5 s, then fails.
lab_ll6() {
	local a
	for _ in $(seq 50); do
		a=$(ip -6 -n "$1" -o addr show dev "$2" scope link 2>/dev/null |
			awk '!/tentative/ { sub("/.*", "", $4); print $4; exit }')
		[ -n "$a" ] && { echo "$a"; return 0; }
		sleep 0.1
	done
	return 1
}

# lab_addr6_ready NS IF ADDR: until ADDR is on IF and not tentative (5 s).
lab_addr6_ready() {
	for _ in $(seq 50); do
		ip -6 -n "$1" -o addr show dev "$2" 2>/dev/null |
			grep -F " $3/" | grep -vq tentative && return 0
		sleep 0.1
	done
	return 1
}

lab_up6() {
	LAB6=true
	ip netns add "$NS_A" && ip netns add "$NS_B" &&
	lab_ipv6_on "$NS_A" && lab_ipv6_on "$NS_B" &&
	ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_B" netns "$NS_B" &&
	lab_if6 "$NS_A" "$IF_A" && lab_if6 "$NS_B" "$IF_B" &&
	ip -n "$NS_A" addr add "$IP6_A/64" dev "$IF_A" nodad &&
	ip -n "$NS_B" addr add "$IP6_B/64" dev "$IF_B" nodad &&
	ip -n "$NS_A" link set lo up && ip -n "$NS_B" link set lo up &&
	ip -n "$NS_A" link set "$IF_A" up && ip -n "$NS_B" link set "$IF_B" up &&
	MAC_A=$(ip -n "$NS_A" -br link show "$IF_A" | awk '{print $3}') &&
	MAC_B=$(ip -n "$NS_B" -br link show "$IF_B" | awk '{print $3}') &&
	LL_A=$(lab_ll6 "$NS_A" "$IF_A") && LL_B=$(lab_ll6 "$NS_B" "$IF_B") &&
	lab_addr6_ready "$NS_A" "$IF_A" "$IP6_A" && lab_addr6_ready "$NS_B" "$IF_B" "$IP6_B" &&
	export IP6_A IP6_B LL_A LL_B MAC_A MAC_B
}

lab_router6() {
	LAB6=true
	IP6_A="2001:db8:$LAB_NET:1::1"
	IP6_RA="2001:db8:$LAB_NET:1::fe"
	IP6_RB="2001:db8:$LAB_NET:2::fe"
	IP6_B="2001:db8:$LAB_NET:2::2"
	ip netns add "$NS_A" && ip netns add "$NS_R" && ip netns add "$NS_B" &&
	lab_ipv6_on "$NS_A" && lab_ipv6_on "$NS_R" && lab_ipv6_on "$NS_B" &&
	ip netns exec "$NS_R" sysctl -qw net.ipv6.conf.all.forwarding=1 &&
	ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_RA" netns "$NS_R" &&
	ip link add "$IF_RB" netns "$NS_R" type veth peer name "$IF_B" netns "$NS_B" &&
	lab_if6 "$NS_A" "$IF_A" && lab_if6 "$NS_R" "$IF_RA" &&
	lab_if6 "$NS_R" "$IF_RB" && lab_if6 "$NS_B" "$IF_B" &&
	ip -n "$NS_R" link set "$IF_RB" mtu "$LAB_MTU6" &&
	ip -n "$NS_B" link set "$IF_B" mtu "$LAB_MTU6" &&
	ip -n "$NS_A" addr add "$IP6_A/64" dev "$IF_A" nodad &&
	ip -n "$NS_R" addr add "$IP6_RA/64" dev "$IF_RA" nodad &&
	ip -n "$NS_R" addr add "$IP6_RB/64" dev "$IF_RB" nodad &&
	ip -n "$NS_B" addr add "$IP6_B/64" dev "$IF_B" nodad &&
	for ns in "$NS_A" "$NS_R" "$NS_B"; do ip -n "$ns" link set lo up || return 1; done &&
	ip -n "$NS_A" link set "$IF_A" up && ip -n "$NS_R" link set "$IF_RA" up &&
	ip -n "$NS_R" link set "$IF_RB" up && ip -n "$NS_B" link set "$IF_B" up &&
	ip -n "$NS_A" -6 route add default via "$IP6_RA" dev "$IF_A" &&
	ip -n "$NS_B" -6 route add default via "$IP6_RB" dev "$IF_B" &&
	MAC_A=$(ip -n "$NS_A" -br link show "$IF_A" | awk '{print $3}') &&
	MAC_B=$(ip -n "$NS_B" -br link show "$IF_B" | awk '{print $3}') &&
	MAC_RA=$(ip -n "$NS_R" -br link show "$IF_RA" | awk '{print $3}') &&
	MAC_RB=$(ip -n "$NS_R" -br link show "$IF_RB" | awk '{print $3}') &&
	LL_A=$(lab_ll6 "$NS_A" "$IF_A") && LL_B=$(lab_ll6 "$NS_B" "$IF_B") &&
	LL_RA=$(lab_ll6 "$NS_R" "$IF_RA") && LL_RB=$(lab_ll6 "$NS_R" "$IF_RB") &&
	lab_addr6_ready "$NS_A" "$IF_A" "$IP6_A" && lab_addr6_ready "$NS_B" "$IF_B" "$IP6_B" &&
	export IP6_A IP6_B IP6_RA IP6_RB LL_A LL_B LL_RA LL_RB MAC_A MAC_B MAC_RA MAC_RB
}

in_r() { ip netns exec "$NS_R" "$@"; }

# lab_start6 / lab_start_router6: as lab_start, for the IPv6 labs.
lab_start6() {
	lab_up6 && return 0
	echo "not ok - lab: could not create the IPv6 namespaces (needs root, iproute2 and IPv6)"
	return 1
}
lab_start_router6() {
	lab_router6 && return 0
	echo "not ok - lab: could not create the IPv6 router lab (needs root, iproute2 and IPv6)"
	return 1
}

# lab_router: A - R - B over IPv4, IPv6 off: $IF_A $IP_A/24 <-> $IF_RA
# $IP_RA/24 in $NS_R, which forwards to $IF_RB $IP_RB/24 <-> $IF_B $IP_B/24
# on another /24; A and B route by default through R.
lab_router() {
	IP_A="10.$LAB_NET.1.1" IP_RA="10.$LAB_NET.1.254"
	IP_RB="10.$LAB_NET.2.254" IP_B="10.$LAB_NET.2.2"
	local ns
	for ns in "$NS_A" "$NS_R" "$NS_B"; do
		ip netns add "$ns" && lab_no_ipv6 "$ns" && ip -n "$ns" link set lo up || return 1
	done
	ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1 &&
	ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_RA" netns "$NS_R" &&
	ip link add "$IF_RB" netns "$NS_R" type veth peer name "$IF_B" netns "$NS_B" &&
	ip -n "$NS_A" addr add "$IP_A/24" dev "$IF_A" &&
	ip -n "$NS_R" addr add "$IP_RA/24" dev "$IF_RA" &&
	ip -n "$NS_R" addr add "$IP_RB/24" dev "$IF_RB" &&
	ip -n "$NS_B" addr add "$IP_B/24" dev "$IF_B" &&
	ip -n "$NS_A" link set "$IF_A" up && ip -n "$NS_R" link set "$IF_RA" up &&
	ip -n "$NS_R" link set "$IF_RB" up && ip -n "$NS_B" link set "$IF_B" up &&
	ip -n "$NS_A" route add default via "$IP_RA" dev "$IF_A" &&
	ip -n "$NS_B" route add default via "$IP_RB" dev "$IF_B"
}

lab_start_router() {
	lab_router && return 0
	echo "not ok - lab: could not create the router lab (needs root, iproute2)"
	return 1
}

# route_ok LABEL FILE FIELD ROUTER SERVER ICMP: FILE, a `send` summary of an
# echo sweep of FIELD (ttl, hlim) 1..3 through ROUTER to SERVER, reads as a
# traceroute: hop 1 the router (named under the time-exceeded class too),
# hop 2 the server, hop 3 past it.
route_ok() {
	local label=$1 f=$2 field=$3 router=$4 server=$5 icmp=$6 t='[0-9]+\.[0-9]{3} ms'
	if grep -qx "    route by $field:" "$f" &&
		grep -qE "^        1  $router +$t  $icmp type=time-exceeded\$" "$f" &&
		grep -qE "^        2  $server +$t  $icmp type=echo-reply\$" "$f" &&
		grep -qx "        3  past the destination" "$f" &&
		grep -A1 "^    $icmp type=time-exceeded " "$f" | grep -qE "^      from $router +1\$"; then
		ok "$label: hop 1 is the router ($router), hop 2 the server"
	else
		not_ok "$label: route" "$(cat "$f")"
	fi
}
