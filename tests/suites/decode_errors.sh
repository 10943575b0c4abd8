#!/usr/bin/env bash
# `rawcraft decode` on damaged input.  A damaged capture file is bad input:
# one clear line on stderr, exit 2, never a crash.  A malformed frame inside a
# good capture is data: it decodes (exit 0) and the output says where the
# bytes end or which length field is bogus, in the tree and in --json.
. "$(dirname "$0")/../lib.sh"

# --- the captures ----------------------------------------------------------
"$PY" - "$TMP" <<'PYEOF'
import os, struct, sys
d = sys.argv[1]

def ghdr(linktype=1, snap=65535):
    return struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, snap, linktype)

def rec(frame, i=0, caplen=None, wire=None):
    return struct.pack('<IIII', 1000 + i, 0,
                       len(frame) if caplen is None else caplen,
                       len(frame) if wire is None else wire) + frame

def pcap(frames, linktype=1):
    return ghdr(linktype) + b''.join(rec(f, i) for i, f in enumerate(frames))

def put(name, data):
    with open(os.path.join(d, name), 'wb') as fp:
        fp.write(data)

ETH = bytes.fromhex('020000000002' '020000000001')

def ipv4(body, ihl=5, total=None, proto=6, frag=0x4000):
    h = struct.pack('>BBHHHBBH4s4s', 0x40 | ihl, 0,
                    20 + len(body) if total is None else total, 1, frag, 64,
                    proto, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return h + body

def tcp(off=5, opts=b''):
    return struct.pack('>HHIIBBHHH', 40000, 80, 100, 0, off << 4, 0x02,
                       64240, 0, 0) + opts

good = ETH + b'\x08\x00' + ipv4(tcp())
two = pcap([good, good])
put('good.pcap', two)

# Damaged files.
put('cut-record-header.pcap', two[:24 + 16 + len(good) + 7])
put('cut-packet-data.pcap', two[:24 + 16 + len(good) + 16 + 20])
put('garbage-magic.pcap', b'\xde\xad\xbe\xef' + two[4:])
put('empty.pcap', b'')
put('cut-file-header.pcap', two[:10])
put('huge-caplen.pcap', ghdr() + rec(b'\0' * 20, caplen=0x7fffffff))
put('wifi-linktype.pcap', ghdr(105) + rec(b'\0' * 20))
put('user0-linktype.pcap', ghdr(147) + rec(b'\0' * 20))

# Malformed frames, one per capture.
frames = {
    'frame-13-bytes': ETH + b'\x08',
    'frame-1-byte': b'\xff',
    'frame-0-bytes': b'',
    'ipv4-ihl-2': ETH + b'\x08\x00' + ipv4(tcp(), ihl=2),
    'ipv4-total-past-frame': ETH + b'\x08\x00' + ipv4(tcp(), total=1500),
    'ipv4-total-below-header': ETH + b'\x08\x00' + ipv4(tcp(), total=10),
    'ipv4-ihl-15-short': ETH + b'\x08\x00' + ipv4(tcp(), ihl=15),
    'tcp-off-15-short': ETH + b'\x08\x00' + ipv4(tcp(off=15)),
    'tcp-off-2': ETH + b'\x08\x00' + ipv4(tcp(off=2)),
    'tcp-opt-len-0': ETH + b'\x08\x00' + ipv4(tcp(off=6, opts=bytes([2, 0, 0, 0]))),
    'tcp-opt-past-header': ETH + b'\x08\x00' + ipv4(tcp(off=6, opts=bytes([1, 8, 10, 0]))),
    'arp-10-bytes': ETH + b'\x08\x06' + bytes.fromhex('00010800060400010200'),
    'vlan-3-bytes': ETH + b'\x81\x00\x00\x05\x08',
    'udp-6-bytes': ETH + b'\x08\x00' + ipv4(b'\x9c\x40\x00\x35\x00\x50', proto=17),
    'udp-len-past-data': ETH + b'\x08\x00' + ipv4(b'\x9c\x40\x00\x35\xff\xff\x00\x00abc', proto=17),
    'icmp-2-bytes': ETH + b'\x08\x00' + ipv4(b'\x08\x00', proto=1),
}
for name, f in frames.items():
    put(name + '.pcap', pcap([f]))
put('raw-ipv4-4-bytes.pcap', pcap([b'\x45\x00\x00\x28'], linktype=101))
put('sll-10-bytes.pcap', pcap([b'\0' * 10], linktype=113))
put('sll-arp-2-bytes.pcap', pcap([b'\0' * 14 + b'\x08\x06' + b'\x00\x01'], linktype=113))
# BSD loopback headers cut short (AF_INET, little-endian), and one whole
# with nothing after it.
for n in (1, 2, 3):
    put('null-%d-bytes.pcap' % n, pcap([b'\x02\0\0\0'[:n]], linktype=0))
put('loop-3-bytes.pcap', pcap([b'\0\0\0'], linktype=108))
put('null-header-only.pcap', pcap([b'\x02\0\0\0'], linktype=0))
# Every malformed frame in one file, then a good one: damage in one frame
# must not stop the frames after it.
put('all-malformed.pcap', pcap(list(frames.values()) + [good]))
PYEOF

# A JSON checker: reads rawcraft --json output, runs simple assertions.
#   layers=eth,ipv4    the frame's layer list
#   L.K~REGEX          field K of layer L exists and matches REGEX
#   K~REGEX            top-level key K (len, caplen, summary) matches REGEX
#   !L.K               layer L has no field K
#   count=N            N objects
cat >"$TMP/jcheck.py" <<'PYEOF'
import json, re, sys
objs = []
for n, line in enumerate(open(sys.argv[1]), 1):
    if line.strip():
        try:
            objs.append(json.loads(line))
        except ValueError as e:
            sys.exit('line %d is not JSON (%s): %s' % (n, e, line[:200]))
if not objs:
    sys.exit('no JSON objects')
o = objs[0]
for a in sys.argv[2:]:
    if a.startswith('count='):
        if len(objs) != int(a[6:]):
            sys.exit('%d objects, want %s' % (len(objs), a[6:]))
    elif a.startswith('layers='):
        want = [x for x in a[7:].split(',') if x]
        if o.get('layers') != want:
            sys.exit('layers %r, want %r' % (o.get('layers'), want))
    elif a.startswith('!'):
        lay, key = a[1:].split('.', 1)
        if key in o.get(lay, {}):
            sys.exit('%s.%s is %r: that field was not captured' % (lay, key, o[lay][key]))
    else:
        path, rx = a.split('~', 1)
        lay, _, key = path.rpartition('.')
        v = o.get(lay, {}).get(key) if lay else o.get(key)
        if v is None or not re.search(rx, str(v)):
            sys.exit('%s.%s is %r, want /%s/ (%s: %s)' % (lay, key, v, rx, lay,
                     json.dumps(o.get(lay))[:300]))
PYEOF

# printable FILE: FILE's text on one line with control bytes shown.
printable() { cat -A "$1" | tr '\n' ' ' | head -c 400; }

# --- damaged capture files: exit 2, one line "FILE: error: ..." -----------
# bad_file NAME FILE REGEX FRAMES: stderr matches REGEX (extended,
# case-insensitive), stdout holds FRAMES summary lines (those before the damage).
bad_file() {
	local name="decode damaged file: $1" f=$2 rx=$3 frames=$4 rc why='' lines
	"$RAWCRAFT" decode "$f" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	lines=$(wc -l <"$TMP/err")
	if [ $rc -ne 2 ]; then
		why="exit $rc, want 2; stderr: $(printable "$TMP/err")"
	elif [ "$lines" -ne 1 ]; then
		why="stderr has $lines lines, want 1: $(printable "$TMP/err")"
	elif ! head -n 1 "$TMP/err" | grep -q "^$f: error: "; then
		why="want '$f: error: ...', got: $(printable "$TMP/err")"
	elif ! grep -qiE -- "$rx" "$TMP/err"; then
		why="message does not match /$rx/: $(printable "$TMP/err")"
	elif [ "$(wc -l <"$TMP/out")" -ne "$frames" ]; then
		why="$(wc -l <"$TMP/out") frames printed, want $frames: $(printable "$TMP/out")"
	fi
	if [ -z "$why" ]; then ok "$name"; else not_ok "$name" "$why"; fi
}

bad_file "cut inside the second record header" "$TMP/cut-record-header.pcap" \
	"truncated|cut|short" 1
bad_file "cut inside the second packet's data" "$TMP/cut-packet-data.pcap" \
	"truncated|cut|short" 1
bad_file "garbage magic number" "$TMP/garbage-magic.pcap" \
	"unknown file format|not a (pcap|capture)|magic" 0
bad_file "empty file" "$TMP/empty.pcap" "empty|only got 0|0 bytes" 0
bad_file "cut inside the file header" "$TMP/cut-file-header.pcap" "truncated|cut|short" 0
bad_file "record claims 2 GiB" "$TMP/huge-caplen.pcap" "capture length|caplen|snaplen" 0
bad_file "802.11 link type" "$TMP/wifi-linktype.pcap" "link type" 0
bad_file "USER0 link type" "$TMP/user0-linktype.pcap" "link type 147" 0
# The message names the link type as libpcap does (USER0 has no name in
# some libpcap versions) and lists, from the link table, those decode reads.
reads="is not one rawcraft decodes: it reads Ethernet, raw IP, Linux cooked v1, \
Linux cooked v2, BSD loopback, OpenBSD loopback, raw IPv4, raw IPv6"
"$RAWCRAFT" decode "$TMP/wifi-linktype.pcap" 2>"$TMP/err" >/dev/null
expect_eq "decode 802.11 capture: the exact message" "$(cat "$TMP/err")" \
	"$TMP/wifi-linktype.pcap: error: link type 105 (IEEE802_11) $reads"
"$RAWCRAFT" decode "$TMP/user0-linktype.pcap" 2>"$TMP/err" >/dev/null
msg=$(sed -E 's/^(.*: error: link type 147) \(USER0\)/\1/' "$TMP/err")
expect_eq "decode USER0 capture: the exact message" "$msg" \
	"$TMP/user0-linktype.pcap: error: link type 147 $reads"
bad_file "nonexistent file" "$TMP/nope.pcap" "no such file" 0
mkdir -p "$TMP/adir"
bad_file "a directory" "$TMP/adir" "directory" 0

# The frames before the damage are still good JSON.
"$RAWCRAFT" decode "$TMP/cut-packet-data.pcap" --json >"$TMP/out" 2>/dev/null
rc=$?
if [ $rc -eq 2 ] && why=$("$PY" "$TMP/jcheck.py" "$TMP/out" count=1 layers=eth,ipv4,tcp 2>&1); then
	ok "decode damaged file --json: frames before the damage parse"
else
	not_ok "decode damaged file --json: frames before the damage parse" "exit $rc; $why"
fi

# --- malformed frames in good captures: exit 0, say where the data ends ---
# frame NAME FILE TREE_REGEX [JSON ASSERTIONS...]: summary, -v -x and --json
# all exit 0 with nothing on stderr; the -v tree matches TREE_REGEX (extended).
frame() {
	local name="decode malformed frame: $1" f="$TMP/$2.pcap" rx=$3 rc why='' mode
	shift 3
	for mode in "" "-v -x" "--json"; do
		# shellcheck disable=SC2086
		"$RAWCRAFT" decode "$f" $mode >"$TMP/out.${mode:-plain}" 2>"$TMP/err"
		rc=$?
		if [ $rc -ne 0 ]; then
			why="decode $mode: exit $rc, want 0; stderr: $(printable "$TMP/err")"
			break
		elif [ -s "$TMP/err" ]; then
			why="decode $mode: stderr: $(printable "$TMP/err")"
			break
		elif [ ! -s "$TMP/out.${mode:-plain}" ]; then
			why="decode $mode printed nothing"
			break
		fi
	done
	if [ -z "$why" ] && ! grep -qE -- "$rx" "$TMP/out.-v -x"; then
		why="-v tree does not match /$rx/: $(printable "$TMP/out.-v -x")"
	fi
	if [ -z "$why" ]; then
		why=$("$PY" "$TMP/jcheck.py" "$TMP/out.--json" count=1 "$@" 2>&1) && why=
	fi
	if [ -z "$why" ]; then ok "$name"; else not_ok "$name" "$why"; fi
}

frame "13-byte frame (EtherType cut)" frame-13-bytes \
	'\[truncated: the header is cut short' \
	layers=eth 'eth.note~truncated' '!eth.type'
frame "1-byte frame" frame-1-byte '\[truncated: the header is cut short' \
	layers=eth 'eth.note~truncated'
frame "0-byte frame" frame-0-bytes '0 bytes' layers= 'caplen~^0$'
frame "IPv4 ihl=2" ipv4-ihl-2 'bogus header length' \
	'ipv4.ihl~^2$' 'ipv4.note~bogus header length'
frame "IPv4 total length 1500 in a 54-byte frame" ipv4-total-past-frame \
	'total length runs past the captured bytes' 'ipv4.note~total length runs past'
frame "IPv4 total length 10, below the header" ipv4-total-below-header \
	'bogus total length' 'ipv4.note~bogus total length'
frame "IPv4 ihl=15 in a short frame" ipv4-ihl-15-short \
	'\[ipv4 truncated\]' 'ipv4.note~header length runs past'
frame "TCP data offset 15 in a short frame" tcp-off-15-short \
	'\[tcp truncated\]' 'tcp.off~^15$' 'tcp.note~header length runs past'
frame "TCP data offset 2" tcp-off-2 'bogus header length' 'tcp.note~bogus header length'
frame "TCP option with length byte 0" tcp-opt-len-0 \
	'TCP Option - \[malformed option: 4 bytes left\]' 'tcp.opts~^malformed$'
frame "TCP option running past the header" tcp-opt-past-header \
	'No-Operation \(NOP\)' 'tcp.opts~^nop,malformed$'
frame "ARP cut after 10 bytes" arp-10-bytes '\[arp truncated\]' \
	layers=eth,arp 'arp.note~truncated' 'arp.op~^1$' '!arp.spa' '!arp.tpa'
frame "802.1Q tag cut after 3 bytes" vlan-3-bytes '\[vlan truncated\]' 'vlan.note~truncated'
frame "UDP header cut after 6 bytes" udp-6-bytes '\[udp truncated\]' 'udp.note~truncated'
frame "ICMP header cut after 2 bytes" icmp-2-bytes '\[icmp truncated\]' 'icmp.note~truncated'
frame "raw-IPv4 link, 4-byte packet" raw-ipv4-4-bytes '\[ipv4 truncated\]' \
	layers=ipv4 'ipv4.note~truncated'
frame "Linux cooked link, 10-byte packet" sll-10-bytes '10 bytes'
for n in 1 2 3; do
	frame "BSD loopback link, header cut to $n of its 4 bytes" null-$n-bytes \
		'\[truncated: the link-layer header is cut short\]' \
		layers=payload 'payload.note~^truncated' "payload.len~^$n\$" '!link.family'
done
frame "OpenBSD loopback link, header cut to 3 of its 4 bytes" loop-3-bytes \
	'Link: OpenBSD loopback \(4 bytes\)' layers=payload 'payload.note~^truncated' '!link.family'
frame "BSD loopback link, a whole header and nothing after" null-header-only \
	'\[ipv4 truncated\]' layers=ipv4 'ipv4.note~truncated' 'link.family~^2$' '!ipv4.ver'

# One damaged frame does not stop the frames after it.
"$RAWCRAFT" decode "$TMP/all-malformed.pcap" >"$TMP/out" 2>"$TMP/err"
rc=$?
n=$(grep -c '^[0-9]' "$TMP/out")	# frame lines; the conversation summary follows
last=$(grep '^[0-9]' "$TMP/out" | tail -n 1)
if [ $rc -eq 0 ] && [ "$n" -eq 17 ] && [[ $last == "17 "*"TCP [SYN]"* ]]; then
	ok "decode: 16 malformed frames then a good one, all 17 decoded"
else
	not_ok "decode: 16 malformed frames then a good one, all 17 decoded" \
		"exit $rc, $n lines, last: $last; stderr: $(printable "$TMP/err")"
fi
"$RAWCRAFT" decode "$TMP/all-malformed.pcap" --json >"$TMP/out" 2>/dev/null
if why=$("$PY" "$TMP/jcheck.py" "$TMP/out" count=17 2>&1); then
	ok "decode --json: 17 frames, every line parses"
else
	not_ok "decode --json: 17 frames, every line parses" "$why"
fi

# --- the output must not state values that were not captured --------------
# summary_lacks NAME FILE REGEX: the one-line summary does not match REGEX.
summary_lacks() {
	local name="decode summary: $1" out
	out=$("$RAWCRAFT" decode "$TMP/$2.pcap" 2>&1)
	if printf '%s\n' "$out" | grep -qE -- "$3"; then
		not_ok "$name" "summary states what was not captured: $out"
	else
		ok "$name"
	fi
}
# Only one byte of the EtherType is there: no EtherType value to print.
summary_lacks "13-byte frame shows no EtherType it did not capture" frame-13-bytes \
	'ethertype 0x0000'
# The ARP addresses are cut off: no "Gratuitous ARP for 0.0.0.0".
summary_lacks "ARP cut after 10 bytes shows no addresses it did not capture" arp-10-bytes \
	'0\.0\.0\.0|Gratuitous'
summary_lacks "ARP cut after 2 bytes shows no opcode it did not capture" sll-arp-2-bytes \
	'opcode 0|0\.0\.0\.0'
# With ihl=2 every byte is captured; the checksum is unverifiable because the
# header length is bogus, not because bytes are missing.
out=$("$RAWCRAFT" decode "$TMP/ipv4-ihl-2.pcap" -v 2>&1)
if printf '%s\n' "$out" | grep -q 'Header Checksum:.*not all covered bytes were captured'; then
	not_ok "decode ihl=2: checksum status names the real reason" \
		"$(printf '%s\n' "$out" | grep 'Header Checksum:')"
else
	ok "decode ihl=2: checksum status names the real reason"
fi
# A UDP length beyond the datagram is flagged, as Wireshark does.
"$RAWCRAFT" decode "$TMP/udp-len-past-data.pcap" --json >"$TMP/out" 2>&1
if why=$("$PY" "$TMP/jcheck.py" "$TMP/out" 'udp.len~^65535$' 'udp.note~.' 2>&1); then
	ok "decode: UDP length 65535 over 3 bytes of data carries a note"
else
	not_ok "decode: UDP length 65535 over 3 bytes of data carries a note" "$why"
fi
