#!/usr/bin/python3
"""gen6.py - random IPv6 `.pkt` templates for the oracle6 suite.

usage: gen6.py SEED OUTDIR COUNT [core|ext|bad]

core: no extension headers (only what the ipv6 and icmp6 layers build);
ext: every template has at least one (hopopts, dstopts, routing, fragment);
bad: as core, with an explicit checksum on the TCP, UDP or ICMPv6 header
(a random one, or 0 for UDP: illegal over IPv6);
without either, both kinds drawn.

Writes OUTDIR/v6-NNNN.pkt (SPEC.md's template syntax: ipv6 with its
extension headers, then tcp, udp, icmp6 or a payload) and OUTDIR/v6.json:
for each template, in the same order, the values it stands for as Scapy
needs them (tests/oracle/scapy6.py builds the frame from those and must get
rawcraft's bytes).  Every value Scapy needs is written in the template, or
is a default SPEC.md states (tc 0, flow 0, hlim 64 / 255 for ND, nh and
lengths computed, segleft the number of addresses, fragment res/off/m 0,
icmp6 code 0 and seq 1, eth dst 33:33:xx for a multicast dst, a
neighbor-solicit's dst the target's solicited-node address).  Nothing is
`random`: Scapy could not draw the same.  The same SEED writes the same
files.
"""

import ipaddress
import json
import os
import random
import sys

sys.dont_write_bytecode = True

ND_TYPES = ('router-solicit', 'router-advert', 'neighbor-solicit', 'neighbor-advert')
ERR_TYPES = ('dest-unreach', 'packet-too-big', 'time-exceeded', 'param-problem')
ICMP6_NUM = {'echo-request': 128, 'echo-reply': 129, 'dest-unreach': 1, 'packet-too-big': 2,
             'time-exceeded': 3, 'param-problem': 4, 'router-solicit': 133,
             'router-advert': 134, 'neighbor-solicit': 135, 'neighbor-advert': 136}
NH_NUM = {'tcp': 6, 'udp': 17, 'icmp6': 58, 'hopopts': 0, 'dstopts': 60, 'routing': 43,
          'fragment': 44, 'none': 59}


