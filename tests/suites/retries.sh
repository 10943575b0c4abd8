#!/usr/bin/env bash
# --retries and repeated --expect through a lossy router: a client - router
# - server lab whose router drops 10% of the replies (nft numgen: this
# kernel has no netem); the server has ports open, closed and rejected with
# ICMP admin-prohibited, and the classes are checked against that truth.
# Then a TTL sweep read as a traceroute (hop 1 is the router), and -c
# passes over the same ports, each port in one class.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start_router || exit 0
R=$RAWCRAFT
OPEN_LO=1000 OPEN_HI=1099 CLOSED_HI=2499 LAST=2999	# rejected: 2500-2999

# The server: listeners, and nft's reject; its ICMP errors unlimited (one
# per peer and second by default).
in_b sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000 \
	net.ipv4.icmp_msgs_burst=100000
in_b nft -f - <<EOF2
table inet rc_retries {
	chain input {
		type filter hook input priority 0;
		tcp dport $((CLOSED_HI + 1))-$LAST reject with icmp type admin-prohibited
	}
}
EOF2
in_b "$PY" - "$OPEN_LO" "$OPEN_HI" <<'PYEOF' &
import socket, sys, time
socks = []
for p in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('0.0.0.0', p)); s.listen(64); socks.append(s)
time.sleep(120)
PYEOF
wait_port "$NS_B" "$OPEN_HI"
in_r sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000
lossy() {
	in_r nft -f - <<EOF2
table ip rc_loss {
	chain forward {
		type filter hook forward priority 0;
		iifname "$IF_RB" numgen random mod 10 == 0 drop
	}
}
EOF2
}
lossy

