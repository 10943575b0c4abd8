#!/usr/bin/env bash
# --ladder and --html, offline: the text ladders of known captures as they
# must be drawn, the page parsed (python3's html.parser) and opened in a
# real browser (Debian's chromium, headless), captured bytes made inert.
. "$(dirname "$0")/../lib.sh"

# mkpcap OUT "SECONDS|LAYER / LAYER ..." ...: one frame per spec, built by
# `show`, then timed SECONDS after the first (show times them as it builds).
mkpcap() {
	local out=$1 i=0 files=() times=() spec
	shift
	for spec in "$@"; do
		i=$((i + 1))
		times+=("${spec%%|*}")
		printf '%s\n' "${spec#*|}" | sed 's| / |\n|g' >"$out.$i.pkt"
		files+=("$out.$i.pkt")
	done
	"$RAWCRAFT" show "${files[@]}" -w "$out" >/dev/null || return 1
	"$PY" - "$out" "${times[@]}" <<'PYEOF'
import struct, sys
path, times = sys.argv[1], [float(t) for t in sys.argv[2:]]
d = bytearray(open(path, 'rb').read())
i, k = 24, 0
while i < len(d):
    t = 1700000000 + times[k]
    struct.pack_into('<II', d, i, int(t), round((t - int(t)) * 1e6))
    i += 16 + struct.unpack_from('<I', d, i + 8)[0]
    k += 1
assert k == len(times), (k, len(times))
open(path, 'wb').write(d)
PYEOF
}

ladder_of() {	# ladder_of PCAP [ARGS]: the ladder, without the conversations after it
	"$RAWCRAFT" decode "$@" --ladder | sed '/^$/,$d'
}

# The course's exchange: a handshake, the server's "Hello World!\0", and
# the server closing first.
C="eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02 / ipv4 src=10.9.0.1 dst=10.9.0.2 id=1"
S="eth src=02:00:00:00:00:02 dst=02:00:00:00:00:01 / ipv4 src=10.9.0.2 dst=10.9.0.1 id=2"
mkpcap "$TMP/hello.pcap" \
	"0|$C / tcp sport=40000 dport=9230 flags=S seq=1000 win=64240" \
	"0.000040|$S / tcp sport=9230 dport=40000 flags=SA seq=5000 ack=1001 win=65160" \
	"0.000065|$C / tcp sport=40000 dport=9230 flags=A seq=1001 ack=5001 win=502" \
	"0.000210|$S / tcp sport=9230 dport=40000 flags=PA seq=5001 ack=1001 win=510 / payload hex=48656c6c6f20576f726c642100" \
	"0.000230|$C / tcp sport=40000 dport=9230 flags=A seq=1001 ack=5014 win=502" \
	"0.000250|$S / tcp sport=9230 dport=40000 flags=FA seq=5014 ack=1001 win=510" \
	"0.000290|$C / tcp sport=40000 dport=9230 flags=A seq=1001 ack=5015 win=502" \
	"0.001300|$C / tcp sport=40000 dport=9230 flags=FA seq=1001 ack=5015 win=502" \
	"0.001330|$S / tcp sport=9230 dport=40000 flags=A seq=5015 ack=1002 win=510" ||
	not_ok "hello.pcap" "show could not build it"

