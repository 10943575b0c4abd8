#!/usr/bin/env bash
# `decode --template`: every frame of every capture in tests/pcap (and of
# frames made here for the cases a template must think about) as a template
# that `show -w` builds into the captured bytes, frame by frame.  Frames
# show cannot rebuild byte for byte say so in a "# not rebuilt byte for
# byte:" line; which frames those are is decided here from the capture
# itself, and their bytes past the link header must still come back.  Also:
# the golden text of exchanges.pcap, docs/templates.md's example, and a
# file of several frames as show and send read it.
. "$(dirname "$0")/../lib.sh"

# compare CAPTURE TEMPLATE BUILT: one line "N frames, M byte for byte, ..."
# and status 0, or what differs and status 1.  The capture is read here
# (pcap or pcapng), not by rawcraft.
compare() {
	"$PY" - "$@" <<'PYEOF'
import re, struct, sys
FRAME_MAX = 65535 + 14 + 4 * 12		# layer.h's FRAME_MAX_BYTES
LINK_HDR = {1: 0, 101: 0, 12: 0, 14: 0, 228: 0, 229: 0, 113: 16, 276: 20, 0: 4, 108: 4}

def frames(path):
    d = open(path, 'rb').read()
    out = []
    if d[:4] == b'\x0a\x0d\x0d\x0a':		# pcapng: IDB, EPB, SPB
        i, links, snap = 0, [], []
        E = '<'
        while i + 12 <= len(d):
            t = struct.unpack('<I', d[i:i + 4])[0]
            if t == 0x0a0d0d0a:
                E = '<' if d[i + 8:i + 12] == b'\x4d\x3c\x2b\x1a' else '>'
            t, n = struct.unpack(E + 'II', d[i:i + 8])
            if t == 1:
                link, _, sl = struct.unpack(E + 'HHI', d[i + 8:i + 16])
                links.append(link)
                snap.append(sl or 1 << 31)
            elif t == 6:
                iface, _, _, cap, _ = struct.unpack(E + 'IIIII', d[i + 8:i + 28])
                out.append((links[iface], d[i + 28:i + 28 + cap]))
            elif t == 3:
                wire = struct.unpack(E + 'I', d[i + 8:i + 12])[0]
                out.append((links[0], d[i + 12:i + 12 + min(wire, snap[0], n - 16)]))
            i += n
        return out
    E = '<' if d[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    link = struct.unpack(E + 'I', d[20:24])[0] & 0xffff
    i = 24
    while i + 16 <= len(d):
        n = struct.unpack(E + 'I', d[i + 8:i + 12])[0]
        out.append((link, d[i + 16:i + 16 + n]))
        i += 16 + n
    return out

cap, built = frames(sys.argv[1]), frames(sys.argv[3])
parts = re.split(r'^---[ \t]*\n', open(sys.argv[2]).read(), flags=re.M)
said = [re.findall(r'^# not rebuilt byte for byte: (.*)$', p, re.M) for p in parts]
bad, why = [], {}
if not (len(cap) == len(built) == len(parts)):
    bad.append('%d frames captured, %d templates, %d built' % (len(cap), len(parts), len(built)))
for n, ((link, got), (_, made), reasons) in enumerate(zip(cap, built, said), 1):
    # What show cannot build: another link than Ethernet, too few bytes
    # for an Ethernet header, more than a frame holds.
    hdr = min(LINK_HDR.get(link, 0), len(got))
    expect = ('link' if link != 1 else 'short' if len(got) < 14 else
              'long' if len(got) > FRAME_MAX else None)
    if bool(expect) != bool(reasons):
        bad.append('frame %d: %s' % (n, 'says it is not rebuilt: ' + reasons[0] if reasons
                                     else 'is not rebuildable (%s) but does not say so' % expect))
        continue
    if expect is None:
        ok = made == got
    elif expect == 'link':		# an Ethernet header, then the packet
        ok = made[14:] == got[hdr:hdr + FRAME_MAX - 14]
    elif expect == 'long':
        ok = made == got[:FRAME_MAX]
    else:
        ok = True
    if not ok:
        bad.append('frame %d: built %d bytes that differ from the %d captured' %
                   (n, len(made), len(got)))
    if reasons:
        r = reasons[0] + (' (the bytes after it are rebuilt)' if expect == 'link' else '')
        why[r] = why.get(r, 0) + 1
if bad:
    print('; '.join(bad[:5]))
    sys.exit(1)
line = '%d frame%s, %d byte for byte' % (len(cap), 's' * (len(cap) != 1),
                                        len(cap) - sum(why.values()))
for r, k in why.items():
    line += '; %d not: %s' % (k, r)
print(line)
PYEOF
}

# roundtrip NAME CAPTURE: decode --template, show -w, compare.
roundtrip() {
	local name=$1 capture=$2 out
	if ! "$RAWCRAFT" decode "$capture" --template >"$TMP/t.pkt" 2>"$TMP/err"; then
		not_ok "template round trip $name" "decode --template: $(head -3 "$TMP/err")"
	elif ! "$RAWCRAFT" show "$TMP/t.pkt" -w "$TMP/t.pcap" >/dev/null 2>"$TMP/err"; then
		not_ok "template round trip $name" "show: $(grep error "$TMP/err" | head -3)"
	elif out=$(compare "$capture" "$TMP/t.pkt" "$TMP/t.pcap"); then
		ok "template round trip $name: $out"
	else
		not_ok "template round trip $name" "$out"
	fi
}

shopt -s nullglob
captures=("$ROOT"/tests/pcap/*.pcap "$ROOT"/tests/pcap/third-party/*.pcap*)
[ ${#captures[@]} -ge 20 ] || not_ok "the decode corpus" "only ${#captures[@]} captures"
for c in "${captures[@]}"; do
	roundtrip "${c#"$ROOT"/tests/pcap/}" "$c"
done

# --- frames made for the cases a template must think about ----------------
"$PY" - "$TMP/edges.pcap" <<'PYEOF'
import struct, sys

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

A, B = bytes.fromhex('020000000001'), bytes.fromhex('020000000002')
def eth(t, dst=B):
    return dst + A + struct.pack('!H', t)
def ip4(proto, body, opts=b'', total=None, ver=4, frag=0x4000, sum_ok=True):
    ihl = 5 + len(opts) // 4
    total = 4 * ihl + len(body) if total is None else total
    h = struct.pack('!BBHHHBBH4s4s', ver << 4 | ihl, 0, total, 7, frag, 64, proto, 0,
                    bytes([10, 9, 0, 1]), bytes([10, 9, 0, 2])) + opts
    return h[:10] + struct.pack('!H', csum(h) if sum_ok else 0x1234) + h[12:] + body
def tcp(opts=b'', data=b'', off=None):
    off = 5 + len(opts) // 4 if off is None else off
    return struct.pack('!HHIIBBHHH', 40000, 80, 1000, 2000, off << 4, 0x18, 502, 0xbeef, 0) + \
        opts + data
def udp(data):
    return struct.pack('!HHHH', 5000, 53, 8 + len(data), 0) + data
def ip6(nh, body):
    a = '20010db8' + '0' * 23
    return struct.pack('!IHBB', 6 << 28, len(body), nh, 64) + bytes.fromhex(a + '1') + \
        bytes.fromhex(a + '2') + body

frames = [
    # ARP padded to 60 bytes, the last padding byte not zero: a trailer
    eth(0x0806) + bytes.fromhex('0001080006040001') + A + bytes([10, 9, 0, 1]) + bytes(6) +
    bytes([10, 9, 0, 2]) + bytes(17) + b'\x5a',
    # IPv4 options (router alert): the opts field's word
    eth(0x0800) + ip4(17, udp(b'query'), opts=bytes.fromhex('94040000')),
    # TCP SACK blocks, in the words the parser reads
    eth(0x0800) + ip4(6, tcp(bytes.fromhex('0101050a000003e8000007d0'), b'data')),
    # wrong IPv4 and TCP checksums, a text payload with quotes, $ and #
    eth(0x0800) + ip4(6, tcp(data=b'GET / HTTP/1.1\r\nHost: a"b\\c $x #y\r\n\r\n'), sum_ok=False),
    # 10 bytes: fewer than an Ethernet header
    eth(0x0800)[:10],
    # QinQ, an echo request saying "Hello World!\0"
    eth(0x88a8) + bytes.fromhex('00648100') + bytes.fromhex('00c80800') +
    ip4(1, bytes.fromhex('08000000abcd0001') + b'Hello World!\0'),
    # destination options before hop-by-hop: decoded, but no template places it so
    eth(0x86dd) + ip6(60, bytes.fromhex('0000010400000000') + bytes.fromhex('1100010400000000') +
                     udp(b'x')),
    # an IPv4 total length below its header
    eth(0x0800) + ip4(17, udp(b'abc'), total=12),
    # small UDP padded to 60 bytes by the sender's NIC
    eth(0x0800) + ip4(17, udp(b'a')) + bytes(60 - 14 - 20 - 9),
    # an EtherType rawcraft has no layer for (LLDP)
    eth(0x88cc, dst=bytes.fromhex('0180c200000e')) + bytes.fromhex('020704') + A +
    bytes.fromhex('0403020007') + bytes(30),
    # a neighbour solicitation whose reserved bytes are not zero
    eth(0x86dd) + ip6(58, bytes.fromhex('87000000deadbeef20010db8') + bytes(11) + b'\x02'),
    # TCP options: EOL, then padding that is not zero
    eth(0x0800) + ip4(6, tcp(bytes.fromhex('0204021800000001'))),
    # a data offset past the captured bytes
    eth(0x0800) + ip4(6, tcp(bytes.fromhex('01010101'), off=15)),
    # a later IPv4 fragment: no header inside
    eth(0x0800) + ip4(17, b'\x00\x35' * 10, frag=0x00b9),
    # time exceeded quoting an IPv4 header and 8 bytes of TCP
    eth(0x0800) + ip4(1, bytes.fromhex('0b00000000000000') + ip4(6, tcp(data=b'x' * 20))[:28]),
    # IPv4 version 5
    eth(0x0800) + ip4(6, tcp(), ver=5),
    # a router advertisement with preference high: bits inside the flags byte
    eth(0x86dd) + ip6(58, bytes.fromhex('86000000404807080000000000000000')),
    # ten VLAN tags: more layers than a template holds
    eth(0x8100) + bytes.fromhex('00018100') * 9 + bytes.fromhex('00010800') + ip4(17, udp(b'deep')),
    # an IPv4 datagram and a trailer longer than any frame show builds
    eth(0x0800) + ip4(253, bytes(70000 - 34), total=65535),
    # the capture kept 44 of its 154 bytes
    (eth(0x0800) + ip4(6, tcp(data=b'z' * 100)))[:44],
    # RFC 8335 extended echo reply: id, an 8-bit seq, then state and A/4/6
    eth(0x0800) + ip4(1, bytes.fromhex('2b000000123405a4') + bytes.fromhex('00080203')),
]
wire = {4: 64, 19: 154}		# frame index -> its length on the wire
with open(sys.argv[1], 'wb') as out:
    out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    for i, fr in enumerate(frames):
        out.write(struct.pack('<IIII', 1700000000, i, len(fr), wire.get(i, len(fr))) + fr)
PYEOF
roundtrip "of frames made for it" "$TMP/edges.pcap"
"$RAWCRAFT" decode "$TMP/edges.pcap" --template >"$TMP/edges.pkt"
# Each case is written as it should be, not only rebuilt.
for want in \
	'# the payload'"'"'s last 18 bytes come after the end its headers give' \
	'dst=10.9.0.2 opts=ra' \
	'opts=nop,nop,sack:1000-2000' \
	'# tcp csum=0xbeef is incorrect (should be 0x' \
	'Host: a\"b\\c \$x #y\r\n\' \
	'payload text="Hello World!\0"' \
	'opts=mss:536,eol,pad:000001' \
	'# the bytes after eth are the payload: as lines its layers read "hopopts must come right after ipv6' \
	'# from the icmp6 header on, the bytes are the payload: no line builds them exactly' \
	'icmp6 type=router-advert code=0 csum=0x0 curhlim=64 flags=O prf=high' \
	'# not rebuilt byte for byte: 10 bytes are fewer than an Ethernet header'"'"'s 14' \
	'# not rebuilt byte for byte: a frame show builds holds 65597 bytes' \
	'# frame 20: 44 bytes of the 154 on the wire'; do
	if grep -qF -- "$want" "$TMP/edges.pkt"; then
		ok "template says: ${want:0:60}"
	else
		not_ok "template says: ${want:0:60}" "not in $(grep -c . "$TMP/edges.pkt") lines"
	fi
done
lines=$(grep -c '^vlan ' <<<"$(awk '/^# frame 18:/,/^---/' "$TMP/edges.pkt")")
expect_eq "ten VLAN tags: as many lines as a template holds, the rest payload" "$lines" 10

# --- the golden text --------------------------------------------------------
if "$RAWCRAFT" decode "$ROOT/tests/pcap/exchanges.pcap" --template >"$TMP/ex.pkt" &&
	diff -u "$ROOT/tests/pcap/exchanges.pkt" "$TMP/ex.pkt" >"$TMP/diff"; then
	ok "exchanges.pcap --template is tests/pcap/exchanges.pkt"
else
	not_ok "exchanges.pcap --template is tests/pcap/exchanges.pkt" "$(head -20 "$TMP/diff")"
fi
# docs/templates.md's example: a piece of it, as the block after the
# comment naming this suite.
awk '/tests\/suites\/template_out.sh/ { on = 1; next }
	on && /^```/ { if (++fence == 2) exit; next }
	on && fence == 1' "$ROOT/docs/templates.md" >"$TMP/doc"
if [ -s "$TMP/doc" ] && "$PY" -c 'import sys; sys.exit(open(sys.argv[1]).read() not in open(sys.argv[2]).read())' \
	"$TMP/doc" "$TMP/ex.pkt"; then
	ok "docs/templates.md's example is decode --template's output"
else
	not_ok "docs/templates.md's example is decode --template's output" \
		"$(head -3 "$TMP/doc") is not in the output"
fi

# --- a file of several frames ----------------------------------------------
cat >"$TMP/three.pkt" <<'PKT'
eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02
arp sha=02:00:00:00:00:01 spa=10.0.0.1 tpa=10.0.0.2
---
# the second
ipv4 src=10.0.0.1 dst=10.0.0.2 id=1
udp sport=1 dport=2
---
ipv4 src=10.0.0.1 dst=10.0.0.2 ttl=300
PKT
out=$("$RAWCRAFT" show "$TMP/three.pkt" 2>"$TMP/err")
expect_eq "show: a fault in a file's third frame names its line" "$?: $(cat "$TMP/err")" \
	"2: $TMP/three.pkt:8:36: error: ipv4 ttl: 300 is out of range 0..255"
expect_eq "show: the frames before the fault are built" "$out" \
	"ARP Who has 10.0.0.2? Tell 10.0.0.1
10.0.0.1:1 > 10.0.0.2:2 UDP len=0"
out=$("$RAWCRAFT" send "$TMP/three.pkt" -i lo 2>&1)
expect_eq "send: one frame a file, '---' refused" "$?: $out" \
	"2: $TMP/three.pkt:3:1: error: '---' separates the frames of a file of several, which rawcraft show builds: here one frame is wanted"
printf 'arp tpa=10.0.0.2\n---\n---\narp tpa=10.0.0.3\n' >"$TMP/empty.pkt"
out=$("$RAWCRAFT" show "$TMP/empty.pkt" 2>&1 >/dev/null)
expect_eq "show: an empty frame between two --- lines" "$?: $out" \
	"2: $TMP/empty.pkt:3:1: error: empty template: write at least one layer line, e.g. 'arp tpa=10.0.0.2'"
printf 'eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02\narp sha=02:00:00:00:00:01 spa=10.0.0.1 tpa=10.0.0.2\n---\n' >"$TMP/last.pkt"
out=$("$RAWCRAFT" show "$TMP/last.pkt" 2>&1)
expect_eq "show: a --- line may end the file" "$?: $out" "0: ARP Who has 10.0.0.2? Tell 10.0.0.1"

out=$("$RAWCRAFT" decode "$ROOT/tests/pcap/exchanges.pcap" --template --json 2>&1)
expect_eq "decode --template --json is refused" "$?: $out" \
	"2: rawcraft: error: --template prints templates: it does not go with --json, -v, -x or --ladder"
