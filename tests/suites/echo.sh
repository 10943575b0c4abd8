#!/usr/bin/env bash
# ICMP echo as ping sends it: `send icmp-echo -c 3` keeps one id for the run
# and counts seq 1, 2, 3, probes one by one and as a stream, on the wire as
# tshark reads it, every reply matched; a given id or seq still wins; and
# icmp6-echo the same.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT

# The peer's capture filter and tshark's fields: ICMP's, or ICMPv6's echoes.
FILTER=icmp FIELDS="-e icmp.type -e icmp.ident -e icmp.seq" REQUEST=8 REPLY=0

# wire N CMD...: CMD in A while the peer captures N echoes; tshark's
# "type id seq" of each, one a line.
wire() {
	local n=$1 td
	shift
	in_b timeout 20 tcpdump -i "$IF_B" -c "$n" -w "$TMP/echo.pcap" "$FILTER" 2>"$TMP/td.err" &
	td=$!
	for _ in $(seq 50); do grep -qs listening "$TMP/td.err" && break; sleep 0.1; done
	in_a "$@" >"$TMP/echo.out"
	echo $? >"$TMP/echo.rc"
	wait "$td"
	# shellcheck disable=SC2086
	tshark -r "$TMP/echo.pcap" -T fields $FIELDS 2>/dev/null
}
# as_ping LINES: "ok" when they are requests and replies with one id, seq
# 1, 2, 3, else the lines.
as_ping() {
	local id
	id=$(head -1 <<<"$1" | cut -f2)
	if [ "$1" = "$(for n in 1 2 3; do printf '%s\t%s\t%s\n' "$REQUEST" "$id" "$n" "$REPLY" "$id" "$n"; done)" ]; then
		echo ok
	else
		tr '\t\n' ' ,' <<<"$1"
	fi
}

# 1. Probes one by one: one id, seq 1, 2, 3, all three answered.
got=$(wire 6 "$R" send icmp-echo -D DST="$IP_B" -c 3 --interval 20ms)
expect_eq "icmp-echo -c 3: on the wire one id, seq 1, 2, 3, each answered" "$(as_ping "$got")" ok
expect_eq "icmp-echo -c 3: exit 0, all three replies matched" \
	"$(cat "$TMP/echo.rc") $(grep -o '3 sent, 3 matched, 0 lost' "$TMP/echo.out")" \
	"0 3 sent, 3 matched, 0 lost"
id=$(head -1 <<<"$got" | cut -f2)
seqs=$(grep -o 'id=0x[0-9a-f]* seq=[0-9]*' "$TMP/echo.out" | sort -u | tr '\n' ' ')
expect_eq "icmp-echo -c 3: the replies printed, with the id on the wire" "$seqs" \
	"$(printf 'id=0x%04x seq=1 id=0x%04x seq=2 id=0x%04x seq=3 ' "$id" "$id" "$id")"

# 2. A stream: the same, each probe its own target.
got=$(wire 6 "$R" send icmp-echo -D DST="$IP_B" -c 3 --rate 100)
expect_eq "icmp-echo -c 3 --rate 100: on the wire one id, seq 1, 2, 3, each answered" \
	"$(as_ping "$got")" ok
expect_eq "icmp-echo -c 3 --rate 100: exit 0, 3 targets answered" \
	"$(cat "$TMP/echo.rc") $(grep -o '3 targets: 3 answered, 0 no answer' "$TMP/echo.out")" \
	"0 3 targets: 3 answered, 0 no answer"

# 3. Another run, another id; the same seed, the same id.
ids=""
for seed in 5 5 6; do
	ids="$ids $(in_a "$R" send icmp-echo -D DST="$IP_B" --seed "$seed" --json |
		json_get sent "o['icmp']['id']")"
done
read -r a b c <<<"$ids"
[ "$a" = "$b" ] && [ "$a" != "$c" ] && ok "--seed 5 twice: the same id ($a), --seed 6 another ($c)" ||
	not_ok "ids by seed" "$ids"

# 4. Given values win: id=7 seq=9 in every probe; a range of seq counts as written.
printf 'ipv4 dst=%s\nicmp id=7 seq=9\n' "$IP_B" >"$TMP/given.pkt"
got=$(wire 4 "$R" send "$TMP/given.pkt" -c 2 --interval 20ms | tr '\t\n' ' ,')
expect_eq "icmp id=7 seq=9 -c 2: both probes as written" "$got" "8 7 9,0 7 9,8 7 9,0 7 9,"
printf 'ipv4 dst=%s\nicmp seq=100..102\n' "$IP_B" >"$TMP/range.pkt"
got=$(wire 6 "$R" send "$TMP/range.pkt" --interval 20ms | cut -f3 | tr '\n' ' ')
expect_eq "icmp seq=100..102: seq as the range says" "$got" "100 100 101 101 102 102 "

# 5. ICMPv6 on the same link: one id, seq 1, 2, 3, all answered.
lab_ipv6_on "$NS_A" && lab_ipv6_on "$NS_B" && lab_if6 "$NS_A" "$IF_A" && lab_if6 "$NS_B" "$IF_B" &&
	ip -n "$NS_A" addr add "$IP6_A/64" dev "$IF_A" nodad &&
	ip -n "$NS_B" addr add "$IP6_B/64" dev "$IF_B" nodad &&
	lab_addr6_ready "$NS_A" "$IF_A" "$IP6_A" && lab_addr6_ready "$NS_B" "$IF_B" "$IP6_B" ||
	not_ok "IPv6 on the lab's link" "could not set it up"
FILTER="icmp6 and (ip6[40] == 128 or ip6[40] == 129)" REQUEST=128 REPLY=129
FIELDS="-e icmpv6.type -e icmpv6.echo.identifier -e icmpv6.echo.sequence_number"
got=$(wire 6 "$R" send icmp6-echo -D DST="$IP6_B" -c 3 --interval 20ms)
expect_eq "icmp6-echo -c 3: on the wire one id, seq 1, 2, 3, each answered" "$(as_ping "$got")" ok
expect_eq "icmp6-echo -c 3: exit 0, all three replies matched" \
	"$(cat "$TMP/echo.rc") $(grep -o '3 sent, 3 matched, 0 lost' "$TMP/echo.out")" \
	"0 3 sent, 3 matched, 0 lost"
