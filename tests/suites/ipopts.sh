#!/usr/bin/env bash
# IPv4 options against real Linux peers: an echo request carrying record
# route (rr:9) or timestamps (ts:9) comes back with what the kernels wrote
# in them, and rawcraft's tree (-v) and JSON show it.  Direct to the peer,
# then through a router namespace (A - R - B, R forwarding), where the
# router records itself on the way there and back.  tshark, checksums
# validated, reads every frame sent and received the same way.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
R=$RAWCRAFT

# 0. Offline: the row `fields` lists, and rawcraft-templates(5) names every
# field of the two layers in their sections and every option word.
row=$("$R" fields ipv4 | grep '^  opts ')
expect_eq "fields ipv4: the opts row" "$(tr -s ' ' <<<"$row")" " opts Options variable default: none"
expect_eq "fields ipv4: ihl is computed" "$("$R" fields ipv4 | grep -c '^  ihl .*default: computed')" 1
man=$ROOT/docs/rawcraft-templates.5
for layer in ipv4 tcp; do
	section=$(awk -v s="$layer" '/^\.SS /{ f = $2 == s } f' "$man")
	missing=$("$R" fields "$layer" | awk 'NR > 1 { print $1 }' | while read -r f; do
		grep -q "^\.BR $f \"" <<<"$section" || printf '%s ' "$f"; done)
	expect_eq "rawcraft-templates(5) $layer: every field fields lists" "$missing" ""
done
words=$(MANWIDTH=200 man -l "$man" 2>/dev/null | tr -s ' \n' ' ')
missing=
for w in rr:N ts:N lsrr:A+B... ssrr:A+B... "ra or ra:N" raw:TYPE:HEX sack:L-R+L-R... md5:HEX \
	fastopen:HEX raw:KIND:HEX; do
	grep -qF -- "$w" <<<"$words" || missing="$missing $w"
done
expect_eq "rawcraft-templates(5): every option word" "$missing" ""

lab_start || exit 0

# echo OPTS DST: the echo request with OPTS to DST, its reply's tree in
# $TMP/out, both frames in $TMP/opts.pcap and kept as $TMP/run-N-OPTS.pcap
# for part 4; the exit status.
runs=0
echo_with() {
	printf 'ipv4 dst=%s opts=%s\nicmp id=0x1414 seq=1\npayload text="opts"\n' "$2" "$1" \
		>"$TMP/echo.pkt"
	in_a "$R" send "$TMP/echo.pkt" --expect 'icmp type=echo-reply' -t 2s -v \
		-w "$TMP/opts.pcap" >"$TMP/out" 2>&1
	local rc=$?
	runs=$((runs + 1))
	cp "$TMP/opts.pcap" "$TMP/run-$runs-$1.pcap"
	return $rc
}

# The reply's tree: the part after the last "Frame" line (the received one).
reply_tree() { awk '/^Frame /{ t = "" } { t = t $0 "\n" } END { printf "%s", t }' "$TMP/out"; }

# tshark on the echo request and reply (-w holds the ARP too): checksums
# good, and what it reads in the options.
tshark_opts() {
	tshark -n -r "$TMP/opts.pcap" -Y icmp -o ip.check_checksum:TRUE \
		-T fields -E separator='|' -e ip.checksum.status -e icmp.checksum.status \
		-e ip.opt.ptr -e ip.rec_rt -e ip.opt.time_stamp 2>/dev/null
}

# 1. Record route to the peer: Linux writes its address as the request
# arrives and again as the reply leaves (ip_options_compile, _build).
echo_with rr:9 "$IP_B"; rc=$?
tree=$(reply_tree)
expect_eq "rr:9 echo to the peer: answered (exit 0)" "$rc" 0
case $tree in
*"IP Option - Record Route (39 bytes)"*"Pointer: 12"*"Recorded Route: $IP_B"*"Recorded Route: $IP_B"*"Empty Route: 0.0.0.0"*)
	ok "rr:9: the reply's tree shows the route recorded, the peer's address in slots 1 and 2" ;;
*) not_ok "rr:9: the reply's tree shows the route recorded" "$(cat "$TMP/out")" ;;
esac
got=$(grep -c "Recorded Route:" <<<"$tree")
expect_eq "rr:9: two addresses recorded (in, out), no router between" "$got" 2
got=$(tshark_opts)
expect_eq "rr:9: tshark validates both frames' checksums and reads both routes" "$got" \
	"1|1|4||
1|1|12|$IP_B,$IP_B|"
got=$("$R" decode "$TMP/opts.pcap" --json 2>&1 | tail -n 1 |
	"$PY" -c 'import json, sys; o = json.load(sys.stdin)["ipv4"]; print(o["ihl"], o["opts"][:24])')
