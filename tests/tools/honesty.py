#!/usr/bin/python3
"""honesty.py - how much of a folder of captures rawcraft decodes as tshark.

usage: honesty.py [-j JOBS] [-e EXAMPLES] [--rawcraft PATH] [--tap] DIR|FILE...

Runs `rawcraft decode --json` and tshark (PDML, checksums verified, nothing
reassembled, every dissector on) over each capture and holds them against
each other frame by frame with tests/oracle/decode6.py's comparer in its
strict mode: every layer rawcraft knows that tshark finds outside a
tunnel must be rawcraft's at the same byte offset, with the same fields,
and rawcraft may have no layer tshark has not.  Prints the share of frames
that agree and the disagreements grouped by cause (frames per cause, a
frame counted once under each of its causes), with examples FILE:FRAME.

A capture rawcraft refuses (a link type it does not read) is counted
apart, not in the share.  A tool for the corpus; with --tap, one TAP line
a capture (not ok naming each frame that differs, and a refused capture),
for tests/suites/decode_honesty.sh.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from multiprocessing import Pool

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'oracle'))
import decode6  # noqa: E402
from check import read_pdml  # noqa: E402

CAPTURE = re.compile(r'\.(pcap|pcapng|cap|pcap\.gz|dump|trace)$')
TSHARK = ['tshark', '-n', '-T', 'pdml',
          '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE',
          '-o', 'udp.check_checksum:TRUE',
          '-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE',
          '-o', 'tcp.analyze_sequence_numbers:FALSE', '-o', 'tcp.desegment_tcp_streams:FALSE']


def cause(text):
    """A disagreement's text without its values: what it is about."""
    m = re.match(r'(\S+) at byte \d+: rawcraft has no (\S+) layer', text)
    if m:
        return 'tshark has %s, rawcraft no %s layer there' % (m.group(1), m.group(2))
    m = re.match(r'(\S+) at byte \d+: rawcraft decodes it, tshark has no (\S+)', text)
    if m:
        return 'rawcraft has a %s layer that tshark has not' % m.group(1)
    m = re.match(r'(\S+) checksum( 0x[0-9a-f]+)?: rawcraft (\S+), tshark (\S+)', text)
    if m:
        return '%s checksum verdict: rawcraft %s, tshark %s' % (m.group(1), m.group(3),
                                                                m.group(4))
    head = text.split(':')[0]
    return re.sub(r'\d+', 'N', head) + ' differs'


def one(args):
    """(file, frames agreeing, frames, [(frame, [texts])], refused reason)."""
    path, rawcraft = args
    name = os.path.basename(path)
    with tempfile.TemporaryDirectory() as tmp:
        pdml = os.path.join(tmp, 'p.pdml')
        with open(pdml, 'w') as out:
            t = subprocess.run(TSHARK + ['-r', path], stdout=out, stderr=subprocess.PIPE)
        r = subprocess.run([rawcraft, 'decode', path, '--json'], capture_output=True)
        try:
            packets = read_pdml(pdml)
        except Exception:	# tshark gave up half-way (a broken file): take none
            packets = []
        if r.returncode != 0:
            why = r.stderr.decode(errors='replace').strip().splitlines()
            return name, 0, len(packets), [], (why[-1] if why else 'rc %d' % r.returncode)
        if t.returncode != 0 and not packets:
            return name, 0, 0, [], 'tshark: ' + t.stderr.decode(errors='replace')[:100]
        frames = [json.loads(line, object_pairs_hook=list)
                  for line in r.stdout.decode().splitlines() if line.strip()]
        try:
            raws = decode6.frames_raw(path)
        except Exception:
            raws = []
        n = len(packets)
        if not (len(frames) == n == len(raws)):
            text = 'frame count: rawcraft %d, tshark %d, the file %d' % (
                len(frames), n, len(raws))
            return name, 0, max(n, len(frames)), [(0, [text])], None
        bad = []
        for k, (frame, packet, raw) in enumerate(zip(frames, packets, raws), 1):
            try:
                errs = decode6.FrameCheck(packet, frame, raw, strict=True).run()
            except Exception as e:	# the comparer's bug, named, not hidden
                errs = ['comparer failed: %r' % e]
            if errs:
                bad.append((k, errs))
        return name, n - len(bad), n, bad, None


def tap(files, a):
    with Pool(a.j) as pool:
        for name, good, n, bad, why in pool.imap(one, [(f, a.rawcraft) for f in files]):
            label = 'decode %s agrees with tshark' % name
            if why is not None:
                print('not ok - %s: rawcraft refused it: %s' % (label, why))
            elif bad or not n:
                print('not ok - %s: %s' % (label, '; '.join(
                    'frame %d: %s' % (k, ', '.join(errs[:4])) for k, errs in bad[:5])
                    or 'no frames'))
            else:
                print('ok - %s (%d frames)' % (label, n))
    return 0


def captures(args):
    out = []
    for a in args:
        if os.path.isdir(a):
            out += sorted(os.path.join(a, f) for f in os.listdir(a) if CAPTURE.search(f))
        else:
            out.append(a)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('-j', type=int, default=2)
    ap.add_argument('-e', type=int, default=3, help='examples shown per cause')
    ap.add_argument('--rawcraft', default=os.path.join(HERE, '..', '..', 'rawcraft'))
    ap.add_argument('--tap', action='store_true', help='a TAP line per capture')
    ap.add_argument('paths', nargs='+')
    a = ap.parse_args()
    files = captures(a.paths)
    if a.tap:
        return tap(files, a)
    agree = total = 0
    refused = []
    causes = defaultdict(list)
    with Pool(a.j) as pool:
        for name, good, n, bad, why in pool.imap(one, [(f, a.rawcraft) for f in files]):
            if why is not None:
                refused.append((name, n, why))
                continue
            agree += good
            total += n
            for k, errs in bad:
                for c in sorted({cause(e) for e in errs}):
                    causes[c].append('%s:%d %s' % (name, k, next(
                        e for e in errs if cause(e) == c)[:160]))
    share = 100.0 * agree / total if total else 0.0
    print('rawcraft agrees with tshark on %d of %d frames (%.2f%%) in %d captures' % (
        agree, total, share, len(files) - len(refused)))
    print('not read: %d captures, %d frames (tshark); reasons:' % (
        len(refused), sum(n for _, n, _ in refused)))
    reasons = defaultdict(int)
    for _, n, why in refused:
        reasons[re.sub(r'^.*?error: ', '', re.sub(r'\d+', 'N', why))] += 1
    for why, k in sorted(reasons.items(), key=lambda x: -x[1])[:8]:
        print('  %4d  %s' % (k, why[:120]))
    print('disagreements by cause (frames):')
    for c, ex in sorted(causes.items(), key=lambda x: (-len(x[1]), x[0])):
        print('  %4d  %s' % (len(ex), c))
        for e in ex[:a.e]:
            print('          %s' % e)
    return 0


if __name__ == '__main__':
    sys.exit(main())
