#!/usr/bin/python3
"""scapy_check.py - Scapy as a second oracle for rawcraft's checksums.

usage: scapy_check.py ALL.pcap VARSFILE [--group LABEL TEMPLATE...]...

For every frame whose template leaves all checksums and lengths to rawcraft
(and has no fragment or odd header length), Scapy parses the frame, forgets
the IPv4 / TCP / UDP / ICMP checksums, builds the frame again with its own
checksum code, and must arrive at the very same bytes.  (Scapy does not
write every TCP option list back byte for byte - EOL, padding - so with TCP
options the TCP checksum is Scapy's in4_chksum over the segment as built.)
One TAP line.
"""

import logging
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
logging.getLogger('scapy.runtime').setLevel(logging.ERROR)
import pkt  # noqa: E402
from check import load_vars  # noqa: E402
from scapy.all import Dot1Q, Ether, ICMP, IP, TCP, UDP, rdpcap  # noqa: E402
from scapy.layers.inet import in4_chksum  # noqa: E402


def eligible(path, variables):
    with open(path, encoding='latin-1') as f:
        layers = pkt.parse(f.read(), variables)
    for l in layers:
        if 'csum' in l.fields or 'len' in l.fields or 'off' in l.fields:
            return False
        if l.name == 'ipv4':
            for field, ok in (('ver', 4), ('ihl', 5), ('frag', 0)):
                if field in l.fields and pkt.field_int('ipv4', field, l.fields[field]) != ok:
                    return False
            if re.search(r'\b([ls]srr|raw:13[17]):', l.fields.get('opts', '')):
                return False	# Scapy takes the route's last address as dst, even when done
            flags = l.fields.get('flags')
            if flags is not None and (pkt.field_int('ipv4', 'flags', flags) or 0) & 1:
                return False
        if l.name == 'icmp' and 'type' in l.fields:
            if pkt.field_int('icmp', 'type', l.fields['type']) not in (0, 8):
                return False	# Scapy parses other types' data as fields
    return True


def outer(p, cls):
    """The first `cls` layer, unless it sits inside an ICMP error."""
    layer = p
    while layer is not None and layer.name != 'NoPayload':
        if isinstance(layer, cls):
            return layer
        if isinstance(layer, ICMP):
            return None
        layer = layer.payload if layer.payload.name != 'NoPayload' else None
    return None


def tcp_with_options(p, raw):
    ip = p[IP]
    at = 14 + 4 * len([l for l in p.layers() if l is Dot1Q])
    start = at + ip.ihl * 4
    end = at + ip.len
    seg = bytearray(raw[start:end])
    have = seg[16] << 8 | seg[17]
    seg[16:18] = b'\0\0'
    want = in4_chksum(6, ip, bytes(seg))
    if want != have:
        return 'TCP checksum 0x%04x, scapy computes 0x%04x' % (have, want)
    return None


def main():
    pcap, varsfile = sys.argv[1:3]
    paths = []
    for a in sys.argv[3:]:
        if a == '--group':
            paths.append(None)
        elif paths and paths[-1] is None:
            paths[-1] = '--label'
        else:
            paths.append(a)
    paths = [p for p in paths if p not in (None, '--label')]
    variables = load_vars(varsfile)
    frames = rdpcap(pcap)
    name = "scapy rebuilds the same IPv4/TCP/UDP/ICMP checksums"
    if len(frames) != len(paths):
        print('not ok - %s: %d frames for %d templates' % (name, len(frames), len(paths)))
        return 0
    bad = []
    n = sums = 0
    for k, (path, frame) in enumerate(zip(paths, frames)):
        if not eligible(path, variables):
            continue
        n += 1
        raw = bytes(frame)
        p = Ether(raw)
        tcp = outer(p, TCP)
        if tcp is not None and tcp.dataofs > 5:
            sums += 1
            err = tcp_with_options(p, raw)
            if err:
                bad.append('frame %d (%s): %s' % (k + 1, path, err))
            p[IP].remove_payload()	# the rest as Scapy builds it
            p = Ether(bytes(p)[:len(raw)])
            raw = raw[:len(bytes(p))]
        for cls in (IP, TCP, UDP, ICMP):
            layer = outer(p, cls)
            if layer is not None:
                del layer.chksum
                sums += 1
        again = bytes(p)
        if again != raw:
            diff = [i for i in range(min(len(raw), len(again))) if raw[i] != again[i]]
            bad.append('frame %d (%s): scapy builds %d bytes, rawcraft %d; first '
                       'difference at byte %s: scapy %s, rawcraft %s' % (
                           k + 1, path, len(again), len(raw), diff[:1],
                           again[diff[0]:diff[0] + 4].hex() if diff else '',
                           raw[diff[0]:diff[0] + 4].hex() if diff else ''))
    name = '%s on %d frames (%d checksums)' % (name, n, sums)
    if bad:
        print('not ok - %s: %d frames differ' % (name, len(bad)))
        for line in bad[:10]:
            print('# ' + line)
    else:
        print('ok - ' + name)
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except Exception as e:	# a broken check must not pass quietly
        print('not ok - scapy rebuilds the same checksums: scapy_check.py failed: %r' % e)
