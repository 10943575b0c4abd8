#!/usr/bin/env bash
# The errors a student makes, explained: a layer line not indented, an
# expect before any send, -i lo, a payload that differs (both sides in one
# form, the first differing byte marked), the host kernel's RST told after
# its frame, and the view's time column (the -w file's frame.time_relative).
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT

# 1. A layer line at column 0: one line, FILE:LINE:COL, exit 2.
printf 'send syn\nipv4 dst=10.0.0.2\n  tcp dport=80 flags=S\n' >"$TMP/flat.lab"
out=$("$R" run "$TMP/flat.lab" -i nosuch0 2>&1); rc=$?
expect_eq "a layer line not indented: exit 2, one line, the fix" "$rc: $out" \
	"2: $TMP/flat.lab:2:1: error: 'ipv4' is a layer line: indent the layer lines of a step (send or expect) by two spaces"

# 2. An expect before any send: FILE:LINE:COL and `any`; with `any` it is taken.
printf 'set x 1\nexpect arp within 1s\n  arp op=request\n' >"$TMP/first.lab"
out=$("$R" run "$TMP/first.lab" -i nosuch0 2>&1); rc=$?
expect_eq "an expect first: exit 2, one line, add any" "$rc: $out" \
	"2: $TMP/first.lab:2:1: error: expects wait for a reply to the last send, and none came before this one; add \`any\` to sniff: expect arp any"
printf 'expect arp any within 1s\n  arp op=request\n' >"$TMP/sniff.lab"
out=$("$R" run "$TMP/sniff.lab" -i nosuch0 2>&1); rc=$?
case "$rc:$out" in 3:*nosuch0*) ok "expect any first: accepted (only the interface is missing)" ;;
*) not_ok "expect any first: accepted" "exit $rc: $out" ;; esac

# 3. -i lo: said to be the loopback, with what to use instead (in A's own lo).
out=$(in_a "$R" send icmp-echo -D DST=127.0.0.1 -i lo -t 200ms 2>&1 >/dev/null)
case $out in "rawcraft: warning: lo is the loopback: nobody answers ARP there"*"veth pair into a network namespace"*)
	ok "-i lo: told it is the loopback, and what to use" ;;
*) not_ok "-i lo: told it is the loopback" "$out" ;; esac
n=$(grep -c "lo is the loopback" <<<"$out")
expect_eq "-i lo: told once" "$n" 1

# 4. A payload that differs: both sides as text, the first differing byte marked.
lab_udp_echo 7008
cat >"$TMP/payload.lab" <<LAB
send probe
  ipv4 dst=$IP_B
  udp dport=7008
  payload text="Hello World!"
expect echo within 500ms
  udp sport=7008
  payload text="Hello world!"
LAB
out=$(in_a "$R" run "$TMP/payload.lab" 2>&1); rc=$?
expect_eq "a payload that differs: exit 1" "$rc" 1
case $out in *'payload: got "Hello [W]orld!", wanted "Hello [w]orld!" (12 bytes, wanted 12; first difference at byte 6)'*)
	ok "a payload that differs: both sides as text, the first differing byte marked" ;;
*) not_ok "a payload that differs: both sides as text, the first differing byte marked" "$out" ;; esac
kill $(ip netns pids "$NS_B") 2>/dev/null; wait

# 5. The kernel's RST notice comes right after the RST's frame, which comes
# after the SYN/ACK it answers; 6. the time column is the -w file's.
lab_server 9230 "$TMP/got"
out=$(in_a "$R" run "$ROOT/examples/handshake.lab" -D SERVER="$IP_B" -w "$TMP/rst.pcap" 2>&1)
notice=$(grep -n '^   ! the host kernel sent' <<<"$out" | cut -d: -f1)
rst=$(grep -n '(kernel) .*TCP \[RST\]' <<<"$out" | head -1 | cut -d: -f1)
synack=$(grep -n 'TCP \[SYN, ACK\]' <<<"$out" | head -1 | cut -d: -f1)
if [ -n "$notice" ] && [ -n "$rst" ] && [ -n "$synack" ] && [ "$notice" -eq $((rst + 1)) ] &&
	[ "$synack" -lt "$rst" ]; then
	ok "the kernel's RST notice follows its frame, after the SYN/ACK"
else
	not_ok "the kernel's RST notice follows its frame, after the SYN/ACK" "$out"
fi
lab_wait_file "$TMP/got"; wait
view=$(grep -oE '^#[0-9]+ +[0-9]+\.[0-9]{6}' <<<"$out" | awk '{print $2}' | tr '\n' ' ')
file=$(tshark -r "$TMP/rst.pcap" -T fields -e frame.time_relative 2>/dev/null |
	awk '{printf "%.6f ", $1}')
if [ -n "$view" ] && [ "$view" = "$file" ]; then
	ok "the view's time column is the -w file's frame.time_relative, frame by frame"
else
	not_ok "the view's time column is the -w file's frame.time_relative" "view: $view; file: $file"
fi
case $(head -1 <<<"$out") in "#1    0.000000 "*) ok "the view's first frame is at 0.000000" ;;
*) not_ok "the view's first frame is at 0.000000" "$(head -1 <<<"$out")" ;; esac
