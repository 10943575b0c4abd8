#!/usr/bin/env bash
# Installable and trustworthy: make install, man pages, completion, running
# with capabilities instead of root, dropping root, bad input everywhere.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT

# 1. make install PREFIX=...: the binary finds its templates by bare name.
prefix=$TMP/prefix
if make -s -C "$ROOT" install PREFIX="$prefix" >/dev/null 2>&1; then
	out=$("$prefix/bin/rawcraft" show tcp-syn -i lo -D DST=127.0.0.2 -D PORT=80 2>&1)
	case $out in *"> 127.0.0.2:80 TCP [SYN]"*) ok "installed: shipped template found by bare name" ;;
	*) not_ok "installed: shipped template found by bare name" "$out" ;; esac
	for f in share/man/man1/rawcraft.1 share/man/man5/rawcraft-templates.5 \
		share/bash-completion/completions/rawcraft share/rawcraft/examples/handshake.lab; do
		[ -f "$prefix/$f" ] && ok "installed: $f" || not_ok "installed: $f" "missing"
	done
else
	not_ok "make install PREFIX=$prefix" "failed"
fi

# 2. The man pages render without a warning.
for page in rawcraft.1 rawcraft-templates.5; do
	warn=$(MANWIDTH=80 man --warnings -l "$ROOT/docs/$page" 2>&1 >/dev/null)
	expect_eq "man -l docs/$page: no warnings" "$warn" ""
done

# 3. Bash completion: subcommands, shipped names, fields after a layer.
complete_words() {	# WORD... : what completing the last word offers
	bash -c '
		export PATH="'"$ROOT"':$PATH"
		. "'"$ROOT"'/completion/rawcraft.bash"
		COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_rawcraft; printf "%s\n" "${COMPREPLY[@]}"' _ "$@" | sort | tr '\n' ' '
}
expect_eq "completion: subcommands" "$(complete_words rawcraft s)" "send show sniff "
expect_eq "completion: shipped templates" "$(complete_words rawcraft send tcp-sy)" "tcp-syn tcp-synack "
case $(complete_words rawcraft send x.pkt --fl) in *--flood*) ok "completion: send options" ;;
*) not_ok "completion: send options" "$(complete_words rawcraft send x.pkt --fl)" ;; esac
expect_eq "completion: send --tx's paths" "$(complete_words rawcraft send x.pkt --tx '')" \
	"auto packet qdisc xdp "
expect_eq "completion: decode's --ladder" "$(complete_words rawcraft decode x.pcap --la)" "--ladder "
case $(complete_words rawcraft send x.pkt --expect "'tcp fl") in *flags=*) ok "completion: fields after a layer" ;;
*) not_ok "completion: fields after a layer" "$(complete_words rawcraft send x.pkt --expect "'tcp fl")" ;; esac

# 4. Without root: with the capabilities set on the binary, send reaches the
#    peer; without them, exit 3 and the setcap hint.
capbin=$ROOT/build/cap
mkdir -p "$capbin"
cp "$R" "$capbin/rawcraft-cap" && cp "$R" "$capbin/rawcraft-plain"
printf 'arp tpa=%s\nexpect arp op=reply\n' "$IP_B" >"$TMP/arp.pkt"
cp "$ROOT/examples/arp-who-has.lab" "$TMP/who.lab"
chmod 0755 "$TMP" && chmod 0644 "$TMP/arp.pkt" "$TMP/who.lab"
as_nobody() { in_a setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
# A fake nft first on PATH: it notes who ran it, with what capabilities, in
# a folder anyone may write to, and fails.  rawcraft must never run it.
fakebin=$TMP/fakebin mark=$TMP/mark
mkdir -p "$fakebin" "$mark" && chmod 0755 "$fakebin" && chmod 0777 "$mark"
printf '#!/bin/sh\n{ id; grep ^CapEff: /proc/self/status; } >>%s/ran\nexit 1\n' "$mark" >"$fakebin/nft"
chmod 0755 "$fakebin/nft"
fake_ran() { cat "$mark/ran" 2>/dev/null; rm -f "$mark/ran"; }	# what it noted, once
if setcap cap_net_raw,cap_net_admin+ep "$capbin/rawcraft-cap" 2>/dev/null; then
	out=$(as_nobody "$capbin/rawcraft-cap" send "$TMP/arp.pkt" -i "$IF_A" 2>&1); rc=$?
	case "$rc:$out" in "0:"*"is at $MAC_B"*) ok "nobody with cap_net_raw,cap_net_admin: the ARP reply" ;;
	*) not_ok "nobody with capabilities" "exit $rc: $out" ;; esac
else
	not_ok "setcap on $capbin" "this filesystem keeps no file capabilities"
