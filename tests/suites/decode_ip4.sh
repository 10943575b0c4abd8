#!/usr/bin/env bash
# Decode honesty inside IPv4, against tshark 4.0: `rawcraft decode --json`
# of IPv4 frames written by Scapy for the cases tshark and rawcraft once
# disagreed on (tests/oracle/ip4_edges.py: headers the capture cut, UDP
# lengths shorter or longer than the IP payload, TCP options cut, the
# accurate-ECN bit, ICMP errors' bytes 4-7, SACK, MPTCP and unknown
# options), and of tcpdump's captures of the accurate-ECN bit, MPTCP and
# ICMP's extended echo, records longer than the file's snaplen
# (tests/pcap/third-party/ip4/), agrees with tshark field by field
# (tests/oracle/decode6.py); then
# what -v, the summary and the ladder say of the same frames where no
# field comparison reaches: no value that is not in the bytes, the words
# tshark uses.  Offline: any user, no network.
. "$(dirname "$0")/../lib.sh"

need_oracles "decode IPv4 edges" || exit 0
export PYTHONDONTWRITEBYTECODE=1
DIR=$ROOT/tests/pcap/third-party
edges=$TMP/ip4-edges.pcap
"$PY" "$TESTS_DIR/oracle/ip4_edges.py" "$edges"

