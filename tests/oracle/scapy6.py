#!/usr/bin/python3
"""scapy6.py - Scapy builds the random IPv6 templates from the same values.

usage: scapy6.py V6.JSON RAWCRAFT.pcap TSHARK.pdml [LABEL]
       scapy6.py build V6.JSON OUT.pcap     Scapy's own frames (a self-check)

V6.JSON is gen6.py's description of each template (in pcap order).  For
every frame, Scapy builds it from those values (IPv6, IPv6ExtHdrHopByHop,
IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, IPv6ExtHdrFragment, ICMPv6EchoRequest,
ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, ... with its own lengths, next headers
and checksums) and must arrive at rawcraft's bytes; and tshark must call
every checksum of the frame Good.  One `not ok` line per template that
fails (the first differing byte named by the layer and field it is in),
then one `ok` line for each check that held on every frame.
"""

import ipaddress
import json
import logging
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
logging.getLogger('scapy.runtime').setLevel(logging.ERROR)
from check import read_pdml, show_int, STATUS  # noqa: E402
from scapy.all import (Dot1Q, Ether, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,  # noqa: E402
                       IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, ICMPv6DestUnreach,
                       ICMPv6EchoReply, ICMPv6EchoRequest, ICMPv6ND_NA, ICMPv6ND_NS,
                       ICMPv6ND_RA, ICMPv6ND_RS, ICMPv6NDOptDstLLAddr, ICMPv6NDOptMTU,
                       ICMPv6NDOptPrefixInfo, ICMPv6NDOptSrcLLAddr, ICMPv6PacketTooBig,
                       ICMPv6ParamProblem, ICMPv6TimeExceeded, Raw, TCP, UDP)
from scapy.utils import RawPcapReader  # noqa: E402


def mcast_mac(addr):
    b = ipaddress.IPv6Address(addr).packed
    return '33:33:' + ':'.join('%02x' % x for x in b[12:])


def solicited_node(target):
    b = ipaddress.IPv6Address(target).packed
    return str(ipaddress.IPv6Address(b'\xff\x02' + bytes(9) + b'\x01\xff' + b[13:]))


