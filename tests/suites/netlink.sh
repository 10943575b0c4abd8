#!/usr/bin/env bash
# Interface addresses and routes as the library reads them over rtnetlink
# (craft/wire/iface.c, netlink.c), both families, held against what iproute2
# (`ip -j`) reads from the same kernel, in a lab with IPv6 turned on.
# tests/tools/nlquery prints the library's answers.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT
case $R in
*/asan/*) Q=$ROOT/build/asan/tools/nlquery ;;
*) Q=$ROOT/build/tools/nlquery ;;
esac
[ -x "$Q" ] || { not_ok "nlquery" "$Q is missing (make unit)"; exit 0; }
N=$LAB_NET
IF_C="${LAB_ID}C" IF_D="${LAB_ID}D"	# a second way out of A, for a second default route
IF_E="${LAB_ID}E" IF_F="${LAB_ID}F"	# a link that stays down
IF_G="${LAB_ID}G" IF_H="${LAB_ID}H"	# addresses labelled as aliases
IF_I="${LAB_ID}I" IF_J="${LAB_ID}J"	# up, but its peer is down: no carrier
IP6_A="fd00:$N::1" IP6_B="fd00:$N::2"

# ipv6_on NS IF...: IPv6 back on (lab_up turns it off), without DAD's wait.
ipv6_on() {
	local ns=$1 i
	shift
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 || return 1
	for i in "$@"; do
		ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$i.accept_dad=0" || return 1
	done
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0
}

veth_in_a() {	# veth_in_a IF PEER: both ends in A
	ip -n "$NS_A" link add "$1" type veth peer name "$2"
}

setup() {
	veth_in_a "$IF_C" "$IF_D" && veth_in_a "$IF_E" "$IF_F" && veth_in_a "$IF_G" "$IF_H" &&
	veth_in_a "$IF_I" "$IF_J" && ip -n "$NS_A" link set "$IF_I" up &&
	ipv6_on "$NS_A" "$IF_A" "$IF_C" && ipv6_on "$NS_B" "$IF_B" &&
	in_a sysctl -qw "net.ipv6.conf.$IF_E.accept_dad=1" &&
	ip -n "$NS_A" link set "$IF_C" up && ip -n "$NS_A" link set "$IF_D" up &&
	ip -n "$NS_A" link set "$IF_G" up && ip -n "$NS_A" link set "$IF_H" up &&
	ip -n "$NS_A" addr add "10.$N.9.1/24" dev "$IF_C" &&
	# A second IPv4 address of A's subnet: a secondary, listed after.
	ip -n "$NS_A" addr add "10.$N.0.9/24" dev "$IF_A" &&
	# Global addresses: the preferred one first, then a deprecated one
	# (the kernel lists the newest first).
	ip -n "$NS_A" addr add "$IP6_A/64" dev "$IF_A" &&
	ip -n "$NS_A" addr add "fd00:$N::7/64" dev "$IF_A" preferred_lft 0 &&
	ip -n "$NS_B" addr add "$IP6_B/64" dev "$IF_B" &&
	# On the link that stays down: addresses of both families, the
	# newer IPv6 one tentative (its DAD waits for the link).
	ip -n "$NS_A" addr add "10.$N.5.1/24" dev "$IF_E" &&
	ip -n "$NS_A" addr add "fd00:5::2/64" dev "$IF_E" nodad &&
	ip -n "$NS_A" addr add "fd00:5::1/64" dev "$IF_E" &&
	# An alias's address first, then the interface's own.
	ip -n "$NS_A" addr add "10.$N.6.5/24" dev "$IF_G" label "$IF_G:1" &&
	ip -n "$NS_A" addr add "10.$N.7.1/24" dev "$IF_G" &&
	LL_B=$(in_b ip -j addr show dev "$IF_B" | "$PY" -c "import json, sys
print([a['local'] for a in json.load(sys.stdin)[0]['addr_info'] if a['scope'] == 'link'][0])") &&
	ip -n "$NS_A" route add 10.77.0.0/16 via "$IP_B" &&
	ip -n "$NS_A" -6 route add fd77::/16 via "$IP6_B" &&
	ip -n "$NS_A" -6 route add fd78::/16 via "$LL_B" dev "$IF_A" &&
	# Two default routes of each family: the lower metric wins.
	ip -n "$NS_A" route add default via "$IP_B" metric 200 &&
	ip -n "$NS_A" route add default via "10.$N.9.254" metric 100 &&
	ip -n "$NS_A" -6 route add default via "$IP6_B" metric 300 &&
	ip -n "$NS_A" -6 route add default via fe80::99 dev "$IF_C" metric 100 &&
	# Policy routing: 10.88/16 leaves by a rule's table, not the main one.
	ip -n "$NS_A" rule add to 10.88.0.0/16 table 100 &&
	ip -n "$NS_A" route add 10.88.0.0/16 via "$IP_B" table 100 &&
	# Defaults of lower metric in that table are not the main table's.
	ip -n "$NS_A" route add default via "$IP_B" table 100 metric 1 &&
	ip -n "$NS_A" -6 route add default via "$IP6_B" table 100 metric 1 &&
	# RFC 5549: an IPv4 route over an IPv6 next hop.
	ip -n "$NS_A" route add 10.79.0.0/16 via inet6 "$LL_B" dev "$IF_A"
}
if ! setup; then
	not_ok "netlink lab" "could not set up the addresses and routes"
	exit 0
fi

# What iproute2 says in namespace NS, in nlquery's words.
#   want NS iface NAME | want NS get|getfull DST | want NS default 4|6
want() {
	ip netns exec "$1" "$PY" - "${@:2}" <<'PYEOF'
import json, subprocess, sys

def ipj(*args):
    r = subprocess.run(["ip", "-j"] + list(args), capture_output=True, text=True)
    if r.returncode:
        print("error")
        sys.exit(0)
    return json.loads(r.stdout or "[]")

mode, arg = sys.argv[1], sys.argv[2]
if mode == "iface":
    link = ipj("link", "show", "dev", arg)[0]
    mac = link.get("address", "")
    print("index", link["ifindex"])
    # IFF_RUNNING (which ip hides) is an operstate of up or unknown.
    print("up", int("UP" in link["flags"] and link["operstate"] in ("UP", "UNKNOWN")))
    print("mac", mac if len(mac.split(":")) == 6 else "-")
    best = {}
    for a in ipj("addr", "show", "dev", arg)[0].get("addr_info", []):
        if a.get("dadfailed"):
            continue
        rank = 2 if a.get("tentative") and not a.get("optimistic") else \
            1 if a.get("deprecated") or a.get("optimistic") else 0
        if a["family"] == "inet":
            kind = "ip"
            rank += 3 if a.get("label", arg) != arg else 0
        elif a["scope"] == "global":
            kind = "ip6"
        elif a["scope"] == "link":
            kind = "ll6"
        elif a["scope"] == "host":
            # ::1 on lo: the source of either scope, after any other.
            for kind in ("ip6", "ll6"):
                if kind not in best or rank + 3 < best[kind][0]:
                    best[kind] = (rank + 3, a["local"])
            continue
        else:
            continue
        if kind not in best or rank < best[kind][0]:
            best[kind] = (rank, a["local"])
    for kind in ("ip", "ip6", "ll6"):
        print(kind, best[kind][1] if kind in best else "-")
elif mode in ("get", "getfull"):
    r = ipj("route", "get", arg)[0]
    print("dev", r["dev"])
    print("gateway", r.get("gateway", r.get("via", {}).get("host", "-")))
    if mode == "getfull":
        print("prefsrc", r.get("prefsrc", "-"))
elif mode == "default":
    routes = [r for r in ipj("-" + arg, "route", "show", "default", "table", "main")
              if r.get("type", "unicast") == "unicast" and "dead" not in r.get("flags", [])]
    if not routes:
        print("error")
    else:
        r = min(routes, key=lambda r: r.get("metric", 0))  # the first of the lowest
        print("dev", r["dev"])
        print("gateway", r.get("gateway", "-"))
PYEOF
}

got() {	# got NS ARGS...: nlquery's answer, or "error"
	ip netns exec "$1" "$Q" "${@:2}" 2>/dev/null || echo error
}

same() {	# same NAME NS NLQUERY-ARGS -- WANT-ARGS
	local name=$1 ns=$2 a=() b
	shift 2
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	b=$(want "$ns" "$@")
	expect_eq "$name" "$(got "$ns" "${a[@]}" | tr '\n' ' ')" "$(tr '\n' ' ' <<<"$b")"
}

# --- interfaces ---------------------------------------------------------
same "iface: IPv4, global and link-local IPv6, MAC and index as ip -j" "$NS_A" iface "$IF_A" -- iface "$IF_A"
got_a=$(got "$NS_A" iface "$IF_A")
expect_eq "iface: the lab's IPv4 address, not the secondary listed after it" \
	"$(grep '^ip ' <<<"$got_a")" "ip $IP_A"
expect_eq "iface: the preferred global IPv6, not the newer deprecated one" \
	"$(grep '^ip6 ' <<<"$got_a")" "ip6 $IP6_A"
case $(grep '^ll6 ' <<<"$got_a") in
"ll6 fe80::"?*) ok "iface: a link-local IPv6 address" ;;
*) not_ok "iface: a link-local IPv6 address" "$got_a" ;;
esac
expect_eq "iface: the MAC" "$(grep '^mac ' <<<"$got_a")" "mac $MAC_A"
same "iface: the peer's side as ip -j" "$NS_B" iface "$IF_B" -- iface "$IF_B"
same "iface: loopback (a MAC of zeros, ::1 its IPv6 source of either scope)" "$NS_A" iface lo -- iface lo
same "iface: a link without IPv4 (IPv6 link-local only)" "$NS_A" iface "$IF_D" -- iface "$IF_D"
expect_eq "iface: the interface's own address before an alias's listed first" \
	"$(got "$NS_A" iface "$IF_G" | grep '^ip ')" "ip 10.$N.7.1"
same "iface: the aliased link as ip -j" "$NS_A" iface "$IF_G" -- iface "$IF_G"
got_e=$(got "$NS_A" iface "$IF_E")
expect_eq "iface: a down link is not up" "$(grep '^up ' <<<"$got_e")" "up 0"
expect_eq "iface: a down link keeps its IPv4 address" "$(grep '^ip ' <<<"$got_e")" "ip 10.$N.5.1"
expect_eq "iface: an address done with DAD before a newer tentative one" \
	"$(grep '^ip6 ' <<<"$got_e")" "ip6 fd00:5::2"
same "iface: a down link as ip -j" "$NS_A" iface "$IF_E" -- iface "$IF_E"
expect_eq "iface: a link set up without carrier is not up (not IFF_RUNNING)" \
	"$(got "$NS_A" iface "$IF_I" | grep '^up ')" "up 0"
same "iface: the link without carrier as ip -j" "$NS_A" iface "$IF_I" -- iface "$IF_I"
expect_eq "iface: an unknown interface" \
	"$(in_a "$Q" iface nosuch0 2>&1; echo "exit $?")" \
	"nlquery: no such interface 'nosuch0' (see: ip link)
exit 1"
expect_eq "iface: a name too long for any interface" \
	"$(in_a "$Q" iface 0123456789abcdef 2>&1; echo "exit $?")" \
	"nlquery: no such interface '0123456789abcdef' (names are under 16 characters)
exit 1"
n_lib=$(got "$NS_A" addrs "$IF_A" | sort)
n_ip=$(in_a ip -j addr show dev "$IF_A" | "$PY" -c "
import json, sys
scope = {'global': 0, 'link': 253, 'host': 254}
for a in json.load(sys.stdin)[0]['addr_info']:
    print('%s/%d %d' % (a['local'], a['prefixlen'], scope[a['scope']]))" | sort)
expect_eq "addrs: every address, prefix and scope of the dump" \
	"$(cut -d' ' -f1,2 <<<"$n_lib")" "$n_ip"

# --- routes -------------------------------------------------------------
for dst in "$IP_B" "10.$N.0.77" 10.77.1.1 10.88.1.1 192.0.2.9 "$IP_A" 127.0.0.1 "10.$N.5.9" \
	"$IP6_B" fd77::1 fd78::1 2001:db8::1 "$LL_B" ::1; do
	same "route to $dst as ip route get" "$NS_A" route "$dst" -- get "$dst"
	expect_eq "netlink_route_get $dst: interface, gateway and source as ip route get" \
		"$(got "$NS_A" get "$dst" | grep -E '^(dev|gateway|prefsrc) ' | tr '\n' ' ')" \
		"$(want "$NS_A" getfull "$dst" | tr '\n' ' ')"
done
for dst in "$IP_B" 10.77.1.1 10.88.1.1 192.0.2.9; do
	same "route4 (the IPv4 API) to $dst as ip route get" "$NS_A" route4 "$dst" -- get "$dst"
done
expect_eq "route on-link: no gateway" "$(got "$NS_A" route "$IP_B" | tr '\n' ' ')" \
	"dev $IF_A gateway - "
expect_eq "route via a gateway" "$(got "$NS_A" route 10.77.1.1 | tr '\n' ' ')" \
	"dev $IF_A gateway $IP_B "
expect_eq "route by a policy rule, not the main table's default" \
	"$(got "$NS_A" route 10.88.1.1 | tr '\n' ' ')" "dev $IF_A gateway $IP_B "
expect_eq "route via an IPv6 gateway" "$(got "$NS_A" route fd77::1 | tr '\n' ' ')" \
	"dev $IF_A gateway $IP6_B "
expect_eq "route via a link-local IPv6 gateway" "$(got "$NS_A" route fd78::1 | tr '\n' ' ')" \
	"dev $IF_A gateway $LL_B "
expect_eq "route over an IPv6 next hop (RTA_VIA)" "$(got "$NS_A" route 10.79.1.1 | tr '\n' ' ')" \
	"dev $IF_A gateway $LL_B "
same "route over an IPv6 next hop as ip route get" "$NS_A" route 10.79.1.1 -- get 10.79.1.1
expect_eq "route4 over an IPv6 next hop: none (no ARP for it)" "$(got "$NS_A" route4 10.79.1.1)" error
expect_eq "route IPv6 on-link" "$(got "$NS_A" route "$IP6_B" | tr '\n' ' ')" \
	"dev $IF_A gateway - "
same "default route (0.0.0.0): the lowest metric, as ip route show default" "$NS_A" route 0.0.0.0 -- default 4
same "default route (route4 0): the same" "$NS_A" route4 0.0.0.0 -- default 4
same "default IPv6 route (::): the lowest metric" "$NS_A" route :: -- default 6
expect_eq "default route: metric 100 beats 200" "$(got "$NS_A" route 0.0.0.0 | tr '\n' ' ')" \
	"dev $IF_C gateway 10.$N.9.254 "
expect_eq "default IPv6 route: metric 100 beats 300" "$(got "$NS_A" route :: | tr '\n' ' ')" \
	"dev $IF_C gateway fe80::99 "
expect_eq "no default route: an error" "$(got "$NS_B" route 0.0.0.0)" error
expect_eq "no default IPv6 route: an error" "$(got "$NS_B" route ::)" error
same "no route to 192.0.2.1 from B: as ip route get" "$NS_B" route 192.0.2.1 -- get 192.0.2.1
same "no IPv6 route to 2001:db8::1 from B: as ip route get" "$NS_B" route 2001:db8::1 -- get 2001:db8::1
expect_eq "no route: the reason" "$(in_b "$Q" get 192.0.2.1 2>&1)" \
	"nlquery: no route to 192.0.2.1"

# --- the command line on top --------------------------------------------
out=$(in_a "$R" send icmp-echo -D DST="$IP_B" -i nosuch0 2>&1); rc=$?
expect_eq "send -i unknown: exit 3 and why" "$rc:$out" \
	"3:rawcraft: error: no such interface 'nosuch0' (see: ip link)"
out=$(in_a "$R" send icmp-echo -D DST="10.$N.5.9" -i "$IF_E" 2>&1); rc=$?
expect_eq "send -i a down link: exit 3 and why" "$rc:$out" \
	"3:rawcraft: error: interface $IF_E is down: ip link set $IF_E up"
# Routed by the rule to A's link, via B: the frame goes to B's MAC.
out=$(in_a "$R" send icmp-echo -D DST=10.88.1.1 --no-expect --json 2>&1); rc=$?
dst=$("$PY" -c "import json,sys
for l in sys.stdin:
    o = json.loads(l)
    if o.get('direction') == 'sent': print(o['eth']['dst'])" <<<"$out" 2>/dev/null)
expect_eq "send routes by the kernel's rules: to the rule's gateway" "$rc:$dst" "0:$MAC_B"
printf 'ipv4 dst=192.0.2.9\nicmp\n' >"$TMP/any.pkt"
src=$(in_a "$R" show "$TMP/any.pkt" --json | "$PY" -c "import json,sys; print(json.loads(sys.stdin.readline())['ipv4']['src'])")
expect_eq "show: the default route's interface gives iface.ip" "$src" "10.$N.9.1"
