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
