#!/usr/bin/env bash
# IPv6 extension headers against two oracles (tests/oracle/ext6.py): Scapy
# builds the same bytes from the same values, and tshark, checksum
# validation on, calls every upper-layer checksum good through hop-by-hop,
# destination, routing and fragment headers, and the shipped icmp6-ext-probe.
. "$(dirname "$0")/../lib.sh"

need_oracles "ext6 oracle" || exit 0
PYTHONDONTWRITEBYTECODE=1 "$PY" "$TESTS_DIR/oracle/ext6.py" "$RAWCRAFT" "$TMP" \
	"${RAWCRAFT_TEMPLATES:-$ROOT/templates}" 2>&1 |
	grep -v 'WARNING'
