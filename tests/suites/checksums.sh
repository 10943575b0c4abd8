#!/usr/bin/env bash
# Checksums explained fully: a partial (offload) checksum names the complete
# value the NIC would have written, in the tree and as JSON's *_expected,
# and that value (and a wrong sum's) is the one tshark calculates, on every
# capture of tests/pcap and frames built wrong; only sums over a pseudo-
# header (TCP, UDP, ICMPv6) get the offload hint when wrong, never the IPv4
# header's or ICMP's.
. "$(dirname "$0")/../lib.sh"

# --- wrong sums, built: the hint only where a NIC could be the cause -------
cat >"$TMP/bad.pkt" <<'EOF'
eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02
ipv4 src=10.9.0.1 dst=10.9.0.2 id=1 csum=0x0000
tcp sport=1 dport=2 seq=1 flags=S csum=0x0001
EOF
cat >"$TMP/icmp.pkt" <<'EOF'
eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02
ipv4 src=10.9.0.1 dst=10.9.0.2 id=1
icmp type=echo-request id=1 seq=1 csum=0x0001
EOF
"$RAWCRAFT" show "$TMP/bad.pkt" "$TMP/icmp.pkt" -v --seed 1 -w "$TMP/bad.pcap" >"$TMP/tree" 2>&1
sums=$(grep -E '^    (Header )?Checksum: ' "$TMP/tree" | sed -E 's/0x[0-9a-f]{4}/0xHHHH/g')
want="    Header Checksum: 0xHHHH [incorrect, should be 0xHHHH]
    Checksum: 0xHHHH [incorrect, should be 0xHHHH (maybe caused by checksum offload)]
    Header Checksum: 0xHHHH [correct]
    Checksum: 0xHHHH [incorrect, should be 0xHHHH]"
expect_eq "the offload hint for TCP's sum, not for the IPv4 header's or ICMP's" "$sums" "$want"

# --- partial sums in captures, against tshark's calculated ones -------------
if ! command -v tshark >/dev/null; then
	not_ok "partial checksums as tshark computes them" "tshark is not installed (tests/deps.sh installs it)"
	exit 0
fi
for f in "$ROOT"/tests/pcap/*.pcap "$ROOT"/tests/pcap/third-party/*.pcap* "$TMP/bad.pcap"; do
	name=$(basename "$f")
	"$RAWCRAFT" decode "$f" --json >"$TMP/$name.json" 2>/dev/null
	"$RAWCRAFT" decode "$f" -v >"$TMP/$name.tree" 2>/dev/null
	tshark -r "$f" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
		-o udp.check_checksum:TRUE -T fields -E separator='|' -e frame.number \
		-e ip.checksum_calculated -e tcp.checksum_calculated -e udp.checksum_calculated \
		>"$TMP/$name.tshark" 2>/dev/null
done
"$PY" - "$TMP" >"$TMP/verdict" <<'PYEOF'
import glob, json, os, re, sys
tmp = sys.argv[1]
partial = wrong = 0
bad = []
for jf in sorted(glob.glob(os.path.join(tmp, '*.json'))):
    name = os.path.basename(jf)[:-5]
    theirs = {}
    for line in open(os.path.join(tmp, name + '.tshark')):
        cols = line.rstrip('\n').split('|')
        # The outer layer's first: quoted headers come after it.
        theirs[int(cols[0])] = {k: v.split(',')[0] for k, v in zip(('ipv4', 'tcp', 'udp'), cols[1:]) if v}
    # The tree's partial and incorrect statuses, frame by frame, in order.
    trees = {}
    for block in re.split(r'^(?=Frame \d+:)', open(os.path.join(tmp, name + '.tree')).read(), flags=re.M):
        m = re.match(r'Frame (\d+):', block)
        if m:
            trees[int(m.group(1))] = re.findall(
                r'Checksum: 0x[0-9a-f]{4} \[((?:partial|incorrect)[^]]*)\]', block)
    for line in open(jf):
        o = json.loads(line)
        said, seen = iter(trees.get(o['frame'], [])), {}
        for layer in o['layers']:
            seen[layer] = seen.get(layer, 0) + 1
            l = o[layer if seen[layer] == 1 else '%s%d' % (layer, seen[layer])]
            status = l.get('csum_status')
            if status not in ('partial', 'incorrect'):
                continue
            where = '%s #%d %s' % (name, o['frame'], layer)
            exp, text = l.get('csum_expected'), next(said, '')
            if exp is None or not text.startswith(status):
                bad.append('%s: %s, csum_expected %s, the tree [%s]' % (where, status, exp, text))
                continue
            if status == 'partial':
                partial += 1
                if not text.endswith('; complete: 0x%04x' % exp):
                    bad.append('%s: the tree says [%s], JSON 0x%04x' % (where, text, exp))
            else:
                wrong += 1
            calc = theirs.get(o['frame'], {}).get(layer) if seen[layer] == 1 else None
            if calc is not None and int(calc, 16) != exp:
                bad.append('%s: %s, rawcraft 0x%04x, tshark 0x%04x' % (where, status, exp, int(calc, 16)))
print(partial, wrong, '; '.join(bad[:8]))
PYEOF
read -r partial wrong why <"$TMP/verdict"
if [ -z "$why" ] && [ "${partial:-0}" -ge 20 ] && [ "${wrong:-0}" -ge 3 ]; then
	ok "partial and wrong checksums name the value tshark calculates ($partial partial, $wrong incorrect)"
else
	not_ok "partial and wrong checksums name the value tshark calculates" \
		"${why:-${partial:-0} partial and ${wrong:-0} incorrect checksums}"
fi
