#!/usr/bin/env bash
# rawcraft run over IPv6: the handshake, "Hello World!" and the close read
# by a real server, with --ghost (an IPv6 address, resolved by the peer's
# neighbour solicitation) and with --block-rst (ip6 rules); the kernel's
# RST without either; each run's view as many frames as its -w file; no
# nftables table left; the ghost answering NS, DAD and ping; the ND
# examples; the outputs docs/scenarios.md shows.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start6 || exit 0
R=$RAWCRAFT
GHOST6="2001:db8:$LAB_NET::99"
DOC=$ROOT/docs/scenarios.md
. "$TESTS_DIR/docs.sh"
# The docs' lab: 2001:db8:9::/64, A ::1 at 02:00:00:00:00:01, B ::2 at
# ...:02.  doc_norm turns this lab's addresses into those.
doc_norm() {
	sed -e "s/2001:db8:$LAB_NET::/2001:db8:9::/g" -e "s/$LL_A/fe80::ff:fe00:1/g" \
	    -e "s/$LL_B/fe80::ff:fe00:2/g" -e "s/$MAC_A/02:00:00:00:00:01/g" \
	    -e "s/$MAC_B/02:00:00:00:00:02/g"
}
out_rsts() { in_a nstat -az TcpOutRsts | awk '$1 == "TcpOutRsts" { print $2 }'; }

# 1. The handshake over IPv6 with each remedy, from the ghost's address and
#    from the host's own; the peer's kernel reads it as a real connection.
for remedy in "--ghost $GHOST6" "--block-rst"; do
	r=${remedy%% *}
	ip -n "$NS_B" neigh flush dev "$IF_B"
	rsts=$(out_rsts)
	lab_server 9230 "$TMP/got" 0 ::
	# shellcheck disable=SC2086
	out=$(in_a "$R" run handshake6 -D SERVER="$IP6_B" $remedy -w "$TMP/h6.pcap"); rc=$?
	lab_wait_file "$TMP/got"
	expect_eq "handshake6 $r: exit 0" "$rc" 0
	[ $rc -eq 0 ] || sed 's/^/# /' <<<"$out" | head -20
	n=$(view_count "$out" "$TMP/h6.pcap")
	expect_eq "handshake6 $r: the view holds every frame of its -w file ($n)" "${n% *}" "${n#* }"
	expect_eq "handshake6 $r: the server read exactly Hello World!, then EOF" \
		"$(cat "$TMP/got" 2>/dev/null)" "eof b'Hello World!'"
	sleep 0.3
	expect_eq "handshake6 $r: nothing left ESTABLISHED or CLOSE_WAIT" "$(lab_leftovers 9230)" 0
	case $out in *"[us TIME_WAIT, peer CLOSED]") ok "handshake6 $r: the view ends in TIME_WAIT / CLOSED" ;;
	*) not_ok "handshake6 $r: the view ends in TIME_WAIT / CLOSED" "$(tail -1 <<<"$out")" ;; esac
	if [ "$r" = --ghost ]; then
		case $out in *"> syn      [$GHOST6]:"*) ok "handshake6 --ghost: spoken from the ghost's address" ;;
		*) not_ok "handshake6 --ghost: spoken from the ghost's address" "$(grep ' syn ' <<<"$out")" ;; esac
		expect_eq "handshake6 --ghost: the peer resolved the ghost by NS: at A's MAC" \
			"$(ip -n "$NS_B" neigh show "$GHOST6" | grep -o 'lladdr [0-9a-f:]*')" "lladdr $MAC_A"
		# shellcheck disable=SC2046
		doc_check handshake6-ghost "rawcraft run handshake6 -D SERVER=$IP6_B $remedy" "$out" \
			$(handshake_pairs "$out")
	else
		case $out in *"> syn      [$IP6_A]:"*) ok "handshake6 --block-rst: spoken from the host's own address" ;;
		*) not_ok "handshake6 --block-rst: spoken from the host's own address" "$(grep ' syn ' <<<"$out")" ;; esac
		# The kernel did answer the SYN/ACK with RSTs: the rule dropped them.
		if [ "$(out_rsts)" -gt "$rsts" ]; then ok "handshake6 --block-rst: the kernel's RSTs were sent, and dropped"
		else not_ok "handshake6 --block-rst: the kernel's RSTs were sent, and dropped" "TcpOutRsts $rsts -> $(out_rsts)"; fi
	fi
	rm -f "$TMP/got"
	wait
