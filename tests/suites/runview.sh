#!/usr/bin/env bash
# rawcraft run's view: every frame of the run, as many as its -w file holds
# and in the file's order (with --ghost, with --block-rst and with neither),
# each analysed among all of them: after the host kernel's RST no end is
# ESTABLISHED; an ACK that acknowledges no SYN leaves the peer SYN_RECEIVED
# as ss shows it, and its retransmitted SYN/ACK is marked; an expect that
# takes a frame received before it waited names it; the outputs
# docs/scenarios.md shows.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
if ! command -v tshark >/dev/null; then
	not_ok "run's view against its -w file" "tshark is not installed (tests/deps.sh installs it)"
	exit 0
fi
R=$RAWCRAFT
GHOST="10.$LAB_NET.0.99"
DOC=$ROOT/docs/scenarios.md
. "$TESTS_DIR/docs.sh"
# The docs' lab: 10.9.0.0/24, A .1 at 02:00:00:00:00:01, B .2 at ...:02,
# .99 nobody's; the shipped examples where `make install` puts them.
doc_norm() { lab_norm -e "s|$ROOT/examples/|/usr/local/share/rawcraft/examples/|g"; }
# Neither kernel knows the other's MAC: each run's lookups are its own.
flush_neighbors() { ip -n "$NS_A" neigh flush dev "$IF_A"; ip -n "$NS_B" neigh flush dev "$IF_B"; }

# json_vs_pcap JSON PCAP: "N M SAME": the frame objects of a --json view,
# the frames of the pcap as tshark reads them, and how many agree in place
# (number, length, Ethernet source and destination).
json_vs_pcap() {
	tshark -r "$2" -T fields -e frame.number -e frame.len -e eth.src -e eth.dst \
		2>/dev/null >"$TMP/tshark.txt"
	"$PY" - "$1" "$TMP/tshark.txt" <<'PYEOF'
import json, sys
view = []
for line in open(sys.argv[1]):
    o = json.loads(line) if line.startswith('{') else {}
    if 'frame' in o:
        view.append([str(o['frame']), str(o['len']), o['eth']['src'], o['eth']['dst']])
file = [l.rstrip('\n').split('\t') for l in open(sys.argv[2]) if l.strip()]
print(len(view), len(file), sum(a == b for a, b in zip(view, file)))
PYEOF
}
# json_after_rst JSON: "us/peer" of each frame from the host kernel's first
# RST on.
json_after_rst() {
	"$PY" - "$1" <<'PYEOF'
import json, sys
seen = False
for line in open(sys.argv[1]):
    o = json.loads(line) if line.startswith('{') else {}
    if o.get('by') == 'kernel' and 'R' in o.get('tcp', {}).get('flags', ''):
        seen = True
    if seen and 'state_us' in o:
        print('%s/%s' % (o['state_us'], o['state_peer']), end=' ')
PYEOF
}

# 1. handshake with each remedy and with none: the --json view holds the
#    -w file's frames in its order; without a remedy the kernel's RST
#    closes the connection in the view: CLOSED / LISTEN from it on.
for remedy in "--ghost $GHOST" "--block-rst" ""; do
	r=${remedy%% *}
	r=${r:-"no remedy"}
	flush_neighbors
	lab_server 9230 "$TMP/got"
	# shellcheck disable=SC2086
	in_a "$R" run handshake -D SERVER="$IP_B" $remedy --json -w "$TMP/h.pcap" >"$TMP/h.json"; rc=$?
	read -r nview nfile same <<<"$(json_vs_pcap "$TMP/h.json" "$TMP/h.pcap")"
	if [ "$nview" = "$nfile" ] && [ "$same" = "$nfile" ] && [ "$nfile" -ge 10 ]; then
		ok "handshake $r: --json holds the $nfile frames of its -w file, in its order"
	else
		not_ok "handshake $r: --json holds the frames of its -w file, in its order" \
			"view $nview, file $nfile, alike in place $same"
	fi
	if [ -n "$remedy" ]; then
		expect_eq "handshake $r: exit 0" "$rc" 0
	else
		states=$(json_after_rst "$TMP/h.json")
		case "$rc:$states" in "1:CLOSED/LISTEN "*ESTABLISHED*) not_ok "handshake $r: the kernel's RST closes the connection in the view" "exit $rc, states $states" ;;
		"1:CLOSED/LISTEN "*) ok "handshake $r: the kernel's RST closes the connection in the view (CLOSED / LISTEN), no end ESTABLISHED after it" ;;
		*) not_ok "handshake $r: the kernel's RST closes the connection in the view" "exit $rc, states from it on: '$states'" ;; esac
	fi
	lab_wait_file "$TMP/got"
	rm -f "$TMP/got"
	wait
done

