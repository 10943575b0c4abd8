#!/usr/bin/env bash
# run --ladder and --html against a real peer in namespaces: the ladder has
# a row for each frame of the view, our column holds the view's "us" state
# and the peer's its "peer" state, and the page an arrow for each.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT
GHOST="10.$LAB_NET.0.99"

lab_server 9231 "$TMP/closed" 0.3
out=$(in_a "$R" run "$ROOT/examples/close-4way.lab" -D SERVER="$IP_B" -D PORT=9231 --ghost "$GHOST" \
	--ladder -x --html "$TMP/run.html"); rc=$?
lab_wait_file "$TMP/closed"
wait
# The view's states, then the ladder's TCP rows': the text left of the
# first line (ours: the ghost sends first) and right of the last.
view=$(grep -o '\[us [A-Z_0-9]*, peer [A-Z_0-9]*\]' <<<"$out" | sed 's/\[us \(.*\), peer \(.*\)\]/\1 \2/')
head=$(grep -nE "^ *$GHOST +$IP_B\$" <<<"$out" | cut -d: -f1)
drawn=$(tail -n +"$((${head:-1} + 2))" <<<"$out" | sed '/^$/,$d' |
	sed -E 's/^ *[0-9]+ +[0-9.]+ +([A-Z_0-9]*) *\|.*\| *([A-Z_0-9]*)( .*)?$/\1 \2/' | grep -v '^ $')
if [ "$rc" = 0 ] && [ -n "$head" ] && [ "$(wc -l <<<"$view")" -ge 6 ]; then
	expect_eq "run --ladder: our column has the view's us, the peer's its peer" "$drawn" "$view"
else
	not_ok "run --ladder: our column has the view's us, the peer's its peer" "exit $rc, ladder at line '$head': $out"
fi
arrows=$(grep -o 'data-frame="[0-9]*"' "$TMP/run.html" 2>/dev/null | wc -l)
expect_eq "run --html: an arrow per frame of the view" "$arrows" "$(grep -c '^#[0-9]' <<<"$out")"
