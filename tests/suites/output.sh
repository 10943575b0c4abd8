#!/usr/bin/env bash
# Every write checked, without root: stdout on /dev/full and -w on
# /dev/full are exit 3 with one message, a lost warning on stderr is no
# success, a reader gone (| head) is 141 with a -w file closed whole, and
# with stdout closed no text goes into the pcap.
. "$(dirname "$0")/../lib.sh"
R=$RAWCRAFT
printf 'ipv4 src=192.0.2.1 dst=192.0.2.2\nudp sport=1000..3999 dport=9\n' >"$TMP/u.pkt"
"$R" show "$TMP/u.pkt" -w "$TMP/u.pcap" >/dev/null
full="No space left on device"

# 1. stdout on /dev/full: a few lines (written at exit) and many (mid-run).
for cmd in "show $TMP/u.pkt -c 3" "show $TMP/u.pkt" "fields" "fields udp" \
	"decode $TMP/u.pcap -c 2" "decode $TMP/u.pcap" "decode $TMP/u.pcap -v --json" \
	"--help"; do
	# shellcheck disable=SC2086
	err=$("$R" $cmd 2>&1 >/dev/full); rc=$?
	expect_eq "rawcraft $cmd >/dev/full: exit 3 with one message" "$rc:$err" \
		"3:rawcraft: error: writing standard output: $full"
done

# 2. -w on /dev/full.
for cmd in "show $TMP/u.pkt -c 3" "decode $TMP/u.pcap"; do
	# shellcheck disable=SC2086
	err=$("$R" $cmd -w /dev/full 2>&1 >/dev/null); rc=$?
	expect_eq "rawcraft $cmd -w /dev/full: exit 3 with one message" "$rc:$err" \
		"3:rawcraft: error: writing /dev/full: $full"
done

# 3. A warning lost on stderr: exit 3, not 0.
printf 'ipv6 dst=2001:db8::1 hlim=0\nudp dport=9\n' >"$TMP/warn.pkt"
"$R" show "$TMP/warn.pkt" >/dev/null 2>/dev/full; rc=$?
expect_eq "show with a warning 2>/dev/full: exit 3" "$rc" 3

# 4. stdout closed: the pcap gets the frames and no text (more than a
#    buffer of it, flushed while the pcap is open).
"$R" show "$TMP/u.pkt" -c 300 -w "$TMP/closed.pcap" >&-; rc=$?
n=$(capinfos -c -M "$TMP/closed.pcap" 2>&1 | awk '/Number of packets/ {print $NF}')
size=$(stat -c %s "$TMP/closed.pcap")
expect_eq "show -w f.pcap >&-: exit 0, 300 frames, the file is pcap only" "$rc:$n:$size" \
	"0:300:$((24 + 300 * (16 + 42)))"

# 5. A reader gone: 141, and what -w holds is whole, never cut mid-record.
for cmd in "show $TMP/u.pkt" "decode $TMP/u.pcap"; do
	# shellcheck disable=SC2086
	"$R" $cmd -w "$TMP/pipe.pcap" 2>"$TMP/pipe.err" | head -1 >/dev/null
	rc=${PIPESTATUS[0]}
	bad=$(tshark -r "$TMP/pipe.pcap" 2>&1 >/dev/null | grep -vc '^Running as user')
	expect_eq "rawcraft $cmd -w f.pcap | head -1: exit 141, silent, f.pcap whole" \
		"$rc:$(cat "$TMP/pipe.err"):$bad" "141::0"
done

# 6. SIGTERM mid-run (once the -w file has bytes, so the handler is set):
#    143, the frames shown are all in -w and it ends at a frame's end.
#    decode reads a pipe that stays open, so it is still reading when told.
"$R" show "$TMP/u.pkt" -c 3000 -w "$TMP/many.pcap" >/dev/null
signalled() {	# LABEL OUT.pcap: $pid is running and writing OUT.pcap
	for _ in $(seq 100); do [ -s "$2" ] && break; sleep 0.05; done
	sleep 0.1
	kill -TERM "$pid"
	wait "$pid"; rc=$?
	bad=$(tshark -r "$2" 2>&1 >/dev/null | grep -vc '^Running as user')
	n=$(capinfos -c -M "$2" 2>/dev/null | awk '/Number of packets/ {print $NF}')
	shown=$(grep -c '^[0-9]' "$TMP/sig.txt")
	expect_eq "$1: SIGTERM gives 143, f.pcap whole, with every frame shown" \
		"$rc:$bad:$n" "143:0:$shown"
	[ "${n:-0}" -gt 0 ] || not_ok "$1: frames were written before the signal" "${n:-none}"
}
timeout 60 "$R" show "$TMP/u.pkt" -c 100000000 -w "$TMP/sig1.pcap" >"$TMP/sig.txt" & pid=$!
signalled "show -c 100000000 -w f.pcap" "$TMP/sig1.pcap"
{ cat "$TMP/many.pcap"; sleep 10; } | timeout 60 "$R" decode - -w "$TMP/sig2.pcap" >"$TMP/sig.txt" &
pid=$!
signalled "decode - -w f.pcap (the pipe still open)" "$TMP/sig2.pcap"
