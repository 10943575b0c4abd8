#!/usr/bin/python3
"""gen.py - random `.pkt` templates for the tshark oracle suite.

usage: gen.py SEED OUTDIR [MAIN [BAD [ODD]]]

Writes OUTDIR/main-NNNN.pkt (valid stacks, every field drawn over its whole
legal range, computed fields left to rawcraft), OUTDIR/bad-NNNN.pkt (the
same with explicit wrong checksums and lengths) and OUTDIR/odd-NNNN.pkt
(fragments, odd IHL / data offset / version, ARP sizes, any ICMP type),
plus OUTDIR/vars (NAME=VALUE lines for -D) and OUTDIR/payload-*.bin for
file= payloads.  The same SEED writes the same files.
"""

import os
import random
import sys

sys.dont_write_bytecode = True

VARS = {'ORACLE_TTL': '33', 'ORACLE_SEQ': '4294967295', 'ORACLE_PORT': '0x1f90',
        'ORACLE_IP': '198.51.100.7', 'ORACLE_MAC': '02:aa:bb:cc:dd:ee',
        'ORACLE_TEXT': 'hi there'}

# Ethertypes that no enabled tshark dissector claims (see oracle.sh: every
# protocol but frame/eth/vlan/arp/ip/tcp/udp/icmp/data is disabled).
TAKEN_ETHERTYPES = {0x0800, 0x0806, 0x8035, 0x8100, 0x9100, 0x88a8}
TAKEN_IPPROTOS = {1, 4, 6, 17}
# ICMP types whose bytes 4..7 tshark shows as identifier + sequence (or, for
# redirect, the gateway); others are covered by the odd set.
ICMP_TYPES = [0, 8, 13, 14, 15, 16, 17, 18, 5]