# summary EXPR JSON: EXPR (Python, over the summary object `o`) printed.
summary() {
	"$PY" -c "import json,sys
o = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{\"stats\"')][-1]
print($1)" "$2"
}

# judge JSON LO HI: "RIGHT WRONG ONCE TOTAL" - targets in the class the truth
# says, in another or none, and whether every port is in exactly one class.
judge() {
	"$PY" - "$1" "$2" "$3" "$OPEN_HI" "$CLOSED_HI" <<'PYEOF'
import json, sys
o = json.loads([l for l in open(sys.argv[1]) if l.startswith('{"stats"')][-1])
lo, hi, open_hi, closed_hi = map(int, sys.argv[2:])
truth = lambda p: ('tcp flags=SA' if p <= open_hi else 'tcp flags=RA' if p <= closed_hi
                   else 'icmp type=dest-unreach code=13')
seen = {}
for c in o['classes']:
    for t in c['targets']:
        seen.setdefault(int(t.split('=')[-1]), []).append(c['reply'])
right = sum(1 for p in range(lo, hi + 1) if seen.get(p) == [truth(p)])
once = all(len(v) == 1 for v in seen.values()) and sorted(seen) == list(range(lo, hi + 1))
print(right, hi - lo + 1 - right, 'once' if once else 'not-once', o['stats']['targets'])
PYEOF
}

# 1. 2,000 ports, 10% of replies lost, --retries 2, a TCP reply or an ICMP
#    error expected: at least 99.5% right, each port in one class.
expects=(--expect 'tcp flags=SA|RA' --expect 'icmp type=dest-unreach')
start=$(date +%s)
in_a timeout 60 "$R" send tcp-syn -D DST="$IP_B" -D PORT=$OPEN_LO..$LAST --rate 4000 \
	--retries 2 -t 1 "${expects[@]}" --json >"$TMP/scan.json"; rc=$?
took=$(( $(date +%s) - start ))
read -r right wrong once total < <(judge "$TMP/scan.json" $OPEN_LO $LAST)
if [ "${right:-0}" -ge 1990 ]; then
	ok "--retries 2 with 10% of replies lost: $right of 2000 ports right ($wrong not)"
else
	not_ok "--retries 2 with 10% of replies lost" "$right of 2000 right, $wrong not"
fi
expect_eq "--retries 2: every port in exactly one class, 2000 targets" "$once $total" "once 2000"
# Exit 0 when every target got an expected reply, 1 when one is left.
silent=$(summary "o['stats']['unanswered']" "$TMP/scan.json")
expect_eq "--retries 2: exit status as the unanswered ($silent) say" "$rc" "$([ "$silent" = 0 ] && echo 0 || echo 1)"
passes=$(summary "o['stats']['passes'], *o['stats']['reprobed']" "$TMP/scan.json")
read -r npasses first_retry _ <<<"$passes"
if [ "$npasses" -ge 2 ] && [ "$first_retry" -ge 100 ] && [ "$first_retry" -le 320 ]; then
	ok "--retries 2: $npasses passes, the first retry re-probed $first_retry (about 10%)"
else
	not_ok "--retries 2: passes" "got '$passes'"
fi
if [ "$took" -le 20 ]; then ok "--retries 2: done in ${took}s"; else not_ok "--retries 2: time" "${took}s"; fi

# With --retries 2 about 2 of the 1900 ports that answer once (0.1% each)
# are left, and the exit is 1; --retries 7 leaves one in 10^5 runs: exit 0.
in_a timeout 60 "$R" send tcp-syn -D DST="$IP_B" -D PORT=$OPEN_LO..$LAST --rate 4000 \
	--retries 7 -t 1 "${expects[@]}" --json >"$TMP/scan5.json"; rc=$?
read -r right5 _ once5 _ < <(judge "$TMP/scan5.json" $OPEN_LO $LAST)
expect_eq "--retries 7: every port right and in one class, exit 0" "$right5 $once5 $rc" "2000 once 0"

# 2. The same in text: the passes, and who sent the ICMP errors.
in_a timeout 60 "$R" send tcp-syn -D DST="$IP_B" -D PORT=$OPEN_LO..$LAST --rate 4000 \
	--retries 2 -t 1 "${expects[@]}" >"$TMP/scan.txt"
if grep -qE '^    [23] passes \(--retries 2\): [0-9]+ probed again(, then [0-9]+)?$' "$TMP/scan.txt"; then
	ok "text: the passes and what each retry sent again"
else
	not_ok "text: passes" "$(cat "$TMP/scan.txt")"
fi
if grep -A1 '^    icmp type=dest-unreach code=13 ' "$TMP/scan.txt" |
	grep -qE "^      from $IP_B +[0-9]+\$"; then
	ok "text: the admin-prohibited errors' sender is named under their class"
else
	not_ok "text: ICMP error sender" "$(cat "$TMP/scan.txt")"
fi

# man_example WORD: the output lines of the rawcraft(1) example whose command
# holds WORD (from its "---" line), groff escapes undone.
man_example() {
	awk -v w="$1" '/^\.EX/ { on = 1; keep = 0; next } /^\.EE/ { on = 0 }
		on && index($0, w) { keep = 1 } on && keep && /^\\-\\-\\- / { out = 1 }
		on && keep && out { print } !on { out = 0 }' "$ROOT/docs/rawcraft.1" |
		sed -e 's/\\-/-/g' -e "s/\\\\(aq/'/g"
}
# loose: numbers as N (a list of them as one), runs of spaces as one, a
# retry's ", then N" gone, the send path as X.
loose() {
	sed -E -e 's/tx: .*/tx: X/' -e 's/[0-9]+/N/g' -e 's/N([-,]N)+/N/g' -e 's/ +/ /g' \
		-e 's/(, then N)+//'
}
# The page's lines and the run's, both ways; its "no answer" line only
# when the run left a target (the loss is random).
page=$(man_example 'PORT=1000..2999' | loose)
grep -q '^    no answer ' "$TMP/scan.txt" || page=$(grep -v '^ no answer' <<<"$page")
missing=$(grep -vxFf <(loose <"$TMP/scan.txt") <<<"$page")
extra=$(grep -vxFf <(cat <<<"$page") <(loose <"$TMP/scan.txt"))
if [ -n "$page" ] && [ -z "$missing$extra" ]; then
	ok "rawcraft(1)'s --retries example: its lines are the run's (numbers aside)"
else
	not_ok "rawcraft(1)'s --retries example" \
		"not printed: $missing; not on the page: $extra; the run: $(cat "$TMP/scan.txt")"
fi

# The first retry follows the first pass by the RTTs' wait, not -t: with
# -t 5, a port probed again within 2 s of its first probe (-w's times).
in_a timeout 60 "$R" send tcp-syn -D DST="$IP_B" -D PORT=$OPEN_LO..$OPEN_HI --rate 2000 \
	--retries 2 -t 5 "${expects[@]}" -w "$TMP/t5.pcap" >/dev/null
gap=$(tshark -r "$TMP/t5.pcap" -Y "ip.src == $IP_A && tcp.flags == 0x002" -T fields \
	-e tcp.dstport -e frame.time_epoch 2>/dev/null | "$PY" -c "
import sys
at = {}
for l in sys.stdin:
    port, t = l.split(); at.setdefault(port, []).append(float(t))
gaps = [v[1] - v[0] for v in at.values() if len(v) > 1]
print('%.3f' % max(gaps) if gaps else 'none')")
if [ "$gap" != none ] && "$PY" -c "import sys; sys.exit(not float('$gap') < 2)"; then
	ok "-t 5 --retries 2: a port's second probe ${gap}s after its first (the RTTs' wait, not -t)"
else
	not_ok "-t 5 --retries 2: the first retry's wait" "the longest gap: $gap s"
fi
expect_eq "JSON: the ICMP errors' senders add up (from_others)" \
	"$(summary "[c.get('from_others') for c in o['classes'] if 'from' in c]" "$TMP/scan.json")" "[0]"

# --retries with nothing to wait for is refused, nothing sent.
in_a "$R" send tcp-syn -D DST="$IP_B" -D PORT=1000 --retries 2 --no-expect \
	>"$TMP/noexp.out" 2>&1; rc=$?
if [ "$rc" = 2 ] && [ "$(wc -l <"$TMP/noexp.out")" = 1 ] &&
	grep -q -- '--retries needs an expectation' "$TMP/noexp.out"; then
	ok "--retries --no-expect: exit 2, one line"
else
	not_ok "--retries --no-expect" "exit $rc: $(cat "$TMP/noexp.out")"
fi

# 3. Without retries the loss shows (the baseline the retries fix).
in_a timeout 60 "$R" send tcp-syn -D DST="$IP_B" -D PORT=$OPEN_LO..$LAST --rate 4000 \
	-t 1 "${expects[@]}" --json >"$TMP/once.json"
read -r right0 _ _ _ < <(judge "$TMP/once.json" $OPEN_LO $LAST)
if [ "${right0:-0}" -lt 1990 ] && ! grep -q '"passes"' "$TMP/once.json"; then
	ok "no --retries: $right0 of 2000 right, and no passes in the JSON"
else
	not_ok "no --retries" "$right0 right; $(tail -c 300 "$TMP/once.json")"
fi

# 4. -c three passes over 100 ports: each port in one class, not in SA and
#    "no answer" at once.
in_a timeout 60 "$R" send tcp-syn -D DST="$IP_B" -D PORT=$OPEN_LO..$OPEN_HI --rate 2000 \
	-c 300 -t 1 "${expects[@]}" --json >"$TMP/c3.json"
read -r right3 _ once3 total3 < <(judge "$TMP/c3.json" $OPEN_LO $OPEN_HI)
expect_eq "-c 300 over 100 ports: 100 targets, each in one class" "$once3 $total3" "once 100"
if [ "${right3:-0}" -ge 99 ]; then ok "-c 300: $right3 of 100 open ports SA"; else not_ok "-c 300" "$right3 of 100 SA"; fi

# 5. Probes one by one retry too: 100 closed ports (RSTs, never sent twice
#    by the server), each probe reported under its own number.
in_a timeout 60 "$R" send tcp-syn -D DST="$IP_B" -D PORT=1100..1199 --interval 0.002 \
	--retries 3 -t 0.5 --expect 'tcp flags=RA' --json >"$TMP/probes.json"; rc=$?
got=$(json_get received "o['probe']" <"$TMP/probes.json" | sort -un | wc -l)
# A target answered by its first send and a retry's is reported once.
lines=$(json_get received "o['probe']" <"$TMP/probes.json" | wc -l)
expect_eq "probes one by one: each answered probe reported once, lost over targets" \
	"$lines $(summary "o['stats']['matched'], o['stats']['lost']" "$TMP/probes.json")" \
	"$got $got $((100 - got))"
passes=$(summary "o['stats']['passes'], *o['stats']['reprobed']" "$TMP/probes.json")
read -r npasses first_retry _ <<<"$passes"
if [ "$got" -ge 99 ] && [ "$rc" = "$([ "$got" = 100 ] && echo 0 || echo 1)" ] &&
	[ "$npasses" -ge 2 ] && [ "$first_retry" -ge 1 ] && [ "$first_retry" -le 30 ]; then
	ok "probes one by one, --retries 3: $got of 100 answered (exit $rc), passes $passes"
else
	not_ok "probes one by one, --retries 3" "$got answered, exit $rc, passes '$passes'"
fi

# 6. A TTL sweep through the router reads as a traceroute: hop 1 is the
#    router, hop 2 the server (no loss for this one).
in_r nft delete table ip rc_loss
cat >"$TMP/trace.pkt" <<EOF2
ipv4 dst=$IP_B ttl=1..3
icmp type=echo-request
EOF2
in_a timeout 30 "$R" send "$TMP/trace.pkt" --rate 20 -t 1 \
	--expect 'icmp type=echo-reply' --expect 'icmp type=time-exceeded' >"$TMP/trace.txt"; rc=$?
expect_eq "ttl=1..3: exit 0 (time-exceeded and echo-reply both expected)" "$rc" 0
route_ok "ttl=1..3" "$TMP/trace.txt" ttl "$IP_RA" "$IP_B" icmp
# The page's example, addresses and times as its (and the send path, the
# padding of addresses): the run's lines.
got=$(sed -E -e "s/10\.$LAB_NET\./10.13./g" -e 's/[0-9]+\.[0-9]{3} ms/T ms/' \
	-e 's/sent in [0-9.]+s \([0-9]+ pps/sent in Ts (N pps/' "$TMP/trace.txt")
want=$(man_example 'send trace.pkt' | sed -E -e 's/[0-9]+\.[0-9]{3} ms/T ms/' \
	-e 's/sent in [0-9.]+s \([0-9]+ pps/sent in Ts (N pps/' -e 's/tx: .*/tx: X/')
got=$(sed -E -e 's/tx: .*/tx: X/' -e 's/ +/ /g' <<<"$got")
want=$(sed -E 's/ +/ /g' <<<"$want")
if [ -n "$want" ] && [ "$got" = "$want" ]; then
	ok "rawcraft(1)'s traceroute example is the run's (addresses and times aside)"
else
	not_ok "rawcraft(1)'s traceroute example" "the run printed:
$got
the page shows:
$want"
fi
in_a timeout 30 "$R" send "$TMP/trace.pkt" --rate 20 -t 1 --json \
	--expect 'icmp type=echo-reply' --expect 'icmp type=time-exceeded' >"$TMP/trace.json"
route=$(summary "' '.join('%d:%s' % (h['ttl'], h['from']) for h in o['route'])" "$TMP/trace.json")
expect_eq "ttl=1..3 --json: the route" "$route" "1:$IP_RA 2:$IP_B 3:$IP_B"

# A UDP traceroute to a closed port ends at the server's port-unreachable.
cat >"$TMP/utrace.pkt" <<EOF2
ipv4 dst=$IP_B ttl=1..3
udp dport=33434
EOF2
in_a timeout 30 "$R" send "$TMP/utrace.pkt" --rate 20 -t 1 \
	--expect 'icmp type=dest-unreach' --expect 'icmp type=time-exceeded' >"$TMP/utrace.txt"
if grep -qE "^        2  $IP_B +[0-9]+\.[0-9]{3} ms  icmp type=dest-unreach code=3\$" "$TMP/utrace.txt" &&
	grep -qE "^        3  past the destination\$" "$TMP/utrace.txt"; then
	ok "udp ttl=1..3 to a closed port: hop 2 is the server, no hop after it"
else
	not_ok "udp ttl=1..3: route" "$(cat "$TMP/utrace.txt")"
fi

# -c past one pass over 6 destinations, 5 of them silent (no ARP reply):
# each destination one target.
printf 'ipv4 dst=10.%s.1.249..10.%s.1.254\nicmp type=echo-request\n' "$LAB_NET" "$LAB_NET" \
	>"$TMP/silent.pkt"
in_a timeout 30 "$R" send "$TMP/silent.pkt" -c 12 --rate 100 -t 1 --expect 'icmp type=echo-reply' \
	>"$TMP/silent.txt" 2>&1
if grep -q '^    6 targets: 1 answered, 5 no answer' "$TMP/silent.txt" &&
	grep -qE '^    no answer \(no ARP reply\) +5  ' "$TMP/silent.txt"; then
	ok "-c 12 over 6 destinations, 5 silent: 6 targets, 5 without an ARP reply"
else
	not_ok "-c 12 over silent destinations" "$(cat "$TMP/silent.txt")"
fi

# 7. A hop that does not answer is a "*": the router's time-exceeded dropped.
in_r nft -f - <<EOF2
table ip rc_quiet {
	chain output {
		type filter hook output priority 0;
		icmp type time-exceeded drop
	}
}
EOF2
in_a timeout 30 "$R" send "$TMP/trace.pkt" --rate 20 -t 0.5 \
	--expect 'icmp type=echo-reply' --expect 'icmp type=time-exceeded' >"$TMP/quiet.txt"; rc=$?
if [ "$rc" = 1 ] && grep -qx '        1  \*' "$TMP/quiet.txt" &&
	grep -qE "^        2  $IP_B " "$TMP/quiet.txt"; then
	ok "ttl=1..3, the router silent: hop 1 is '*', exit 1"
else
	not_ok "ttl=1..3, the router silent" "exit $rc; $(cat "$TMP/quiet.txt")"
fi
