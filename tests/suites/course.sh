#!/usr/bin/env bash
# examples/course: lab.sh up makes the network, every lab passes in it
# against the real kernels, lab.sh down leaves nothing; README's "For
# students" shows what these runs print.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
. "$TESTS_DIR/docs.sh"
COURSE=$ROOT/examples/course
LABSH=$COURSE/lab.sh
export DOC=$ROOT/README.md	# for docs.sh
# The course's namespaces are $LAB_ID-client ...: tests/lab.sh's trap
# removes them, whatever happens here.
NAME=$LAB_ID
links_before=$(ip -br link | awk '{print $1}' | sort)

# README shows the default name, "course", and the repository's paths.
doc_norm() { sed -e "s/\\b$NAME\\b/course/g" -e "s|$ROOT/||g"; }

# lab_start: the course's network, or one failing line.
lab_start() {
	up_out=$("$LABSH" up "$NAME" 2>&1) && return 0
	echo "not ok - course: lab.sh up failed: $up_out"
	return 1
}

# 1. up: three namespaces, what it made and how to run the first lab.
lab_start || exit 0
expect_eq "lab.sh up: the client, server and router namespaces" \
	"$(ip netns list | awk '{print $1}' | grep "^$NAME-" | sort | tr '\n' ' ')" \
	"$NAME-client $NAME-router $NAME-server "
doc_check lab-up "examples/course/lab.sh up" "$up_out"
out=$("$LABSH" up "$NAME" 2>&1); rc=$?
case "$rc:$out" in "3:"*"namespace $NAME-client exists already"*"down $NAME"*)
	ok "lab.sh up twice: refused (exit 3), says to run down" ;;
*) not_ok "lab.sh up twice: refused (exit 3), says to run down" "exit $rc: $out" ;; esac

# lab_cmd LAB: the command LAB's comment shows ("#   ip netns exec
# course-client rawcraft run examples/course/LAB ..."), for this network.
lab_cmd() {
	grep -m1 "^#   ip netns exec course-client rawcraft run examples/course/$1" "$COURSE/$1" |
		sed -e 's/^#   //' -e "s/\\bcourse-/$NAME-/g" -e "s|rawcraft run examples/course/|$RAWCRAFT run $COURSE/|"
}