fi
# With file capabilities, they are given up too once the sockets are open;
# --block-rst passes CAP_NET_ADMIN on to nft, which removes its table.
if [ -x "$capbin/rawcraft-cap" ] && getcap "$capbin/rawcraft-cap" | grep -q net_raw; then
	as_nobody "$capbin/rawcraft-cap" send "$TMP/arp.pkt" -i "$IF_A" -c 4 --interval 200ms >/dev/null &
	pid=$!
	sleep 0.4
	caps=$(pgrep -n -f "rawcraft-cap send" | xargs -I{} awk '/^CapEff:/ {print $2}' /proc/{}/status)
	wait "$pid"
	expect_eq "nobody with capabilities: none left while replies are read" "$caps" "0000000000000000"
	out=$(as_nobody "$capbin/rawcraft-cap" run "$TMP/who.lab" -D TARGET="$IP_B" -i "$IF_A" --block-rst 2>&1); rc=$?
	left=$(in_a nft list tables 2>/dev/null | grep -c rawcraft)
	expect_eq "nobody with capabilities: run --block-rst works and removes its table" "$rc:$left" "0:0"
	# nft gets CAP_NET_ADMIN: one found on PATH would be any user's code.
	out=$(as_nobody env PATH="$fakebin:$PATH" "$capbin/rawcraft-cap" run "$TMP/who.lab" \
		-D TARGET="$IP_B" -i "$IF_A" --block-rst 2>&1); rc=$?
	left=$(in_a nft list tables 2>/dev/null | grep -c rawcraft)
	expect_eq "nobody with capabilities, a fake nft first on PATH: never run" "$(fake_ran)" ""
	expect_eq "nobody with capabilities, a fake nft first on PATH: the real one ran, table removed" \
		"$rc:$left" "0:0"
fi
out=$(as_nobody "$capbin/rawcraft-plain" send "$TMP/arp.pkt" -i "$IF_A" 2>&1); rc=$?
case "$rc:$out" in "3:"*"setcap cap_net_raw,cap_net_admin+ep"*) ok "nobody without capabilities: exit 3 with the setcap hint" ;;
*) not_ok "nobody without capabilities" "exit $rc: $out" ;; esac
rm -rf "$capbin"

# 5. Started as root: once the capture is open, the process is no longer root.
status_of() {	# the Uid line of rawcraft's /proc status while it runs
	local pid
	for _ in $(seq 50); do
		pid=$(pgrep -n -f "$R send arp-request -D TARGET=$IP_B -c 4") && break
		sleep 0.02
	done
	sleep 0.3
	awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status" 2>/dev/null
}
in_a "$R" send arp-request -D TARGET="$IP_B" -c 4 --interval 200ms >"$TMP/drop.out" &
uid=$(status_of); wait $!; rc=$?
expect_eq "root: uid is nobody's once sockets are open" "$uid" "65534 65534 65534 65534"
expect_eq "root: the probes still run to the end" "$rc:$(grep -c 'is at' "$TMP/drop.out")" "0:4"
in_a "$R" send arp-request -D TARGET="$IP_B" -c 4 --interval 200ms -Z root >/dev/null &
uid=$(status_of); wait $!
expect_eq "-Z root: stays root" "$uid" "0 0 0 0"
err=$("$R" send arp-request -D TARGET="$IP_B" -Z no-such-user-here 2>&1); rc=$?
expect_eq "-Z unknown user: exit 2, one line" "$rc:$(wc -l <<<"$err")" "2:1"

# 5b. The -w file is created before root is given up, even where nobody
#     may not write; a signal during the ARP lookup is a stop, not "no ARP
#     reply"; a reader that goes away costs neither the file nor the table.
mkdir -m 0700 "$TMP/rootonly"
out=$(in_a "$R" run "$TMP/who.lab" -D TARGET="$IP_B" -i "$IF_A" -w "$TMP/rootonly/run.pcap" 2>&1); rc=$?
n=$(tshark -r "$TMP/rootonly/run.pcap" 2>/dev/null | wc -l)
expect_eq "run -w in a root-only folder: written before root is given up" "$rc:$n" "0:2"
ip netns exec "$NS_A" "$R" send tcp-syn -D DST="10.$LAB_NET.0.77" -D PORT=80 -t 3s >"$TMP/arpsig.out" 2>&1 &
pid=$!
sleep 0.5
kill -INT "$pid"; wait "$pid"; rc=$?
expect_eq "SIGINT during the ARP lookup: exit 130, no 'no ARP reply'" \
	"$rc:$(grep -c 'no ARP reply' "$TMP/arpsig.out")" "130:0"
in_a "$R" send arp-request -D TARGET="$IP_B" -c 3 --interval 100ms -w "$TMP/pipe.pcap" | head -c 1 >/dev/null
n=$(tshark -r "$TMP/pipe.pcap" 2>/dev/null | wc -l)
expect_eq "stdout closed early (| head): the -w file still holds all 6 frames" "$n" 6
out=$(in_a "$R" run "$TMP/who.lab" -D TARGET="$IP_B" -i "$IF_A" --block-rst | head -c 1)
expect_eq "stdout closed early: --block-rst's table is still removed" \
	"$(in_a nft list tables 2>/dev/null | grep -c rawcraft)" 0

