#!/usr/bin/env bash
# `rawcraft decode` of link layers as tshark decodes them: 802.3 lengths
# and LLC (SNAP into IPv4, STP and CDP as named data), ARP of any sizes and
# RARP, the Linux cooked headers as layers, a version-6 header where IPv4
# was named, IPv6 payload lengths of 0 (BIG TCP, jumbograms).  Captures from
# tcpdump's tests (tests/pcap/third-party/link/ and ip6/)
# and written here with Scapy, each held against tshark by
# tests/tools/honesty.py --tap (decode6.py's comparer, strict: every layer
# rawcraft knows at tshark's offset with tshark's fields, and no other).
# Offline: any user, no network.
. "$(dirname "$0")/../lib.sh"

need_oracles "decode link layers as tshark" || exit 0
export PYTHONDONTWRITEBYTECODE=1

"$PY" - "$TMP" <<'PYEOF'
import os, struct, sys
from scapy.all import ARP, IP, IPv6, UDP, Dot3, Ether, LLC, Raw, SNAP, raw, wrpcap
d = sys.argv[1]
A, B = '02:00:00:00:00:01', '02:00:00:00:00:02'
udp = IP(src='10.0.0.1', dst='10.0.0.2') / UDP(sport=5353, dport=5354) / Raw(b'hi')
udp6 = IPv6(src='fe80::1', dst='fe80::2') / UDP(sport=1, dport=2) / Raw(b'six')
bpdu = bytes(35)
def arp(htype, ptype, hlen, plen, op, n=0x11):
    h, p = bytes(range(n, n + hlen)), bytes(range(n + 0x40, n + 0x40 + plen))
    return struct.pack('>HHBBH', htype, ptype, hlen, plen, op) + h + p + h[::-1] + p[::-1]
def v4_version(v):
    b = bytearray(raw(udp))
    b[0] = v << 4 | 5
    return bytes(b)
eth = [
    # 802.3 + LLC: STP, SNAP into IPv4, an I-format control, Novell raw IPX
    Dot3(src=A, dst='01:80:c2:00:00:00') / LLC(dsap=0x42, ssap=0x42, ctrl=3) / Raw(bpdu),
    Dot3(src=A, dst=B) / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) / SNAP(OUI=0, code=0x0800) / udp,
    Dot3(src=A, dst=B) / LLC(dsap=0xf0, ssap=0xf0, ctrl=0x0e) / Raw(b'\x02' + bytes(20)),
    Dot3(src=A, dst=B) / Raw(b'\xff\xff' + bytes(28)),
    # ARP: IPv6 protocol addresses, 8-byte hardware addresses, RARP
    Ether(src=A, dst=B, type=0x0806) / Raw(arp(1, 0x86dd, 6, 16, 1)),
    Ether(src=A, dst=B, type=0x0806) / Raw(arp(27, 0x0800, 8, 4, 2)),
    Ether(src=A, dst=B) / ARP(op=3, hwsrc=A, hwdst=A, psrc='0.0.0.0', pdst='0.0.0.0'),
    Ether(src=B, dst=A, type=0x8035) / ARP(op=4, hwsrc=B, hwdst=A, psrc='10.0.0.2',
                                           pdst='10.0.0.1'),
    # IPv4 named, the version nibble says otherwise
    Ether(src=A, dst=B, type=0x0800) / Raw(raw(udp6)),
    Ether(src=A, dst=B, type=0x0800) / Raw(v4_version(5)),
    # IP protocol 143: an Ethernet frame (RFC 8986)
    Ether(src=A, dst=B) / IP(src='10.0.0.1', dst='10.0.0.2', proto=143) / Ether(src=B, dst=A) / udp,
]
eth[6].type = 0x8035
wrpcap(os.path.join(d, 'eth.pcap'), eth)
def sll(p, proto, hatype=1, addr=bytes.fromhex('020000000001'), pkttype=0):
    return struct.pack('>HHH8sH', pkttype, hatype, len(addr), addr.ljust(8, b'\0'), proto) + p