# 2. Every lab, as its comment runs it; outs[LAB] is what it printed.
declare -A outs
for lab in "$COURSE"/*.lab; do
	l=$(basename "$lab")
	cmd=$(lab_cmd "$l")
	if [ -z "$cmd" ]; then not_ok "$l: shows how to run it" "no '#   ip netns exec course-client rawcraft run' line"; continue; fi
	# shellcheck disable=SC2086
	out=$($cmd 2>&1); rc=$?
	if [ $rc -eq 0 ]; then ok "$l: passes (exit 0)"
	else not_ok "$l: passes (exit 0)" "exit $rc"; sed 's/^/# /' <<<"$out" | tail -20; fi
	outs[$l]=$out
	# Again with --tap: a test point for each expect and check, every one ok.
	want=$(grep -cE '^(expect|check) ' "$lab")
	# shellcheck disable=SC2086
	tap=$($cmd --tap 2>/dev/null); rc=$?
	got=$(grep -cE '^ok [0-9]+ - ' <<<"$tap")
	if [ $rc -eq 0 ] && [ "$got" = "$want" ] && grep -qx "1..$want" <<<"$tap" &&
	   ! grep -qE '^not ok|# SKIP' <<<"$tap"; then
		ok "$l --tap: $want test points, every one ok"
	else
		not_ok "$l --tap: $want test points, every one ok" "exit $rc, $got ok"
		sed 's/^/# /' <<<"$tap" | tail -20
	fi
done

# The labs leave nothing in the server but the TIME_WAIT of those where it
# closed first (05, 07): no listener, no connection.
expect_eq "after the labs the server holds no socket but TIME_WAIT ones" \
	"$(ip netns exec "$NAME-server" ss -tanH | awk '$1 != "TIME-WAIT"')" ""

# 3. What the labs' comments promise that their own output cannot show.
expect_eq "01-arp.lab: prints the server's MAC" "$(tail -1 <<<"${outs[01-arp.lab]}")" \
	"10.13.0.2 is at $(ip -n "$NAME-server" -br link show to-client | awk '{print $3}')"
doc_check first-lab "ip netns exec course-client ./rawcraft run examples/course/01-arp.lab" \
	"${outs[01-arp.lab]}"
# The TCP lab README shows, with its port and the server's ISN as README has them.
# shellcheck disable=SC2046
doc_check tcp-lab "ip netns exec course-client ./rawcraft run examples/course/08-rst.lab --peer course-server --block-rst" \
	"${outs[08-rst.lab]}" $(handshake_pairs "${outs[08-rst.lab]}")
# The server sees the router's address, not ours: masquerade.
ip netns exec "$NAME-server" timeout 10 "$RAWCRAFT" sniff -i to-router -c 1 icmp >"$TMP/sniff" 2>&1 &
for _ in $(seq 50); do [ "$(ip netns exec "$NAME-server" wc -l </proc/net/packet)" -gt 1 ] && break; sleep 0.1; done
cmd=$(lab_cmd 12-nat.lab)
$cmd >/dev/null 2>&1
wait
case $(head -1 "$TMP/sniff") in *"10.13.2.254 > 10.13.2.2 ICMP Echo (ping) request"*)
	ok "12-nat.lab: the server's echo request comes from the router (masquerade)" ;;
*) not_ok "12-nat.lab: the server's echo request comes from the router (masquerade)" "$(cat "$TMP/sniff")" ;; esac

# ss_name STATE: STATE as `ss -tan` writes it (CLOSED: no socket at all).
ss_name() {
	case $1 in
	SYN_RECEIVED | SYN_RECV) echo SYN-RECV ;; ESTABLISHED) echo ESTAB ;;
	FIN_WAIT1 | FIN_WAIT_1) echo FIN-WAIT-1 ;; FIN_WAIT2 | FIN_WAIT_2) echo FIN-WAIT-2 ;;
	CLOSED) echo none ;; *) echo "${1//_/-}" ;;
	esac
}

# ss_at LAB LINE: LAB run up to its `expect peer state` at LINE and held
# there (a print, then a sleep that SIGINT ends); prints what `ss -tan`
# shows in the server namespace then for the run's connection (by its
# client port: the SYN's, the step every such lab names "syn"; a late
# segment of the previous run may come first), "none" for no socket.
ss_at() {
	local cmd pid port state
	{ head -n "$2" "$COURSE/$1"; printf 'print "held"\nsleep 10s\n'; } >"$TMP/held-$1"
	cmd=$(lab_cmd "$1" | sed "s|$COURSE/$1|$TMP/held-$1|")
	# Emptied first: the background shell opens the file when it pleases.
	: >"$TMP/held.out"
	# shellcheck disable=SC2086
	$cmd >>"$TMP/held.out" 2>&1 &
	pid=$!	# ip netns exec execs rawcraft: this is its pid
	for _ in $(seq 100); do grep -qx held "$TMP/held.out" && break; sleep 0.05; done
	port=$(grep -m1 -oE ' > syn +10\.13\.[0-9.]+:[0-9]+ ' "$TMP/held.out" | grep -oE '[0-9]+ $')
	state=$(ip netns exec "$NAME-server" ss -tanH "( dport = :${port:-1} )" | awk '{print $1}')
	if [ -z "$port" ]; then echo "no SYN in the run's view: $(head -3 "$TMP/held.out")"
	elif grep -qx held "$TMP/held.out"; then echo "${state:-none}"
	else echo "the run never got there: $(tail -3 "$TMP/held.out")"; fi
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
}

# 3b. Each TCP-state lab's `expect peer state` is what ss shows.
for lab in "$COURSE"/*.lab; do
	l=$(basename "$lab")
	grep -n '^expect peer state ' "$lab" | while IFS=: read -r line step; do
		want=$(set -- $step; echo "$4")
		expect_eq "$l:$line: expect peer state $want is what ss -tan shows in the server namespace" \
			"$(ss_at "$l" "$line")" "$(ss_name "$want")"
	done
done

# 4. down: nothing left, here or in the host's links.
out=$("$LABSH" down "$NAME" 2>&1); rc=$?
expect_eq "lab.sh down: exit 0, no namespace left" \
	"$rc:$(ip netns list | grep -c "^$NAME-")" "0:0"
doc_check lab-down "examples/course/lab.sh down" "$out"
expect_eq "lab.sh down: the host's links are as before" "$(ip -br link | awk '{print $1}' | sort)" "$links_before"

# 5. Usage, and an up that fails half-way (no nft) leaves what down removes.
out=$("$LABSH" 2>&1); rc=$?
case "$rc:$out" in "2:usage: "*"lab.sh up|down [NAME]") ok "lab.sh without a command: usage, exit 2" ;;
*) not_ok "lab.sh without a command: usage, exit 2" "exit $rc: $out" ;; esac
mkdir -p "$TMP/nonft"
printf '#!/bin/sh\necho "nft: not here" >&2\nexit 1\n' >"$TMP/nonft/nft"
chmod +x "$TMP/nonft/nft"
out=$(PATH=$TMP/nonft:$PATH "$LABSH" up "$NAME" 2>&1); rc=$?
case "$rc:$out" in "3:"*"down $NAME"*) ok "lab.sh up without nft: exit 3, names down" ;;
*) not_ok "lab.sh up without nft: exit 3, names down" "exit $rc: $out" ;; esac
"$LABSH" down "$NAME" >/dev/null 2>&1; rc=$?
expect_eq "lab.sh down after a failed up: exit 0, no namespace left, the host's links as before" \
	"$rc:$(ip netns list | grep -c "^$NAME-"):$(ip -br link | awk '{print $1}' | sort | tr '\n' ' ')" \
	"0:0:$(tr '\n' ' ' <<<"$links_before")"