# README's example is this capture's: the block after the comment naming
# this suite, "$ command" and what it prints.
awk '/tests\/suites\/ladder.sh/ { on = 1; next }
	on && /^ *```/ { if (++fence == 2) exit; next }
	on && fence == 1 { sub(/^  /, ""); print }' "$ROOT/README.md" >"$TMP/block"
cmd=$(sed -n 's/^\$ rawcraft //p' "$TMP/block")
R=$RAWCRAFT
case $R in /*) ;; *) R=$PWD/$R ;; esac
if [ "$cmd" = "decode hello.pcap --ladder" ]; then
	expect_eq "README: rawcraft $cmd" "$(cd "$TMP" && "$R" decode hello.pcap --ladder)" \
		"$(sed 1d "$TMP/block")"
else
	not_ok "README ladder example" "no '\$ rawcraft decode hello.pcap --ladder' after the ladder.sh comment"
fi

expect_eq "exchanges.pcap: the ladder" "$(ladder_of "$ROOT/tests/pcap/exchanges.pcap")" \
"                     10.191.0.1                             10.191.0.2
                          |                                      |
 1 0.000000               |------------ ARP who-has ------------>|
 2 0.000027               |<--- ARP is-at 3a:25:17:e9:49:5e -----|
 3 0.016114               |------------ ARP who-has ------------>|
 4 0.016133               |<--- ARP is-at 3a:25:17:e9:49:5e -----|
 5 0.016187      SYN_SENT |--------- [SYN] seq=0 len=0 --------->| SYN_RECEIVED
 6 0.016220   ESTABLISHED |<--- [SYN, ACK] seq=0 ack=1 len=0 ----| SYN_RECEIVED
 7 0.016236               |------------ ARP who-has ------------>|
 8 0.016238               |<--- ARP is-at 3a:25:17:e9:49:5e -----|
 9 0.016242        CLOSED |--------- [RST] seq=1 len=0 --------->| LISTEN
10 0.336110               |------------ ARP who-has ------------>|
11 0.336127               |<--- ARP is-at 3a:25:17:e9:49:5e -----|
12 0.336171      SYN_SENT |--------- [SYN] seq=0 len=0 --------->| SYN_RECEIVED
13 0.336192        CLOSED |<--- [RST, ACK] seq=1 ack=1 len=0 ----| CLOSED
14 0.351930               |------------ ARP who-has ------------>|
15 0.351946               |<--- ARP is-at 3a:25:17:e9:49:5e -----|
16 0.351981               |------------- UDP len=2 ------------->|
17 0.352050               |<------ ICMP port unreachable --------|
18 0.368010               |------------ ARP who-has ------------>|
19 0.368026               |<--- ARP is-at 3a:25:17:e9:49:5e -----|
20 0.368074               |--- ICMP Echo (ping) request seq=1 -->|
21 0.368090               |<--- ICMP Echo (ping) reply seq=1 ----|"

width=$( { ladder_of "$ROOT/tests/pcap/exchanges.pcap"; ladder_of "$TMP/hello.pcap"; } |
	awk '{ if (length($0) > w) w = length($0) } END { print w }')
if [ "$width" -le 79 ]; then
	ok "two hosts fit 80 columns ($width)"
else
	not_ok "two hosts fit 80 columns" "a line of $width"
fi

# A third host (a router): arrows span the column between, a frame to
# itself loops, findings go after the last column.
A="eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02 / ipv4 src=10.9.0.1 dst=10.9.0.2 id=1"
B="eth src=02:00:00:00:00:02 dst=02:00:00:00:00:01 / ipv4 src=10.9.0.2 dst=10.9.0.1 id=2"
AR="eth src=02:00:00:00:00:01 dst=02:00:00:00:00:fe / ipv4 src=10.9.0.1 dst=10.9.0.254 id=3"
RA="eth src=02:00:00:00:00:fe dst=02:00:00:00:00:01 / ipv4 src=10.9.0.254 dst=10.9.0.1 id=4"
mkpcap "$TMP/three.pcap" \
	"0|eth src=02:00:00:00:00:01 / arp sha=02:00:00:00:00:01 spa=10.9.0.1 tpa=10.9.0.2" \
	"0.000010|eth src=02:00:00:00:00:02 dst=02:00:00:00:00:01 / arp op=reply sha=02:00:00:00:00:02 spa=10.9.0.2 tha=02:00:00:00:00:01 tpa=10.9.0.1" \
	"0.000100|$A / tcp sport=40000 dport=80 flags=PA seq=1 ack=1 win=502 / payload text=\"GET\"" \
	"0.200100|$A / tcp sport=40000 dport=80 flags=PA seq=1 ack=1 win=502 / payload text=\"GET\"" \
	"0.200200|$B / tcp sport=80 dport=40000 flags=A seq=1 ack=4 win=510" \
	"0.300000|$AR / icmp seq=1 id=7" \
	"0.300050|$RA / icmp type=echo-reply seq=1 id=7" \
	"0.400000|eth src=02:00:00:00:00:fe / arp op=request sha=02:00:00:00:00:fe spa=10.9.0.254 tpa=10.9.0.254" \
	"1.500000|$B / udp sport=5353 dport=53 / payload text=\"q\"" ||
	not_ok "three.pcap" "show could not build it"
expect_eq "three hosts: spanning arrows, a loop, findings" "$(ladder_of "$TMP/three.pcap")" \
"                    10.9.0.1                                  10.9.0.2                                 10.9.0.254
                        |                                         |                                         |
1 0.000000              |-------------- ARP who-has ------------->|                                         |
2 0.000010              |<----- ARP is-at 02:00:00:00:00:02 ------|                                         |
3 0.000100  ESTABLISHED |----- [PSH, ACK] seq=1 ack=1 len=3 ----->| ESTABLISHED                             |
4 0.200100  ESTABLISHED |----- [PSH, ACK] seq=1 ack=1 len=3 ----->| ESTABLISHED                             |             [Retransmission]
5 0.200200  ESTABLISHED |<------- [ACK] seq=1 ack=4 len=0 --------| ESTABLISHED                             |
6 0.300000              |------------------------- ICMP Echo (ping) request seq=1 ------------------------->|
7 0.300050              |<------------------------- ICMP Echo (ping) reply seq=1 ---------------------------|
8 0.400000              |                                         |                                         |<-' ARP announce
9 1.500000              |<-------------- UDP len=1 ---------------|                                         |"

# A host talking to itself (a capture on lo): its ports are the columns.
L="eth src=00:00:00:00:00:00 dst=00:00:00:00:00:00 / ipv4 src=127.0.0.1 dst=127.0.0.1"
mkpcap "$TMP/lo.pcap" \
	"0|$L id=1 / tcp sport=40000 dport=80 flags=S seq=7" \
	"0.000020|$L id=0 / tcp sport=80 dport=40000 flags=RA seq=0 ack=8 win=0" \
	"0.000100|$L id=2 / icmp seq=1 id=1" ||
	not_ok "lo.pcap" "show could not build it"
expect_eq "a host to itself: its ends by port, a loop for the rest" "$(ladder_of "$TMP/lo.pcap")" \
"                  127.0.0.1:40000                          127.0.0.1:80                              127.0.0.1
                         |                                       |                                       |
1 0.000000      SYN_SENT |---------- [SYN] seq=0 len=0 --------->| SYN_RECEIVED                          |
2 0.000020        CLOSED |<--- [RST, ACK] seq=1 ack=1 len=0 -----| CLOSED                                |
3 0.000100               |                                       |                                       |<-' ICMP Echo (ping) request seq=1"

# A filter draws the frames it selects, numbered and timed as in the file.
expect_eq "decode FILE tcp: the file's numbers and times" \
	"$(ladder_of "$ROOT/tests/pcap/exchanges.pcap" tcp | awk 'NR > 2 { printf "%s %s, ", $1, $2 }')" \
	"5 0.016187, 6 0.016220, 9 0.016242, 12 0.336171, 13 0.336192, "

# --absolute draws the raw numbers; -v lists the frames, then draws them.
case $(ladder_of "$TMP/hello.pcap" --absolute | sed -n 3p) in
*"[SYN] seq=1000 len=0"*) ok "--absolute: raw numbers on the arrows" ;;
*) not_ok "--absolute: raw numbers on the arrows" "$(ladder_of "$TMP/hello.pcap" --absolute | sed -n 3p)" ;;
esac
out=$("$RAWCRAFT" decode "$TMP/hello.pcap" --ladder -v)
first=$(printf '%s\n' "$out" | grep -n '^1 0.000000 10.9.0.1:40000 > 10.9.0.2:9230 TCP \[SYN\]' | cut -d: -f1)
tree=$(printf '%s\n' "$out" | grep -n '^Frame 9: ' | cut -d: -f1)
head=$(printf '%s\n' "$out" | grep -n '^ *10.9.0.1  *10.9.0.2$' | cut -d: -f1)
if [ "${first:-0}" = 1 ] && [ "${tree:-0}" -gt 1 ] && [ "${head:-0}" -gt "${tree:-0}" ]; then
	ok "--ladder -v: the frames with their trees, then the ladder"
else
	not_ok "--ladder -v: the frames with their trees, then the ladder" "lines $first, $tree, $head"
fi
out=$("$RAWCRAFT" decode "$TMP/hello.pcap" --ladder --json 2>&1); rc=$?
expect_eq "--ladder --json: refused" "$rc $out" \
	"2 rawcraft: error: --ladder with --json is not an option of 'decode' (see rawcraft --help)"

# The page: one arrow and one hidden frame section per frame, nothing
# fetched from anywhere.
page_check() {	# page_check PAGE FRAMES: "ok" or what is wrong
	"$PY" - "$1" "$2" <<'PYEOF'
import html.parser, re, sys
page, frames = open(sys.argv[1], encoding='utf-8').read(), int(sys.argv[2])
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.arrows, self.sections, self.tags, self.bad = [], [], [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if 'data-frame' in a:
            self.arrows.append(a['data-frame'])
        if tag == 'section':
            self.sections.append((a.get('id'), 'hidden' in a))
        for k, v in attrs:
            if k in ('src', 'href', 'xlink:href', 'action', 'srcset', 'poster') or \
               k.startswith('on') or re.search(r'(https?:|//|url\()', v or ''):
                self.bad.append('%s %s=%r' % (tag, k, v))
p = P()
p.feed(page)
p.close()
want = [str(n) for n in range(1, frames + 1)]
problems = []
if p.arrows != want:
    problems.append('arrows %s' % p.arrows)
if p.sections != [('f-' + n, True) for n in want]:
    problems.append('sections %s' % p.sections)
if p.bad:
    problems.append('fetches or handlers: %s' % p.bad)
if re.search(r'https?:|@import|url\(', page):
    problems.append('a URL in the text')
if p.tags.count('script') != 1 or 'img' in p.tags or p.tags.count('svg') != 1:
    problems.append('tags: %d script, %d img, %d svg' % (p.tags.count('script'),
                    p.tags.count('img'), p.tags.count('svg')))
if "default-src 'none'" not in page:
    problems.append('no policy against fetches')
print('; '.join(problems) or 'ok')
PYEOF
}
out=$("$RAWCRAFT" decode "$ROOT/tests/pcap/exchanges.pcap" --html "$TMP/ex.html"); rc=$?
expect_eq "--html: the frames are still listed" "$rc $(printf '%s\n' "$out" | grep -c '^[0-9]* 0\.')" "0 21"
expect_eq "--html: 21 arrows, 21 frames, nothing fetched" "$(page_check "$TMP/ex.html" 21)" ok

# Captured bytes that would be markup are text: a payload closing the
# script and adding an image with a handler.
evil='</script><img src=x onerror="document.title=1"><script>document.title=2</script>'"'&"
mkpcap "$TMP/evil.pcap" "0|$C / udp sport=1 dport=2 / payload hex=$(printf '%s' "$evil" | od -An -tx1 | tr -d ' \n')" ||
	not_ok "evil.pcap" "show could not build it"
"$RAWCRAFT" decode "$TMP/evil.pcap" --html "$TMP/evil.html" >/dev/null
expect_eq "--html: a payload of markup stays text" "$(page_check "$TMP/evil.html" 1)" ok
if grep -qF '[Text: &lt;/script&gt;&lt;img src=x onerror=&quot;document.title=1&quot;&gt;' "$TMP/evil.html" &&
   grep -qF '&#39;&amp;]' "$TMP/evil.html"; then
	ok "--html: the payload is shown, escaped"
else
	not_ok "--html: the payload is shown, escaped" "$(grep -F 'Text:' "$TMP/evil.html")"
fi

# Faults writing the page are system errors.
out=$("$RAWCRAFT" decode "$ROOT/tests/pcap/exchanges.pcap" --html "$TMP/no/such/dir.html" 2>&1); rc=$?
expect_eq "--html into a missing folder: exit 3 before any frame" "$rc $out" \
	"3 rawcraft: error: cannot write '$TMP/no/such/dir.html': No such file or directory"
if [ -w /dev/full ]; then
	err=$("$RAWCRAFT" decode "$ROOT/tests/pcap/exchanges.pcap" --html /dev/full 2>&1 >/dev/null); rc=$?
	expect_eq "--html onto a full disk: exit 3" "$rc $err" \
		"3 rawcraft: error: cannot write '/dev/full': No space left on device"
else
	not_ok "--html onto a full disk" "no /dev/full to write to"
fi

# A real browser: after load the DOM has one arrow per frame, and the page
# opened at #frame=3 has clicked arrow 3 (the script dispatches the click
# its handler takes), which shows frame 3's tree and dump and no other.
browser=$(command -v chromium || command -v chromium-browser)
if [ -z "$browser" ]; then
	not_ok "headless chromium" "chromium is not installed (tests/deps.sh installs it)"
else
	dom() {	# dom PAGE FRAGMENT: the DOM after the page's script ran
		timeout 20 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
			--user-data-dir="$TMP/chromium" --dump-dom "file://$1$2" 2>/dev/null
	}
	dom "$TMP/ex.html" "#frame=3" >"$TMP/ex.dom"
	"$PY" - "$TMP/ex.dom" >"$TMP/ex.why" <<'PYEOF'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.arrows, self.shown, self.picked, self.where, self.text = 0, [], [], None, {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'data-frame' in a:
            self.arrows += 1
            if 'picked' in (a.get('class') or '').split():
                self.picked.append(a['data-frame'])
        if tag == 'section':
            self.where = a.get('id')
            self.text[self.where] = ''
            if 'hidden' not in a:
                self.shown.append(self.where)
    def handle_endtag(self, tag):
        if tag == 'section':
            self.where = None
    def handle_data(self, d):
        if self.where:
            self.text[self.where] += d
p = P()
p.feed(open(sys.argv[1], encoding='utf-8').read())
t = p.text.get('f-3', '')
ok = p.arrows == 21 and p.shown == ['f-3'] and p.picked == ['3'] and \
     'Frame 3: 42 bytes on wire' in t and '0000  ff ff ff ff ff ff' in t
print('ok' if ok else 'arrows %d, shown %s, picked %s, f-3 %r' % (p.arrows, p.shown, p.picked, t[:80]))
PYEOF
	expect_eq "chromium: 21 arrows; #frame=3 clicks arrow 3 and shows its tree and dump" \
		"$(cat "$TMP/ex.why")" ok
	dom "$TMP/evil.html" "#frame=1" >"$TMP/evil.dom"
	if grep -q '<title>rawcraft decode ' "$TMP/evil.dom" && ! grep -qi '<img' "$TMP/evil.dom" &&
	   [ "$(grep -o '<script' "$TMP/evil.dom" | wc -l)" = 1 ] &&
	   grep -qF '[Text: &lt;/script&gt;&lt;img src=x onerror="document.title=1"&gt;' "$TMP/evil.dom"; then
		ok "chromium: the markup payload is inert text"
	else
		not_ok "chromium: the markup payload is inert text" "$(grep -iE '<img|<title|<script' "$TMP/evil.dom" | head -5)"
	fi
fi