def opts_of(cls, raw):
    """The option list Scapy parses out of the bytes gen6.py meant."""
    hdr = cls(bytes([59, (2 + len(raw)) // 8 - 1]) + raw)
    return hdr.options


def nd_option(o):
    k = o[0]
    if k == 'sll':
        return ICMPv6NDOptSrcLLAddr(lladdr=o[1])
    if k == 'tll':
        return ICMPv6NDOptDstLLAddr(lladdr=o[1])
    if k == 'mtu':
        return ICMPv6NDOptMTU(mtu=o[1])
    if k == 'prefix':
        _, prefix, ln, fl, valid, pref = o
        return ICMPv6NDOptPrefixInfo(prefixlen=ln, L=int(fl['L']), A=int(fl['A']), R=int(fl['R']),
                                     validlifetime=valid, preferredlifetime=pref, prefix=prefix)
    if k == 'nonce':
        d = bytes.fromhex(o[1])
        return Raw(bytes([14, (2 + len(d)) // 8]) + d)
    d = bytes.fromhex(o[2])
    return Raw(bytes([o[1], (2 + len(d)) // 8]) + d)


def icmp6(d):
    t = d['type']
    if t == 'echo-request':
        p = ICMPv6EchoRequest(id=d['id'], seq=d['seq'])
    elif t == 'echo-reply':
        p = ICMPv6EchoReply(id=d['id'], seq=d['seq'])
    elif t == 'neighbor-solicit':
        p = ICMPv6ND_NS(tgt=d['target'])
    elif t == 'neighbor-advert':
        f = d['flags']
        p = ICMPv6ND_NA(R=int('R' in f), S=int('S' in f), O=int('O' in f), tgt=d['target'])
    elif t == 'router-solicit':
        p = ICMPv6ND_RS()
    elif t == 'router-advert':
        f = d['flags']
        p = ICMPv6ND_RA(chlim=d['curhlim'], M=int('M' in f), O=int('O' in f), H=0, prf=0, P=0,
                        routerlifetime=d['lifetime'], reachabletime=d['reachable'],
                        retranstimer=d['retrans'])
    elif t == 'dest-unreach':
        p = ICMPv6DestUnreach(code=d['code'])
    elif t == 'packet-too-big':
        p = ICMPv6PacketTooBig(code=d['code'], mtu=d['mtu'])
    elif t == 'time-exceeded':
        p = ICMPv6TimeExceeded(code=d['code'])
    elif t == 'param-problem':
        p = ICMPv6ParamProblem(code=d['code'], ptr=d['ptr'])
    else:
        raise ValueError('no ICMPv6 type %r' % t)
    for o in d.get('opts', []):
        p = p / nd_option(o)
    return p


def build(layers):
    """Scapy's frame from gen6.py's description; and where each layer starts."""
    pkt = None
    first_ipv6 = None
    ns = next((d for n, d in layers if n == 'icmp6' and d['type'] == 'neighbor-solicit'), None)
    for name, d in layers:
        if name == 'eth':
            p = Ether(src=d['src'])
            if 'dst' in d:
                p.dst = d['dst']
        elif name == 'vlan':
            p = Dot1Q(prio=d['prio'], id=d['id'], vlan=d['vlan'])
        elif name == 'ipv6':
            dst = d.get('dst') or solicited_node(ns['target'])
            p = IPv6(tc=d['tc'], fl=d['fl'], hlim=d['hlim'], src=d['src'], dst=dst)
            if 'nh' in d:
                p.nh = d['nh']
            if first_ipv6 is None:
                first_ipv6 = p
        elif name in ('hopopts', 'dstopts'):
            cls = IPv6ExtHdrHopByHop if name == 'hopopts' else IPv6ExtHdrDestOpt
            p = cls(autopad=0, options=opts_of(cls, bytes.fromhex(d['raw'])))
            if 'nh' in d:
                p.nh = d['nh']
        elif name == 'routing':
            p = IPv6ExtHdrRouting(type=0, segleft=d['segleft'], addresses=d['addrs'])
            if 'nh' in d:
                p.nh = d['nh']
        elif name == 'fragment':
            p = IPv6ExtHdrFragment(offset=d['off'], m=d['m'], id=d['id'])
            if 'nh' in d:
                p.nh = d['nh']
        elif name == 'tcp':
            p = TCP(sport=d['sport'], dport=d['dport'], seq=d['seq'], ack=d['ack'],
                    flags=d['flags'], window=d['win'], urgptr=d['urp'],
                    chksum=d.get('csum'), options=[(o[0], b'' if o[0] == 'SAckOK' else
                                      tuple(o[1]) if isinstance(o[1], list) else o[1])
                             for o in d['opts']])
        elif name == 'udp':
            p = UDP(sport=d['sport'], dport=d['dport'])
            if 'csum' in d:
                p.chksum = d['csum']
        elif name == 'icmp6':
            p = icmp6(d)
            if 'csum' in d:
                p.cksum = d['csum']
        elif name == 'payload':
            p = Raw(bytes.fromhex(d['hex']))
        pkt = p if pkt is None else pkt / p
    eth = pkt[Ether]
    if eth.dst is None or 'dst' not in layers[0][1]:
        eth.dst = mcast_mac(first_ipv6.dst)
    return pkt


def layer_at(pkt, off):
    """'Layer byte N' for byte off of Scapy's frame."""
    at = 0
    layer = pkt
    while layer is not None and layer.name != 'NoPayload':
        n = len(layer) - len(layer.payload)
        if off < at + n:
            return '%s byte %d' % (layer.__class__.__name__, off - at)
        at += n
        layer = layer.payload
    return 'past the end of scapy\'s frame'


def explicit_verdict(layers):
    """tshark's verdict on the one explicit checksum of a template (gen6.py's
    bad set): Good if it happens to be right, Illegal for a UDP zero (RFC
    8200 8.1), else Bad; None when every checksum is computed."""
    for k, (name, d) in enumerate(layers):
        if 'csum' not in d:
            continue
        if name == 'udp' and d['csum'] == 0:
            return 4
        right = [dict(x[1]) for x in layers]
        del right[k]['csum']
        p = build(list(zip([x[0] for x in layers], right)))
        layer = p[{'tcp': TCP, 'udp': UDP}[name]] if name in ('tcp', 'udp') else None
        if layer is None:	# the first ICMPv6 layer
            layer = next(l for l in p.iterpayloads() if l.__class__.__name__.startswith('ICMPv6'))
        again = layer.__class__(bytes(layer))
        computed = again.chksum if name in ('tcp', 'udp') else again.cksum
        return 1 if computed == d['csum'] else 0
    return None


def cmd_build(descs_path, out):
    """Scapy's own frames, for the suite to check the checker with."""
    from scapy.utils import wrpcap
    with open(descs_path) as f:
        descs = json.load(f)
    wrpcap(out, [build(d['layers']) for d in descs])
    return 0


def main():
    if sys.argv[1] == 'build':
        return cmd_build(sys.argv[2], sys.argv[3])
    descs_path, pcap, pdml = sys.argv[1:4]
    label = 'oracle6' + (' ' + sys.argv[4] if len(sys.argv) > 4 else '')
    with open(descs_path) as f:
        descs = json.load(f)
    r = RawPcapReader(pcap)
    frames = [bytes(d) for d, _ in r]
    r.close()
    packets = read_pdml(pdml)
    if not (len(frames) == len(descs) == len(packets)):
        print('not ok - %s: %d templates, rawcraft built %d frames, tshark read %d' % (
            label, len(descs), len(frames), len(packets)))
        return 0
    same = good = 0
    sums = 0
    for desc, got, packet in zip(descs, frames, packets):
        name = desc['file']
        errs = []
        try:
            want = bytes(build(desc['layers']))
        except Exception as e:	# a bug here must not pass quietly
            print('not ok - %s %s: scapy6.py cannot build it: %r' % (label, name, e))
            continue
        if want == got:
            same += 1
        else:
            diff = next((i for i in range(min(len(want), len(got))) if want[i] != got[i]),
                        min(len(want), len(got)))
            errs.append('scapy builds %d bytes, rawcraft %d; first difference at byte %d '
                        '(%s): scapy %s, rawcraft %s' % (
                            len(want), len(got), diff, layer_at(build(desc['layers']), diff),
                            want[diff:diff + 8].hex(), got[diff:diff + 8].hex()))
        bad_sums = []
        explicit = explicit_verdict(desc['layers'])
        for proto in packet['protos']:
            for fname, el in proto.fields.items():
                if fname.endswith('.checksum.status'):
                    sums += 1
                    st = show_int(el)
                    want = 1
                    if explicit is not None and proto.name in ('tcp', 'udp', 'icmpv6'):
                        want, explicit = explicit, None	# the first: the one written
                    if st != want:
                        bad_sums.append('%s %s, want %s' % (fname, STATUS.get(st, st),
                                                            STATUS.get(want, want)))
        if bad_sums:
            errs.append('tshark: ' + ', '.join(bad_sums))
        else:
            good += 1
        if errs:
            print('not ok - %s %s: %s' % (label, name, '; '.join(errs)))
    n = len(descs)
    if same == n:
        print('ok - %s: scapy builds the same bytes as rawcraft for all %d random IPv6 templates' % (label, n))
    if good == n:
        print('ok - %s: tshark finds all %d checksums as they should be (good unless written wrong) in the %d frames' % (label, sums, n))
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except Exception as e:	# a broken check must not pass quietly
        print('not ok - oracle6: scapy6.py failed: %r' % e)
