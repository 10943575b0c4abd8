# tests/lib.sh - sourced by the suites: TAP output and small checks.
# $RAWCRAFT is the binary under test (release or sanitized).
set -u
: "${RAWCRAFT:?set RAWCRAFT to the rawcraft binary}"
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$TESTS_DIR")
PY=${PY:-/usr/bin/python3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1: $2"; }

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got '$2', want '$3'"; fi
}

# hex_of PCAP: the first frame's bytes as spaced lowercase hex.
hex_of() {
	"$PY" - "$1" <<'PYEOF'
import struct, sys
data = open(sys.argv[1], 'rb').read()
caplen = struct.unpack('<I', data[24 + 8:24 + 12])[0]
print(' '.join('%02x' % b for b in data[40:40 + caplen]))
PYEOF
}
