#!/usr/bin/env bash
# `rawcraft decode --json` of IPv6 captures that nobody here wrote (from
# tcpdump's tests, tests/pcap/third-party/README.md) agrees with tshark
# field by field: IPv6 headers, extension headers, ICMPv6 with its ND
# options, TCP and UDP over IPv6 and their checksum verdicts
# (tests/oracle/decode6.py).  One `not ok` line per frame that differs,
# naming every field that does; one `ok` per capture that agrees throughout.
# Offline: any user, no network.
#   DECODE6_PCAPS="a.pcap b.pcapng"   other captures instead
. "$(dirname "$0")/../lib.sh"

need_oracles "decode IPv6 captures" || exit 0
export PYTHONDONTWRITEBYTECODE=1


# shellcheck disable=SC2206 # a list of paths on purpose
pcaps=(${DECODE6_PCAPS:-"$ROOT"/tests/pcap/third-party/*.pcap "$ROOT"/tests/pcap/third-party/*.pcapng})
for f in "${pcaps[@]}"; do
	name="decode $(basename "$f")"
	b=$TMP/$(basename "$f")
	if ! decode_pdml "$f" "$b.pdml"; then
		not_ok "$name agrees with tshark" "tshark failed: $(head -c 300 "$b.pdml.err")"
		continue
	fi
	"$RAWCRAFT" decode "$f" --json >"$b.json" 2>"$b.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		not_ok "$name agrees with tshark" "rawcraft decode exited $rc: $(head -c 300 "$b.err" | tr '\n' ' ')"
		continue
	fi
	"$PY" "$TESTS_DIR/oracle/decode6.py" "$name" "$f" "$b.pdml" "$b.json" | tee "$b.tap"
done

# The checker must not pass what it should not: where rawcraft agrees on a
# neighbour solicitation with a nonce, each of these changes to its JSON
# (a field of each kind decode6.py reads) must make decode6.py say not ok.
[ -n "${DECODE6_PCAPS:-}" ] && exit 0
b=$TMP/icmpv6-ns-nonce.pcap
grep -q '^ok' "$b.tap" 2>/dev/null || exit 0
missed=$("$PY" - "$TESTS_DIR/oracle/decode6.py" "$ROOT/tests/pcap/third-party/icmpv6-ns-nonce.pcap" \
	"$b.pdml" "$b.json" "$TMP/mut.json" <<'PYEOF'
import json, subprocess, sys
checker, pcap, pdml, jsonl, out = sys.argv[1:6]
frame = json.loads(open(jsonl).read().splitlines()[0])
def flip_addr(a):
    return a[:-1] + ('1' if a[-1] != '1' else '2')
changes = [('ipv6', 'flow', lambda v: v ^ 1), ('ipv6', 'hlim', lambda v: v ^ 1),
           ('ipv6', 'src', flip_addr), ('ipv6', 'dst', flip_addr),
           ('icmp6', 'target', flip_addr), ('icmp6', 'csum', lambda v: v ^ 1),
           ('icmp6', 'csum_status', lambda v: 'incorrect'),
           ('icmp6', 'opts', lambda v: v[:-1] + ('0' if v[-1] != '0' else '1')),
           ('icmp6', 'code', lambda v: v + 1)]
missed = []
for layer, field, change in changes:
    f = json.loads(json.dumps(frame))
    if field not in f.get(layer, {}):
        missed.append('%s.%s (not in the JSON)' % (layer, field))
        continue
    f[layer][field] = change(f[layer][field])
    open(out, 'w').write(json.dumps(f) + '\n')
    r = subprocess.run([sys.executable, checker, 'x', pcap, pdml, out], capture_output=True, text=True)
    if not r.stdout.startswith('not ok'):
        missed.append('%s.%s' % (layer, field))
print(', '.join(missed))
PYEOF
)
expect_eq "decode6.py catches a changed ipv6/icmp6 field, address, option or checksum verdict" "$missed" ""
exit 0