done

# 2. Without a remedy the kernel's RST kills it: seen at once, and the run
#    fails (exit 1) naming both remedies.
lab_server 9230 "$TMP/got" 0 ::
out=$(in_a "$R" run handshake6 -D SERVER="$IP6_B" -w "$TMP/h6.pcap"); rc=$?
case "$rc:$out" in "1:"*"! the host kernel sent [$IP6_A]:"*"TCP [RST]"*"handshake6.lab:"*"expect dataack"*"--block-rst"*"--ghost"*)
	ok "handshake6, no remedy: the kernel's RST seen, exit 1, both remedies named" ;;
*) not_ok "handshake6, no remedy: the kernel's RST seen, exit 1, both remedies named" "exit $rc: $out" ;; esac
n=$(view_count "$out" "$TMP/h6.pcap")
expect_eq "handshake6, no remedy: the view holds every frame of its -w file ($n)" "${n% *}" "${n#* }"
expect_eq "handshake6, no remedy: no end ESTABLISHED after the kernel's RST" "$(established_after_rst "$out")" 0
lab_wait_file "$TMP/got"
case $(cat "$TMP/got" 2>/dev/null) in "eof b'Hello World!'") not_ok "handshake6, no remedy: the server never reads the data" "it did" ;;
*) ok "handshake6, no remedy: the server never reads the data" ;; esac
rm -f "$TMP/got"; wait

# 3. --block-rst's table over IPv6: an ip6 rule while it runs; no table
#    outlives a run: SIGINT, SIGKILL, a normal end.
lab_rst_tables "--block-rst over IPv6" ipv6 "$IP6_B" "ip6 saddr $IP6_A ip6 daddr $IP6_B tcp sport"

# 4. The ghost answers for its IPv6 address: the peer's kernel resolves it
#    (NS to the solicited-node group) and pings it; rawcraft on the peer
#    asks by unicast NS and probes it by DAD.  A MAC of its own this time:
#    the capture goes promiscuous, and A's kernel drops what is not its.
GMAC=02:00:00:00:00:99
printf 'sleep 6s\n' >"$TMP/ghost.lab"
ip -n "$NS_B" neigh flush dev "$IF_B"
ip netns exec "$NS_A" "$R" run "$TMP/ghost.lab" -i "$IF_A" --ghost "$GHOST6/$GMAC" >"$TMP/ghost.out" 2>&1 &
pid=$!
for _ in $(seq 50); do [ "$(in_a cat /proc/net/packet 2>/dev/null | wc -l)" -gt 1 ] && break; sleep 0.1; done
for size in 0 199 1400; do
	pout=$(in_b ping -6 -n -c 1 -W 2 -s "$size" "$GHOST6" 2>&1); prc=$?
	if [ $prc -eq 0 ]; then ok "--ghost $GHOST6: ping -s $size is answered"
	else not_ok "--ghost $GHOST6: ping -s $size is answered" "ping exit $prc: $(tail -2 <<<"$pout" | tr '\n' ' ')"; fi
done
expect_eq "--ghost: the peer's kernel resolved the ghost by NS, to the ghost's MAC" \
	"$(ip -n "$NS_B" neigh show "$GHOST6" | grep -o 'lladdr [0-9a-f:]*')" "lladdr $GMAC"
printf 'eth dst=%s\nipv6 dst=%s\nicmp6 type=neighbor-solicit target=%s opts=sll:auto\n' \
	"$GMAC" "$GHOST6" "$GHOST6" >"$TMP/uni.pkt"
