#!/usr/bin/env bash
# tshark as the oracle: every shipped template, the hand-written edge cases
# in tests/oracle/edge and several hundred random templates (fixed seed,
# tests/oracle/gen.py) are built with `rawcraft show -w`, decoded by tshark
# with checksum validation on, and every field tshark shows must be the value
# the template gives, or the contract's default / computed value
# (tests/oracle/check.py); computed checksums must be Good, explicit wrong
# ones shown as written and Bad.  Then `rawcraft decode --json` of the same
# pcap must agree with tshark field by field, and Scapy recomputes the
# checksums on its own.  Failing templates are saved with a reproduce.sh.
#
#   ORACLE_SEED=N     another seed (default 20240611)
#   ORACLE_COUNT=N    random templates in the main set (default 500)
#   ORACLE_KEEP=DIR   where failing templates are saved
#                     (default /tmp/rawcraft-oracle-failures)
. "$(dirname "$0")/../lib.sh"

seed=${ORACLE_SEED:-20240611}
count=${ORACLE_COUNT:-500}
keep=${ORACLE_KEEP:-/tmp/rawcraft-oracle-failures}
oracle=$TESTS_DIR/oracle
templates=${RAWCRAFT_TEMPLATES:-$ROOT/templates}
export PYTHONDONTWRITEBYTECODE=1

if ! command -v tshark >/dev/null; then
	not_ok "tshark oracle" "tshark is not installed (tests/deps.sh installs it)"
	exit 0
fi

# tshark with every dissector but ours switched off, so a random port or
# EtherType never hands the payload to some other protocol's parser, and
# with no user preferences in the way.
ws=$TMP/wireshark
mkdir -p "$ws"
tshark -G protocols 2>/dev/null | awk -F'\t' '{ print $3 }' |
	grep -vxE 'frame|eth|ethertype|vlan|arp|ip|tcp|udp|icmp|data|_ws\..*' >"$ws/disabled_protos"
tshark_pdml() {	# tshark_pdml IN.pcap OUT.pdml
	WIRESHARK_CONFIG_DIR=$ws tshark -n -r "$1" -T pdml \
		-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
		-o udp.check_checksum:TRUE -o ip.defragment:FALSE \
		-o tcp.analyze_sequence_numbers:FALSE -o tcp.desegment_tcp_streams:FALSE \
		>"$2" 2>"$2.err"
}

