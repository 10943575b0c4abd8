#!/usr/bin/python3
"""tcp_analysis.py - rawcraft's TCP analysis against tshark's, key by key.

usage: tcp_analysis.py LABEL PCAP JSONL [--expect FINDING,...] [--min PCT]

JSONL is `rawcraft decode PCAP --json`; tshark reads PCAP itself.  Over
every frame with a TCP header of its own (not one quoted in an ICMP error),
each key of rawcraft's "tcp_analysis" is compared with tshark's field:

  stream seq ack len next_seq   tcp.stream tcp.seq tcp.ack tcp.len tcp.nxtseq
  acks_frame                    tcp.analysis.acks_frame
  ack_rtt irtt                  tcp.analysis.ack_rtt, .initial_rtt, to the us
  window                        tcp.window_size (scaled as tshark scales it)
  expert                        the set of tcp.analysis.<finding> present
  dupack                        tcp.analysis.duplicate_ack_num and _frame
  rto_frame                     tcp.analysis.rto_frame

Prints one TAP line: ok when every key agrees on at least --min percent
(99) of the frames and each --expect finding is reported at least once by
both; the line gives each key's agreement and each finding's count as
rawcraft/tshark, and on failure the first frames that disagree.
"""

import argparse
import json
import subprocess
import sys

FINDINGS = ['retransmission', 'fast_retransmission', 'spurious_retransmission',
            'out_of_order', 'lost_segment', 'ack_lost_segment', 'duplicate_ack',
            'zero_window', 'window_full', 'window_update', 'keep_alive', 'keep_alive_ack',
            'zero_window_probe', 'zero_window_probe_ack']

PLAIN = [('stream', 'tcp.stream'), ('seq', 'tcp.seq'), ('ack', 'tcp.ack'),
         ('len', 'tcp.len'), ('next_seq', 'tcp.nxtseq'),
         ('acks_frame', 'tcp.analysis.acks_frame'), ('ack_rtt', 'tcp.analysis.ack_rtt'),
         ('irtt', 'tcp.analysis.initial_rtt'), ('window', 'tcp.window_size')]
EXTRA = ['frame.number', 'frame.protocols', 'tcp.flags.ack',
         'tcp.analysis.duplicate_ack_num', 'tcp.analysis.duplicate_ack_frame',
         'tcp.analysis.rto_frame']
SECONDS = {'ack_rtt', 'irtt'}
KEYS = [k for k, _ in PLAIN] + ['expert', 'dupack', 'rto_frame']


def number(text, seconds=False):
    """A field's value as compared: an int, microseconds, or None."""
    if text in ('', None):
        return None
    if seconds:
        return round(float(text) * 1e6)
    return int(text)


def tshark_frames(pcap):
    fields = [f for _, f in PLAIN] + EXTRA + ['tcp.analysis.' + f for f in FINDINGS]
    cmd = ['tshark', '-n', '-r', pcap, '-o', 'tcp.desegment_tcp_streams:FALSE',
           '-T', 'fields', '-E', 'occurrence=f', '-E', 'separator=\t']
    for f in fields:
        cmd += ['-e', f]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=True, universal_newlines=True).stdout
    frames = {}
    for line in out.splitlines():
        v = dict(zip(fields, line.split('\t')))
        protos = v['frame.protocols'].split(':')
        # A TCP header of the frame's own, not the one an ICMP error quotes.
        if 'tcp' not in protos or any(p.startswith('icmp') for p in protos):
            continue
        row = {k: number(v[f], k in SECONDS) for k, f in PLAIN}
        if v['tcp.flags.ack'] != '1':
            row['ack'] = 0	# tshark shows the raw field; rawcraft 0
        row['expert'] = frozenset(f for f in FINDINGS if v['tcp.analysis.' + f])
        row['dupack'] = (number(v['tcp.analysis.duplicate_ack_num']),
                         number(v['tcp.analysis.duplicate_ack_frame']))
        row['rto_frame'] = number(v['tcp.analysis.rto_frame'])
        frames[int(v['frame.number'])] = row
    return frames


def rawcraft_frames(jsonl):
    frames = {}
    with open(jsonl) as f:
        for line in f:
            o = json.loads(line)
            t = o.get('tcp_analysis')
            if 'frame' not in o or t is None:
                continue
            row = {k: t.get(k) for k, _ in PLAIN}
            for k in SECONDS:
                row[k] = None if row[k] is None else round(row[k] * 1e6)
            row['expert'] = frozenset(t['expert'])
            row['dupack'] = (t.get('dupack_num'), t.get('dupack_frame'))
            row['rto_frame'] = t.get('rto_frame')
            frames[o['frame']] = row
    return frames


def main():
    p = argparse.ArgumentParser(usage=__doc__.split('\n')[2][7:])
    p.add_argument('label')
    p.add_argument('pcap')
    p.add_argument('jsonl')
    p.add_argument('--expect', default='', type=lambda s: [e for e in s.split(',') if e])
    p.add_argument('--min', type=float, default=99.0)
    a = p.parse_args()
    unknown = [e for e in a.expect if e not in FINDINGS]
    if unknown:
        p.error('no finding named %s' % ' '.join(unknown))
    label, pcap, jsonl, expect, minimum = a.label, a.pcap, a.jsonl, a.expect, a.min
    ts, rc = tshark_frames(pcap), rawcraft_frames(jsonl)
    numbers = sorted(set(ts) | set(rc))
    agree = dict.fromkeys(KEYS, 0)
    wrong = {k: [] for k in KEYS}	# the first two frames that disagree, by key
    for n in numbers:
        a, b = rc.get(n), ts.get(n)
        for k in KEYS:
            if a is not None and b is not None and a[k] == b[k]:
                agree[k] += 1
            elif len(wrong[k]) < 2:
                wrong[k].append('#%d %s: rawcraft %s, tshark %s' % (
                    n, k, show(a, k), show(b, k)))
    wrong = [w for k in KEYS for w in wrong[k]]
    total = len(numbers)
    pct = {k: 100.0 * agree[k] / total if total else 0.0 for k in KEYS}
    count = {f: (sum(f in r['expert'] for r in rc.values()),
                 sum(f in r['expert'] for r in ts.values())) for f in FINDINGS}
    keys = ' '.join('%s %.2f%%' % (k, pct[k]) for k in KEYS)
    seen = ' '.join('%s %d/%d' % (f, *count[f]) for f in FINDINGS if any(count[f]))
    line = '%s: %d TCP frames; %s; findings rawcraft/tshark: %s' % (
        label, total, keys, seen or 'none')
    missing = [f for f in expect if not all(count[f])]
    low = [k for k in KEYS if pct[k] < minimum]
    if total and not missing and not low:
        print('ok - ' + line)
        return
    why = []
    if not total:
        why.append('no TCP frame')
    if low:
        why.append('below %.0f%%: %s' % (minimum, ' '.join(low)))
    if missing:
        why.append('expected but not reported by both: %s' % ' '.join(missing))
    print('not ok - %s: %s; %s' % (line, '; '.join(why), '; '.join(wrong)))


def show(row, key):
    if row is None:
        return 'no TCP'
    v = row[key]
    return '[%s]' % ','.join(sorted(v)) if isinstance(v, frozenset) else str(v)


if __name__ == '__main__':
    main()
