#!/usr/bin/env bash
# Makers' names in the -v tree ("PcsCompu_17:da:ff (08:00:27:17:da:ff)"):
# from a tiny manuf of our own ($RAWCRAFT_MANUF) the longest prefix wins,
# -n and missing data give bare addresses, summaries and JSON stay bare;
# IEEE's CSV registry is read too; and with the system's Wireshark data
# every MAC of the captures in tests/pcap gets the name tshark gives it.
. "$(dirname "$0")/../lib.sh"

# check NAME FILE LINE...: every LINE is a whole line of FILE.
check() {
	local name=$1 file=$2 missing="" line
	shift 2
	for line in "$@"; do
		grep -qxF -- "$line" "$file" || missing+="no '$line'; "
	done
	if [ -z "$missing" ]; then ok "$name"; else not_ok "$name" "$missing$(head -c 600 "$file")"; fi
}

# Wireshark's format: OUIs, a /28 and a /36 inside one, a 48-bit name, a
# /16 range, comments, dashes, a line with no name, a bad mask.
cat >"$TMP/manuf" <<'EOF'
# a manuf of our own
08:00:27	PcsCompu	PCS Computer Systems GmbH
02:00:00	TestOui	# a comment after the name
02:00:00:10:00:00/28	TwentyEi	a /28 inside TestOui
02:00:00:10:10:00/36	Thirty6
02-00-00-00-00-09	ExactOne
33-33-00-00-00-00/16	IPv6mcast
FF:FF:FF:FF:FF:FF	Broadcast
0a:00:00
0c:00:00:00:00:00/99	BadMask
EOF
export RAWCRAFT_MANUF=$TMP/manuf

cat >"$TMP/names.pkt" <<'EOF'
eth src=08:00:27:17:da:ff dst=ff:ff:ff:ff:ff:ff
arp op=reply sha=02:00:00:10:10:05 spa=10.0.0.1 tha=02:00:00:1a:bc:de tpa=10.0.0.2
EOF
cat >"$TMP/nd.pkt" <<'EOF'
eth src=02:00:00:55:00:01 dst=33:33:00:00:00:16
ipv6 src=fe80::1 dst=ff02::16
icmp6 type=neighbor-solicit target=fe80::2 opts=sll:02:00:00:00:00:09,tll:0c:00:00:00:00:01
EOF
"$RAWCRAFT" show "$TMP/names.pkt" "$TMP/nd.pkt" -v >"$TMP/tree" 2>"$TMP/err"
check "the tree names MACs by their longest prefix, Wireshark's way" "$TMP/tree" \
	"Ethernet II, Src: PcsCompu_17:da:ff (08:00:27:17:da:ff), Dst: Broadcast (ff:ff:ff:ff:ff:ff)" \
	"    Destination: Broadcast (ff:ff:ff:ff:ff:ff)" \
	"    Source: PcsCompu_17:da:ff (08:00:27:17:da:ff)" \
	"    Sender MAC address: Thirty6_05 (02:00:00:10:10:05)" \
	"    Target MAC address: TwentyEi_0a:bc:de (02:00:00:1a:bc:de)" \
	"    Destination: IPv6mcast_16 (33:33:00:00:00:16)" \
	"    Source: TestOui_55:00:01 (02:00:00:55:00:01)" \
	"        ICMPv6 Option (Source link-layer address : 02:00:00:00:00:09)" \
	"            Link-layer address: ExactOne (02:00:00:00:00:09)" \
	"            Link-layer address: 0c:00:00:00:00:01"
check "the summaries keep bare addresses, as tshark's Info column does" "$TMP/tree" \
	"ARP 10.0.0.1 is at 02:00:00:10:10:05" \
	"fe80::1 > ff02::16 ICMPv6 Neighbor Solicitation for fe80::2 from 02:00:00:00:00:09 is at 0c:00:00:00:00:01"
expect_eq "names cost no message" "$(cat "$TMP/err")" ""

# -n, a missing file, and an unreadable one: bare addresses, nothing said.
"$RAWCRAFT" show "$TMP/names.pkt" -v -n >"$TMP/bare" 2>&1
check "-n: bare addresses" "$TMP/bare" \
	"Ethernet II, Src: 08:00:27:17:da:ff, Dst: ff:ff:ff:ff:ff:ff" \
	"    Destination: ff:ff:ff:ff:ff:ff (broadcast)" \
	"    Sender MAC address: 02:00:00:10:10:05"
RAWCRAFT_MANUF=$TMP/none "$RAWCRAFT" show "$TMP/names.pkt" -v >"$TMP/absent" 2>&1
if cmp -s "$TMP/absent" "$TMP/bare"; then
	ok "no manuf file: the bare addresses, no error"
