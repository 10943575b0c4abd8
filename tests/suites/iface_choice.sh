#!/usr/bin/env bash
# show and send choose the interface the same way: the one routing the
# frame's destination, without a default route too.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT

# A has no default route: only its veth's subnet.
expect_eq "the lab's A has no default route" "$(in_a ip route show default)" ""
out=$(in_a "$R" show arp-request -D TARGET="$IP_B" -v 2>&1); rc=$?
expect_eq "show arp-request without a default route: exit 0" "$rc" 0
case $out in *"Sender MAC address: $MAC_A"*"Sender IP address: $IP_A"*)
	ok "show arp-request without a default route: the interface routing TARGET's, as send's" ;;
*) not_ok "show arp-request: the interface routing TARGET's" "$out" ;; esac
# send's frame is show's: the same bytes with the same seed.
in_a "$R" show arp-request -D TARGET="$IP_B" --seed 7 -x | grep -E '^[0-9a-f]{4}  ' >"$TMP/show"
in_a "$R" send arp-request -D TARGET="$IP_B" --seed 7 -x | grep -E '^[0-9a-f]{4}  ' | head -3 >"$TMP/send"
if [ -s "$TMP/show" ] && cmp -s "$TMP/show" "$TMP/send"; then
	ok "show and send build the same arp-request: the same interface"
else
	not_ok "show and send build the same arp-request" "$(diff "$TMP/show" "$TMP/send")"
fi
# A destination no route reaches: show says the interface is needed.
out=$(in_a "$R" show arp-request -D TARGET=192.0.2.1 2>&1); rc=$?
expect_eq "show arp-request to an unrouted TARGET: exit 2" "$rc" 2
