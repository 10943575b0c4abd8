#!/usr/bin/env bash
# The labs themselves (tests/lab.sh): lab_up6 gives two hosts whose global
# and link-local IPv6 addresses work at once, with no IPv4; lab_router6
# routes A to B through R and R answers a datagram too big for its 1280-byte
# link with packet-too-big, and hop limit 1 with time-exceeded; the IPv4
# labs stay IPv6-free, extra bridge hosts included.  Each lab runs in a
# subshell of its own (lab.sh's names and EXIT trap are per source).
# Needs root.
. "$(dirname "$0")/../lib.sh"

# in_lab NAME SETUP BODY: sources lab.sh afresh in a subshell, runs SETUP
# (lab_start6, lab_start_router6, lab_start) and then BODY; TAP on stdout.
in_lab() {
	(
		# shellcheck disable=SC2034 # lab.sh's lab_down removes it
		TMP=$(mktemp -d)
		# shellcheck source=../lab.sh
		. "$TESTS_DIR/lab.sh"
		$2 || exit 0
		$3
	)
}

up6() {
	local why=''
	ip -6 -n "$NS_A" -o addr | grep -q tentative && why="tentative addresses in A"
	[ -n "$LL_A" ] && [ -n "$LL_B" ] || why="$why; no link-local addresses (LL_A='$LL_A' LL_B='$LL_B')"
	ip -4 -n "$NS_A" -o addr show dev "$IF_A" | grep -q inet && why="$why; an IPv4 address on $IF_A"
	in_a ping -6 -n -q -c 1 -W 2 "$IP6_B" >/dev/null || why="$why; A cannot ping $IP6_B"
	in_b ping -6 -n -q -c 1 -W 2 "$IP6_A" >/dev/null || why="$why; B cannot ping $IP6_A"
	in_a ping -6 -n -q -c 1 -W 2 "$LL_B%$IF_A" >/dev/null || why="$why; A cannot ping $LL_B"
	if [ -z "$why" ]; then ok "lab_up6: global and link-local addresses usable at once, no IPv4"
	else not_ok "lab_up6" "${why#; }"; fi
}

router6() {
	local why='' out
	in_a ping -6 -n -q -c 1 -W 2 "$IP6_B" >/dev/null || why="A cannot ping $IP6_B through R"
	in_b ping -6 -n -q -c 1 -W 2 "$IP6_A" >/dev/null || why="$why; B cannot ping $IP6_A through R"
	# What comes back to A for a 1400-byte echo and for hop limit 1.
	out=$(in_a timeout 5 tcpdump -n -l -c 2 -i "$IF_A" 'icmp6 and (ip6[40] == 2 or ip6[40] == 3)' 2>/dev/null &
		sleep 0.5
		in_a ping -6 -n -q -c 1 -W 1 -s 1400 -M "do" "$IP6_B" >/dev/null 2>&1
		in_a ping -6 -n -q -c 1 -W 1 -t 1 "$IP6_B" >/dev/null 2>&1
		wait)
	case $out in *"$IP6_RA > $IP6_A: ICMP6, packet too big, mtu $LAB_MTU6"*) ;;
		*) why="$why; no packet-too-big (mtu $LAB_MTU6) from $IP6_RA: $out" ;; esac
	case $out in *"$IP6_RA > $IP6_A: ICMP6, time exceeded in-transit"*) ;;
		*) why="$why; no time-exceeded from $IP6_RA: $out" ;; esac
	if [ -z "$why" ]; then ok "lab_router6: A reaches B through R; R sends packet-too-big (mtu $LAB_MTU6) and time-exceeded"
	else not_ok "lab_router6" "${why#; }"; fi
}

ipv4_quiet() {
	local ns n=0
	lab_bridge && lab_host x "10.$LAB_NET.0.5" ||
		{ not_ok "IPv4 lab stays IPv6-free" "lab_bridge/lab_host failed"; return; }
	for ns in "$NS_A" "$NS_B" "${LAB_ID}x"; do
		n=$((n + $(ip -6 -n "$ns" -o addr 2>/dev/null | wc -l)))
	done
	expect_eq "IPv4 lab (and a bridge host) stays IPv6-free: IPv6 addresses" "$n" 0
}

for t in tcpdump ping; do
	command -v $t >/dev/null || { not_ok "labs" "$t is not installed"; exit 0; }
done
in_lab up6 lab_start6 up6
in_lab router6 lab_start_router6 router6
in_lab ipv4 lab_start ipv4_quiet
exit 0
