#!/usr/bin/env bash
# examples/course/lab.sh up|down [NAME] - the course's network, made of
# network namespaces on this machine (needs root and iproute2; the NAT lab
# needs nft too).  NAME (default "course") prefixes every namespace, so two
# courses, or a course and a test, never share one.
#
#   NAME-client  to-server 10.13.0.1/24   to-router 10.13.1.1/24
#                (where rawcraft runs; 10.13.2.0/24 is reached through the router)
#   NAME-server  to-client 10.13.0.2/24   to-router 10.13.2.2/24 (MTU 1400)
#                (the peer: its kernel's sockets are what --peer drives)
#   NAME-router  lan 10.13.1.254/24       wan 10.13.2.254/24 (MTU 1400)
#                (forwards, masquerades what leaves by wan, and forwards
#                its port 8080 to the server's 9230)
#
# Every link is made inside the namespaces, none on this host, so deleting
# the namespaces removes everything: `down` does that (killing what still
# runs inside first) whatever `up` managed to make.
set -u
NAME=${2:-course}
CLIENT=$NAME-client SERVER=$NAME-server ROUTER=$NAME-router
NAMESPACES="$CLIENT $SERVER $ROUTER"

usage() { echo "usage: $0 up|down [NAME]" >&2; exit 2; }

# in_ns NS CMD...: CMD inside namespace NS.
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# veth NS1 IF1 ADDR1 MAC1 NS2 IF2 ADDR2 MAC2: a cable between two
# namespaces, up.  The MACs are fixed, so that every student's output is
# the same as the README's.
veth() {
	ip link add "$2" netns "$1" address "$4" type veth peer name "$6" netns "$5" address "$8" &&
	ip -n "$1" addr add "$3" dev "$2" && ip -n "$5" addr add "$7" dev "$6" &&
	ip -n "$1" link set "$2" up && ip -n "$5" link set "$6" up
}

# The router's NAT: what leaves by wan takes the router's address
# (masquerade), and a connection to 10.13.1.254:8080 goes on to the server.
NAT_RULES='table ip course_nat {
	chain pre { type nat hook prerouting priority dstnat;
		iifname "lan" tcp dport 8080 dnat to 10.13.2.2:9230; }
	chain post { type nat hook postrouting priority srcnat;
		oifname "wan" masquerade; }
}'

# taken: exit 3 when a namespace of NAME exists already (nothing is touched).
taken() {
	local ns
	for ns in $NAMESPACES; do
		ip netns list | grep -qx "$ns\( .*\)\?" || continue
		echo "$0: namespace $ns exists already: run '$0 down $NAME' first" >&2
		exit 3
	done
}

up() {
	local ns
	for ns in $NAMESPACES; do
		ip netns add "$ns" &&
		# No IPv6: its neighbour discovery would put frames in every lab.
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 &&
		ip -n "$ns" link set lo up || return 1
	done
	veth "$CLIENT" to-server 10.13.0.1/24 02:13:00:00:00:01 \
	     "$SERVER" to-client 10.13.0.2/24 02:13:00:00:00:02 &&
	veth "$CLIENT" to-router 10.13.1.1/24 02:13:01:00:00:01 \
	     "$ROUTER" lan 10.13.1.254/24 02:13:01:00:00:fe &&
	veth "$ROUTER" wan 10.13.2.254/24 02:13:02:00:00:fe \
	     "$SERVER" to-router 10.13.2.2/24 02:13:02:00:00:02 &&
	ip -n "$ROUTER" link set wan mtu 1400 && ip -n "$SERVER" link set to-router mtu 1400 &&
	ip -n "$CLIENT" route add 10.13.2.0/24 via 10.13.1.254 &&
	in_ns "$ROUTER" sysctl -qw net.ipv4.ip_forward=1 &&
	in_ns "$ROUTER" nft -f - <<<"$NAT_RULES" || return 1
	cat <<EOF
The course's network is up:
  $CLIENT  10.13.0.1 (to-server), 10.13.1.1 (to-router): rawcraft runs here
  $SERVER  10.13.0.2 (to-client), 10.13.2.2 (to-router): the peer, --peer $SERVER
  $ROUTER  10.13.1.254 (lan), 10.13.2.254 (wan): NAT, port 8080 -> 10.13.2.2:9230
The first lab:
  ip netns exec $CLIENT ./rawcraft run examples/course/01-arp.lab
Remove it all: $0 down $NAME
EOF
}

down() {
	local ns pids
	for ns in $NAMESPACES; do
		ip netns list | grep -qx "$ns\( .*\)\?" || continue
		pids=$(ip netns pids "$ns")
		# shellcheck disable=SC2086
		[ -n "$pids" ] && kill -9 $pids 2>/dev/null
		ip netns del "$ns" || return 1
	done
	echo "The course's network ($NAMESPACES) is gone."
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
case $1 in
up) taken; up || { echo "$0: could not make the course's network: '$0 down $NAME' removes what was made" >&2; exit 3; } ;;
down) down || exit 3 ;;
*) usage ;;
esac