class Gen:
    def __init__(self, seed, mode=None):
        self.r = random.Random(seed)
        self.mode = mode

    def maybe(self, p):
        return self.r.random() < p

    def num(self, v):
        r = self.r.random()
        if r < 0.6:
            return str(v)
        if r < 0.9:
            return '0x%x' % v
        return '0x%X' % v

    def uint(self, bits):
        top = (1 << bits) - 1
        r = self.r.random()
        if r < 0.08:
            return 0
        if r < 0.16:
            return top
        return self.r.randint(0, top)

    def mac(self, unicast=True):
        b = [self.r.randint(0, 255) for _ in range(6)]
        if unicast:
            b[0] &= 0xfe
        s = ':'.join('%02x' % x for x in b)
        return s.upper() if self.maybe(0.15) else s

    # --- IPv6 addresses in every RFC 4291 text form ---------------------

    def addr_value(self, kind='any'):
        r = self.r.random()
        if kind == 'mcast':
            g = [0xff00 | self.r.choice([0x02, 0x05, 0x0e, 0x12])] + \
                [0] * 6 + [self.r.choice([1, 2, 0x16, self.uint(16)])]
        elif r < 0.08:
            return 0 if kind == 'any' else 1	# :: (or ::1)
        elif r < 0.15:
            g = [0, 0, 0, 0, 0, 0xffff, self.uint(16), self.uint(16)]	# v4-mapped
        elif r < 0.2:
            g = [0x64, 0xff9b, 0, 0, 0, 0, self.uint(16), self.uint(16)]	# NAT64
        elif r < 0.45:
            g = [0xfe80, 0, 0, 0] + [self.uint(16) for _ in range(4)]
        elif r < 0.8:
            g = [0x2001, 0xdb8] + [self.r.choice([0, 0, self.uint(16)]) for _ in range(6)]
        else:
            g = [self.uint(16) for _ in range(8)]
        v = 0
        for x in g:
            v = v << 16 | x
        return v

    def addr_text(self, v):
        a = ipaddress.IPv6Address(v)
        groups = [(v >> (112 - 16 * i)) & 0xffff for i in range(8)]
        r = self.r.random()
        if r < 0.3:
            s = a.compressed
        elif r < 0.45:
            s = a.exploded			# leading zeros: 2001:0db8:...
        elif r < 0.6:
            s = ':'.join('%x' % g for g in groups)	# no compression
        elif r < 0.75:
            # compress some zero run (not necessarily the longest)
            runs = [(i, j) for i in range(8) for j in range(i + 1, 9)
                    if all(x == 0 for x in groups[i:j])]
            if runs:
                i, j = self.r.choice(runs)
                left = ':'.join('%x' % g for g in groups[:i])
                right = ':'.join('%x' % g for g in groups[j:])
                s = left + '::' + right
            else:
                s = a.compressed
        else:
            # the low 32 bits as a dotted quad
            head = ':'.join('%x' % g for g in groups[:6])
            quad = '.'.join(str((v >> s) & 0xff) for s in (24, 16, 8, 0))
            if all(g == 0 for g in groups[:6]) and self.maybe(0.5):
                s = '::' + quad
            elif groups[:5] == [0] * 5 and self.maybe(0.7):
                s = '::%x:%s' % (groups[5], quad)
            else:
                s = head + ':' + quad
        if self.maybe(0.2):
            s = s.upper()
        return s

    def addr(self, kind='any'):
        v = self.addr_value(kind)
        return self.addr_text(v), str(ipaddress.IPv6Address(v))

    # --- layers ------------------------------------------------------------

    def ext_opts(self):
        """hopopts/dstopts options: (template text or None, bytes as built)."""
        opts = []
        raw = b''
        for _ in range(self.r.choice([0, 1, 1, 2, 3])):
            k = self.r.choice(['pad1', 'padn', 'ra', 'raw', 'raw'])
            if k == 'pad1':
                opts.append('pad1')
                raw += b'\x00'
            elif k == 'padn':
                n = self.r.randint(0, 7)
                opts.append('padn:%d' % n)
                raw += bytes([1, n]) + bytes(n)
            elif k == 'ra':
                v = self.r.choice([0, 1, 2, self.uint(16)])
                opts.append('ra:%s' % self.num(v))
                raw += bytes([5, 2]) + v.to_bytes(2, 'big')
            else:
                # an option type that skips (top bits 00) and is not pad/ra/jumbo
                t = self.r.choice([0x1e, 0x3e])	# RFC 4727's experiments: no dissector parses them
                d = bytes(self.r.getrandbits(8) for _ in range(self.r.randint(0, 10)))
                opts.append('raw:%d:%s' % (t, d.hex()))
                raw += bytes([t, len(d)]) + d
        # the builder pads to a multiple of 8 (2 bytes of nh/len first)
        need = (-(2 + len(raw))) % 8
        pad = b'' if need == 0 else b'\x00' if need == 1 else bytes([1, need - 2]) + bytes(need - 2)
        text = ','.join(opts) if opts else None
        return text, raw + pad

    def layer_ipv6(self, nxt_name, nd=False, mcast_dst=False, no_dst=False):
        f = []
        d = {}
        r = self.r.random()
        tc = 0
        if r < 0.45:
            tc = self.uint(8)
            f.append(('tc', self.num(tc)))
        elif r < 0.6:
            dscp, ecn = self.uint(6), self.uint(2)
            f += [('dscp', self.num(dscp)), ('ecn', self.num(ecn))]
            tc = dscp << 2 | ecn
        d['tc'] = tc
        d['fl'] = 0
        if self.maybe(0.6):
            d['fl'] = self.uint(20)
            f.append(('flow', self.num(d['fl'])))
        d['hlim'] = 255 if nd else 64
        if self.maybe(0.6):
            d['hlim'] = self.uint(8)
            f.append(('hlim', self.num(d['hlim'])))
        if self.maybe(0.1):
            f.append(('ver', '6'))
        src_t, d['src'] = self.addr()
        f.append(('src', src_t))
        if not no_dst:
            dst_t, d['dst'] = self.addr('mcast' if mcast_dst else 'any')
            f.append(('dst', dst_t))
        if nxt_name and self.maybe(0.25):
            f.append(('nh', nxt_name if self.maybe(0.5) else self.num(NH_NUM[nxt_name])))
        return ('ipv6', f), d

    def nh_field(self, f, nxt_name):
        if nxt_name and self.maybe(0.25):
            f.append(('nh', nxt_name if self.maybe(0.5) else self.num(NH_NUM[nxt_name])))

    def layer_opts(self, name, nxt_name):
        text, raw = self.ext_opts()
        f = []
        if text:
            f.append(('opts', text))
        self.nh_field(f, nxt_name)
        return (name, f), {'raw': raw.hex()}

    def layer_routing(self, nxt_name):
        n = self.r.randint(0, 4)
        texts, addrs = [], []
        for _ in range(n):
            t, a = self.addr()
            texts.append(t)
            addrs.append(a)
        f = []
        if n:
            f.append(('addrs', '+'.join(texts)))
        seg = n
        if self.maybe(0.3):
            seg = self.r.randint(0, n)
            f.append(('segleft', str(seg)))
        if self.maybe(0.2):
            f.append(('type', '0'))
        self.nh_field(f, nxt_name)
        return ('routing', f), {'addrs': addrs, 'segleft': seg}

    def layer_fragment(self, nxt_name, off=0, m=0, nh_num=None):
        f = [('id', self.num(self.uint(32)))]
        d = {'id': int(f[0][1], 0), 'off': off, 'm': m}
        if off or self.maybe(0.3):
            f.append(('off', self.num(off)))
        if m or self.maybe(0.3):
            f.append(('m', str(m)))
        if self.maybe(0.1):
            f.append(('res', '0'))
        if nh_num is not None:
            f.append(('nh', self.num(nh_num)))
            d['nh'] = nh_num
        else:
            self.nh_field(f, nxt_name)
        return ('fragment', f), d

    def tcp(self):
        d = {'sport': self.uint(16), 'dport': self.uint(16), 'seq': self.uint(32),
             'ack': self.uint(32) if self.maybe(0.6) else 0,
             'win': self.uint(16) if self.maybe(0.6) else 64240,
             'urp': self.uint(16) if self.maybe(0.3) else 0}
        letters = [c for c in 'CEUAPRSF' if self.maybe(0.3)] or ['S']
        self.r.shuffle(letters)
        flags = ''.join(letters)
        d['flags'] = flags
        f = [('sport', self.num(d['sport'])), ('dport', self.num(d['dport'])),
             ('seq', self.num(d['seq'])), ('flags', flags)]
        if d['ack'] or self.maybe(0.2):
            f.append(('ack', self.num(d['ack'])))
        if d['win'] != 64240 or self.maybe(0.2):
            f.append(('win', self.num(d['win'])))
        if d['urp']:
            f.append(('urp', self.num(d['urp'])))
        d['opts'] = []
        if self.maybe(0.4):
            opts, used = [], 0
            for _ in range(self.r.randint(1, 5)):
                k = self.r.choice(['mss', 'sackok', 'ts', 'ws', 'nop'])
                if k == 'mss':
                    v = self.uint(16)
                    item, tup, n = 'mss:%d' % v, ('MSS', v), 4
                elif k == 'sackok':
                    item, tup, n = 'sackok', ('SAckOK', ''), 2
                elif k == 'ts':
                    a, b = self.uint(32), self.uint(32)
                    item, tup, n = 'ts:%d:%d' % (a, b), ('Timestamp', (a, b)), 10
                elif k == 'ws':
                    v = self.r.randint(0, 14)
                    item, tup, n = 'ws:%d' % v, ('WScale', v), 3
                else:
                    item, tup, n = 'nop', ('NOP', None), 1
                if used + n > 36:
                    break
                opts.append(item)
                d['opts'].append(tup)
                used += n
            while used % 4:		# whole words: no padding to argue about
                opts.append('nop')
                d['opts'].append(('NOP', None))
                used += 1
            f.append(('opts', ','.join(opts)))
        return ('tcp', f), d

    def udp(self):
        d = {'sport': self.uint(16), 'dport': self.uint(16)}
        return ('udp', [('sport', self.num(d['sport'])), ('dport', self.num(d['dport']))]), d

    def nd_opt(self, kind):
        if kind in ('sll', 'tll'):
            m = self.mac()
            return '%s:%s' % (kind, m), (kind, m.lower())
        if kind == 'mtu':
            v = self.uint(32)
            return 'mtu:%d' % v, ('mtu', v)
        if kind == 'prefix':
            ln = self.r.randint(0, 128)
            v = self.addr_value() >> (128 - ln) << (128 - ln) if ln else 0
            flags = self.r.choice(['LA', 'L', 'A', 'LAR', 'AL'])
            valid, pref = self.uint(32), self.uint(32)
            text = 'prefix:%s/%d:%s:%d:%d' % (self.addr_text(v), ln, flags, valid, pref)
            return text, ('prefix', str(ipaddress.IPv6Address(v)), ln,
                          {'L': 'L' in flags, 'A': 'A' in flags, 'R': 'R' in flags}, valid, pref)
        if kind == 'nonce':
            h = bytes(self.r.getrandbits(8) for _ in range(self.r.choice([6, 14]))).hex()
            return 'nonce:%s' % h, ('nonce', h)
        t = self.r.choice([200, 201, 222, 250])	# raw: a type nobody defines
        h = bytes(self.r.getrandbits(8) for _ in range(self.r.choice([6, 14, 22]))).hex()
        return 'raw:%d:%s' % (t, h), ('raw', t, h)

    def icmp6(self, t):
        f = []
        d = {'type': t, 'code': 0}
        if t not in ('echo-request',) or self.maybe(0.5):
            f.append(('type', t if self.maybe(0.7) else str(ICMP6_NUM[t])))
        if t in ERR_TYPES:
            d['code'] = self.r.randint(0, 6 if t == 'dest-unreach' else 3 if t == 'param-problem'
                                       else 1 if t == 'time-exceeded' else 0)
        if d['code'] or self.maybe(0.2):
            f.append(('code', str(d['code'])))
        kinds = []
        if t in ('echo-request', 'echo-reply'):
            d['id'] = self.uint(16)
            f.append(('id', self.num(d['id'])))
            d['seq'] = 1
            if self.maybe(0.7):
                d['seq'] = self.uint(16)
                f.append(('seq', self.num(d['seq'])))
        elif t == 'packet-too-big':
            d['mtu'] = self.r.choice([1280, 1500, self.uint(32)])
            f.append(('mtu', self.num(d['mtu'])))
        elif t == 'param-problem':
            d['ptr'] = self.r.choice([0, 6, 7, 40, self.uint(32)])
            f.append(('ptr', self.num(d['ptr'])))
        elif t in ('neighbor-solicit', 'neighbor-advert'):
            txt, d['target'] = self.addr()
            f.append(('target', txt))
            kinds = [k for k in (['sll' if t == 'neighbor-solicit' else 'tll', 'nonce', 'raw'])
                     if self.maybe(0.4)]
            if t == 'neighbor-advert':
                fl = [c for c in 'RSO' if self.maybe(0.5)]
                self.r.shuffle(fl)
                d['flags'] = ''.join(fl)
                f.append(('flags', d['flags'] or 'none'))
        elif t == 'router-solicit':
            kinds = [k for k in ('sll', 'raw') if self.maybe(0.5)]
        elif t == 'router-advert':
            d['curhlim'] = self.uint(8)
            d['lifetime'] = self.uint(16)
            d['reachable'] = self.uint(32)
            d['retrans'] = self.uint(32)
            fl = [c for c in 'MO' if self.maybe(0.5)]
            d['flags'] = ''.join(fl)
            f += [('curhlim', self.num(d['curhlim'])), ('lifetime', self.num(d['lifetime'])),
                  ('reachable', self.num(d['reachable'])), ('retrans', self.num(d['retrans'])),
                  ('flags', d['flags'] or 'none')]
            kinds = [k for k in ('sll', 'mtu', 'prefix', 'prefix', 'raw') if self.maybe(0.45)]
        d['opts'] = []
        if kinds:
            self.r.shuffle(kinds)
            texts = []
            for k in kinds:
                txt, o = self.nd_opt(k)
                texts.append(txt)
                d['opts'].append(o)
            f.append(('opts', ','.join(texts)))
        return ('icmp6', f), d

    def payload(self, small=False):
        n = self.r.choice([0, 1, 7, 8, self.r.randint(1, 64), self.r.randint(65, 600)])
        if small:
            n = min(n, 64)
        r = self.r.random()
        if r < 0.35:
            data = bytes(self.r.choice(b'abcdefghij KLMNOP 0123456789.,;:!?-_=+') for _ in range(max(n, 1)))
            return ('payload', [('text', '"%s"' % data.decode())]), data
        if r < 0.7:
            data = bytes(self.r.getrandbits(8) for _ in range(max(n, 1)))
            h = data.hex()
            return ('payload', [('hex', h.upper() if self.maybe(0.2) else h)]), data
        return ('payload', [('size', self.num(n))]), bytes(n)

    # --- a whole template -------------------------------------------------

    def template(self):
        """[(layer, [(field, text)])] and the description scapy6.py builds from."""
        upper = self.r.choice(['tcp', 'tcp', 'udp', 'udp', 'icmp6', 'icmp6', 'icmp6',
                               'icmp6'] + ([] if self.mode == 'bad' else ['payload']))
        itype = None
        if upper == 'icmp6':
            itype = self.r.choice(['echo-request', 'echo-reply'] * 2 + list(ND_TYPES) +
                                  list(ERR_TYPES))
        nd = itype in ND_TYPES
        # the extension headers, in RFC 8200's order
        chain = []
        p = {None: 1, 'core': 0, 'bad': 0, 'ext': 2.2}[self.mode]
        if self.maybe(0.3 * p):
            chain.append('hopopts')
        if self.maybe(0.2 * p):
            chain.append('dstopts')
        if self.maybe(0.2 * p) and not nd:
            chain.append('routing')
        if self.mode == 'ext' and not chain:
            chain.append(self.r.choice(['hopopts', 'dstopts', 'fragment']))
        frag = None
        if self.maybe(0.2 * p) and 'fragment' not in chain:
            chain.append('fragment')
            if self.maybe(0.4):		# a later fragment: only data after it
                frag = (self.r.randint(1, 8191), self.r.randint(0, 1))
                upper, itype, nd = 'payload', None, False
        if 'fragment' in chain and chain[-1] != 'fragment':	# drawn above: keep it last
            chain.remove('fragment')
            chain.append('fragment')
        if self.maybe(0.1) and not frag and chain:
            chain.append('dstopts')
        names = chain + [upper]
        out, desc = [], []
        eth = []
        ed = {'src': self.mac()}
        eth.append(('src', ed['src']))
        mcast = nd and itype in ('router-solicit', 'router-advert') and self.maybe(0.6)
        no_dst = itype == 'neighbor-solicit' and self.maybe(0.3)
        if self.maybe(0.7) or not (mcast or no_dst):
            ed['dst'] = self.mac()
            eth.append(('dst', ed['dst']))
        vlan = self.maybe(0.15)
        if self.maybe(0.2):
            eth.append(('type', ('vlan' if self.maybe(0.5) else '0x8100') if vlan else
                        ('ipv6' if self.maybe(0.5) else '0x86dd')))
        out.append(('eth', eth))
        desc.append(('eth', ed))
        if vlan:
            vd = {'vlan': self.uint(12), 'prio': self.uint(3), 'id': self.uint(1)}
            out.append(('vlan', [('id', self.num(vd['vlan'])), ('pcp', str(vd['prio'])),
                                 ('dei', str(vd['id']))]))
            desc.append(('vlan', vd))
        layer, d = self.layer_ipv6(names[0] if names[0] != 'payload' else None,
                                   nd=nd, mcast_dst=mcast, no_dst=no_dst)
        if upper == 'payload' and not chain:
            nh = self.r.choice([59, 59, 253, 254])
            layer[1].append(('nh', 'none' if nh == 59 and self.maybe(0.5) else str(nh)))
            d['nh'] = nh
        out.append(layer)
        desc.append(('ipv6', d))
        for i, name in enumerate(chain):
            nxt = names[i + 1]
            nxt = None if nxt == 'payload' else nxt
            if name in ('hopopts', 'dstopts'):
                layer, d = self.layer_opts(name, nxt)
            elif name == 'routing':
                layer, d = self.layer_routing(nxt)
            else:
                if frag:
                    layer, d = self.layer_fragment(None, frag[0], frag[1],
                                                   self.r.choice([6, 17, 58, 59]))
                else:
                    layer, d = self.layer_fragment(nxt)
            if nxt is None and 'nh' not in d and not (name == 'fragment' and frag):
                nh = self.r.choice([59, 253])
                layer[1].append(('nh', str(nh)))
                d['nh'] = nh
            out.append(layer)
            desc.append((name, d))
        if upper == 'tcp':
            layer, d = self.tcp()
        elif upper == 'udp':
            layer, d = self.udp()
        elif upper == 'icmp6':
            layer, d = self.icmp6(itype)
        if upper != 'payload':
            if self.mode == 'bad':	# an explicit checksum, most often wrong
                d['csum'] = 0 if upper == 'udp' and self.maybe(0.3) else self.uint(16)
                layer[1].append(('csum', self.num(d['csum'])))
            out.append(layer)
            desc.append((upper, d))
        if itype in ERR_TYPES:		# the quoted datagram: ipv6 + udp (+ data)
            layer, d = self.layer_ipv6('udp')
            out.append(layer)
            desc.append(('ipv6', d))
            layer, d = self.udp()
            out.append(layer)
            desc.append(('udp', d))
            if self.maybe(0.7):
                layer, data = self.payload(small=True)
                out.append(layer)
                desc.append(('payload', {'hex': data.hex()}))
        elif upper == 'payload' or (upper in ('tcp', 'udp') or itype in ('echo-request', 'echo-reply')) \
                and self.maybe(0.6):
            layer, data = self.payload()
            out.append(layer)
            desc.append(('payload', {'hex': data.hex()}))
        return out, desc

    def render(self, fields, title):
        lines = ['# ' + title]
        for layer, f in fields:
            f = list(f)
            self.r.shuffle(f)
            if layer == 'icmp6':	# rawcraft wants the type before the fields it decides
                f.sort(key=lambda x: x[0] != 'type')
            line = layer
            for name, value in f:
                line += self.r.choice([' ', ' ', '  ', '\t']) + '%s=%s' % (name, value)
            lines.append(line)
        return '\n'.join(lines) + '\n'


def main():
    seed, outdir, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    mode = sys.argv[4] if len(sys.argv) > 4 else None
    g = Gen(seed, mode)
    descs = []
    for n in range(count):
        fields, desc = g.template()
        name = 'v6-%04d.pkt' % n
        with open(os.path.join(outdir, name), 'w') as fp:
            fp.write(g.render(fields, 'random IPv6 template %d (seed %d)' % (n, seed)))
        descs.append({'file': name, 'layers': desc})
    with open(os.path.join(outdir, 'v6.json'), 'w') as fp:
        json.dump(descs, fp, indent=0)


if __name__ == '__main__':
    main()
