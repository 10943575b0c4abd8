# tests/lab.sh - sourced: a two-host lab in network namespaces.
#   lab_up       creates namespaces $NS_A and $NS_B joined by veth
#                ($IF_A 10.$N.0.1/24 <-> $IF_B 10.$N.0.2/24), unique per run
#   in_a CMD     runs CMD inside $NS_A (where rawcraft runs)
#   in_b CMD     runs CMD inside $NS_B (the peer: the real kernel, real servers)
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

lab_up() {
	ip netns add "$NS_A" && ip netns add "$NS_B" &&
	lab_no_ipv6 "$NS_A" && lab_no_ipv6 "$NS_B" &&
	ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_B" netns "$NS_B" &&
	ip -n "$NS_A" addr add "$IP_A/24" dev "$IF_A" &&
	ip -n "$NS_B" addr add "$IP_B/24" dev "$IF_B" &&
	ip -n "$NS_A" link set lo up && ip -n "$NS_B" link set lo up &&
	ip -n "$NS_A" link set "$IF_A" up && ip -n "$NS_B" link set "$IF_B" up &&
	MAC_A=$(ip -n "$NS_A" -br link show "$IF_A" | awk '{print $3}') &&
	MAC_B=$(ip -n "$NS_B" -br link show "$IF_B" | awk '{print $3}')
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
lab_host() {
	local ns="$LAB_ID$1" h="${LAB_ID}h$1"
	ip netns add "$ns" &&
	ip link add "$h" netns "$NS_B" type veth peer name eth0 netns "$ns" &&
	ip -n "$NS_B" link set "$h" master br0 && ip -n "$NS_B" link set "$h" up &&
	ip -n "$ns" addr add "$2/24" dev eth0 && ip -n "$ns" link set eth0 up &&
	ip -n "$ns" link set lo up
}

in_a() { ip netns exec "$NS_A" "$@"; }
in_b() { ip netns exec "$NS_B" "$@"; }

# wait_port NS PORT: until a TCP listener is up (bounded: 5 s).
wait_port() {
	for _ in $(seq 50); do
		ip netns exec "$1" ss -ltnH "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}
