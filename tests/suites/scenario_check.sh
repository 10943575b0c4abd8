#!/usr/bin/env bash
# The pre-send check of scenarios: thorough, and bounded in time.
. "$(dirname "$0")/../lib.sh"

# Five nested loops of 100 values: checked within a budget, the fault after
# them still found, in well under a second per thousand replays.
{
	for v in a b c d e; do printf 'for %s in 1..100\n' "$v"; done
	printf 'send\n  ipv4 dst=10.0.0.2\n  tcp dport=${e}\n'
	for _ in 1 2 3 4 5; do printf 'end\n'; done
	printf 'send\n  ipv4 dst=10.0.0.2\n  tcp dport=70000\n'
} >"$TMP/nested.lab"
start=$(date +%s%N)
out=$("$RAWCRAFT" run "$TMP/nested.lab" -i lo 2>&1); rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
case "$rc:$out" in "2:$TMP/nested.lab:16:13: error: tcp dport: 70000 is out of range"*) ok "nested loops: the fault after them is found" ;;
*) not_ok "nested loops: the fault after them is found" "exit $rc: $out" ;; esac
if [ "$ms" -lt 10000 ]; then ok "nested loops: checked in ${ms} ms"; else not_ok "nested loops: checked in bounded time" "${ms} ms"; fi

# Every value of a list is checked, not only the first.
printf 'for p in 80 443 70000\nsend\n  ipv4 dst=10.0.0.2\n  tcp dport=${p}\nend\n' >"$TMP/list.lab"
out=$("$RAWCRAFT" run "$TMP/list.lab" -i lo 2>&1); rc=$?
case "$rc:$out" in "2:$TMP/list.lab:4:13: error: tcp dport: 70000 is out of range"*) ok "a bad loop value is found before sending" ;;
*) not_ok "a bad loop value is found before sending" "exit $rc: $out" ;; esac

# --expect takes ';' between layers, but not inside quotes.
out=$("$RAWCRAFT" send icmp-echo -D DST=127.0.0.1 -i lo --expect 'icmp type=echo-reply; payload text="a;b' 2>&1); rc=$?
case "$rc:$out" in "2:"*"unterminated string"*) ok "--expect: a ';' inside quotes does not split" ;;
*) not_ok "--expect: a ';' inside quotes does not split" "exit $rc: $out" ;; esac

# Bindings the check must accept: a second VLAN tag, the header an ICMP
# error quotes, and arithmetic on a reply's window (a placeholder of 0
# would wrap ${r.tcp.win - 1} out of range).  The fault on the last line
# proves every line above it passed.
cat >"$TMP/bind.lab" <<'LAB'
send probe
  ipv4 dst=10.0.0.2
  tcp dport=80
expect r any within 1s
  tcp
send
  vlan id=${r.vlan2.id}
  ipv4 dst=${r.ipv42.src}
  tcp dport=80 win=${r.tcp.win - 1}
send
  ipv4 dst=10.0.0.2
  tcp dport=70000
LAB
out=$("$RAWCRAFT" run "$TMP/bind.lab" -i lo 2>&1); rc=$?
case "$rc:$out" in "2:$TMP/bind.lab:12:13: error: tcp dport: 70000 is out of range"*)
	ok "check: vlan2, ipv42 and win - 1 bindings pass" ;;
*) not_ok "check: vlan2, ipv42 and win - 1 bindings pass" "exit $rc: $out" ;; esac

# --ghost is input: checked before any interface or socket is opened.
out=$("$RAWCRAFT" run "$ROOT/examples/handshake.lab" -D SERVER=10.0.0.2 -D PORT=1 --ghost 10.0.0.300 -i nosuch0 2>&1); rc=$?
case "$rc:$out" in "2:rawcraft: error: --ghost takes IP or IP/MAC"*)
	ok "run --ghost with a bad address: exit 2 before the interface is looked up" ;;
*) not_ok "run --ghost with a bad address" "exit $rc: $out" ;; esac

# IPv6: the interface's addresses and the bindings of an IPv6 reply (and of
# the IPv6 header an ICMPv6 error quotes) are known to the check.
cat >"$TMP/bind6.lab" <<'LAB'
send probe
  ipv6 src=${iface.ip6} dst=2001:db8::2
  tcp dport=80
expect r any within 1s
  tcp
send
  ipv6 src=${iface.ll6} dst=${r.ipv62.src} flow=${r.ipv6.flow} hlim=${r.ipv6.hlim}
  icmp6 type=neighbor-solicit target=${r.ipv6.src}
send
  ipv6 dst=2001:db8::2
  tcp dport=70000
LAB
out=$("$RAWCRAFT" run "$TMP/bind6.lab" -i lo 2>&1); rc=$?
case "$rc:$out" in "2:$TMP/bind6.lab:11:13: error: tcp dport: 70000 is out of range"*)
	ok "check: \${iface.ip6}, \${iface.ll6}, ipv6 and ipv62 bindings pass" ;;
*) not_ok "check: \${iface.ip6}, \${iface.ll6}, ipv6 and ipv62 bindings pass" "exit $rc: $out" ;; esac

# --ghost with an IPv6 address: a malformed or multicast one is input
# (exit 2) before any interface is looked up; a good one gets that far.
for bad in 2001:db8::1::2 ff02::1 :: 2001:db8::99/02:00:00:00:00; do
	out=$("$RAWCRAFT" run "$ROOT/examples/handshake6.lab" -D SERVER=2001:db8::2 --ghost "$bad" -i nosuch0 2>&1); rc=$?
	case "$rc:$out" in "2:rawcraft: error: --ghost takes IP or IP/MAC"*"got '$bad'"*)
		ok "run --ghost $bad: exit 2 before the interface is looked up" ;;
	*) not_ok "run --ghost $bad: exit 2 before the interface is looked up" "exit $rc: $out" ;; esac
done
for good in 2001:db8::99 2001:db8::99/02:00:00:00:00:99 fe80::99; do
	out=$("$RAWCRAFT" run "$ROOT/examples/handshake6.lab" -D SERVER=2001:db8::2 --ghost "$good" -i nosuch0 2>&1); rc=$?
	case "$rc:$out" in "3:"*nosuch0*) ok "run --ghost $good: taken, then no such interface (exit 3)" ;;
	*) not_ok "run --ghost $good: taken, then no such interface (exit 3)" "exit $rc: $out" ;; esac
done

# The shipped IPv6 scenarios pass the check: the fault is the interface.
for ex in "handshake6 -D SERVER=2001:db8::2" "nd-who-has -D TARGET=2001:db8::2" "nd-dad -D ADDR=2001:db8::2"; do
	# shellcheck disable=SC2086
	out=$("$RAWCRAFT" run "$ROOT/examples/${ex%% *}.lab" ${ex#* } -i nosuch0 2>&1); rc=$?
	case "$rc:$out" in "3:"*nosuch0*) ok "run ${ex%% *}: checked, then no such interface (exit 3)" ;;
	*) not_ok "run ${ex%% *}: checked, then no such interface (exit 3)" "exit $rc: $out" ;; esac
done
