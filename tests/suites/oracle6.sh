#!/usr/bin/env bash
# The IPv6 oracle: random IPv6 templates (tests/oracle/gen6.py: ipv6 in
# every RFC 4291 address form, hop-by-hop / destination options / routing /
# fragment headers, then TCP, UDP or ICMPv6 - echo, neighbour and router
# discovery with their options, errors quoting an IPv6 + UDP datagram - and
# payloads) are built with `rawcraft show -w`; Scapy builds each from the
# same values and must get the same bytes, tshark must find every checksum
# Good (tests/oracle/scapy6.py), and `rawcraft decode --json` of the frames
# must agree with tshark field by field (tests/oracle/decode6.py).  First
# the checker checks itself: Scapy's own frames must pass it.
# Offline: any user, no network.
#   ORACLE6_SEED=N    another seed (default 20261201)
#   ORACLE6_COUNT=N   templates (default 400)
#   ORACLE_KEEP=DIR   where the templates of failing frames are saved
#                     (default /tmp/rawcraft-oracle6-failures)
. "$(dirname "$0")/../lib.sh"

seed=${ORACLE6_SEED:-20261201}
count=${ORACLE6_COUNT:-400}
keep=${ORACLE_KEEP:-/tmp/rawcraft-oracle6-failures}
oracle=$TESTS_DIR/oracle
export PYTHONDONTWRITEBYTECODE=1

if ! command -v tshark >/dev/null; then
	not_ok "IPv6 oracle" "tshark is not installed (tests/deps.sh installs it)"
	exit 0
fi
if ! "$PY" -c 'import scapy' 2>/dev/null; then
	not_ok "IPv6 oracle" "no scapy for $PY (python3-scapy)"
	exit 0
fi

# tshark with every dissector but these off (ipv6 and its extension
# headers, icmpv6 added to the IPv4 oracle's list), no user preferences,
# checksums checked, no reassembly.
ws=$TMP/wireshark
mkdir -p "$ws"
tshark -G protocols 2>/dev/null | awk -F'\t' '{ print $3 }' |
	grep -vxE 'frame|eth|ethertype|vlan|arp|ip|ipv6|ipv6\..*|icmpv6|tcp|udp|icmp|data|_ws\..*' \
	>"$ws/disabled_protos"
tshark_pdml() {	# tshark_pdml IN.pcap OUT.pdml
	WIRESHARK_CONFIG_DIR=$ws tshark -n -r "$1" -T pdml \
		-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-o ip.defragment:FALSE -o ipv6.defragment:FALSE \
		-o tcp.analyze_sequence_numbers:FALSE -o tcp.desegment_tcp_streams:FALSE \
		>"$2" 2>"$2.err"
}

gen=$TMP/gen6
mkdir -p "$gen"
"$PY" "$oracle/gen6.py" "$seed" "$gen" "$count" ||
	{ not_ok "IPv6 oracle" "gen6.py failed"; exit 0; }

# The checker on Scapy's own frames: a failure here is the oracle's bug.
"$PY" "$oracle/scapy6.py" build "$gen/v6.json" "$TMP/scapy.pcap" &&
	tshark_pdml "$TMP/scapy.pcap" "$TMP/scapy.pdml" ||
	{ not_ok "IPv6 oracle" "scapy or tshark failed on Scapy's frames: $(head -c 300 "$TMP/scapy.pdml.err")"; exit 0; }
"$PY" "$oracle/scapy6.py" "$gen/v6.json" "$TMP/scapy.pcap" "$TMP/scapy.pdml" >"$TMP/self.out"
if grep -q '^not ok' "$TMP/self.out" || [ "$(grep -c '^ok' "$TMP/self.out")" != 2 ]; then
	not_ok "IPv6 oracle checks itself on Scapy's frames" "$(grep -m3 '^not ok' "$TMP/self.out" | tr '\n' ' ')"
	exit 0
fi
ok "IPv6 oracle checks itself: Scapy's own $count frames pass scapy6.py and tshark"

# rawcraft builds them, all in one run; when it refuses one, each alone.
files=("$gen"/v6-*.pkt)
if ! "$RAWCRAFT" show "${files[@]}" -i lo --seed "$seed" -w "$TMP/v6.pcap" \
	>/dev/null 2>"$TMP/show.err"; then
	mkdir -p "$keep"
	refused=0
	for f in "${files[@]}"; do
		"$RAWCRAFT" show "$f" -i lo --seed "$seed" -w "$TMP/one.pcap" >/dev/null 2>"$TMP/one.err" && continue
		refused=$((refused + 1))
		cp "$f" "$keep/"
		[ $refused -le 25 ] && not_ok "oracle6 rawcraft builds $(basename "$f")" \
			"$(head -c 300 "$TMP/one.err" | tr '\n' ' ')| $(grep -v '^#' "$f" | tr '\n' ';' | head -c 300)"
	done
	[ $refused -gt 25 ] && not_ok "oracle6 rawcraft builds the random IPv6 templates" \
		"$((refused - 25)) more refused (all saved in $keep)"
	exit 0
fi
if ! tshark_pdml "$TMP/v6.pcap" "$TMP/v6.pdml"; then
	not_ok "IPv6 oracle" "tshark failed: $(head -c 300 "$TMP/v6.pdml.err")"
	exit 0
fi
"$PY" "$oracle/scapy6.py" "$gen/v6.json" "$TMP/v6.pcap" "$TMP/v6.pdml" >"$TMP/check.out"
cat "$TMP/check.out"
if grep -q '^not ok' "$TMP/check.out"; then
	mkdir -p "$keep"
	grep -o '^not ok - oracle6 v6-[0-9]*\.pkt' "$TMP/check.out" | awk '{print $5}' |
		while read -r f; do cp "$gen/$f" "$keep/"; done
	printf '#!/bin/sh\n# reproduce.sh FILE.pkt: build it as oracle6 did, and let tshark show it.\n%q show "$1" -i lo --seed %q -w "${1%%.pkt}.pcap" -x && tshark -r "${1%%.pkt}.pcap" -V -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE\n' \
		"$RAWCRAFT" "$seed" >"$keep/reproduce.sh"
	chmod +x "$keep/reproduce.sh"
	echo "# failing templates saved in $keep (reproduce one: $keep/reproduce.sh $keep/FILE.pkt)"
fi

# rawcraft's own decoder on the same frames.
if "$RAWCRAFT" decode "$TMP/v6.pcap" --json >"$TMP/v6.json" 2>"$TMP/decode.err"; then
	"$PY" "$oracle/decode6.py" "oracle6 decode" "$TMP/v6.pcap" "$TMP/v6.pdml" "$TMP/v6.json"
else
	not_ok "oracle6 rawcraft decode reads the frames" "exit $?: $(head -c 300 "$TMP/decode.err")"
fi
exit 0