def sll2(p, proto, hatype=1, addr=bytes.fromhex('020000000001'), pkttype=4, ifindex=7):
    return struct.pack('>HHIHBB8s', proto, 0, ifindex, hatype, pkttype, len(addr),
                       addr.ljust(8, b'\0')) + p
stp = bytes.fromhex('424203') + bpdu
wrpcap(os.path.join(d, 'sll.pcap'), [
    sll(raw(udp), 0x0800), sll(stp, 4, pkttype=1),
    sll(raw(udp), 0x0800, hatype=778, addr=bytes.fromhex('0a000001')),
    sll(raw(udp6), 0x86dd, hatype=65534, addr=b''),
    sll(raw(udp), 0x0800, hatype=32, addr=bytes(range(1, 9)) + bytes(12)),
], linktype=113)
wrpcap(os.path.join(d, 'sll2.pcap'), [
    sll2(raw(udp), 0x0800), sll2(stp, 4, pkttype=2, ifindex=3),
    sll2(raw(udp6), 0x86dd, hatype=776, addr=bytes.fromhex('0a000001')),
], linktype=276)
wrpcap(os.path.join(d, 'null.pcap'), [struct.pack('<I', 2) + raw(udp6)], linktype=0)
PYEOF

"$PY" "$ROOT/tests/tools/honesty.py" --tap --rawcraft "$RAWCRAFT" \
	"$ROOT"/tests/pcap/third-party/link/*.pcap "$ROOT"/tests/pcap/third-party/ip6/*.pcap "$TMP"/eth.pcap "$TMP"/sll.pcap \
	"$TMP"/sll2.pcap "$TMP"/null.pcap

# What the summaries and the tree say of them.
expect_eq "802.3 + LLC: the summary names the data's protocol" \
	"$("$RAWCRAFT" decode "$TMP/eth.pcap" -c 1 2>&1)" \
	"1 0.000000 02:00:00:00:00:01 > 01:80:c2:00:00:00 802.3 LLC, Spanning Tree BPDU, length 52"
out=$("$RAWCRAFT" decode "$TMP/eth.pcap" -c 1 -v 2>&1)
[[ $out == *$'IEEE 802.3 Ethernet, Src: '*$'    Type: 0x0026 (802.3 length)\nLogical-Link Control\n    DSAP: 0x42 (Spanning Tree BPDU)\n    SSAP: 0x42 (Spanning Tree BPDU)\n    Control field: 0x03 (U format)\nData (35 bytes)'* ]] &&
	ok "decode -v: 802.3 length and LLC in the tree" ||
	not_ok "decode -v: 802.3 length and LLC in the tree" "$out"
expect_eq "STP: named by its SAP, as docs/templates.md shows it" \
	"$("$RAWCRAFT" decode "$ROOT/tests/pcap/third-party/link/802.1w_rapid_STP.pcap" -c 1 2>&1)" \
	"1 0.000000 00:19:06:ea:b8:8c > 01:80:c2:00:00:00 802.3 LLC, Spanning Tree BPDU, length 60"
expect_eq "CDP: named by its SNAP PID" \
	"$("$RAWCRAFT" decode "$ROOT/tests/pcap/third-party/link/3560_CDP.pcap" -c 1 2>&1)" \
	"1 0.000000 00:19:06:ea:b8:85 > 01:00:0c:cc:cc:cc 802.3 LLC SNAP, CDP, length 400"
expect_eq "Cisco ISL: a layer, the frame it carries after it" \
	"$("$RAWCRAFT" decode "$ROOT/tests/pcap/third-party/link/DTP.pcap" -c 2 --json 2>&1 | sed -n 2p |
		"$PY" -c 'import json, sys; o = json.loads(sys.stdin.read()); print(o["layers"], o["isl"]["vlan"], o["summary"])')" \
	"['isl', 'eth', 'llc', 'payload'] 1 00:19:06:ea:b8:85 > 01:00:0c:cc:cc:cc 802.3 LLC SNAP, DTP, length 90"
expect_eq "RARP: the summaries as Wireshark's" \
	"$("$RAWCRAFT" decode "$TMP/eth.pcap" 2>&1 | sed -n '7,8p' | cut -d' ' -f3-)" \
	"RARP Who is 02:00:00:00:00:01? Tell 02:00:00:00:00:01
RARP 02:00:00:00:00:01 is at 10.0.0.1"
expect_eq "ARP with IPv6 protocol addresses: the bytes, never a made-up IPv4 address" \
	"$("$RAWCRAFT" decode "$TMP/eth.pcap" 2>&1 | sed -n '5p' | cut -d' ' -f3-)" \
	"ARP Who has 605f5e5d5c5b5a595857565554535251? Tell 5152535455565758595a5b5c5d5e5f60"
out=$("$RAWCRAFT" decode "$TMP/sll2.pcap" -c 1 -v 2>&1)
[[ $out == *$'Linux cooked capture v2\n    Packet type: 4 (Sent by us)\n    Link-layer address type: 1 (Ethernet)\n    Link-layer address length: 6\n    Source: 02:00:00:00:00:01\n    Protocol: 0x0800 (IPv4)\n    Reserved: 0x0000\n    Interface index: 7\nInternet Protocol Version 4'* ]] &&
	ok "decode -v: the Linux cooked v2 header in the tree" ||
	not_ok "decode -v: the Linux cooked v2 header in the tree" "$out"
expect_eq "decode --json: the Linux cooked v1 header as a layer" \
	"$("$RAWCRAFT" decode "$TMP/sll.pcap" -c 3 --json 2>&1 | "$PY" -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    print(o["layers"][0], json.dumps(o[o["layers"][0]], sort_keys=True))')" \
	'sll {"addr": "02:00:00:00:00:01", "halen": 6, "hatype": 1, "offset": 0, "pkttype": 0, "protocol": 2048}
sll {"addr": "02:00:00:00:00:01", "halen": 6, "hatype": 1, "offset": 0, "pkttype": 1, "protocol": 4}
sll {"addr": "10.0.0.1", "halen": 4, "hatype": 778, "offset": 0, "pkttype": 0, "protocol": 2048}'
expect_eq "version 6 under EtherType 0x0800: IPv6, and a note says so" \
	"$("$RAWCRAFT" decode "$TMP/eth.pcap" --json 2>&1 | sed -n 9p | "$PY" -c '
import json, sys
o = json.loads(sys.stdin.read())
print(o["layers"], o["ipv6"].get("note"))')" \
	"['eth', 'ipv6', 'udp', 'payload'] version 6 where IPv4 was named: decoded as IPv6, as Wireshark does"
expect_eq "version 5 under EtherType 0x0800: the version alone, the rest data" \
	"$("$RAWCRAFT" decode "$TMP/eth.pcap" --json 2>&1 | sed -n 10p | "$PY" -c '
import json, sys
o = json.loads(sys.stdin.read())
print(o["layers"], o["ipv4"])')" \
	"['eth', 'ipv4', 'payload'] {'offset': 14, 'ver': 5, 'note': 'bogus version: not 4, the header is not IPv4 (nothing inside decoded)'}"

# --template: a line for what a template builds, the rest (LLC, ISL, a
# cooked header, odd ARP addresses) as payload, and show builds it all.
for p in "$TMP"/eth.pcap "$TMP"/sll.pcap "$TMP"/sll2.pcap "$ROOT"/tests/pcap/third-party/link/DTP.pcap; do
	f=$(basename "$p" .pcap)
	"$RAWCRAFT" decode "$p" --template >"$TMP/$f.pkt" 2>"$TMP/err" &&
		"$RAWCRAFT" show "$TMP/$f.pkt" -w "$TMP/$f-back.pcap" >/dev/null 2>>"$TMP/err"
	expect_eq "decode $f.pcap --template: show builds every frame" \
		"$? $(tshark -r "$TMP/$f-back.pcap" 2>/dev/null | wc -l) $(head -c 300 "$TMP/err")" \
		"0 $(tshark -r "$p" 2>/dev/null | wc -l) "
done
# An Ethernet capture's frames come back byte for byte, ISL's included.
expect_eq "decode DTP.pcap --template: show builds the same bytes" \
	"$(same_frames "$ROOT/tests/pcap/third-party/link/DTP.pcap" "$TMP/DTP-back.pcap")" "10 10 10"

# Decode-only layers: named by `fields`, refused by templates.
expect_eq "fields llc: decode only" "$("$RAWCRAFT" fields llc 2>&1 | head -n 1)" \
	"llc - Logical-Link Control (3-byte header), decode only: shown in captures, never built"
expect_eq "fields sll2: the addr rows go by halen, not by protocol" \
	"$("$RAWCRAFT" fields sll2 2>&1 | grep -c 'with protocol')" 0
expect_eq "fields arp: the header a template builds" "$("$RAWCRAFT" fields arp 2>&1 | head -n 1)" \
	"arp - Address Resolution Protocol (28-byte header)"
printf 'eth\nsll2 ifindex=3\n' >"$TMP/sll.pkt"
"$RAWCRAFT" show "$TMP/sll.pkt" >"$TMP/out" 2>&1
expect_eq "a template naming sll2: exit 2, one line" "$? $(cat "$TMP/out")" \
	"2 $TMP/sll.pkt:2:1: error: sll2 is a layer rawcraft decodes but does not build: \`rawcraft fields sll2\` says what it shows"

# The comparer must not pass what it should not: each change to the JSON
# of a frame that agrees (an llc, sll2 and generic arp field) is caught.
missed=$("$PY" - "$ROOT/tests/tools/honesty.py" "$TMP" <<'PYEOF'
import json, os, subprocess, sys
sys.path.insert(0, os.path.dirname(sys.argv[1]))
sys.path.insert(0, os.path.join(os.path.dirname(sys.argv[1]), '..', 'oracle'))
import decode6
from check import read_pdml
from honesty import TSHARK
tool, d = sys.argv[1:3]
cases = [('eth.pcap', 1, 'llc', 'dsap'), ('eth.pcap', 2, 'llc', 'pid'), ('eth.pcap', 2, 'llc', 'oui'),
         ('eth.pcap', 3, 'llc', 'ctrl'), ('eth.pcap', 5, 'arp', 'spa'), ('eth.pcap', 6, 'arp', 'sha'),
         ('sll2.pcap', 1, 'sll2', 'ifindex'), ('sll2.pcap', 1, 'sll2', 'addr'),
         ('sll2.pcap', 2, 'sll2', 'protocol'), ('sll.pcap', 3, 'sll', 'addr')]
missed = []
for name, n, layer, key in cases:
    pcap = os.path.join(d, name)
    pdml = subprocess.run(TSHARK + ['-r', pcap], capture_output=True).stdout
    open(os.path.join(d, 'p.pdml'), 'wb').write(pdml)
    packet = read_pdml(os.path.join(d, 'p.pdml'))[n - 1]
    out = subprocess.run([os.environ['RAWCRAFT'], 'decode', pcap, '--json'], capture_output=True)
    frame = json.loads(out.stdout.decode().splitlines()[n - 1], object_pairs_hook=list)
    raw = decode6.frames_raw(pcap)[n - 1]
    if decode6.FrameCheck(packet, frame, raw, strict=True).run():
        missed.append('%s %d (disagrees as it is)' % (name, n))
        continue
    fields = dict(frame)[layer]
    for i, (k, v) in enumerate(fields):
        if k == key:
            if isinstance(v, int):
                v = v ^ 1
            else:
                v = v[:-1] + ('0' if v[-1] != '0' else '2')
            fields[i] = (k, v)
            break
    else:
        missed.append('%s.%s (not in the JSON)' % (layer, key))
        continue
    if not decode6.FrameCheck(packet, frame, raw, strict=True).run():
        missed.append('%s.%s' % (layer, key))
print(', '.join(missed))
PYEOF
)
expect_eq "the comparer catches a changed llc, sll, sll2 or arp field" "$missed" ""
exit 0