class Gen:
    def __init__(self, seed, outdir):
        self.r = random.Random(seed)
        self.outdir = outdir
        self.nfiles = 0

    # --- value text ---------------------------------------------------

    def num(self, v, width_hex=None):
        """A number as decimal or 0x hex."""
        r = self.r.random()
        if r < 0.6:
            return str(v)
        if r < 0.9:
            return '0x%x' % v
        return '0x%0*X' % (width_hex or 1, v)

    def uint(self, bits):
        """Uniform over the width, with the edges drawn more often."""
        top = (1 << bits) - 1
        r = self.r.random()
        if r < 0.08:
            return 0
        if r < 0.16:
            return top
        if r < 0.22:
            return self.r.choice([1, top - 1, top >> 1, (top >> 1) + 1]) & top
        return self.r.randint(0, top)

    def mac(self):
        v = self.uint(48)
        sep = ':' if self.r.random() < 0.85 else '-'
        s = sep.join('%02x' % ((v >> s) & 0xff) for s in range(40, -8, -8))
        return s.upper() if self.r.random() < 0.2 else s

    def ip(self):
        v = self.uint(32)
        return '.'.join(str((v >> s) & 0xff) for s in (24, 16, 8, 0))

    def maybe(self, p):
        return self.r.random() < p

    # --- layers -------------------------------------------------------

    def ethertype_free(self):
        while True:
            v = self.r.randint(0x0600, 0xffff)
            if v not in TAKEN_ETHERTYPES:
                return v

    def type_field(self, nxt, names):
        """Explicit next-layer type: the right one, by name or number."""
        value = {'vlan': 0x8100, 'arp': 0x0806, 'ipv4': 0x0800}.get(nxt)
        if value is None:		# payload or nothing follows: any free type
            return self.num(self.ethertype_free())
        return nxt if (names and self.maybe(0.5)) else self.num(value)

    def eth(self, nxt, need_dst, fields):
        f = []
        if need_dst is None:
            pass		# left to rawcraft: broadcast / multicast mapping
        elif need_dst or self.maybe(0.7):
            f.append(('dst', self.mac()))
        if self.maybe(0.85):
            f.append(('src', self.mac()))
        if self.maybe(0.3):
            f.append(('type', self.type_field(nxt, True)))
        fields.append(('eth', f))

    def vlan(self, nxt, fields):
        f = []
        for name, bits in (('id', 12), ('pcp', 3), ('dei', 1)):
            if self.maybe(0.75):
                f.append((name, self.random_or(self.num(self.uint(bits)))))
        if self.maybe(0.3):
            f.append(('type', self.type_field(nxt, True)))
        fields.append(('vlan', f))

    def random_or(self, text):
        return 'random' if self.maybe(0.04) else text

    def arp(self, fields, odd=False):
        f = []
        if self.maybe(0.7):
            r = self.r.random()
            op = 'request' if r < 0.3 else 'reply' if r < 0.6 else self.num(self.uint(16))
            f.append(('op', op))
        if self.maybe(0.5):
            while True:
                h = self.uint(16)
                if h != 19:	# ATM: tshark's ATMARP layout, not RFC 826's
                    break
            f.append(('htype', self.num(h)))
        if self.maybe(0.5):
            f.append(('ptype', 'ipv4' if self.maybe(0.3) else self.num(self.uint(16))))
        if odd:
            f.append(('hlen', self.num(self.uint(8))))
            f.append(('plen', self.num(self.uint(8))))
        else:
            if self.maybe(0.3):
                f.append(('hlen', self.num(6)))
            if self.maybe(0.3):
                f.append(('plen', self.num(4)))
        for name, gen in (('sha', self.mac), ('spa', self.ip), ('tha', self.mac)):
            if self.maybe(0.8):
                f.append((name, gen()))
        f.append(('tpa', self.ip()))
        fields.append(('arp', f))

    def ipv4(self, nxt, fields, explicit_src=True):
        f = []
        if self.maybe(0.15):
            f.append(('ver', self.num(4)))
        if self.maybe(0.15):
            f.append(('ihl', self.num(5)))
        r = self.r.random()
        if r < 0.4:
            f.append(('tos', self.num(self.uint(8))))
        elif r < 0.6:
            f.append(('dscp', self.num(self.uint(6))))
            if self.maybe(0.5):
                f.append(('ecn', self.num(self.uint(2))))
        elif r < 0.7:
            f.append(('ecn', self.num(self.uint(2))))
        if self.maybe(0.8):
            f.append(('id', self.random_or(self.num(self.uint(16)))))
        if self.maybe(0.5):
            f.append(('flags', self.r.choice(['DF', 'none', '0', '2', '4', '6', '0x2'])))
        if self.maybe(0.2):
            f.append(('frag', '0'))
        if self.maybe(0.7):
            f.append(('ttl', self.random_or(self.num(self.uint(8)))))
        if self.maybe(0.3):
            if nxt in ('tcp', 'udp', 'icmp'):
                f.append(('proto', nxt if self.maybe(0.5) else
                          self.num({'tcp': 6, 'udp': 17, 'icmp': 1}[nxt])))
            else:
                while True:
                    p = self.uint(8)
                    if p not in TAKEN_IPPROTOS:
                        break
                f.append(('proto', self.num(p)))
        if explicit_src or self.maybe(0.85):
            f.append(('src', self.ip()))
        if self.group_dst:	# eth dst left out: mapped from this one
            dst = ('255.255.255.255' if self.maybe(0.3) else
                   '%d.%d.%d.%d' % (self.r.randint(224, 239), self.r.randint(0, 255),
                                    self.r.randint(0, 255), self.r.randint(0, 255)))
            f.append(('dst', dst))
        else:
            f.append(('dst', self.ip()))
        fields.append(('ipv4', f))

    def tcp_opts(self):
        opts = []
        used = 0
        for _ in range(self.r.randint(1, 12)):
            k = self.r.choice(['mss', 'sackok', 'ts', 'ws', 'nop', 'nop', 'eol'])
            text, size = {
                'mss': lambda: ('mss:' + self.num(self.uint(16)), 4),
                'sackok': lambda: ('sackok', 2),
                'ts': lambda: ('ts:%s:%s' % (self.num(self.uint(32)), self.num(self.uint(32))), 10),
                'ws': lambda: ('ws:' + self.num(self.uint(8)), 3),
                'nop': lambda: ('nop', 1),
                'eol': lambda: ('eol', 1),
            }[k]()
            if used + size > 40:
                break
            opts.append(text)
            used += size
        return ','.join(opts)

    def tcp_flags(self):
        if self.maybe(0.08):
            return 'none'
        letters = [c for c in 'CEUAPRSF' if self.maybe(0.35)]
        if not letters:
            letters = [self.r.choice('CEUAPRSF')]
        self.r.shuffle(letters)
        return ''.join(letters)

    def tcp(self, fields):
        f = []
        if self.maybe(0.85):
            f.append(('sport', self.num(self.uint(16))))
        f.append(('dport', self.num(self.uint(16))))
        if self.maybe(0.85):
            f.append(('seq', self.random_or(self.num(self.uint(32)))))
        if self.maybe(0.6):
            f.append(('ack', self.num(self.uint(32))))
        if self.maybe(0.7):
            f.append(('flags', self.tcp_flags()))
        if self.maybe(0.6):
            f.append(('win', self.random_or(self.num(self.uint(16)))))
        if self.maybe(0.4):
            f.append(('urp', self.num(self.uint(16))))
        if self.maybe(0.3):
            f.append(('res', self.num(self.uint(4))))
        if self.maybe(0.6):
            f.append(('opts', self.tcp_opts()))
        fields.append(('tcp', f))

    def udp(self, fields):
        f = []
        if self.maybe(0.85):
            f.append(('sport', self.num(self.uint(16))))
        f.append(('dport', self.num(self.uint(16))))
        fields.append(('udp', f))

    def icmp(self, fields, any_type=False):
        f = []
        if any_type:
            f.append(('type', self.num(self.uint(8))))
        elif self.maybe(0.8):
            t = self.r.choice(ICMP_TYPES + ['echo-request', 'echo-reply'])
            f.append(('type', t if isinstance(t, str) else self.num(t)))
        if self.maybe(0.5):
            f.append(('code', self.num(self.uint(8))))
        if self.maybe(0.8):
            f.append(('id', self.random_or(self.num(self.uint(16)))))
        if self.maybe(0.7):
            f.append(('seq', self.num(self.uint(16))))
        fields.append(('icmp', f))

    def payload_len(self):
        r = self.r.random()
        if r < 0.05:
            return 0
        if r < 0.7:
            return self.r.randint(1, 64)
        if r < 0.95:
            return self.r.randint(65, 1500)
        return self.r.randint(1501, 9000)

    def text_value(self, data):
        out = []
        for b in data:
            c = chr(b)
            if c == '"':
                out.append('\\"')
            elif c == '\\':
                out.append('\\\\')
            elif c == '$':
                out.append('\\$')
            elif c == '\n':
                out.append('\\n')
            elif c == '\t':
                out.append('\\t')
            elif c == '\r':
                out.append('\\r')
            elif 0x20 <= b < 0x7f:
                out.append(c)
            else:
                out.append(('\\x%02x' if self.maybe(0.5) else '\\x%02X') % b)
        return '"' + ''.join(out) + '"'

    def payload(self, fields):
        n = self.payload_len()
        r = self.r.random()
        if r < 0.35:
            alphabet = list(range(0x20, 0x7f)) * 3 + [0, 9, 10, 13, 0x22, 0x5c, 0x24, 0xff, 0x80]
            data = bytes(self.r.choice(alphabet) for _ in range(min(n, 400)))
            f = [('text', self.text_value(data))]
        elif r < 0.7:
            data = bytes(self.r.getrandbits(8) for _ in range(max(n, 1)))
            h = data.hex()
            f = [('hex', h.upper() if self.maybe(0.2) else h)]
        elif r < 0.9:
            f = [('size', self.num(n))]
        else:
            name = 'payload-%04d.bin' % self.nfiles
            with open(os.path.join(self.outdir, name), 'wb') as fp:
                fp.write(bytes(self.r.getrandbits(8) for _ in range(n)))
            f = [('file', name)]
        fields.append(('payload', f))

    # --- whole templates ----------------------------------------------

    def stack(self):
        r = self.r.random()
        vlans = 0
        if self.maybe(0.3):
            vlans = self.r.choice([1, 1, 1, 2, 2, 3])
        if r < 0.06:
            mid = []
        elif r < 0.2:
            mid = ['arp']
        elif r < 0.3:
            mid = ['ipv4']
        else:
            mid = ['ipv4', self.r.choice(['tcp', 'tcp', 'udp', 'icmp'])]
        if not mid and not vlans and self.maybe(0.5):
            vlans = 1
        names = ['eth'] + ['vlan'] * vlans + mid
        if self.maybe(0.65) or not mid:
            names.append('payload')
        return names

    def build(self, names, explicit_src=True, odd=None):
        fields = []
        self.group_dst = 'ipv4' in names and odd is None and self.maybe(0.08)
        for i, name in enumerate(names):
            nxt = names[i + 1] if i + 1 < len(names) else None
            if name == 'eth':
                self.eth(nxt, None if self.group_dst else 'ipv4' in names, fields)
            elif name == 'vlan':
                self.vlan(nxt, fields)
            elif name == 'arp':
                self.arp(fields, odd == 'arp')
            elif name == 'ipv4':
                self.ipv4(nxt, fields, explicit_src)
            elif name == 'tcp':
                self.tcp(fields)
            elif name == 'udp':
                self.udp(fields)
            elif name == 'icmp':
                self.icmp(fields, odd == 'icmp')
            elif name == 'payload':
                self.payload(fields)
        return fields

    def use_vars(self, fields):
        """Now and then, a field's value comes from a -D variable."""
        for layer, f in fields:
            for k, (name, value) in enumerate(f):
                if not self.maybe(0.03):
                    continue
                sub = {
                    ('ipv4', 'ttl'): '${ORACLE_TTL}',
                    ('ipv4', 'src'): '${ORACLE_IP}',
                    ('ipv4', 'dst'): '${ORACLE_IP}',
                    ('tcp', 'seq'): '${ORACLE_SEQ + 2}',
                    ('tcp', 'ack'): '${ORACLE_SEQ}',
                    ('tcp', 'dport'): '${ORACLE_PORT}',
                    ('udp', 'dport'): '${ORACLE_PORT - 1}',
                    ('eth', 'src'): '${ORACLE_MAC}',
                    ('arp', 'sha'): '${iface.mac}',
                    ('arp', 'spa'): '${iface.ip}',
                    ('payload', 'text'): '"<${ORACLE_TEXT}>"',
                }.get((layer, name))
                if sub:
                    f[k] = (name, sub)

    def render(self, fields, title):
        lines = ['# ' + title]
        for layer, f in fields:
            f = list(f)
            self.r.shuffle(f)
            items = []
            for name, value in f:
                if (self.maybe(0.05) and value[:1] != '"' and ' ' not in value
                        and '$' not in value and layer != 'payload'):
                    value = '"%s"' % value
                items.append('%s=%s' % (name, value))
            if layer == 'eth' and not f and self.maybe(0.5):
                continue	# the eth line may be left out
            sep = lambda: self.r.choice([' ', ' ', '  ', '\t'])
            line = layer
            for it in items:
                if self.maybe(0.08):
                    line += ' \\\n   '
                else:
                    line += sep()
                line += it
            if self.maybe(0.1):
                line += '   # ' + layer
            if self.maybe(0.05):
                lines.append('')
            lines.append(line)
        return '\n'.join(lines) + '\n'

    def write(self, kind, n, fields, title):
        self.nfiles += 1
        name = '%s-%04d.pkt' % (kind, n)
        with open(os.path.join(self.outdir, name), 'w', encoding='latin-1') as fp:
            fp.write(self.render(fields, title))

    # --- the sets -----------------------------------------------------

    def main_set(self, count):
        for n in range(count):
            names = self.stack()
            fields = self.build(names, explicit_src=self.maybe(0.9))
            self.use_vars(fields)
            self.write('main', n, fields, 'random template %d' % n)

    def bad_set(self, count):
        """Explicit wrong checksums and explicit lengths."""
        # Each kind in turn (so every seed covers them all), now and then
        # with a second one drawn at random.
        cycle = [('tcp', 'l4csum'), ('udp', 'l4csum'), ('icmp', 'l4csum'),
                 ('payload', 'ipcsum'), ('tcp', 'ipcsum'), ('tcp', 'iplen'),
                 ('icmp', 'iplen'), ('payload', 'iplen'), ('udp', 'udplen'),
                 ('udp', 'udpcsum0')]
        for n in range(count):
            mid, first = cycle[n % len(cycle)]
            names = ['eth'] + ['vlan'] * self.r.choice([0, 0, 1]) + ['ipv4']
            names += [mid] if mid == 'payload' else [mid, 'payload']
            fields = self.build(names)
            layer = dict((l, f) for l, f in fields)
            what = []
            kinds = ['ipcsum', 'l4csum', 'iplen'] + (['udplen', 'udpcsum0'] if mid == 'udp' else [])
            for k in [first] + self.r.sample(kinds, self.r.choice([0, 0, 1])):
                if k == 'ipcsum' and not any(x[0] == 'csum' for x in layer['ipv4']):
                    layer['ipv4'].append(('csum', self.num(self.uint(16))))
                elif k == 'l4csum' and mid != 'payload' and not any(
                        x[0] == 'csum' for x in layer[mid]):
                    layer[mid].append(('csum', self.num(self.uint(16))))
                elif k == 'udpcsum0' and not any(x[0] == 'csum' for x in layer['udp']):
                    layer['udp'].append(('csum', '0'))
                elif k == 'udplen' and not any(x[0] == 'len' for x in layer['udp']):
                    layer['udp'].append(('len', self.num(self.uint(16))))
                elif k == 'iplen' and mid != 'udp' and not any(
                        x[0] == 'len' for x in layer['ipv4']):
                    layer['ipv4'].append(('len', 'IPLEN'))
                else:
                    continue
                what.append(k)
            # An explicit IPv4 length: between the headers' end and 65535.
            for i, (name, value) in enumerate(layer['ipv4']):
                if value == 'IPLEN':
                    hdr = {'tcp': 20, 'udp': 8, 'icmp': 8, 'payload': 0}[mid]
                    if mid == 'tcp':	# keep the whole TCP header inside
                        layer['tcp'][:] = [x for x in layer['tcp'] if x[0] != 'opts']
                    size = self.r.choice([20 + hdr, self.r.randint(20 + hdr, 20 + hdr + 40),
                                          self.r.randint(20 + hdr, 65535)])
                    layer['ipv4'][i] = (name, self.num(size))
            self.write('bad', n, fields, 'explicit wrong values: ' + ','.join(what))

    def odd_set(self, count):
        kinds = ['frag', 'ihl', 'off', 'arp', 'icmp', 'frag', 'ver', 'len8023']
        for n in range(count):
            kind = kinds[n % len(kinds)]
            if kind == 'arp':
                fields = self.build(['eth', 'arp'] + (['payload'] if self.maybe(0.3) else []),
                                    odd='arp')
            elif kind == 'icmp':
                fields = self.build(['eth', 'ipv4', 'icmp', 'payload'], odd='icmp')
            elif kind == 'len8023':
                fields = self.build(['eth', 'payload'])
                fields[0] = ('eth', [x for x in fields[0][1] if x[0] != 'type'] +
                             [('type', self.num(self.r.randint(0, 1500)))])
            else:
                mid = self.r.choice(['tcp', 'udp', 'icmp', 'payload'])
                if kind == 'off':
                    mid = 'tcp'
                names = ['eth', 'ipv4'] + ([mid] if mid == 'payload' else [mid, 'payload'])
                fields = self.build(names)
                layer = dict(fields)
                ip = [x for x in layer['ipv4'] if x[0] not in ('flags', 'frag', 'ihl', 'ver')]
                if kind == 'frag':
                    r = self.r.random()
                    if r < 0.4:
                        ip += [('flags', self.r.choice(['MF', 'DF+MF', '1', '5']))]
                    elif r < 0.7:
                        ip += [('flags', self.r.choice(['MF', 'none', 'DF'])),
                               ('frag', self.num(self.r.randint(1, 8191)))]
                    else:
                        ip += [('flags', 'MF'), ('frag', self.num(self.uint(13)))]
                elif kind == 'ihl':
                    ip += [('ihl', self.num(self.r.randint(0, 15)))]
                elif kind == 'ver':
                    ip += [('ver', self.num(self.r.choice([0, 1, 2, 3, 5, 7, 8, 15])))]
                layer['ipv4'][:] = ip
                if kind == 'off':
                    layer['tcp'][:] = [x for x in layer['tcp'] if x[0] != 'off'] + \
                        [('off', self.num(self.uint(4)))]
            self.write('odd', n, fields, 'odd: ' + kind)


def main():
    seed = int(sys.argv[1])
    outdir = sys.argv[2]
    counts = [int(x) for x in sys.argv[3:6]] + [400, 40, 40][len(sys.argv[3:6]):]
    g = Gen(seed, outdir)
    g.main_set(counts[0])
    g.bad_set(counts[1])
    g.odd_set(counts[2])
    with open(os.path.join(outdir, 'vars'), 'w') as fp:
        for k, v in VARS.items():
            fp.write('%s=%s\n' % (k, v))


if __name__ == '__main__':
    main()