else
	not_ok "no manuf file: the bare addresses, no error" "$(diff "$TMP/bare" "$TMP/absent" | head -20)"
fi
head -c 4096 /dev/urandom >"$TMP/junk"
RAWCRAFT_MANUF=$TMP/junk:$TMP:$TMP/manuf "$RAWCRAFT" show "$TMP/names.pkt" -v >"$TMP/junked" 2>&1
if cmp -s "$TMP/junked" <(RAWCRAFT_MANUF=$TMP/manuf "$RAWCRAFT" show "$TMP/names.pkt" -v 2>&1); then
	ok "random bytes and a directory in the list add nothing, the files after them still count"
else
	not_ok "random bytes and a directory in the list add nothing" "$(head -c 600 "$TMP/junked")"
fi

# Files that end mid-line on a page's last byte: read to their end, never
# past it (a mapped file has no byte after its last).
pad_to_page() {	# pad_to_page FILE LAST-LINE: comment lines, then LAST-LINE unended
	{ while [ "$(wc -c <"$1")" -lt $((4096 - ${#2} - 80)) ]; do echo "# padding"; done
	  n=$((4096 - $(wc -c <"$1") - ${#2} - 1))
	  printf '#%*s\n%s' "$((n - 1))" "" "$2"; } >>"$1"
}
: >"$TMP/edge"
pad_to_page "$TMP/edge" "08:00:27	EdgeName"
printf 'Registry,Assignment,Organization Name,Organization Address\n' >"$TMP/edge.csv"
pad_to_page "$TMP/edge.csv" 'MA-L,080027,"Edge Name Inc'
sizes="$(wc -c <"$TMP/edge") $(wc -c <"$TMP/edge.csv")"
RAWCRAFT_MANUF=$TMP/edge "$RAWCRAFT" show "$TMP/names.pkt" -v >"$TMP/edged" 2>&1
RAWCRAFT_MANUF=$TMP/edge.csv "$RAWCRAFT" show "$TMP/names.pkt" -v >>"$TMP/edged" 2>&1
expect_eq "a name on a page's last byte, no newline after it (manuf, CSV)" \
	"$sizes $(grep -cxF "    Source: EdgeName_17:da:ff (08:00:27:17:da:ff)" "$TMP/edged")" "4096 4096 2"

# JSON keeps its keys and bare values: the same with names and without
# (the time aside).
untimed() { sed -E 's/"time":[0-9.]+,//'; }
"$RAWCRAFT" show "$TMP/names.pkt" "$TMP/nd.pkt" -v --json | untimed >"$TMP/named.json"
"$RAWCRAFT" show "$TMP/names.pkt" "$TMP/nd.pkt" -v --json -n | untimed >"$TMP/bare.json"
if cmp -s "$TMP/named.json" "$TMP/bare.json" && grep -q '"src":"08:00:27:17:da:ff"' "$TMP/named.json"; then
	ok "--json: bare addresses, names or not"
else
	not_ok "--json: bare addresses, names or not" "$(head -c 400 "$TMP/named.json")"
fi

# An earlier file's name wins a prefix a later one names too; decode names
# the same frames as show.
printf '08:00:27\tFirst\n' >"$TMP/first"
RAWCRAFT_MANUF=$TMP/first:$TMP/manuf "$RAWCRAFT" show "$TMP/names.pkt" -v -w "$TMP/names.pcap" >"$TMP/two" 2>&1
check "of two files naming a prefix, the first's name" "$TMP/two" \
	"    Source: First_17:da:ff (08:00:27:17:da:ff)" \
	"    Sender MAC address: Thirty6_05 (02:00:00:10:10:05)"
"$RAWCRAFT" decode "$TMP/names.pcap" -v >"$TMP/decoded" 2>&1
check "decode -v names them as show -v does" "$TMP/decoded" \
	"    Source: PcsCompu_17:da:ff (08:00:27:17:da:ff)" \
	"    Target MAC address: TwentyEi_0a:bc:de (02:00:00:1a:bc:de)"

# Lists joined by ';' are alternatives: the first one with a file that opens.
RAWCRAFT_MANUF="$TMP/none:$TMP/none2;$TMP/first;$TMP/manuf" "$RAWCRAFT" show "$TMP/names.pkt" -v >"$TMP/alt" 2>&1
check "of alternatives (';'), the first that has a file, alone" "$TMP/alt" \
	"    Source: First_17:da:ff (08:00:27:17:da:ff)" \
	"    Sender MAC address: 02:00:00:10:10:05"

# IEEE's registry as ieee-data ships it: quoted names with commas, an
# address over two lines, MA-M and MA-S blocks; short names made as
# Wireshark's make-manuf.py makes them.
cat >"$TMP/oui.csv" <<'EOF'
Registry,Assignment,Organization Name,Organization Address
MA-L,080027,PCS Systemtechnik GmbH,600 Suffolk St Lowell MA US 01854 
MA-L,14CF92,"TP-LINK TECHNOLOGIES CO.,LTD.","Building 24 (floors 1,3,4,5)
 and 28 (floors1-4) Shenzhen CN 518057 "
MA-L,020000,XEROX CORPORATION,M/S 105-50C WEBSTER NY US 14580 
MA-M,0200001,"Nanoleaf, Inc.",Toronto CA
MA-S,020000101,"The ""Quoted"" Company",somewhere
EOF
cat >"$TMP/ieee.pkt" <<'EOF'
eth src=08:00:27:17:da:ff dst=14:cf:92:87:23:d6
arp op=reply sha=02:00:00:10:10:05 spa=10.0.0.1 tha=02:00:00:1a:bc:de tpa=10.0.0.2
EOF
RAWCRAFT_MANUF=$TMP/oui.csv "$RAWCRAFT" show "$TMP/ieee.pkt" -v >"$TMP/ieee" 2>&1
check "IEEE's CSV: blocks of 24, 28 and 36 bits, names shortened as Wireshark's" "$TMP/ieee" \
	"Ethernet II, Src: PCSSyste_17:da:ff (08:00:27:17:da:ff), Dst: Tp-LinkT_87:23:d6 (14:cf:92:87:23:d6)" \
	"    Sender MAC address: Quoted_05 (02:00:00:10:10:05)" \
	"    Target MAC address: Nanoleaf_0a:bc:de (02:00:00:1a:bc:de)"

# --- the oracle: the system's Wireshark data, as tshark reads it ------------
unset RAWCRAFT_MANUF
if ! command -v tshark >/dev/null || [ ! -r /usr/share/wireshark/manuf ]; then
	not_ok "names as tshark's" "no tshark or /usr/share/wireshark/manuf (tests/deps.sh installs tshark)"
	exit 0
fi
# Per capture: tshark's eth.src_resolved/eth.dst_resolved per frame, and the
# names tshark -V gives sender, target and link-layer addresses (unnamed
# ones it writes "ADDR (ADDR)", rawcraft bare ADDR).
n=0 bad=""
for f in "$ROOT"/tests/pcap/*.pcap "$ROOT"/tests/pcap/third-party/*.pcap*; do
	tshark -r "$f" -T fields -E separator='|' -e frame.number -e eth.src_resolved \
		-e eth.src -e eth.dst_resolved -e eth.dst 2>/dev/null |
		awk -F'|' '$2 != "" { s = $2 == $3 ? $3 : $2 " (" $3 ")"; d = $4 == $5 ? $5 : $4 " (" $5 ")"
			print $1 " Ethernet II, Src: " s ", Dst: " d }' >"$TMP/theirs"
	"$RAWCRAFT" decode "$f" -v 2>/dev/null |
		awk '/^Frame [0-9]+:/ { n = $2; sub(":", "", n) } /^Ethernet II, / { print n " " $0 }' >"$TMP/ours"
	[ -s "$TMP/theirs" ] || continue
	n=$((n + $(wc -l <"$TMP/theirs")))
	cmp -s "$TMP/ours" "$TMP/theirs" ||
		bad+="$(basename "$f"): $(diff "$TMP/theirs" "$TMP/ours" | head -4 | tr '\n' ' '); "
	mac='[0-9a-f]{2}(:[0-9a-f]{2}){5}'
	tshark -r "$f" -V 2>/dev/null |
		grep -E "^ +(Sender MAC address|Target MAC address|Link-layer address): " |
		sed -E "s/^ +//; s/: ($mac) \(\1\)$/: \1/" >"$TMP/theirs"
	"$RAWCRAFT" decode "$f" -v 2>/dev/null |
		grep -E "^ +(Sender MAC address|Target MAC address|Link-layer address): " |
		sed -E 's/^ +//' >"$TMP/ours"
	n=$((n + $(wc -l <"$TMP/theirs")))
	cmp -s "$TMP/ours" "$TMP/theirs" ||
		bad+="$(basename "$f") (ARP, ND): $(diff "$TMP/theirs" "$TMP/ours" | head -4 | tr '\n' ' '); "
done
if [ -z "$bad" ] && [ "$n" -gt 100 ]; then
	ok "every MAC of tests/pcap named as tshark names it ($n addresses)"
else
	not_ok "every MAC of tests/pcap named as tshark names it" "${bad:-only $n addresses}"
fi