out=$(in_b "$R" send "$TMP/uni.pkt" --expect "icmp6 type=neighbor-advert target=$GHOST6 flags=SO" 2>&1); rc=$?
case "$rc:$out" in "0:"*"< $GHOST6 > $IP6_B ICMPv6 Neighbor Advertisement $GHOST6 (sol, ovr) is at $GMAC"*)
	ok "--ghost: a unicast NS gets a solicited NA, S and O, tll the ghost's MAC" ;;
*) not_ok "--ghost: a unicast NS gets a solicited NA" "exit $rc: $out" ;; esac
out=$(in_b "$R" run nd-dad -D ADDR="$GHOST6" 2>&1); rc=$?
case "$rc:$out" in "0:"*"< defence  $GHOST6 > ff02::1 ICMPv6 Neighbor Advertisement $GHOST6 (ovr) is at $GMAC"*"$GHOST6: taken")
	ok "--ghost: a DAD probe for the ghost's address is defended (NA to ff02::1, O only)" ;;
*) not_ok "--ghost: a DAD probe for the ghost's address is defended" "exit $rc: $out" ;; esac
wait "$pid"; rc=$?
expect_eq "--ghost: the run answering them exits 0" "$rc" 0
[ $rc -eq 0 ] || sed 's/^/# /' "$TMP/ghost.out" | head -20

# 5. The ND examples against the peer's kernel, and the docs that show them.
out=$(in_a "$R" run nd-who-has -D TARGET="$IP6_B" 2>&1); rc=$?
expect_eq "nd-who-has $IP6_B: exit 0, the peer's MAC" "$rc:$(tail -1 <<<"$out")" "0:$IP6_B is at $MAC_B"
doc_check nd-who-has "rawcraft run nd-who-has -D TARGET=$IP6_B" "$out"
out=$(in_a "$R" run nd-who-has -D TARGET="$LL_B" 2>&1); rc=$?
expect_eq "nd-who-has $LL_B (link-local): exit 0, the peer's MAC" "$rc:$(tail -1 <<<"$out")" "0:$LL_B is at $MAC_B"
out=$(in_a "$R" run nd-who-has -D TARGET="2001:db8:$LAB_NET::77" 2>&1); rc=$?
case "$rc:$out" in "1:"*"expect na: nothing matched"*) ok "nd-who-has for an address nobody has: exit 1" ;;
*) not_ok "nd-who-has for an address nobody has: exit 1" "exit $rc: $out" ;; esac
out=$(in_a "$R" run nd-dad -D ADDR="$IP6_B" 2>&1); rc=$?
expect_eq "nd-dad $IP6_B: the owner defends it" "$rc:$(tail -1 <<<"$out")" "0:$IP6_B: taken"
doc_check nd-dad-taken "rawcraft run nd-dad -D ADDR=$IP6_B" "$out"
out=$(in_a "$R" run nd-dad -D ADDR="2001:db8:$LAB_NET::77" 2>&1); rc=$?
expect_eq "nd-dad for an unused address: free" "$rc:$(tail -1 <<<"$out")" "0:2001:db8:$LAB_NET::77: free"
doc_check nd-dad-free "rawcraft run nd-dad -D ADDR=2001:db8:$LAB_NET::77" "$out"

# 6. ${iface.ip6} and ${iface.ll6} in a live run: the host's, or the ghost's.
printf 'print "${iface.ip6} ${iface.ll6}"\n' >"$TMP/vars.lab"
expect_eq "\${iface.ip6} \${iface.ll6}: the interface's addresses" \
	"$(in_a "$R" run "$TMP/vars.lab" -i "$IF_A" 2>&1)" "$IP6_A $LL_A"
expect_eq "\${iface.ip6} with --ghost: the ghost's, and no link-local of the host's" \
	"$(in_a "$R" run "$TMP/vars.lab" -i "$IF_A" --ghost "$GHOST6" 2>&1)" "$GHOST6 ::"

# 7. No nftables table of any kind is left in A.
expect_eq "no nftables table left (nft list tables is empty)" "$(in_a nft list tables 2>&1)" ""
