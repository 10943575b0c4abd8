#!/usr/bin/env bash
# Runs every libFuzzer target built by `make fuzz` (build/fuzz/fuzz_NAME) on
# a copy of its seed corpus (tests/fuzz/corpus/NAME) for a bounded time and
# prints one TAP line each:
#   ok - fuzz NAME (N runs)
#   not ok - fuzz NAME: <crash summary> (input: tests/fuzz/crashes/...)
# A crashing input is copied to tests/fuzz/crashes/ so it can join the corpus
# once the bug is fixed.  FUZZ_TIME (seconds, default 20) bounds each target.
# Reproduce one: build/fuzz/fuzz_NAME tests/fuzz/crashes/FILE
# --replay runs each corpus input once, and nothing new: deterministic.
set -u
replay=false
[ "${1:-}" = --replay ] && replay=true
cd "$(dirname "$0")/../.."
root=$PWD
time=${FUZZ_TIME:-20}
crashes=$root/tests/fuzz/crashes
# UBSan in the fuzz build recovers by default: make every report a crash.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

shopt -s nullglob
bins=(build/fuzz/fuzz_*)
if [ ${#bins[@]} -eq 0 ]; then
	echo "not ok - fuzz: no targets in build/fuzz (run make fuzz)"
	exit 0
fi

for bin in "${bins[@]}"; do
	[ -x "$bin" ] || continue
	case $bin in *.o | *.d) continue ;; esac
	name=${bin##*/fuzz_}
	dir=$work/$name
	mkdir -p "$dir/corpus" "$dir/artifacts"
	if [ -d "tests/fuzz/corpus/$name" ]; then
		cp -R "tests/fuzz/corpus/$name/." "$dir/corpus/"
	fi
	# Known crashes are replayed first: a fixed bug stays fixed.
	for c in "$crashes/$name"-*; do
		[ -f "$c" ] && cp "$c" "$dir/corpus/"
	done
	if $replay; then
		"$root/$bin" -runs=0 -timeout=5 -rss_limit_mb=2048 \
			-artifact_prefix="$dir/artifacts/" "$dir/corpus" </dev/null >"$dir/log" 2>&1
	else
		"$root/$bin" -max_total_time="$time" -timeout=5 -rss_limit_mb=2048 \
			-max_len=4096 -artifact_prefix="$dir/artifacts/" \
			"$dir/corpus" </dev/null >"$dir/log" 2>&1
	fi
	rc=$?
	runs=$(grep -oE '^Done [0-9]+ runs' "$dir/log" | grep -oE '[0-9]+' | tail -1)
	found=("$dir"/artifacts/*)
	if [ $rc -eq 0 ] && [ ${#found[@]} -eq 0 ]; then
		if $replay; then
			inputs=$(find "$dir/corpus" -type f | wc -l)
			echo "ok - fuzz $name: $inputs corpus inputs replayed"
		else
			echo "ok - fuzz $name (${runs:-?} runs in ${time}s)"
		fi
		continue
	fi
	saved=""
	mkdir -p "$crashes"
	for a in "${found[@]}"; do
		dest=$crashes/$name-${a##*/}
		for c in "$crashes/$name"-*; do	# a known crash: keep its name
			if [ -f "$c" ] && cmp -s "$a" "$c"; then
				dest=$c
				break
			fi
		done
		[ -f "$dest" ] || cp "$a" "$dest"
		saved="$saved ${dest#"$root"/}"
	done
	why=$(grep -m1 -E '^SUMMARY: |^==[0-9]+==ERROR: |runtime error:|^fuzz_[a-z]+: |ERROR: libFuzzer' "$dir/log" |
		sed -E 's/^==[0-9]+==//')
	[ -n "$why" ] || why="exit $rc"
	echo "not ok - fuzz $name: $why (input:${saved:- none saved})"
	# The top of the stack (without libFuzzer's own frames), as TAP comments.
	grep -E '^ +#[0-9]+ ' "$dir/log" | grep -vE 'fuzzer::|libc_start|in main |in _start' |
		head -8 | sed -E 's/^ */# /; s/ \(BuildId: [0-9a-f]+\)//'
done
exit 0
