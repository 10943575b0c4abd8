#!/usr/bin/env bash
# Building frames: rawcraft and Scapy side by side, the same 20,000 SYNs with
# TCP options and a payload, written to a pcap.  Prints the ratios (how many
# times faster rawcraft is, how much less memory it needs).
#   bench/build.sh [COUNT]
set -eu
cd "$(dirname "$0")/.."
N=${1:-20000}
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[ -x ./rawcraft ] || make -s
cat >"$TMP/syn.pkt" <<'PKT'
eth  src=02:00:00:00:00:01 dst=02:00:00:00:00:02
ipv4 src=10.9.0.1 dst=10.9.0.2 id=random
tcp  sport=random dport=9230 seq=random flags=S opts=mss:1460,sackok,ts:1:0,nop,ws:7
payload text="Hello World!"
PKT
# measure CMD...: wall seconds and peak RSS (KiB) of the command and its children
measure() {
	"$PY" - "$@" <<'PYEOF'
import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
wall = time.monotonic() - t
print('%.3f %d' % (wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PYEOF
}
read -r rc_s rc_kb < <(measure ./rawcraft show "$TMP/syn.pkt" -c "$N" --seed 1 -w "$TMP/rc.pcap")
read -r sc_s sc_kb < <(measure "$PY" -c "
import random, sys
from scapy.all import Ether, IP, TCP, Raw, wrpcap
random.seed(1)
frames = [Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02') /
          IP(src='10.9.0.1', dst='10.9.0.2', id=random.getrandbits(16)) /
          TCP(sport=random.getrandbits(16), dport=9230, seq=random.getrandbits(32), flags='S',
              options=[('MSS', 1460), ('SAckOK', b''), ('Timestamp', (1, 0)), ('NOP', None), ('WScale', 7)]) /
          Raw(b'Hello World!') for _ in range($N)]
wrpcap('$TMP/scapy.pcap', frames)")
n_rc=$(tshark -r "$TMP/rc.pcap" 2>/dev/null | wc -l)
n_sc=$(tshark -r "$TMP/scapy.pcap" 2>/dev/null | wc -l)
echo "frames built and written: rawcraft $n_rc, scapy $n_sc"
printf 'rawcraft: %6.2f s %7d KiB peak\n' "$rc_s" "$rc_kb"
printf 'scapy:    %6.2f s %7d KiB peak\n' "$sc_s" "$sc_kb"
"$PY" -c "print('ratio: rawcraft is %.1fx faster, %.1fx smaller' % ($sc_s / $rc_s, $sc_kb / $rc_kb))"
