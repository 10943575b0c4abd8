#!/usr/bin/env bash
# `rawcraft decode --json` of what the real Linux stack sends over IPv6
# agrees with tshark field by field: tests/pcap/live6.sh captures, in a
# lab_router6 lab, ND, echo to link-local and global addresses, fragments,
# a TCP connection to a real server and a RST, UDP to a closed port and its
# port unreachable, packet-too-big and time-exceeded from a router, MLD
# behind hop-by-hop headers, DAD and a router solicitation - on Ethernet, as
# Linux cooked v2, and 802.1Q-tagged; decode_ipv6.sh's checks then run on
# those captures.  Needs root (namespaces, tcpdump).
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
. "$TESTS_DIR/pcap/live6.sh"

for t in tcpdump tshark; do
	command -v $t >/dev/null ||
		{ not_ok "decode live IPv6 captures" "$t is not installed (tests/deps.sh installs it)"; exit 0; }
done
lab_start_router6 || exit 0
if ! live6_capture "$TMP/live" 2>"$TMP/live.err"; then
	not_ok "live IPv6 traffic captured in the lab" "$(tr '\n' ' ' <"$TMP/live.err" | head -c 400)"
else
	ok "live IPv6 traffic captured in the lab ($(ls "$TMP"/live/live-*.pcap | wc -l) captures)"
fi
pcaps=$(ls "$TMP"/live/live-*.pcap 2>/dev/null | tr '\n' ' ')
[ -n "$pcaps" ] || exit 0
DECODE6_PCAPS=$pcaps "$TESTS_DIR/suites/decode_ipv6.sh"
exit 0
