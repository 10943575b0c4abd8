#!/usr/bin/env bash
# ICMPv6 as Wireshark shows it: one frame of every type rawcraft builds (and
# the MLD types it names), each ND option, built with `rawcraft show`;
# the summary must be tshark's Info column, the -v tree must use tshark's
# labels, and every decoded frame written back as a template (the --json
# words, ND options included) must build the same bytes.
. "$(dirname "$0")/../lib.sh"

if ! command -v tshark >/dev/null; then
	not_ok "icmp6 against tshark" "tshark is not installed (tests/deps.sh installs it)"
	exit 0
fi

# One template per line, '|' between its layers after eth and ipv6.
frames=(
	"icmp6 type=echo-request id=0x4d seq=5"
	"icmp6 type=echo-reply id=0x4d seq=5"
	"icmp6 type=dest-unreach code=4|ipv6 src=fe80::2 dst=fe80::1|udp sport=1 dport=2"
	"icmp6 type=dest-unreach code=1|ipv6 src=fe80::2 dst=fe80::1|udp sport=1 dport=2"
	"icmp6 type=dest-unreach code=9|ipv6 src=fe80::2 dst=fe80::1|udp sport=1 dport=2"
	"icmp6 type=packet-too-big mtu=1280|ipv6 src=fe80::2 dst=fe80::1|udp sport=1 dport=2"
	"icmp6 type=time-exceeded code=1|ipv6 src=fe80::2 dst=fe80::1|udp sport=1 dport=2"
	"icmp6 type=param-problem code=1 ptr=40|ipv6 src=fe80::2 dst=fe80::1|udp sport=1 dport=2"
	"icmp6 type=router-solicit"
	"icmp6 type=router-solicit opts=sll:02:00:00:00:00:01"
	"icmp6 type=router-advert flags=MOHP opts=sll:02:00:00:00:00:01,mtu:1500,prefix:2001:db8::/64"
	"icmp6 type=router-advert flags=M prf=high curhlim=0 lifetime=0 reachable=30000 retrans=1000 opts=prefix:2001:db8:1::/64:LR:100:50,prefix:2001:db8:2::/48:0:0:0"
	"icmp6 type=router-advert prf=low opts=raw:25:00000000ffff20014860486000000000000000008888"
	"icmp6 type=neighbor-solicit target=fe80::2 opts=sll:02:00:00:00:00:01,nonce:010203040506"
	"icmp6 type=neighbor-solicit target=2001:db8::2"
	"icmp6 type=neighbor-advert target=fe80::2 flags=RSO opts=tll:02:00:00:00:00:01"
	"icmp6 type=neighbor-advert target=fe80::2 flags=none"
	"icmp6 type=neighbor-advert target=fe80::2 flags=RO"
	"icmp6 type=redirect target=fe80::9 dest=2001:db8::1 opts=tll:02:00:00:00:00:09,redirected:6000000000083a4020010db8000000000000000000000001200100db0000000000000000000000050102"
	"icmp6 type=redirect target=fe80::9 dest=2001:db8::1 opts=redirected:"
	"icmp6 type=130|payload hex=0000000000000000000000000000000000000000"
	"icmp6 type=131|payload hex=0000000000000000ff020000000000000000000000000001"
	"icmp6 type=132|payload hex=0000000000000000ff020000000000000000000000000001"
	"icmp6 type=143|payload hex=00000000"
)
files=()
for i in "${!frames[@]}"; do
	f=$TMP/f$i.pkt
	{
		echo "eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02"
		echo "ipv6 src=fe80::1 dst=fe80::2"
		tr '|' '\n' <<<"${frames[$i]}"
	} >"$f"
	files+=("$f")
done
if ! "$RAWCRAFT" show "${files[@]}" -w "$TMP/all.pcap" >"$TMP/summary" 2>"$TMP/err"; then
	not_ok "icmp6 frames build" "$(head -c 300 "$TMP/err")"
	exit 0
fi
tshark -n -r "$TMP/all.pcap" -T fields -e _ws.col.Info >"$TMP/info" 2>/dev/null

