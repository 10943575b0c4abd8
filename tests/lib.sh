# tests/lib.sh - sourced by the suites: TAP output and small checks.
# $RAWCRAFT is the binary under test (release or sanitized).
set -u
: "${RAWCRAFT:?set RAWCRAFT to the rawcraft binary}"
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$TESTS_DIR")
PY=${PY:-/usr/bin/python3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1: $2"; }
# need_oracles NAME: tshark and Scapy, the independent oracles, are there;
# else one failing line for NAME and status 1 (tests/deps.sh installs both).
need_oracles() {
	if ! command -v tshark >/dev/null; then
		not_ok "$1" "tshark is not installed (tests/deps.sh installs it)"
		return 1
	fi
	if ! "$PY" -c 'import scapy' 2>/dev/null; then
		not_ok "$1" "no scapy for $PY (tests/deps.sh installs python3-scapy)"
		return 1
	fi
}

# decode_pdml IN OUT.pdml: tshark's decode for decode6.py, with only the
# dissectors rawcraft has layers for (and the link headers it reads), so
# that a port never hands a payload to some other parser, with no user
# preferences, checksums verified, nothing reassembled.
decode_pdml() {
	local ws=$TMP/wireshark-decode
	if [ ! -s "$ws/disabled_protos" ]; then
		mkdir -p "$ws"
		tshark -G protocols 2>/dev/null | awk -F'\t' '{ print $3 }' |
			grep -vxE 'frame|eth|ethertype|vlan|arp|ip|ipv6|ipv6\..*|icmpv6|tcp|udp|icmp|data|sll|null|loop|raw|_ws\..*' \
			>"$ws/disabled_protos"
	fi
	WIRESHARK_CONFIG_DIR=$ws tshark -n -r "$1" -T pdml \
		-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-o ip.defragment:FALSE -o ipv6.defragment:FALSE \
		-o tcp.analyze_sequence_numbers:FALSE -o tcp.desegment_tcp_streams:FALSE \
		>"$2" 2>"$2.err"
}

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got '$2', want '$3'"; fi
}

# hex_of PCAP: the first frame's bytes as spaced lowercase hex.
hex_of() {
	"$PY" - "$1" <<'PYEOF'
import struct, sys
data = open(sys.argv[1], 'rb').read()
caplen = struct.unpack('<I', data[24 + 8:24 + 12])[0]
print(' '.join('%02x' % b for b in data[40:40 + caplen]))
PYEOF
}

# json_get DIRECTION EXPR: EXPR (Python, over the object `o`) for each JSON
# line of stdin whose direction is DIRECTION; other lines are skipped.
json_get() { "$PY" -c "import json,sys
for line in sys.stdin:
    if not line.startswith('{'): continue
    o = json.loads(line)
    if o.get('direction') == '$1': print($2)"; }

# view_count OUT PCAP: "N M": the frames of `run`'s view OUT (its lines
# "#N ...") and of the -w file it wrote, as tshark reads it.
view_count() { echo "$(grep -c '^#[0-9]' <<<"$1") $(tshark -r "$2" 2>/dev/null | wc -l)"; }
# established_after_rst OUT: the frames of `run`'s view OUT that show an end
# ESTABLISHED after the host kernel's first RST.
established_after_rst() { sed -n '/(kernel).* TCP \[RST\]/,$p' <<<"$1" | grep -c ESTABLISHED; }

# same_frames A B [any-order]: "FRAMES-IN-A FRAMES-IN-B EQUAL-PAIRS" of two
# pcaps, frame by frame, or with any-order of the two sorted (frames that
# several senders interleave).
same_frames() {
	"$PY" - "$1" "$2" "${3:-}" <<'PYEOF'
import struct, sys
def frames(path):
    d = open(path, 'rb').read(); i = 24; out = []
    while i < len(d):
        n = struct.unpack('<I', d[i + 8:i + 12])[0]
        out.append(d[i + 16:i + 16 + n]); i += 16 + n
    return out
a, b = frames(sys.argv[1]), frames(sys.argv[2])
if sys.argv[3] == 'any-order':
    a, b = sorted(a), sorted(b)
print(len(a), len(b), sum(x == y for x, y in zip(a, b)))
PYEOF
}