# build LABEL FILE...: one `rawcraft show` for all of them; if it refuses
# one, find which, report it and build the rest.
built=()
build() {
	local label=$1 f rc
	shift
	if "$RAWCRAFT" show "$@" -i lo "${defs[@]}" --seed "$seed" \
		-w "$TMP/$label.pcap" >/dev/null 2>"$TMP/$label.err"; then
		built=("$@")
		return
	fi
	built=()
	mkdir -p "$keep"
	for f in "$@"; do
		"$RAWCRAFT" show "$f" -i lo "${defs[@]}" --seed "$seed" \
			-w "$TMP/one.pcap" >/dev/null 2>"$TMP/one.err"
		rc=$?
		if [ $rc = 0 ]; then
			built+=("$f")
		else
			cp "$f" "$keep/" 2>/dev/null
			not_ok "$label: rawcraft builds $(basename "$f")" \
				"exit $rc: $(head -c 300 "$TMP/one.err" | tr '\n' ' ') (saved in $keep)"
		fi
	done
	[ ${#built[@]} -gt 0 ] &&
		"$RAWCRAFT" show "${built[@]}" -i lo "${defs[@]}" --seed "$seed" \
			-w "$TMP/$label.pcap" >/dev/null 2>&1
}

# The templates: shipped ones, then the random sets.  The IPv6 ones have
# their own check (tests/oracle/shipped6.py) and variables, at the end.
shipped=() shipped6=()
for f in "$templates"/*.pkt; do
	# Extension headers are ext6.sh's.
	if grep -qE '^(hopopts|dstopts|routing|fragment)' "$f"; then continue; fi
	if grep -q '^ipv6' "$f"; then shipped6+=("$f"); else shipped+=("$f"); fi
done
mkdir -p "$TMP/gen"
"$PY" "$oracle/gen.py" "$seed" "$TMP/gen" "$count" 40 40 ||
	{ not_ok "tshark oracle" "gen.py failed"; exit 0; }
"$PY" "$oracle/check.py" vars "${shipped[@]}" >"$TMP/vars" ||
	{ not_ok "tshark oracle" "a shipped template needs a variable check.py has no value for"; exit 0; }
cat "$TMP/gen/vars" >>"$TMP/vars"
defs=()
while IFS= read -r line; do defs+=(-D "$line"); done <"$TMP/vars"

args=()
pcaps=()
for set in shipped edge main bad odd; do
	if [ $set = shipped ]; then
		files=("${shipped[@]}")
		label="shipped templates"
	elif [ $set = edge ]; then
		files=("$oracle"/edge/*.pkt)
		label="hand-written edge cases (tests/oracle/edge)"
	else
		files=("$TMP/gen/$set"-*.pkt)
		case $set in
		main) label="random templates (seed $seed)" ;;
		bad) label="explicit wrong checksums and lengths (seed $seed)" ;;
		odd) label="fragments, odd IHL/offset/version, ARP sizes, any ICMP type (seed $seed)" ;;
		esac
	fi
	build "$set" "${files[@]}"
	[ ${#built[@]} -gt 0 ] || continue
	args+=(--group "$label" "${built[@]}")
	pcaps+=("$TMP/$set.pcap")
done

# One tshark run over all frames.
if command -v mergecap >/dev/null; then
	mergecap -a -F pcap -w "$TMP/all.pcap" "${pcaps[@]}"
else
	"$PY" - "$TMP/all.pcap" "${pcaps[@]}" <<'PYEOF'
import sys
out = open(sys.argv[1], 'wb')
for n, p in enumerate(sys.argv[2:]):
    data = open(p, 'rb').read()
    out.write(data if n == 0 else data[24:])
PYEOF
fi
if ! tshark_pdml "$TMP/all.pcap" "$TMP/all.pdml"; then
	not_ok "tshark oracle" "tshark failed: $(head -c 300 "$TMP/all.pdml.err")"
	exit 0
fi
"$PY" "$oracle/check.py" check "$TMP/all.pdml" "$TMP/vars" "$keep" "${args[@]}" >"$TMP/check.out"
cat "$TMP/check.out"
if grep -q '^not ok' "$TMP/check.out"; then
	cp "$TMP/vars" "$keep/vars"
	cp "$TMP/gen/"payload-*.bin "$keep/" 2>/dev/null
	# shellcheck disable=SC2016 # the $1 is reproduce.sh's, not ours
	{
		echo '#!/usr/bin/env bash'
		echo '# reproduce.sh FILE.pkt: build it as the oracle suite did; tshark decodes it.'
		printf '%q show "$1" -i lo --seed %q' "$RAWCRAFT" "$seed"
		printf ' %q' "${defs[@]}"
		printf ' -w "${1%%.pkt}.pcap" && tshark -r "${1%%.pkt}.pcap" -V %s\n' \
			'-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE'
	} >"$keep/reproduce.sh"
	chmod +x "$keep/reproduce.sh"
	echo "# reproduce one: $keep/reproduce.sh $keep/FILE.pkt"
fi

# The shipped IPv6 templates, built on lo (::1 its source of every scope),
# read by tshark with its IPv6 dissectors on.
if [ ${#shipped6[@]} -gt 0 ]; then
	mkdir -p "$ws/v6"
	grep -vxE 'ipv6|icmpv6' "$ws/disabled_protos" >"$ws/v6/disabled_protos"
	defs6=()
	while IFS= read -r line; do defs6+=(-D "$line"); done < <("$PY" "$oracle/shipped6.py" vars "${shipped6[@]}" | tee "$TMP/vars6")
	if "$RAWCRAFT" show "${shipped6[@]}" -i lo "${defs6[@]}" --seed "$seed" -w "$TMP/shipped6.pcap" \
		>/dev/null 2>"$TMP/shipped6.err" &&
		WIRESHARK_CONFIG_DIR=$ws/v6 tshark -n -r "$TMP/shipped6.pcap" -T pdml \
			-o tcp.check_checksum:TRUE -o tcp.analyze_sequence_numbers:FALSE \
			>"$TMP/shipped6.pdml" 2>/dev/null; then
		"$PY" "$oracle/shipped6.py" check "$TMP/shipped6.pdml" "$TMP/vars6" "${shipped6[@]}"
	else
		not_ok "shipped IPv6 templates" "show or tshark failed: $(head -c 300 "$TMP/shipped6.err")"
	fi
fi

# rawcraft's own decoder (`decode --json`, the one `show -v` prints with)
# must read every field of the same frames as tshark does.
if "$RAWCRAFT" decode "$TMP/all.pcap" --json >"$TMP/all.json" 2>"$TMP/decode.err"; then
	"$PY" "$oracle/check.py" decode "$TMP/all.pdml" "$TMP/all.json"
else
	not_ok "rawcraft decode reads every field as tshark does" \
		"decode exited $?: $(head -c 300 "$TMP/decode.err")"
fi

# Scapy, a second and independent decoder: its own checksums must be the
# ones rawcraft computed, on every frame whose checksums were left to it.
if "$PY" -c 'import scapy' 2>/dev/null; then
	"$PY" "$oracle/scapy_check.py" "$TMP/all.pcap" "$TMP/vars" "${args[@]}"
else
	not_ok "scapy recomputes rawcraft's checksums" "no scapy for $PY (python3-scapy)"
fi

# A UDP checksum that computes to 0x0000 goes out as 0xffff: zero on the
# wire means "no checksum" (RFC 768), and receivers would skip the check.
f=$oracle/special/udp-checksum-zero.pkt
name="UDP checksum that computes to 0x0000 is sent as 0xffff (RFC 768)"
if "$RAWCRAFT" show "$f" -w "$TMP/zero.pcap" >/dev/null 2>"$TMP/zero.err" &&
	tshark_pdml "$TMP/zero.pcap" "$TMP/zero.pdml"; then
	got=$(grep -oE 'name="udp.checksum(.status)?"[^>]*show="[^"]*"' "$TMP/zero.pdml" |
		sed -E 's/name="([^"]*)".*show="([^"]*)"/\1=\2/' | tr '\n' ' ')
	expect_eq "$name" "$got" "udp.checksum=0xffff udp.checksum.status=1 "
else
	not_ok "$name" "show or tshark failed: $(head -c 300 "$TMP/zero.err")"
fi

# Edge: the largest datagrams fit exactly; one byte more is refused, not
# wrapped around in the 16-bit length fields.
edge() {	# edge NAME WANT_EXIT TRANSPORT-LINE PAYLOAD-SIZE
	printf 'eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02\nipv4 src=10.0.0.1 dst=10.0.0.2 id=1\n%s\npayload size=%s\n' \
		"$3" "$4" >"$TMP/edge.pkt"
	"$RAWCRAFT" show "$TMP/edge.pkt" -w "$TMP/edge.pcap" >/dev/null 2>"$TMP/edge.err"
	local rc=$?
	if [ "$2" != 0 ]; then
		if [ $rc = "$2" ]; then ok "$1"; else
			not_ok "$1" "exit $rc, want $2; tshark: $(tshark_pdml "$TMP/edge.pcap" "$TMP/edge.pdml";
				grep -o 'Total Length: [^"]*' "$TMP/edge.pdml" | head -1); template: $(tr '\n' ';' <"$TMP/edge.pkt")"
		fi
		return
	fi
	if [ $rc != 0 ]; then not_ok "$1" "exit $rc: $(cat "$TMP/edge.err")"; return; fi
	tshark_pdml "$TMP/edge.pcap" "$TMP/edge.pdml"
	local got
	got=$(grep -oE 'name="(ip.len|udp.length|ip.checksum.status|udp.checksum.status|tcp.checksum.status|icmp.checksum.status)"[^>]*show="[^"]*"' \
		"$TMP/edge.pdml" | sed -E 's/name="([^"]*)".*show="([^"]*)"/\1=\2/' | tr '\n' ' ')
	# ip.len 65535, and two checksum verdicts (IPv4 and the transport's), both Good.
	case $got in
	*"ip.len=65535 "*) ;;
	*) not_ok "$1" "tshark: $got"; return ;;
	esac
	if [ "$(grep -o 'checksum.status=1 ' <<<"$got" | wc -l)" = 2 ] &&
		[ "$(grep -o 'checksum.status=' <<<"$got" | wc -l)" = 2 ]; then
		ok "$1"
	else
		not_ok "$1" "tshark: $got"
	fi
}
edge "largest UDP datagram (65507 bytes of data): ip.len 65535, checksums good" 0 "udp sport=1 dport=2" 65507
edge "largest TCP segment (65495 bytes of data): ip.len 65535, checksums good" 0 "tcp sport=1 dport=2" 65495
edge "largest ICMP echo (65507 bytes of data): ip.len 65535, checksums good" 0 "icmp id=1" 65507
edge "TCP segment one byte too big for IPv4 is refused (exit 2), not wrapped" 2 "tcp sport=1 dport=2" 65496
edge "TCP with options, 65507 bytes of data: refused (exit 2), not wrapped" 2 "tcp sport=1 dport=2 opts=mss:1460,sackok,ts:1:0,nop,ws:7" 65507
exit 0