# 2. The same without a remedy as people read it, and as the docs show it.
flush_neighbors
lab_server 9230 "$TMP/got"
out=$(in_a "$R" run handshake -D SERVER="$IP_B" -w "$TMP/h.pcap" 2>&1); rc=$?
n=$(view_count "$out" "$TMP/h.pcap")
expect_eq "handshake, no remedy: the view's lines are the -w file's frames ($n)" "${n% *}" "${n#* }"
expect_eq "handshake, no remedy: no end ESTABLISHED after the kernel's RST" "$(established_after_rst "$out")" 0
# The kernel's RST has no ACK flag and an ack field of 0, which the
# analysis (as Wireshark's) takes for an ACK: of the SYN/ACK too when the
# server's ISN + 1 is 2^31 or more.  Our ACK (#8) then acknowledges no frame.
isn=$(grep -F 'TCP [SYN, ACK] ' <<<"$out" | grep -o 'abs seq=[0-9]*' | tr -dc 0-9)
[ "${isn:-0}" -ge 2147483647 ] && DOC_FIX='/^#8 /s/ \[ACK of #4, [^]]*\]//'
# shellcheck disable=SC2046
doc_check handshake-kernel-rst "rawcraft run handshake -D SERVER=$IP_B" "$out" $(handshake_pairs "$out")
DOC_FIX=
lab_wait_file "$TMP/got"; rm -f "$TMP/got"; wait

# 3. An ACK that acknowledges no SYN of the peer's: the peer stays
#    SYN_RECEIVED in the view, through its RST to that ACK (at the ACK's
#    number, not its own) and its retransmitted SYN/ACK, as ss shows it.
lab_server 9232 "$TMP/bad"
cat >"$TMP/badack.lab" <<LAB
send syn
  ipv4 dst=$IP_B
  tcp dport=9232 flags=S seq=100
expect synack within 2s
  tcp flags=SA ack=101
send badack
  ipv4 dst=$IP_B
  tcp dport=9232 flags=A seq=101 ack=\${synack.tcp.seq + 5}
sleep 2s
LAB
out=$(in_a "$R" run "$TMP/badack.lab" --ghost "$GHOST" -w "$TMP/bad.pcap" 2>&1); rc=$?
after=$(sed -n '/ badack /,$p' <<<"$out")
expect_eq "bad ACK: exit 0" "$rc" 0
expect_eq "bad ACK: the peer is SYN_RECEIVED in every frame from the bad ACK on" \
	"$(grep -c 'peer SYN_RECEIVED\]$' <<<"$after"):$(grep -c . <<<"$after")" "3:3"
case $after in *"TCP [RST] seq=5 "*"TCP [SYN, ACK] seq=0 ack=1 "*"[Retransmission]"*) ok "bad ACK: the peer's RST at the ACK's number, then its SYN/ACK again, marked [Retransmission]" ;;
*) not_ok "bad ACK: the peer's RST, then its SYN/ACK marked [Retransmission]" "$after" ;; esac
expect_eq "bad ACK: ss in the peer's namespace shows the connection SYN-RECV" \
	"$(in_b ss -tanH "( sport = :9232 )" | awk -v g="$GHOST" '$1 == "SYN-RECV" && index($5, g ":") == 1' | wc -l)" 1
n=$(view_count "$out" "$TMP/bad.pcap")
expect_eq "bad ACK: the view's lines are the -w file's frames ($n)" "${n% *}" "${n#* }"
wait

# 4. A SYN/ACK that arrives while the scenario sleeps is shown when it
#    arrives; the expect that takes it later names it: "took #N" in the
#    text, {"took": N} in --json.  The scenario is the docs' own.
doc_block late.lab >"$TMP/late.lab"
flush_neighbors
lab_server 9233 "$TMP/late"
out=$(in_a "$R" run "$TMP/late.lab" -D SERVER="$IP_B" --ghost "$GHOST" 2>&1); rc=$?
no=$(grep '^#[0-9]* .* TCP \[SYN, ACK\]' <<<"$out" | grep -o '^#[0-9]*')
case "$rc:$out" in "0:"*"$no "*"<          "*"[SYN, ACK]"*"< synack   took $no"*) ok "took: the SYN/ACK shown when it arrived ($no), the expect names it" ;;
*) not_ok "took: the SYN/ACK shown when it arrived, the expect names it" "exit $rc: $out" ;; esac
doc_check late "rawcraft run late.lab -D SERVER=$IP_B --ghost $GHOST" "$out" $(handshake_pairs "$out")
wait
lab_server 9233 "$TMP/late"
in_a "$R" run "$TMP/late.lab" -D SERVER="$IP_B" --ghost "$GHOST" --json -w "$TMP/late.pcap" >"$TMP/late.json"; rc=$?
got=$("$PY" - "$TMP/late.json" <<'PYEOF'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{')]
took = [o for o in objs if 'took' in o]
frames = {o['frame']: o for o in objs if 'frame' in o}
f = frames.get(took[0]['took'], {}) if len(took) == 1 else {}
print(took[0]['step'] if took else '-', f.get('direction'), f.get('tcp', {}).get('flags'), 'step' in f)
PYEOF
)
expect_eq "took --json: one {\"took\":N} of synack, frame N the SYN/ACK received with no step" "$rc:$got" "0:synack received SA False"
read -r nview nfile same <<<"$(json_vs_pcap "$TMP/late.json" "$TMP/late.pcap")"
expect_eq "took --json: the frames of its -w file, in its order" "$nview:$same" "$nfile:$nfile"
wait
