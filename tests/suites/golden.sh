#!/usr/bin/env bash
# Frames whose bytes are known by heart, built exactly.
. "$(dirname "$0")/../lib.sh"

cat >"$TMP/arp.pkt" <<'PKT'
# The classic lab: 00:23:aa:69:72:dd / 192.168.35.1 asks who has .203
eth src=00:23:aa:69:72:dd
arp sha=00:23:aa:69:72:dd spa=192.168.35.1 tpa=192.168.35.203
PKT
want="ff ff ff ff ff ff 00 23 aa 69 72 dd 08 06 00 01 08 00 06 04 00 01 00 23 aa 69 72 dd c0 a8 23 01 00 00 00 00 00 00 c0 a8 23 cb"
if "$RAWCRAFT" show "$TMP/arp.pkt" -w "$TMP/arp.pcap" >/dev/null; then
	expect_eq "classic lab ARP request: 42 exact bytes" "$(hex_of "$TMP/arp.pcap")" "$want"
else
	not_ok "classic lab ARP request: 42 exact bytes" "show exited $?"
fi

# Same seed, same bytes; another seed, other random fields.
for run in a:7 b:7 c:8; do
	"$RAWCRAFT" show tcp-syn -i lo -D DST=127.0.0.2 -D PORT=80 --seed "${run#*:}" \
		-w "$TMP/${run%%:*}.pcap" >/dev/null || not_ok "show tcp-syn --seed ${run#*:}" "exit $?"
done
expect_eq "--seed repeats every random field" "$(hex_of "$TMP/a.pcap")" "$(hex_of "$TMP/b.pcap")"
if [ "$(hex_of "$TMP/a.pcap")" != "$(hex_of "$TMP/c.pcap")" ]; then
	ok "another seed draws other values"
else
	not_ok "another seed draws other values" "seeds 7 and 8 built the same frame"
fi

# An explicit wrong checksum stays wrong, and the decoder says what it should be.
cat >"$TMP/badsum.pkt" <<'PKT'
eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02
ipv4 src=10.9.0.1 dst=10.9.0.2 id=1 csum=0x0000
udp sport=1 dport=2
payload text="x"
PKT
out=$("$RAWCRAFT" show "$TMP/badsum.pkt" -v)
case $out in
*"Header Checksum: 0x0000 [incorrect, should be 0x"*) ok "explicit csum=0 is kept and flagged" ;;
*) not_ok "explicit csum=0 is kept and flagged" "$out" ;;
esac
