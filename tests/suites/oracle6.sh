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
#   ORACLE6_COUNT=N   templates in each set (default 250)
#   ORACLE_KEEP=DIR   where the templates of failing frames are saved
#                     (default /tmp/rawcraft-oracle6-failures)
. "$(dirname "$0")/../lib.sh"

seed=${ORACLE6_SEED:-20261201}
count=${ORACLE6_COUNT:-250}
keep=${ORACLE_KEEP:-/tmp/rawcraft-oracle6-failures}
oracle=$TESTS_DIR/oracle
export PYTHONDONTWRITEBYTECODE=1

need_oracles "IPv6 oracle" || exit 0

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

# run_set LABEL MODE: one set of templates (gen6.py's mode: core = ipv6 and
# icmp6 only, bad = the same with explicit checksums, ext = with extension
# headers), through every check.
run_set() {
	local label=$1 mode=$2 gen=$TMP/$2 f refused=0 keepd=$keep/$2
	mkdir -p "$gen"
	"$PY" "$oracle/gen6.py" "$seed" "$gen" "$count" "$mode" ||
		{ not_ok "oracle6 $label" "gen6.py failed"; return; }

	# The checker on Scapy's own frames: a failure here is the oracle's bug.
	if ! "$PY" "$oracle/scapy6.py" build "$gen/v6.json" "$gen/scapy.pcap" ||
		! tshark_pdml "$gen/scapy.pcap" "$gen/scapy.pdml"; then
		not_ok "oracle6 $label" "scapy or tshark failed on Scapy's frames: $(head -c 300 "$gen/scapy.pdml.err")"
		return
	fi
	"$PY" "$oracle/scapy6.py" "$gen/v6.json" "$gen/scapy.pcap" "$gen/scapy.pdml" >"$gen/self.out"
	if grep -q '^not ok' "$gen/self.out" || [ "$(grep -c '^ok' "$gen/self.out")" != 2 ]; then
		not_ok "oracle6 $label: the oracle checks itself on Scapy's frames" \
			"$(grep -m3 '^not ok' "$gen/self.out" | tr '\n' ' ')"
		return
	fi
	ok "oracle6 $label: the oracle checks itself - Scapy's own $count frames pass scapy6.py and tshark"

	# rawcraft builds them, all in one run; when it refuses one, each alone.
	local files=("$gen"/v6-*.pkt)
	if ! "$RAWCRAFT" show "${files[@]}" -i lo --seed "$seed" -w "$gen/v6.pcap" \
		>/dev/null 2>"$gen/show.err"; then
		mkdir -p "$keepd"
		for f in "${files[@]}"; do
			"$RAWCRAFT" show "$f" -i lo --seed "$seed" -w "$gen/one.pcap" >/dev/null 2>"$gen/one.err" && continue
			refused=$((refused + 1))
			cp "$f" "$keepd/"
			[ $refused -le 15 ] && not_ok "oracle6 $label: rawcraft builds $(basename "$f")" \
				"$(head -c 300 "$gen/one.err" | tr '\n' ' ')| $(grep -v '^#' "$f" | tr '\n' ';' | head -c 300)"
		done
		[ $refused -gt 15 ] && not_ok "oracle6 $label: rawcraft builds the random IPv6 templates" \
			"$((refused - 15)) more of $count refused (all saved in $keepd)"
		return
	fi
	if ! tshark_pdml "$gen/v6.pcap" "$gen/v6.pdml"; then
		not_ok "oracle6 $label" "tshark failed: $(head -c 300 "$gen/v6.pdml.err")"
		return
	fi
	"$PY" "$oracle/scapy6.py" "$gen/v6.json" "$gen/v6.pcap" "$gen/v6.pdml" "$label" >"$gen/check.out"
	cat "$gen/check.out"
	if grep -q '^not ok' "$gen/check.out"; then
		mkdir -p "$keepd"
		grep -o 'v6-[0-9]*\.pkt' "$gen/check.out" | sort -u |
			while read -r f; do cp "$gen/$f" "$keepd/"; done
		printf '#!/bin/sh\n# reproduce.sh FILE.pkt: build it as oracle6 did, and let tshark show it.\n%q show "$1" -i lo --seed %q -w "${1%%.pkt}.pcap" -x && tshark -r "${1%%.pkt}.pcap" -V -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE\n' \
			"$RAWCRAFT" "$seed" >"$keep/reproduce.sh"
		chmod +x "$keep/reproduce.sh"
		echo "# failing templates saved in $keepd (reproduce one: $keep/reproduce.sh $keepd/FILE.pkt)"
	fi

	# rawcraft's own decoder on the same frames.
	if "$RAWCRAFT" decode "$gen/v6.pcap" --json >"$gen/v6.jsonl" 2>"$gen/decode.err"; then
		"$PY" "$oracle/decode6.py" "oracle6 $label: decode" "$gen/v6.pcap" "$gen/v6.pdml" "$gen/v6.jsonl"
	else
		not_ok "oracle6 $label: rawcraft decode reads the frames" "exit $?: $(head -c 300 "$gen/decode.err")"
	fi
}

run_set "ipv6 + icmp6/tcp/udp" core
run_set "explicit checksums (wrong, or UDP zero)" bad
run_set "with extension headers" ext
exit 0
