#!/usr/bin/env bash
# `rawcraft decode` on each link type of the link table (craft/decode/link.c):
# captures written by Scapy, the decoded fields checked against tshark's;
# IPv6 inside (rawcraft has no IPv6 layer yet) shown as data with a note,
# never as a bogus IPv4 header; and `-w` writing the capture's own link type.
# Damaged link headers and unknown link types are in decode_errors.sh.
. "$(dirname "$0")/../lib.sh"

if ! command -v tshark >/dev/null; then
	not_ok "decode link types" "tshark is not installed (tests/deps.sh installs it)"
	exit 0
fi

# --- the captures ----------------------------------------------------------
"$PY" - "$TMP" <<'PYEOF'
import os, struct, sys
from scapy.all import ICMP, IP, IPv6, TCP, UDP, Ether, Raw, raw, wrpcap
d = sys.argv[1]
A, B = '10.0.0.1', '10.0.0.2'
v4 = [raw(IP(src=A, dst=B, id=0x1234, ttl=33) / UDP(sport=5353, dport=5354) / Raw(b'hello')),
      raw(IP(src=B, dst=A, id=7, flags='DF') /
          TCP(sport=9230, dport=40000, flags='SA', seq=5000, ack=101, options=[('MSS', 1460)])),
      raw(IP(src=A, dst=B, id=9, ttl=1) / ICMP(type=8, id=0x4242, seq=3) / Raw(b'ping'))]
v6 = raw(IPv6(src='fe80::1', dst='fe80::2') / UDP(sport=1, dport=2) / Raw(b'six'))

def put(name, linktype, frames):
    wrpcap(os.path.join(d, name + '.pcap'), frames, linktype=linktype)

le = lambda af: struct.pack('<I', af)
be = lambda af: struct.pack('>I', af)
def sll(p, et=0x0800):
    return struct.pack('>HHH8sH', 0, 1, 6, bytes.fromhex('020000000001') + b'\0\0', et) + p
def sll2(p, et=0x0800):
    return struct.pack('>HHIHBB8s', et, 0, 2, 1, 0, 6, bytes.fromhex('020000000001') + b'\0\0') + p

