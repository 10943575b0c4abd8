#!/usr/bin/env bash
# Runs the suites, first with ./rawcraft, then with the ASan+UBSan build,
# the cmocka units, the fuzz corpora replayed, and a short fuzz campaign.
# Suites print TAP lines ("ok - name", "not ok - name: why"); the last line
# here is "N passed, N failed".
#   tests/run.sh                 everything (root: namespaces, real peers)
#   tests/run.sh --offline       what needs neither root nor the network
#   tests/run.sh SUITE...        chosen suites (golden send unit fuzz ...)
set -u
cd "$(dirname "$0")/.."
root=$PWD
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=99
export PY=/usr/bin/python3	# Debian's, where python3-scapy lives
export RAWCRAFT_TEMPLATES=$root/templates
pass=0 fail=0
log=$(mktemp)
trap 'rm -f "$log" "$log".*' EXIT

tally() {	# tally LABEL: reads TAP on stdin
	local label=$1 line
	while IFS= read -r line; do
		case $line in
		"ok "*) pass=$((pass + 1)) ;;
		"not ok "*) fail=$((fail + 1)); echo "FAIL [$label] ${line#not ok }" ;;
		*) continue ;;
		esac
	done
}

run_suite() {	# run_suite BINARY SCRIPT OUT: its TAP in OUT, its status in OUT.rc
	RAWCRAFT=$1 "$2" >"$3" 2>&1
	echo $? >"$3.rc"
}

report() {	# report LABEL SCRIPT OUT: what run_suite left
	local label=$1 script=$2 log=$3 rc
	rc=$(cat "$log.rc")
	tally "$label $(basename "$script" .sh)" <"$log"
	if ! grep -qE '^(not )?ok ' "$log"; then
		fail=$((fail + 1))
		echo "FAIL [$label $(basename "$script" .sh)] reported no results (exit $rc):"
		tail -20 "$log"
	elif [ $rc -ne 0 ] && ! grep -q '^not ok ' "$log"; then
		fail=$((fail + 1))
		echo "FAIL [$label $(basename "$script" .sh)] exited $rc after passing tests:"
		tail -20 "$log"
	fi
}

offline=false
chosen=()
for a in "$@"; do
	case $a in
	--offline) offline=true ;;
	-*) echo "usage: tests/run.sh [--offline] [SUITE...]" >&2; exit 2 ;;
	*) chosen+=("$a") ;;
	esac
done
wanted() {	# wanted NAME: chosen on the command line, or all are
	[ ${#chosen[@]} -eq 0 ] && return 0
	local c
	for c in "${chosen[@]}"; do [ "$c" = "$1" ] && return 0; done
	return 1
}
for c in "${chosen[@]}"; do
	[ -f "tests/suites/$c.sh" ] || [ "$c" = unit ] || [ "$c" = fuzz ] ||
		{ echo "tests/run.sh: no suite '$c' (see tests/suites/)" >&2; exit 2; }
done

# Suites without a lab run as tasks (a suite with one build), as many at
# once as there are cores: a core that finishes the release run of a suite
# takes the next task instead of waiting for the sanitized one.  Lab suites
# then run one at a time: labs time replies.
serial_suites=() pooled=() i=0
for s in tests/suites/*.sh; do
	wanted "$(basename "$s" .sh)" || continue
	# A suite that starts a namespace lab needs root and the network.
	lab=false serial=false
	grep -q lab_start "$s" && lab=true serial=true
	$offline && $lab && continue
	grep -q 'make -s -C' "$s" && serial=true	# one build tree
	if $serial; then serial_suites+=("$s"); else pooled+=("$s"); fi
done
jobs_max=$(nproc 2>/dev/null || echo 2)
for s in "${pooled[@]}"; do
	for b in rel asan; do
		while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
		bin=$root/rawcraft
		[ $b = asan ] && bin=$root/build/asan/rawcraft
		run_suite "$bin" "$s" "$log.$i.$b" &
	done
	i=$((i + 1))
done
wait
i=0
for s in "${pooled[@]}"; do
	report rel "$s" "$log.$i.rel"
	report asan "$s" "$log.$i.asan"
	i=$((i + 1))
done
for s in "${serial_suites[@]}"; do
	run_suite "$root/rawcraft" "$s" "$log.rel"
	run_suite "$root/build/asan/rawcraft" "$s" "$log.asan"
	report rel "$s" "$log.rel"
	report asan "$s" "$log.asan"
done
for u in build/asan/unit/test_*; do
	wanted unit || break
	[ -x "$u" ] || continue
	CMOCKA_MESSAGE_OUTPUT=TAP "$u" >"$log" 2>&1
	rc=$?
	tally "unit $(basename "$u")" <"$log"
	if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$log"; then
		fail=$((fail + 1)); echo "FAIL [unit $(basename "$u")] exited $rc"; tail -20 "$log"
	fi
done
if wanted fuzz; then
	# The corpora first, each input once: deterministic; then new inputs.
	tests/fuzz/run.sh --replay >"$log" 2>&1
	tally "fuzz replay" <"$log"
	if ! $offline; then
		tests/fuzz/run.sh >"$log" 2>&1
		tally fuzz <"$log"
	fi
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