# The summary after "ICMPv6 " is tshark's Info, but for what tshark adds that
# rawcraft leaves to the tree (an echo's hop limit, the request's frame) and
# what rawcraft adds (the quoted datagram of an error, after " for [").
n=0 bad=""
while IFS= read -r ours && IFS= read -r theirs <&3; do
	n=$((n + 1))
	ours=${ours#* ICMPv6 }
	ours=${ours%% for \[*}
	theirs=${theirs%%, hop limit=*}
	[ "$ours" = "$theirs" ] || bad+="frame $n: rawcraft '$ours', tshark '$theirs'; "
done <"$TMP/summary" 3<"$TMP/info"
if [ -z "$bad" ] && [ $n = ${#frames[@]} ]; then
	ok "icmp6 summaries say what tshark's Info column says ($n types and options)"
else
	not_ok "icmp6 summaries say what tshark's Info column says" "${bad:-$n of ${#frames[@]} lines}"
fi

# The tree uses tshark's labels, and their values.
"$RAWCRAFT" decode "$TMP/all.pcap" -v >"$TMP/tree" 2>&1
tshark -n -r "$TMP/all.pcap" -V >"$TMP/tsharkv" 2>/dev/null
missing=""
for want in "Code: 4 (Port unreachable)" "Code: 1 (Administratively prohibited)" \
	"Code: 1 (fragment reassembly time exceeded)" "MTU: 1280" "Pointer: 40" \
	"Cur hop limit: 64" "Router lifetime (s): 1800" "Reachable time (ms): 30000" \
	"Retrans timer (ms): 1000" "Target Address: fe80::2" "Destination Address: 2001:db8::1" \
	"Prefix Length: 48" "Valid Lifetime: 100" "Preferred Lifetime: 50" "Prefix: 2001:db8:1::" \
	"ICMPv6 Option (Source link-layer address : 02:00:00:00:00:01)" \
	"ICMPv6 Option (Target link-layer address : 02:00:00:00:00:09)" \
	"ICMPv6 Option (MTU : 1500)" "ICMPv6 Option (Prefix information : 2001:db8::/64)" \
	"ICMPv6 Option (Redirected header)" "ICMPv6 Option (Recursive DNS Server" \
	"ICMPv6 Option (Nonce)" "Nonce: 010203040506" "Type: 143 (Multicast Listener Report Message v2)"; do
	# tshark writes "Type: Name (N)" where rawcraft writes "Type: N (Name)".
	theirs=$want
	case $want in "Type: "*) theirs="Type: Multicast Listener Report Message v2 (143)" ;; esac
	grep -qF -- "$want" "$TMP/tree" || missing+="rawcraft lacks '$want'; "
	grep -qF -- "$theirs" "$TMP/tsharkv" || missing+="tshark lacks '$theirs'; "
done
for want in "Prf (Default Router Preference): 1 (High)" "Prf (Default Router Preference): 3 (Low)" \
	"Flag: 0xa0 (On-link flag(L), Router address flag(R))"; do
	grep -qF -- "$want" "$TMP/tree" || missing+="rawcraft lacks '$want'; "
done
for want in "Prf (Default Router Preference): High (1)" "Prf (Default Router Preference): Low (3)" \
	"Flag: 0xa0, On-link flag(L), Router address flag(R)"; do
	grep -qF -- "$want" "$TMP/tsharkv" || missing+="tshark lacks '$want'; "
done
if [ -z "$missing" ]; then
	ok "icmp6 -v: tshark's labels, flag names and option heads"
else
	not_ok "icmp6 -v: tshark's labels, flag names and option heads" "$missing"
fi

# Decoded, written back from --json, built again: the same bytes.
"$RAWCRAFT" decode "$TMP/all.pcap" --json >"$TMP/all.json" 2>"$TMP/err" ||
	not_ok "icmp6 decode --json" "$(head -c 300 "$TMP/err")"
"$PY" - "$TMP/all.json" "$TMP/back" <<'PYEOF'
import json, os, sys
# The rows a template may give, per layer; the rest are computed.
rows = {'eth': ['src', 'dst'], 'ipv6': ['src', 'dst', 'hlim', 'tc', 'flow'],
        'icmp6': ['type', 'code', 'id', 'seq', 'mtu', 'ptr', 'target', 'dest', 'flags',
                  'curhlim', 'prf', 'lifetime', 'reachable', 'retrans', 'opts'],
        'udp': ['sport', 'dport']}
os.makedirs(sys.argv[2], exist_ok=True)
for n, line in enumerate(open(sys.argv[1])):
    fr = json.loads(line)
    out, seen = [], {}
    for name in fr['layers']:
        k = seen[name] = seen.get(name, -1) + 1
        lay = fr.get(name if k == 0 else '%s%d' % (name, k + 1))
        if name == 'payload' or lay is None:
            break
        vals = ['%s=%s' % (r, lay[r]) for r in rows.get(name, []) if r in lay and lay[r] != '']
        out.append(' '.join([name] + vals))
    open(os.path.join(sys.argv[2], 'b%02d.pkt' % n), 'w').write('\n'.join(out) + '\n')
PYEOF
same=0 diff=""
for i in "${!frames[@]}"; do
	b=$(printf '%s/b%02d.pkt' "$TMP/back" "$i")
	case ${frames[$i]} in *payload*|*"|ipv6"*) continue ;; esac	# no quoted or raw bodies
	if "$RAWCRAFT" show "$b" -w "$TMP/b.pcap" >/dev/null 2>"$TMP/err" &&
		"$RAWCRAFT" show "${files[$i]}" -w "$TMP/a.pcap" >/dev/null &&
		[ "$(hex_of "$TMP/a.pcap")" = "$(hex_of "$TMP/b.pcap")" ]; then
		same=$((same + 1))
	else
		diff+="frame $((i + 1)) ($(tr '\n' ';' <"$b")): $(head -c 200 "$TMP/err"); "
	fi
done
if [ -z "$diff" ]; then
	ok "icmp6: $same decoded frames written back from --json build the same bytes"
else
	not_ok "icmp6: decoded frames written back from --json build the same bytes" "$diff"
fi