# IPv4 inside each link type.
put('null', 0, [le(2) + f for f in v4])		# written on a little-endian host
put('null-be', 0, [be(2) + f for f in v4])	# ... and on a big-endian one
put('loop', 108, [be(2) + f for f in v4])
put('raw', 101, v4)
put('raw14', 14, v4)				# OpenBSD's DLT_RAW
put('ipv4', 228, v4)
put('sll', 113, [sll(f) for f in v4])
put('sll2', 276, [sll2(f) for f in v4])
put('eth', 1, [raw(Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02') / Raw(f)) for f in v4])
# IPv6 inside: every AF_INET6 value, in both loopback byte orders.
put('null6', 0, [le(24) + v6, le(28) + v6, le(30) + v6, be(24) + v6])
put('loop6', 108, [be(24) + v6, be(28) + v6, be(30) + v6])
put('raw6', 101, [v6])
put('ipv4-6', 228, [v6])
put('ipv6', 229, [v6])
put('sll6', 113, [sll(v6, 0x86dd)])
put('sll2-6', 276, [sll2(v6, 0x86dd)])
# DLT_LOOP is network order only: a little-endian AF_INET names no family.
put('loop-le', 108, [le(2) + v4[0]])
PYEOF

# oracle.py PCAP JSONL HDRLEN KEY TSHARK_FIELD: every frame has an IPv4
# header HDRLEN bytes in whose fields are tshark's, and the link header's
# value (JSON link.KEY, or KEY of the Linux cooked layer) is tshark's
# TSHARK_FIELD ('-': none to compare).
cat >"$TMP/link.py" <<'PYEOF'
def link(o):
    """The link header's values and the layers after it."""
    layers = o.get('layers', [])
    if layers[:1] in (['sll'], ['sll2']):
        return o[layers[0]], layers[1:]
    return o.get('link', {}), layers
PYEOF
cat >"$TMP/oracle.py" <<'PYEOF'
import json, subprocess, sys
from link import link
pcap, jsonl, hdr, key, tfield = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
fields = ['ip.src', 'ip.dst', 'ip.id', 'ip.ttl', 'ip.proto', 'ip.len', 'ip.checksum']
fields += [tfield] if tfield != '-' else []
out = subprocess.run(['tshark', '-n', '-r', pcap, '-T', 'fields', '-E', 'separator=,']
                     + sum((['-e', f] for f in fields), []),
                     capture_output=True, text=True).stdout.splitlines()
frames = [json.loads(l) for l in open(jsonl) if l.strip()]
if len(frames) != len(out) or not frames:
    sys.exit('rawcraft decoded %d frames, tshark %d' % (len(frames), len(out)))
for n, (o, t) in enumerate(zip(frames, out), 1):
    t = t.split(',')
    ip = o.get('ipv4')
    if ip is None or ip.get('offset') != hdr:
        sys.exit('frame %d: no IPv4 header at offset %d: %s' % (n, hdr, json.dumps(o)[:300]))
    got = [ip['src'], ip['dst'], ip['id'], ip['ttl'], ip['proto'], ip['len'], ip['csum']]
    want = t[:2] + [int(v, 0) for v in t[2:7]]
    if tfield != '-':
        got.append(link(o)[0].get(key))
        want.append(int(t[7], 0))
    if got != want:
        sys.exit('frame %d: rawcraft %s, tshark %s' % (n, got, want))
    if ip.get('csum_status') != 'correct':
        sys.exit('frame %d: ipv4 checksum %s' % (n, ip.get('csum_status')))
PYEOF

# --- IPv4 inside each link type: what tshark reads ------------------------
# ipv4_link NAME FILE HDRLEN KEY TSHARK_FIELD
ipv4_link() {
	local name="decode $1: IPv4 fields as tshark reads them" f="$TMP/$2.pcap" why='' rc
	"$RAWCRAFT" decode "$f" --json >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		why="exit $rc: $(head -c 300 "$TMP/err")"
	elif [ -s "$TMP/err" ]; then
		why="stderr: $(head -c 300 "$TMP/err")"
	else
		why=$("$PY" "$TMP/oracle.py" "$f" "$TMP/out" "$3" "$4" "$5" 2>&1) && why=
	fi
	if [ -z "$why" ]; then ok "$name"; else not_ok "$name" "$why"; fi
}
ipv4_link "BSD loopback, little-endian AF_INET" null 4 family null.family
ipv4_link "BSD loopback, big-endian AF_INET" null-be 4 family null.family
ipv4_link "OpenBSD loopback (DLT_LOOP), AF_INET" loop 4 family null.family
ipv4_link "raw IP (LINKTYPE_RAW 101)" raw 0 version ip.version
ipv4_link "raw IP (OpenBSD DLT_RAW 14)" raw14 0 version ip.version
ipv4_link "raw IPv4 (LINKTYPE_IPV4 228)" ipv4 0 version ip.version
ipv4_link "Linux cooked v1" sll 16 protocol sll.etype
ipv4_link "Linux cooked v2" sll2 20 protocol sll.etype

# Every field of every layer of the same frames, as the oracle suite checks.
for f in null loop raw ipv4 sll2; do
	tshark -n -r "$TMP/$f.pcap" -T pdml -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
		-o udp.check_checksum:TRUE >"$TMP/$f.pdml" 2>/dev/null
	"$RAWCRAFT" decode "$TMP/$f.pcap" --json >"$TMP/$f.json" 2>/dev/null
	"$PY" "$ROOT/tests/oracle/check.py" decode "$TMP/$f.pdml" "$TMP/$f.json" |
		sed "s/^\(not \)\{0,1\}ok - /&$f: /"
done

# The summaries and the tree name the link header.
out=$("$RAWCRAFT" decode "$TMP/null.pcap" -v 2>&1 | sed '/^$/q')
if [[ $out == *$'Link: BSD loopback (4 bytes)\n    Family: 2 (IPv4)\nInternet Protocol Version 4'* &&
      $(head -n 1 <<<"$out") == "1 0.000000 10.0.0.1:5353 > 10.0.0.2:5354 UDP len=5" ]]; then
	ok "decode -v: the loopback header in the tree, the UDP summary"
else
	not_ok "decode -v: the loopback header in the tree, the UDP summary" "$(head -c 400 <<<"$out")"
fi

# --- IPv6 inside: IPv6, never a bogus IPv4 header ---------------------------
# not_ipv4 NAME FILE HDRLEN KEY VALUES SUMMARY: each frame is the link header
# (KEY one of VALUES, in order) and HDRLEN bytes in, IPv6 and UDP as tshark
# reads them; the first summary is SUMMARY.
cat >"$TMP/not_ipv4.py" <<'PYEOF'
import json, subprocess, sys
from link import link
pcap, jsonl, hdr, key, values, summary = sys.argv[1:7]
values = [int(v) for v in values.split(',')]
frames = [json.loads(l) for l in open(jsonl) if l.strip()]
t6 = subprocess.run(['tshark', '-n', '-r', pcap, '-T', 'fields', '-e', 'ipv6.src', '-e', 'ip.src'],
                    capture_output=True, text=True).stdout.splitlines()
if len(frames) != len(values) or len(t6) != len(values):
    sys.exit('%d frames decoded, tshark %d, want %d' % (len(frames), len(t6), len(values)))
for n, (o, v, t) in enumerate(zip(frames, values, t6), 1):
    p = o.get('payload', {})
    if t.split('\t') != ['fe80::1', '']:
        sys.exit('frame %d: tshark reads %r, not the IPv6 packet written' % (n, t))
    ip6 = o.get('ipv6', {})
    if (link(o)[1] != ['ipv6', 'udp', 'payload'] or ip6.get('offset') != int(hdr)
            or ip6.get('src') != 'fe80::1' or ip6.get('dst') != 'fe80::2'
            or link(o)[0].get(key) != v or o['udp'].get('csum_status') != 'correct'):
        sys.exit('frame %d: %s' % (n, json.dumps(o)[:400]))
if frames[0]['summary'] != summary:
    sys.exit('summary %r, want %r' % (frames[0]['summary'], summary))
PYEOF
not_ipv4() {
	local name="decode $1: IPv6 inside is IPv6, not IPv4" f="$TMP/$2.pcap" why='' rc
	"$RAWCRAFT" decode "$f" --json >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		why="exit $rc: $(head -c 300 "$TMP/err")"
	else
		why=$("$PY" "$TMP/not_ipv4.py" "$f" "$TMP/out" "$3" "$4" "$5" "$6" 2>&1) && why=
	fi
	if [ -z "$why" ]; then ok "$name"; else not_ok "$name" "$why"; fi
}
not_ipv4 "BSD loopback, AF_INET6 24/28/30 either byte order" null6 4 family 24,28,30,24 \
	"[fe80::1]:1 > [fe80::2]:2 UDP len=3"
not_ipv4 "OpenBSD loopback, AF_INET6 24/28/30" loop6 4 family 24,28,30 \
	"[fe80::1]:1 > [fe80::2]:2 UDP len=3"
not_ipv4 "raw IP, version 6" raw6 0 version 6 "[fe80::1]:1 > [fe80::2]:2 UDP len=3"
not_ipv4 "raw IPv4 (228) holding version 6" ipv4-6 0 version 6 \
	"[fe80::1]:1 > [fe80::2]:2 UDP len=3"
not_ipv4 "raw IPv6 (LINKTYPE_IPV6 229)" ipv6 0 version 6 "[fe80::1]:1 > [fe80::2]:2 UDP len=3"
not_ipv4 "Linux cooked v2, EtherType 0x86dd" sll2-6 20 protocol 34525 \
	"[fe80::1]:1 > [fe80::2]:2 UDP len=3"
not_ipv4 "Linux cooked v1, EtherType 0x86dd" sll6 16 protocol 34525 \
	"[fe80::1]:1 > [fe80::2]:2 UDP len=3"

# The tree shows the header and the note.
out=$("$RAWCRAFT" decode "$TMP/null6.pcap" -v 2>&1 | sed '/^$/q')
if [[ $out == *$'Link: BSD loopback (4 bytes)\n    Family: 24 (IPv6)\nInternet Protocol Version 6, Src: fe80::1, Dst: fe80::2'* ]]; then
	ok "decode -v: IPv6 in a loopback capture, the link header and IPv6 in the tree"
else
	not_ok "decode -v: IPv6 in a loopback capture, the link header and IPv6 in the tree" "$(head -c 400 <<<"$out")"
fi

# DLT_LOOP's family is big-endian: a little-endian 2 is no AF_INET.
"$RAWCRAFT" decode "$TMP/loop-le.pcap" --json >"$TMP/out" 2>&1
why=$("$PY" - "$TMP/out" 2>&1 <<'PYEOF'
import json, sys
text = open(sys.argv[1]).read()
try:
    o = json.loads(text.splitlines()[0])
except (IndexError, ValueError):
    sys.exit(text[:300].replace('\n', ' '))
p = o.get('payload', {})
if (o.get('layers') != ['payload'] or o.get('link', {}).get('family') != 0x02000000
        or p.get('offset') != 4 or not p.get('note', '').startswith('not decoded')):
    sys.exit(json.dumps(o)[:300])
PYEOF
)
expect_eq "decode: DLT_LOOP reads the family in network byte order only" "$why" ""

# --- -w keeps the capture's own link type ---------------------------------
# pcap_dump.py FILE: the link type, then each frame's bytes in hex.
cat >"$TMP/pcap_dump.py" <<'PYEOF'
import struct, sys
data = open(sys.argv[1], 'rb').read()
e = '<' if data[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
print('linktype', struct.unpack(e + 'I', data[20:24])[0])
at = 24
while at + 16 <= len(data):
    caplen = struct.unpack(e + 'I', data[at + 8:at + 12])[0]
    print(data[at + 16:at + 16 + caplen].hex())
    at += 16 + caplen
PYEOF
# rewrite FILE LINKTYPE: decode -w writes LINKTYPE and the same frames.
rewrite() {
	local name="decode -w: $1.pcap written back as link type $2" why='' rc
	rm -f "$TMP/w.pcap"
	"$RAWCRAFT" decode "$TMP/$1.pcap" -w "$TMP/w.pcap" >/dev/null 2>"$TMP/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		why="exit $rc: $(head -c 300 "$TMP/err")"
	else
		"$PY" "$TMP/pcap_dump.py" "$TMP/$1.pcap" | tail -n +2 >"$TMP/want"
		sed -i "1i linktype $2" "$TMP/want"
		"$PY" "$TMP/pcap_dump.py" "$TMP/w.pcap" >"$TMP/got"
		cmp -s "$TMP/want" "$TMP/got" ||
			why="got $(head -c 200 "$TMP/got" | tr '\n' ' '), want $(head -c 200 "$TMP/want" | tr '\n' ' ')"
	fi
	if [ -z "$why" ]; then ok "$name"; else not_ok "$name" "$why"; fi
}
rewrite eth 1
rewrite raw 101
rewrite raw14 101	# 14 is no link type libpcap writes: the portable one
rewrite ipv4 228
rewrite sll 113
rewrite sll2 276
rewrite null 0
rewrite null6 0
rewrite loop 108