for f in "$edges" "$DIR"/ip4/*.pcap; do
	name="decode $(basename "$f")"
	b=$TMP/$(basename "$f")
	if ! decode_pdml "$f" "$b.pdml"; then
		not_ok "$name agrees with tshark" "tshark failed: $(head -c 300 "$b.pdml.err")"
		continue
	fi
	if ! "$RAWCRAFT" decode "$f" --json >"$b.json" 2>"$b.err"; then
		not_ok "$name agrees with tshark" "rawcraft decode failed: $(head -c 300 "$b.err")"
		continue
	fi
	"$PY" "$TESTS_DIR/oracle/decode6.py" "$name" "$f" "$b.pdml" "$b.json"
done

# What a frame of ip4_edges.py shows: its -v block (summary line first),
# and its JSON object.
"$RAWCRAFT" decode "$edges" -v >"$TMP/edges.txt" 2>&1
"$RAWCRAFT" decode "$edges" --json >"$TMP/edges.json" 2>&1
block() { awk -v n="$1" 'BEGIN { RS = "" } NR == n' "$TMP/edges.txt"; }
# shows NAME FRAME [!]REGEX...: frame FRAME's -v block matches each REGEX
# (extended), and none of those with a leading !.
shows() {
	local name=$1 text why='' re
	text=$(block "$2")
	shift 2
	for re in "$@"; do
		if [ "${re#!}" != "$re" ]; then
			grep -qE -- "${re#!}" <<<"$text" && why="$why shows /${re#!}/;"
		else
			grep -qE -- "$re" <<<"$text" || why="$why no /$re/;"
		fi
	done
	if [ -z "$why" ]; then ok "$name"; else not_ok "$name" "${why% ;}: $(head -c 600 <<<"$text")"; fi
}
# json_is NAME FRAME EXPR WANT: Python EXPR over frame FRAME's object `o`.
json_is() {
	expect_eq "$1" "$("$PY" -c "import json, sys
o = [json.loads(l) for l in open(sys.argv[1])][int(sys.argv[2]) - 1]
print(($3))" "$TMP/edges.json" "$2" 2>&1)" "$4"
}

shows "a cut IPv4 header: no made-up addresses" 1 '^Internet Protocol Version 4$' \
	'\[ipv4 truncated\]' 'Header Checksum: 0x[0-9a-f]+ \[unverified' '!0\.0\.0\.0' \
	'!Version 4, Src:'
json_is "a cut IPv4 header: its checksum unverified, no addresses" 1 \
	"o['ipv4']['csum_status'], 'src' in o['ipv4']" "('unverified', False)"
shows "a cut TCP header: no made-up title" 2 '^Transmission Control Protocol$' \
	'Checksum: 0x[0-9a-f]+ \[unverified' '!Seq: [0-9]+, Len'
json_is "a cut TCP header: its checksum unverified" 2 "o['tcp']['csum_status']" unverified
shows "a cut UDP header: the fields there are, no more" 3 '^User Datagram Protocol$' \
	'Source Port: 1$' '^    Length: 16$' '!^    Checksum'
shows "a cut ICMP header: unverified checksum" 4 'Checksum: 0x[0-9a-f]+ \[unverified' \
	'\[icmp truncated\]'
shows "UDP length 12 of 16: 4 bytes of payload, 4 outside the datagram" 5 '^Data \(4 bytes\)' \
	'Trailer: 4 bytes' 'incorrect, should be 0x'
json_is "UDP length 12 of 16: the JSON's payload and trailer" 5 \
	"o['payload']['len'], o['trailer']" "(4, 4)"
shows "UDP length 4: bogus, the checksum unverified" 6 'Length: 4$' \
	'unverified: a length in the header is bogus' 'bogus length' \
	'!^    Checksum: 0x[0-9a-f]+ \[(in)?correct' \
	'!^Data'
shows "UDP length 40 past the IP payload: bogus, unverified" 7 \
	'unverified: a length in the header is bogus' 'past the end of the IP payload' \
	'!^    Checksum: 0x[0-9a-f]+ \[(in)?correct'
json_is "impossible UDP lengths: checksum unverified in the JSON" 6 \
	"o['udp']['csum_status'], [l for l in open(sys.argv[1])][6].count('\"csum_status\":\"unverified\"')" \
	"('unverified', 1)"
shows "a TCP option the capture cut after its length byte: truncated" 8 \
	'Options: \(20 bytes, 8 captured\)' 'truncated: the capture ends inside this option: kind 8, 2 of its 10' \
	'!malformed'
shows "a TCP option the capture cut before its length byte: truncated" 9 \
	'kind 8, its length not captured' '!malformed'
json_is "a cut TCP option in the JSON" 8 "o['tcp']['opts']" "mss:1460,sackok,truncated"
shows "the accurate-ECN bit: named as tshark names it" 10 'TCP \[SYN, AE\]' \
	'Flags: 0x102 \(SYN, AE\)' 'Accurate ECN: 1 \(Set\)'
json_is "the accurate-ECN bit in the JSON" 10 "o['tcp']['ae'], o['tcp']['flags']" "(1, 'S')"
shows "fragmentation needed: unused and next-hop MTU" 11 'Unused: 0x0000$' \
	'MTU of next hop: 1400' '!Identifier' '!Sequence Number'
shows "port unreachable: bytes 4-7 unused" 12 'Unused: 0x00000000' '!Identifier' '!Sequence Number'
shows "time exceeded: bytes 4-7 unused" 13 'Unused: 0x00000000' '!Identifier'
shows "parameter problem: the pointer" 14 'Pointer: 9$' 'Unused: 0x000000$' '!Identifier'
shows "redirect: the gateway" 15 'Gateway Address: 10\.0\.0\.254' '!Identifier'
json_is "ICMP errors' own fields in the JSON" 11 \
	"[(o['icmp'].get('mtu'), o['icmp'].get('id')) for o in [o]]" "[(1400, None)]"
json_is "a redirect's gateway in the JSON" 15 "o['icmp']['gw']" "10.0.0.254"
shows "SACK blocks named" 16 'TCP Option - SACK 100-200 300-400'
json_is "SACK in the JSON" 16 "o['tcp']['opts']" "nop,nop,sack:100-200+300-400"
shows "MPTCP named with its subtype" 17 'Multipath TCP: Multipath Capable \(subtype 0\)'
json_is "MPTCP in the JSON: kind and bytes" 17 "o['tcp']['opts']" "raw:30:0081aabbccddeeff0011"
json_is "an unknown option in the JSON: kind and bytes" 18 "o['tcp']['opts']" "raw:99:abcd"
json_is "Fast Open and MD5 in the JSON" 19 "o['tcp']['opts']" \
	"fastopen,md5:000102030405060708090a0b0c0d0e0f"

# A frame stamped 0.3 s before the first: -0.300000 wherever times show.
shows "a time before the first frame: -0.300000" 20 '^20 -0\.300000 '
"$RAWCRAFT" decode "$edges" --ladder >"$TMP/ladder.txt" 2>&1
grep -qE '^20 +-0\.300000 ' "$TMP/ladder.txt" &&
	ok "the ladder's time before the first frame: -0.300000" ||
	not_ok "the ladder's time before the first frame: -0.300000" "$(grep '^20 ' "$TMP/ladder.txt")"
# A record longer than the file's snaplen: all of it from a file, as tshark;
# from a pipe, which cannot be read again, libpcap's cut.
long=$DIR/ip4/bootp_asan.pcap
expect_eq "a record past the snaplen, from a file: all its bytes" \
	"$("$RAWCRAFT" decode "$long" -v 2>&1 | grep '^Frame')" \
	"Frame 1: 65570 bytes on wire, 90 bytes captured"
expect_eq "a record past the snaplen, from a pipe: the snaplen's bytes" \
	"$(cat "$long" | "$RAWCRAFT" decode - -v 2>&1 | grep '^Frame')" \
	"Frame 1: 65570 bytes on wire, 53 bytes captured"
exit 0
