#!/usr/bin/env bash
# The IPv6 examples README.md shows (the block after the comment naming
# this suite) run in an IPv6 lab: each `$ rawcraft ...` line is run in A
# with the README's interface and addresses replaced by the lab's, and must
# print the README's lines, the lab's names and addresses put back and the
# round-trip times let be.  Needs root.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"

lab_start6 || exit 0
R=$RAWCRAFT
case $R in /*) ;; *) R=$PWD/$R ;; esac

# The block, one line each: "$ command" or a line it prints.
awk '/tests\/suites\/docs_ipv6.sh/ { on = 1; next }
	on && /^ *```/ { if (++fence == 2) exit; next }
	on && fence == 1 { sub(/^  /, ""); print }' "$ROOT/README.md" >"$TMP/block"
if ! grep -q '^\$ rawcraft send' "$TMP/block"; then
	not_ok "README IPv6 examples" "no block after the docs_ipv6.sh comment in README.md"
	exit 0
fi

# The README's names and addresses and the lab's: the interface, both
# link-local addresses and MACs, and the global prefix.
doc=(veth0 fe80::a8c1:abff:fe00:1 fe80::a8c1:abff:fe00:2 aa:c1:ab:00:00:01 aa:c1:ab:00:00:02 2001:db8:1::)
lab=("$IF_A" "$LL_A" "$LL_B" "$MAC_A" "$MAC_B" "2001:db8:$LAB_NET::")
swap() {	# swap FROM_ARRAY TO_ARRAY < text
	local -n from=$1 to=$2
	local text i
	text=$(cat)
	for i in "${!from[@]}"; do text=${text//"${from[$i]}"/"${to[$i]}"}; done
	printf '%s\n' "$text"
}
rtt() { sed -E 's/rtt=[0-9.]+(us|ms|s)/rtt=T/'; }

n=0
while IFS= read -r line; do
	case $line in '$ '*) ;; *) continue ;; esac
	n=$((n + 1))
	cmd=${line#'$ '}
	want=$(awk -v c="$line" '$0 == c { on = 1; next } on && /^\$ / { exit } on' "$TMP/block" | rtt)
	read -r -a words <<<"$(swap doc lab <<<"${cmd#rawcraft }")"
	got=$(in_a "$R" "${words[@]}" -t 2s 2>&1 | swap lab doc | rtt)
	expect_eq "README: $cmd" "$got" "$want"
done <"$TMP/block"
[ $n -ge 2 ] || not_ok "README IPv6 examples" "only $n commands in the block"