# 5c. As root too, nft is the system's, never PATH's: not for --block-rst,
#     not for the sweep every run starts with; none at all is one clear line.
for opt in --block-rst ""; do
	out=$(in_a env PATH="$fakebin:$PATH" "$R" run "$TMP/who.lab" -D TARGET="$IP_B" -i "$IF_A" $opt 2>&1); rc=$?
	expect_eq "root, a fake nft first on PATH: run ${opt:-without --block-rst} never runs it" \
		"$rc:$(fake_ran)" "0:"
done
expect_eq "root, a fake nft first on PATH: no table left" "$(in_a nft list tables 2>/dev/null | grep -c rawcraft)" 0
err=$(in_a unshare -m sh -c 'mount -t tmpfs none /usr/sbin && mount -t tmpfs none /usr/bin && exec "$@"' _ \
	"$R" run "$TMP/who.lab" -D TARGET="$IP_B" -i "$IF_A" --block-rst 2>&1 >/dev/null); rc=$?
expect_eq "no nft (empty /usr/sbin and /usr/bin): exit 3, the install hint" "$rc:$err" \
	"3:rawcraft: error: --block-rst: nft: nft is not installed (apt-get install nftables)"
cp /usr/sbin/nft "$TMP/nft-g+w" && chmod 0775 "$TMP/nft-g+w"
err=$(in_a unshare -m sh -c 'mount --bind "$0" /usr/sbin/nft && exec "$@"' "$TMP/nft-g+w" \
	"$R" run "$TMP/who.lab" -D TARGET="$IP_B" -i "$IF_A" --block-rst 2>&1 >/dev/null); rc=$?
expect_eq "a group-writable nft: refused, exit 3" "$rc:$err" \
	"3:rawcraft: error: --block-rst: nft: /usr/sbin/nft is not an executable only root can change: not run"

# 6. Bad input everywhere: one line, exit 2, nothing sent.
rx() { in_b cat "/sys/class/net/$IF_B/statistics/rx_packets"; }
"$PY" - "$TMP" "$IP_B" <<'PYEOF'
import sys
d, ip = sys.argv[1], sys.argv[2]
open(d + '/big.pkt', 'w').write('arp tpa=%s\n' % ip + '# padding\n' * 120000)
open(d + '/longline.pkt', 'w').write('arp tpa=%s ' % ip + ' ' * 70000 + '\n')
open(d + '/layers.pkt', 'w').write('vlan id=1\n' * 10000 + 'arp tpa=%s\n' % ip)
open(d + '/big.lab', 'w').write('send\n  arp tpa=%s\n' % ip + '# padding\n' * 120000)
open(d + '/nofile.pkt', 'w').write('ipv4 dst=%s\nudp dport=9\npayload file=/nonexistent/x\n' % ip)
open(d + '/dirfile.pkt', 'w').write('ipv4 dst=%s\nudp dport=9\npayload file=/\n' % ip)
PYEOF
before=$(rx)
bad() {	# NAME PATTERN CMD...: exit 2, one line on stderr matching PATTERN
	local name=$1 pat=$2 err rc
	shift 2
	err=$(in_a "$R" "$@" 2>&1 >/dev/null); rc=$?
	if [ "$rc" = 2 ] && [ "$(wc -l <<<"$err")" = 1 ] && grep -qE -e "$pat" <<<"$err"; then
		ok "bad input: $name"
	else
		not_ok "bad input: $name" "exit $rc: $err"
	fi
}
bad "template over 1 MiB" "big.pkt:1:1: error: .*at most 1 MiB" send "$TMP/big.pkt" -i "$IF_A"
bad "scenario over 1 MiB" "big.lab:1:1: error: .*at most 1 MiB" run "$TMP/big.lab" -i "$IF_A"
bad "line over 64 KiB" "longline.pkt:1:65537: error: .*64 KiB" send "$TMP/longline.pkt" -i "$IF_A"
bad "10000 layers" "layers.pkt:[0-9]+:1: error: too many layers" send "$TMP/layers.pkt" -i "$IF_A"
bad "payload file missing" "nofile.pkt:3:[0-9]+: error: .*No such file" send "$TMP/nofile.pkt" -i "$IF_A"
bad "payload file a directory" "dirfile.pkt:3:[0-9]+: error: payload file: /: not a regular file$" send "$TMP/dirfile.pkt" -i "$IF_A"
bad "-D without =" "-D takes NAME=VALUE" send arp-request -D TARGET -i "$IF_A"
bad "--rate 0" "--rate takes" send arp-request -D TARGET="$IP_B" --rate 0 -i "$IF_A"
bad "negative count" "-c takes a count" send arp-request -D TARGET="$IP_B" -c -5 -i "$IF_A"
expect_eq "bad input: nothing reached the peer" "$(( $(rx) - before ))" 0
