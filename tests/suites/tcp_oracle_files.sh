#!/usr/bin/env bash
# rawcraft's TCP analysis of captures nobody here wrote agrees with
# tshark's, key by key (tests/oracle/tcp_analysis.py: every tcp_analysis
# key on >= 99% of the TCP frames, and the findings each capture has seen
# at least once by both): tcpdump's test captures with TCP
# (tests/pcap/third-party/tcp/, README.md there), the two TCP-over-IPv6 ones
# of tests/pcap/third-party/, and random exchanges (tests/oracle/
# tcp_random.py, fixed seeds) with every finding in them.  Offline: any
# user, no network.
. "$(dirname "$0")/../lib.sh"

command -v tshark >/dev/null ||
	{ not_ok "tcp oracle on files" "tshark is not installed (tests/deps.sh installs it)"; exit 0; }
DIR="$ROOT/tests/pcap/third-party"

# compare PCAP FINDINGS
compare() {
	local out=$TMP/$(basename "$1").jsonl
	if ! "$RAWCRAFT" decode "$1" --json >"$out" 2>"$out.err"; then
		not_ok "$(basename "$1") agrees with tshark" "rawcraft decode failed: $(head -c 300 "$out.err")"
		return
	fi
	"$PY" "$TESTS_DIR/oracle/tcp_analysis.py" "$(basename "$1")" "$1" "$out" --expect "$2"
}

# Each capture with what it must show.
while read -r file findings; do
	compare "$DIR/$file" "$findings"
done <<'EOF'
tcp/of13_ericsson.pcapng lost_segment,ack_lost_segment
tcp/mptcp-v0.pcap duplicate_ack,window_update
tcp/ssh.pcap retransmission,duplicate_ack
tcp/pptp.pcap retransmission,duplicate_ack
tcp/kday4.pcap retransmission,duplicate_ack
tcp/bgp-role.pcapng lost_segment,ack_lost_segment
tcp/of10_s4810.pcap window_update
tcp/resp_1_benchmark.pcap
tcp/tfo-5c1fa7f9ae91.pcap
tcp/print-flags.pcap
bgp-enhanced-route-refresh-subtype.pcapng
gso-ipv6.pcap
EOF
ls "$DIR"/tcp/*.pcap* | wc -l | { read -r n; expect_eq "every capture in tests/pcap/third-party/tcp is compared" "$n" 10; }

all=retransmission,fast_retransmission,spurious_retransmission,out_of_order,lost_segment
all=$all,ack_lost_segment,duplicate_ack,zero_window,window_full,window_update,keep_alive
all=$all,keep_alive_ack,zero_window_probe,zero_window_probe_ack
# 300 connections interleaved frame by frame, random ISNs (some wrapping):
# every frame's relative numbers as tshark's (--min 100), and the capture
# interleaved as tcp_flows.py says (300 streams, no two frames in a row of
# one while others are open).
"$PY" "$TESTS_DIR/oracle/tcp_flows.py" 15 "$TMP/flows.pcap" 300
"$RAWCRAFT" decode "$TMP/flows.pcap" --json >"$TMP/flows.jsonl" 2>"$TMP/flows.err"
"$PY" "$TESTS_DIR/oracle/tcp_analysis.py" "300 interleaved flows keep their relative numbers" \
	"$TMP/flows.pcap" "$TMP/flows.jsonl" --min 100
expect_eq "300 interleaved flows: the capture interleaves them" "$("$PY" -c "import json, sys
s = [json.loads(l)['tcp_analysis']['stream'] for l in open(sys.argv[1]) if l.startswith('{')]
print(len(set(s)), sum(a == b for a, b in zip(s[:2700], s[1:2700])))" "$TMP/flows.jsonl")" "300 0"
for seed in 2 4 6; do
	"$PY" "$TESTS_DIR/oracle/tcp_random.py" "$seed" "$TMP/random-$seed.pcap" 2000
	compare "$TMP/random-$seed.pcap" "$all"
done
exit 0
