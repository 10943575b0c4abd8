#!/usr/bin/env bash
# Issue 13's "done when", as one lab: the peer kernel's states confirmed by
# expect peer state (SYN_RECV, ESTABLISHED, CLOSE_WAIT, LAST_ACK, CLOSED),
# ${data.tcp.len} bound and checked, --tap read by prove with every point
# ok, nothing left in the peer's namespace.  Then the peer never writes,
# under --keep-going: the data expect fails, its checks are skipped, the
# close still passes, exit 1, and TAP, JUnit and results.json agree.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT
LAB=$TESTS_DIR/labs/graded-close.lab
GHOST="10.$LAB_NET.0.99"
peer_pids() { ip netns pids "$NS_B" 2>/dev/null | tr '\n' ' '; }

# counts TAP JUNIT RESULTS: "pass fail skip" as each file says it, one line each.
counts() {
	perl -MTAP::Parser -e '
		my $p = TAP::Parser->new({ source => $ARGV[0] });
		while (my $r = $p->next) {}
		my $skip = $p->skipped;
		printf "%d %d %d\n", scalar($p->passed) - $skip, scalar($p->failed), $skip;' "$1"
	"$PY" - "$2" "$3" <<'PYEOF'
import json, sys, xml.etree.ElementTree as ET
cases = ET.parse(sys.argv[1]).getroot().iter('testcase')
p = f = s = 0
for c in cases:
    if c.find('failure') is not None: f += 1
    elif c.find('skipped') is not None: s += 1
    else: p += 1
print(p, f, s)
tests = json.load(open(sys.argv[2]))['tests']
st = [t['status'] for t in tests]
skipped = sum(1 for t in tests if t['status'] == 'failed' and 'skipped' in t.get('output', ''))
print(st.count('passed'), st.count('failed') - skipped, skipped)
PYEOF
}

# 1. The whole exchange: every point ok, prove passes.
in_a "$R" run "$LAB" --peer "$NS_B" -D SERVER="$IP_B" --ghost "$GHOST" --tap \
	--junit "$TMP/ok.xml" --gradescope "$TMP/ok.json" >"$TMP/ok.tap" 2>"$TMP/ok.err"; rc=$?
expect_eq "graded lab: exit 0" "$rc" 0
if prove -e cat "$TMP/ok.tap" >"$TMP/prove.out" 2>&1; then ok "graded lab: prove passes"
else not_ok "graded lab: prove passes" "$(cat "$TMP/prove.out" "$TMP/ok.tap" "$TMP/ok.err")"; fi
expect_eq "graded lab: TAP, JUnit and results.json: 11 points, all passed" \
	"$(counts "$TMP/ok.tap" "$TMP/ok.xml" "$TMP/ok.json" | tr '\n' '/')" "11 0 0/11 0 0/11 0 0/"
expect_eq "graded lab: the kernel's states, in order" \
	"$(grep -o 'expect peer state [A-Z_0-9]*' "$TMP/ok.tap" | awk '{print $4}' | tr '\n' ' ')" \
	"SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED "
expect_eq "graded lab: ${data.tcp.len} checked" \
	"$(grep -c '^ok [0-9]* - check data.tcp.len == 13' "$TMP/ok.tap")" 1
if xmllint --noout "$TMP/ok.xml" 2>"$TMP/xml.err"; then ok "graded lab: the JUnit file is valid XML"
else not_ok "graded lab: the JUnit file is valid XML" "$(cat "$TMP/xml.err")"; fi
expect_eq "graded lab: nothing left in the peer's namespace" "$(peer_pids)" ""
expect_eq "graded lab: no socket left on the port" \
	"$(in_b ss -tanH '( sport = :9240 )' | grep -vc TIME-WAIT)" 0

# 2. The peer never writes, under --keep-going.
sed '/^peer write/d' "$LAB" >"$TMP/silent.lab"
in_a "$R" run "$TMP/silent.lab" --peer "$NS_B" -D SERVER="$IP_B" -D PORT=9241 --ghost "$GHOST" \
	--keep-going --tap --junit "$TMP/no.xml" --gradescope "$TMP/no.json" >"$TMP/no.tap" \
	2>"$TMP/no.err"; rc=$?
expect_eq "silent peer, --keep-going: exit 1" "$rc" 1
expect_eq "silent peer: the data expect fails" "$(grep -c '^not ok [0-9]* - expect data' "$TMP/no.tap")" 1
expect_eq "silent peer: both checks of the data are skipped" \
	"$(grep -c '^ok [0-9]* - check data\..* # SKIP' "$TMP/no.tap")" 2
expect_eq "silent peer: the close still passes (CLOSE_WAIT, LAST_ACK, CLOSED)" \
	"$(grep -E '^ok [0-9]* - expect peer state (CLOSE_WAIT|LAST_ACK|CLOSED)$' "$TMP/no.tap" | wc -l)" 3
expect_eq "silent peer: TAP, JUnit and results.json agree (8 passed, 1 failed, 2 skipped)" \
	"$(counts "$TMP/no.tap" "$TMP/no.xml" "$TMP/no.json" | tr '\n' '/')" "8 1 2/8 1 2/8 1 2/"
if xmllint --noout "$TMP/no.xml" 2>"$TMP/xml.err"; then ok "silent peer: the JUnit file is valid XML"
else not_ok "silent peer: the JUnit file is valid XML" "$(cat "$TMP/xml.err")"; fi
expect_eq "silent peer: nothing left in the peer's namespace" "$(peer_pids)" ""
