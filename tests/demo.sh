#!/usr/bin/env bash
# make demo: a template explained field by field, then a two-namespace lab
# with a real TCP server on port 9230 and the classic handshake typed by hand
# (examples/handshake.lab) against it.  The lab is removed afterwards.
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
R=$ROOT/rawcraft
PY=/usr/bin/python3
TMP=$(mktemp -d)

echo "== 1. The classic lab's ARP request, built and explained (rawcraft show -v -x)"
cat >"$TMP/arp.pkt" <<'PKT'
eth src=00:23:aa:69:72:dd
arp sha=00:23:aa:69:72:dd spa=192.168.35.1 tpa=192.168.35.203
PKT
"$R" show "$TMP/arp.pkt" -v -x

if [ "$(id -u)" != 0 ]; then
	echo "The live lab needs network namespaces: run 'sudo make demo'."
	rm -rf "$TMP"
	exit 0
fi
. "$ROOT/tests/lab.sh"
lab_up
echo "== 2. A lab: $NS_A ($IP_A) <-> $NS_B ($IP_B), a TCP server on $IP_B:9230"
ip netns exec "$NS_B" "$PY" - "$TMP/received" <<'PYEOF' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 9230)); s.listen(1); s.settimeout(15)
c, peer = s.accept(); data = b''
while True:
    b = c.recv(1000)
    if not b: break
    data += b
c.close()
open(sys.argv[1], 'w').write('the server accepted %s:%d, read %r, then EOF: an orderly close\n'
                             % (peer[0], peer[1], data))
PYEOF
wait_port "$NS_B" 9230
GHOST="10.$LAB_NET.0.99"
echo "== 3. rawcraft run examples/handshake.lab -D SERVER=$IP_B --ghost $GHOST"
echo "   (--ghost: speak from an address no host owns, so no kernel resets our connection)"
ip netns exec "$NS_A" "$R" run "$ROOT/examples/handshake.lab" -D SERVER="$IP_B" --ghost "$GHOST" \
	-w "$TMP/handshake.pcap"
for _ in $(seq 50); do [ -s "$TMP/received" ] && break; sleep 0.1; done
echo "== 4. What the server's application saw"
cat "$TMP/received"
echo "== 5. The capture, as tshark reads it"
tshark -r "$TMP/handshake.pcap" 2>/dev/null | sed 's/^/   /'
