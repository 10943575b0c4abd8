#!/usr/bin/env bash
# An IPv6 hop-limit sweep through a router reads as a traceroute, as the
# IPv4 TTL sweep does (retries.sh): hop 1 is the router, named under the
# ICMPv6 time-exceeded class too (lab.sh's route_ok).
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start_router6 || exit 0
R=$RAWCRAFT
cat >"$TMP/trace6.pkt" <<EOF2
ipv6 dst=$IP6_B hlim=1..3
icmp6 type=echo-request
EOF2
in_a timeout 30 "$R" send "$TMP/trace6.pkt" --rate 20 -t 1 \
	--expect 'icmp6 type=echo-reply' --expect 'icmp6 type=time-exceeded' >"$TMP/trace6.txt"; rc=$?
expect_eq "hlim=1..3: exit 0" "$rc" 0
route_ok "hlim=1..3" "$TMP/trace6.txt" hlim "$IP6_RA" "$IP6_B" icmp6