# shellcheck disable=SC2086 # the address's four numbers
b=$(printf '%02x' ${IP_B//./ })
expect_eq "rr:9: the reply's JSON: IHL 15, the option as raw bytes it rebuilds" "$got" \
	"15 raw:7:0c$b$b"

# 2. Timestamps to the peer: it stamps in and out (ms since midnight UT,
# RFC 791).
echo_with ts:9 "$IP_B"; rc=$?
tree=$(reply_tree)
expect_eq "ts:9 echo to the peer: answered (exit 0)" "$rc" 0
stamp=$(grep -oE 'Time stamp = [0-9]+' <<<"$tree" | head -n 1 | grep -oE '[0-9]+$')
case $tree in
*"IP Option - Time Stamp (40 bytes)"*"Pointer: 13"*"Flag: Time stamps only (0)"*)
	ok "ts:9: the reply's tree shows the option, the pointer past two stamps" ;;
*) not_ok "ts:9: the reply's tree shows the option, the pointer past two stamps" "$tree" ;;
esac
now=$(( ($(date -u +%s) % 86400) * 1000 ))
if [ -n "$stamp" ] && [ "$stamp" -gt 0 ] && [ $(( now - stamp )) -lt 5000 ] &&
	[ $(( stamp - now )) -lt 5000 ]; then
	ok "ts:9: the peer's stamp is now in ms since midnight UT ($stamp, clock $now)"
else
	not_ok "ts:9: the peer's stamp is now in ms since midnight UT" "stamp '$stamp', clock $now"
fi
got=$(tshark_opts | cut -d'|' -f1-3)
expect_eq "ts:9: tshark validates both frames' checksums, pointers 5 and 13" "$got" "1|1|5
1|1|13"

# 3. Through a router: A - R - B.  The lab's B becomes the router R
# (its 10.N.0.2 faces A); the peer P sits behind it on 10.N.1.0/24.
NS_P="${LAB_ID}p" IF_RP="${LAB_ID}RP"
IP_RP="10.$LAB_NET.1.1" IP_P="10.$LAB_NET.1.2"
if ip netns add "$NS_P" && lab_no_ipv6 "$NS_P" &&
	ip link add "$IF_RP" netns "$NS_B" type veth peer name eth0 netns "$NS_P" &&
	ip -n "$NS_B" addr add "$IP_RP/24" dev "$IF_RP" && ip -n "$NS_B" link set "$IF_RP" up &&
	ip -n "$NS_P" addr add "$IP_P/24" dev eth0 && ip -n "$NS_P" link set eth0 up &&
	ip -n "$NS_P" link set lo up && ip -n "$NS_P" route add default via "$IP_RP" &&
	in_b sysctl -qw net.ipv4.ip_forward=1 && in_a ip route add "10.$LAB_NET.1.0/24" via "$IP_B"; then
	echo_with rr:9 "$IP_P"; rc=$?
	tree=$(reply_tree)
	expect_eq "rr:9 through a router: answered (exit 0)" "$rc" 0
	# There: R's address toward P, then P's twice; back: R's toward A.
	got=$(grep -oE 'Recorded Route: [0-9.]+' <<<"$tree" | awk '{print $3}' | tr '\n' ' ')
	expect_eq "rr:9 through a router: the route the tree shows, both ways" "$got" \
		"$IP_RP $IP_P $IP_P $IP_B "
	case $tree in *"Pointer: 20"*) ok "rr:9 through a router: pointer 20, past 4 slots" ;;
	*) not_ok "rr:9 through a router: pointer 20, past 4 slots" "$tree" ;; esac
	got=$(tshark_opts | cut -d'|' -f1-4 | tail -n 1)
	expect_eq "rr:9 through a router: tshark reads the same route, checksums good" "$got" \
		"1|1|20|$IP_RP,$IP_P,$IP_P,$IP_B"

	echo_with ts:9 "$IP_P"; rc=$?
	tree=$(reply_tree)
	expect_eq "ts:9 through a router: answered (exit 0)" "$rc" 0
	stamps=$(grep -oE 'Time stamp = [0-9]+' <<<"$tree" | awk '$4 > 0' | wc -l)
	case $tree in *"Pointer: 21"*) ok "ts:9 through a router: pointer 21, past 4 stamps" ;;
	*) not_ok "ts:9 through a router: pointer 21, past 4 stamps" "$tree" ;; esac
	expect_eq "ts:9 through a router: four stamps (R, P in and out, R), none zero" "$stamps" 4
	got=$(tshark_opts | cut -d'|' -f1-3 | tail -n 1)
	expect_eq "ts:9 through a router: tshark agrees, checksums good" "$got" "1|1|21"
else
	not_ok "router lab" "could not make A - R - P"
fi

# 4. A template's words for what came back build those very bytes: every
# frame of every run (rr:9 and ts:9, direct and through the router).
frames() {	# frames PCAP: each frame's bytes in hex, a line each
	"$PY" -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
i = 24
while i + 16 <= len(d):
    n = struct.unpack("<I", d[i + 8:i + 12])[0]
    print(d[i + 16:i + 16 + n].hex())
    i += 16 + n' "$1"
}
differ= total=0
for run in "$TMP"/run-*.pcap; do
	"$R" decode "$run" --template >"$TMP/back.pkt" 2>&1
	"$R" show "$TMP/back.pkt" -w "$TMP/back.pcap" >/dev/null 2>&1
	got=$(frames "$TMP/back.pcap")
	[ "$got" = "$(frames "$run")" ] || differ="$differ $(basename "$run")"
	total=$((total + $(frames "$run" | wc -l)))
done
expect_eq "decode --template of each run's requests and replies builds the same bytes" \
	"$differ" ""
# Each run: the echo and its reply, the ARP exchange (one each way) too.
expect_eq "... $runs runs (rr:9, ts:9, direct and through the router), $total frames" \
	"$runs $total" "4 16"
