#!/usr/bin/env bash
# Running out of memory is a system fault like any other: one message and
# exit 3 (the library hands the failure to the CLI's handler), never an
# abort() and its core dump.
. "$(dirname "$0")/../lib.sh"
R=$RAWCRAFT

# A template near the 16 MiB read limit needs more than the limit leaves.
printf 'eth\nipv4 dst=10.0.0.2\nudp dport=9\n' >"$TMP/big.pkt"
"$PY" -c "import sys; sys.stdout.write('# filler\n' * 1600000)" >>"$TMP/big.pkt"
limited() {	# CMD...: under a memory limit the binary loads within
	case "$R" in
	*asan*)	# the sanitizer reserves terabytes: its own limit instead
		ASAN_OPTIONS="$ASAN_OPTIONS:allocator_may_return_null=1:max_allocation_size_mb=8" "$@" ;;
	*) (ulimit -v 20000 && exec "$@") ;;
	esac
}
# The sanitizer's own note on the failed allocation is not ours.
limited "$R" show "$TMP/big.pkt" 2>&1 >"$TMP/out" |
	grep -v '^==[0-9]*==WARNING: AddressSanitizer failed to allocate' >"$TMP/err"
rc=${PIPESTATUS[0]}
expect_eq "out of memory: exit 3" "$rc" 3
expect_eq "out of memory: one line on stderr" "$(wc -l <"$TMP/err")" 1
if grep -qE '^rawcraft: error: out of memory \([0-9]+ bytes more\)$' "$TMP/err"; then
	ok "out of memory: the message says so"
else
	not_ok "out of memory: the message" "$(head -3 "$TMP/err")"
fi
# The same binary with the room it needs: the limit was the cause.
"$R" show "$TMP/big.pkt" >/dev/null 2>"$TMP/err2"; rc=$?
expect_eq "without the limit: the template is refused as input (exit 2)" "$rc" 2
