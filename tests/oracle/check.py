#!/usr/bin/python3
"""check.py - compare what tshark decoded with what the templates say.

usage:
  check.py vars TEMPLATE...            print NAME=VALUE for every ${NAME}
                                       the templates use (values chosen by
                                       the name's look: *MAC, *PORT, *IP...)
  check.py check PDML VARSFILE SAVEDIR [--group LABEL TEMPLATE...]...
                                       the templates, in pcap order, grouped;
                                       prints one TAP line per group
  check.py decode PDML JSONL           `rawcraft decode --json` of the same
                                       pcap must read every field as tshark

The expected value of every header field is worked out from the template
text and SPEC.md alone (pkt.py): explicit values as written, defaults as the
contract gives them, lengths and next-layer types from the layout, and
computed checksums must be reported Good.  Explicit checksums must be shown
exactly as written, with a Bad status unless they happen to be right.
"""

import fcntl
import os
import re
import shutil
import socket
import struct
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pkt  # noqa: E402

GOOD, BAD, UNVERIFIED, NOT_PRESENT = 1, 0, 2, 3
STATUS = {0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal'}
ETHERTYPE_EXPERIMENTAL = 0x88b5
IPPROTO_EXPERIMENTAL = 253
BROADCAST = 0xffffffffffff
HDR = {'eth': 14, 'vlan': 4, 'arp': 28, 'ipv4': 20, 'udp': 8, 'icmp': 8}
TSHARK_PROTO = {'eth': 'eth', 'vlan': 'vlan', 'arp': 'arp', 'ipv4': 'ip',
                'tcp': 'tcp', 'udp': 'udp', 'icmp': 'icmp'}
NEXT_TYPE = {'vlan': 0x8100, 'arp': 0x0806, 'ipv4': 0x0800}
NEXT_PROTO = {'tcp': 6, 'udp': 17, 'icmp': 1}
# ICMP types whose bytes 4..7 tshark shows as identifier and sequence.
ICMP_ID_SEQ = {0, 8, 13, 14, 15, 16, 17, 18}


# --- the interface the frames took defaults from (-i lo) ---------------

def iface_addrs(name):
    with open('/sys/class/net/%s/address' % name) as f:
        mac = pkt.mac(f.read().strip())
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        req = struct.pack('256s', name.encode()[:15])
        res = fcntl.ioctl(s.fileno(), 0x8915, req)	# SIOCGIFADDR
        ip = struct.unpack('!I', res[20:24])[0]
    except OSError:
        ip = None	# then rawcraft refuses templates that need it
    finally:
        s.close()
    return mac, ip


def load_vars(varsfile):
    """The -D variables given to rawcraft, plus its ${iface.*} for lo."""
    variables = {}
    with open(varsfile) as f:
        for line in f:
            if '=' in line:
                k, v = line.rstrip('\n').split('=', 1)
                variables[k] = v
    mac, ip = iface_addrs('lo')
    variables['iface.mac'] = pkt.fmt_mac(mac)
    if ip is not None:
        variables['iface.ip'] = pkt.fmt_ipv4(ip)
    return variables


# --- variables for shipped templates -----------------------------------

def var_value(name):
    n = name.upper()
    if 'MAC' in n:
        return '02:00:5e:10:20:30'
    if n.endswith('PORT'):
        return {'SPORT': '40000', 'DPORT': '9230'}.get(n, '8080')
    if n in ('SEQ', 'ISN') or n.endswith('SEQ'):
        return '4294967290'
    if n == 'ACK' or n.endswith('ACK'):
        return '305419896'
    if 'TEXT' in n or 'DATA' in n or 'MSG' in n:
        return 'oracle says hello\tworld'
    if n in ('IP', 'DST', 'TARGET', 'SRC', 'HOST', 'SERVER') or n.endswith('IP'):
        return {'TO_IP': '192.0.2.77', 'TARGET': '192.0.2.99',
                'DST': '198.51.100.20'}.get(n, '192.0.2.10')
    return None


def cmd_vars(paths):
    names = []
    for p in paths:
        with open(p, encoding='latin-1') as f:
            for m in re.finditer(r'\$\{\s*([A-Za-z_][A-Za-z0-9_]*)', f.read()):
                if m.group(1) not in names and not m.group(1).startswith('iface'):
                    names.append(m.group(1))
    bad = [n for n in names if var_value(n) is None]
    if bad:
        sys.stderr.write('check.py: no test value for variable(s) %s\n' % ', '.join(bad))
        return 1
    for n in names:
        print('%s=%s' % (n, var_value(n)))
    return 0


# --- tshark's PDML -----------------------------------------------------

class Proto:
    """One protocol of one packet: its fields, not those of nested protos."""

    def __init__(self, el):
        self.name = el.get('name')
        self.el = el
        self.pos = int(el.get('pos', '0'))
        self.size = int(el.get('size', '0'))
        self.fields = {}
        self.all = []
        self._walk(el)

    def _walk(self, el):
        for ch in el:
            if ch.tag == 'proto':
                continue
            if ch.tag == 'field':
                name = ch.get('name')
                if name:
                    self.fields.setdefault(name, ch)
                    self.all.append(ch)
                self._walk(ch)

    def get(self, *names):
        for n in names:
            if n in self.fields:
                return self.fields[n]
        return None


def read_pdml(path):
    packets = []
    for _, el in ET.iterparse(path):
        if el.tag != 'packet':
            continue
        protos = [Proto(p) for p in el.iter('proto')
                  if p.get('name') not in ('geninfo', 'frame', 'fake-field-wrapper')]
        fields = []
        for p in el.iter('field'):
            if p.get('name') and p.get('pos') is not None:
                fields.append(p)
        frame_len = 0
        for p in el.iter('proto'):
            if p.get('name') == 'frame':
                frame_len = int(p.get('size'))
        packets.append({'protos': protos, 'fields': fields, 'len': frame_len})
        el.clear()
    return packets


def show_int(el):
    s = el.get('show')
    if s is None:
        return None
    try:
        return int(s, 0) if s.startswith('0x') else int(s)
    except ValueError:
        return None


def raw_hex(el):
    return (el.get('value') or '').lower()


# --- what a template says ----------------------------------------------

class Frame:
    """Expected values of one template's frame, from the contract."""

    def __init__(self, path, variables, iface):
        self.path = path
        with open(path, encoding='latin-1') as f:
            self.text = f.read()
        self.layers = pkt.parse(self.text, variables)
        base = os.path.dirname(path)
        for l in self.layers:
            if l.name == 'payload' and 'file' in l.fields and not l.fields['file'].startswith('/'):
                l.fields['file'] = os.path.join(base, l.fields['file'])
        self.iface = iface
        self.layout()

    def given(self, layer, field):
        return field in layer.fields

    def val(self, layer, field):
        """An explicit numeric value (None for `random` or not given)."""
        if field not in layer.fields:
            return None
        return pkt.field_int(layer.name, field, layer.fields[field])

    def layout(self):
        off = 0
        self.offs = []
        self.sizes = []
        for l in self.layers:
            if l.name in ('tcp', 'ipv4'):
                options = pkt.tcp_options if l.name == 'tcp' else pkt.ipv4_options
                raw = options(l.fields.get('opts', 'none'))[0]
                n = 20 + (len(raw) + 3) // 4 * 4
            elif l.name == 'payload':
                n = len(pkt.payload_bytes(l.fields))
            else:
                n = HDR[l.name]
            self.offs.append(off)
            self.sizes.append(n)
            off += n
        self.len = off

    def index(self, name):
        for i, l in enumerate(self.layers):
            if l.name == name:
                return i
        return None

    def ip_end(self):
        """Where the IPv4 datagram ends, as receivers (and tshark) see it."""
        i = self.index('ipv4')
        if i is None:
            return self.len
        tl = self.val(self.layers[i], 'len')
        if tl is None:
            return self.len
        if tl >= 20 and self.offs[i] + tl <= self.len:
            return self.offs[i] + tl
        return self.len


# --- comparing ------------------------------------------------------------

class Checker:
    def __init__(self, frame, packet):
        self.f = frame
        self.p = packet
        self.errors = []
        self.checked = 0

    def err(self, what, got, want):
        self.errors.append('%s: got %s, want %s' % (what, got, want))

    def proto_at(self, i):
        name = TSHARK_PROTO[self.f.layers[i].name]
        for p in self.p['protos']:
            if p.name == name and p.pos == self.f.offs[i]:
                return p
        return None

    def int_field(self, proto, label, names, want, conv=lambda v: v):
        el = proto.get(*names)
        self.checked += 1
        if el is None:
            self.err(label, 'no %s in tshark\'s decode' % names[0], want)
            return None
        got = show_int(el)
        got = conv(got) if got is not None else None
        if got != want:
            fmt = (lambda v: '0x%x' % v if isinstance(v, int) and v > 9 else str(v))
            self.err(label, '%s (%s)' % (fmt(got), el.get('showname')), fmt(want))
        return got

    def raw_field(self, proto, label, names, want_hex):
        el = proto.get(*names)
        self.checked += 1
        if el is None:
            self.err(label, 'no %s in tshark\'s decode' % names[0], want_hex)
            return
        if raw_hex(el) != want_hex:
            self.err(label, '%s (%s)' % (raw_hex(el), el.get('showname')), want_hex)

    def checksum(self, proto, label, prefix, layer, status_ok):
        """csum: explicit -> exactly that, Bad unless right; else Good."""
        stat = proto.get(prefix + '.checksum.status')
        got_status = show_int(stat) if stat is not None else None
        calc = proto.get(prefix + '.checksum_calculated')
        calc = show_int(calc) if calc is not None else None
        explicit = self.f.val(layer, 'csum')
        self.checked += 1
        if explicit is None and 'csum' in layer.fields:
            return		# csum=random: any value, any verdict
        if explicit is not None:
            self.int_field(proto, label, [prefix + '.checksum'], explicit)
            if explicit == 0 and prefix == 'udp':
                want = NOT_PRESENT
            elif calc is not None and calc == explicit:
                want = GOOD
            else:
                want = BAD
            if got_status == UNVERIFIED and UNVERIFIED in status_ok:
                want = UNVERIFIED	# more bytes claimed than there are
            if got_status != want:
                self.err(label + ' status (explicit)', STATUS.get(got_status, got_status),
                         STATUS[want])
        elif got_status not in status_ok:
            self.err(label + ' status', '%s (checksum %s, tshark computes %s)' % (
                STATUS.get(got_status, got_status),
                proto.get(prefix + '.checksum').get('show') if proto.get(prefix + '.checksum') is not None else '?',
                '0x%04x' % calc if calc is not None else '?'),
                ' or '.join(STATUS[s] for s in status_ok))

    # --- per layer ----------------------------------------------------

    def next_name(self, i):
        if i + 1 < len(self.f.layers):
            return self.f.layers[i + 1].name
        return None

    def demux_want(self, i, field):
        l = self.f.layers[i]
        if self.f.given(l, field):
            return self.f.val(l, field)
        nxt = self.next_name(i)
        if l.name == 'ipv4':
            return NEXT_PROTO.get(nxt, IPPROTO_EXPERIMENTAL)
        return NEXT_TYPE.get(nxt, ETHERTYPE_EXPERIMENTAL)

    def want(self, i, field, default):
        """Explicit value, `random` (None: not compared) or the default."""
        l = self.f.layers[i]
        if field in l.fields:
            return self.f.val(l, field)
        return default

    def eth(self, i, p):
        l = self.f.layers[i]
        dst = self.eth_dst(l)
        if dst is not None:
            self.raw_field(p, 'eth dst', ['eth.dst'], '%012x' % dst)
        src = pkt.mac(l.fields['src']) if 'src' in l.fields else self.f.iface[0]
        self.raw_field(p, 'eth src', ['eth.src'], '%012x' % src)
        t = self.demux_want(i, 'type')
        if t is not None and t <= 1500:
            self.int_field(p, 'eth type (802.3 length)', ['eth.len'], t)
        elif t is not None:
            self.int_field(p, 'eth type', ['eth.type'], t)

    def eth_dst(self, eth):
        if 'dst' in eth.fields:
            return pkt.mac(eth.fields['dst'])
        a = self.f.index('arp')
        ip = self.f.index('ipv4')
        if a is not None:
            arp = self.f.layers[a]
            op = self.want(a, 'op', 1)
            tha = pkt.mac(arp.fields['tha']) if 'tha' in arp.fields else 0
            if op is None:
                return None
            return tha if op == 2 and tha != 0 else BROADCAST
        if ip is None:
            return BROADCAST
        d = pkt.ipv4(self.f.layers[ip].fields['dst'])
        if d == 0xffffffff:
            return BROADCAST
        if d >> 28 == 0xe:
            return 0x01005e000000 | (d & 0x7fffff)
        return None		# the next hop's: show cannot know it

    def vlan(self, i, p):
        for field, name, dflt in (('pcp', 'vlan.priority', 0), ('dei', 'vlan.dei', 0),
                                  ('id', 'vlan.id', 1)):
            w = self.want(i, field, dflt)
            if w is not None:
                self.int_field(p, 'vlan ' + field, [name], w)
        self.int_field(p, 'vlan type', ['vlan.etype'], self.demux_want(i, 'type'))

    def arp(self, i, p, sizes_only=False):
        for field, name, dflt in (('htype', 'arp.hw.type', 1), ('ptype', 'arp.proto.type', 0x0800),
                                  ('hlen', 'arp.hw.size', 6), ('plen', 'arp.proto.size', 4),
                                  ('op', 'arp.opcode', 1)):
            w = self.want(i, field, dflt)
            if w is not None:
                self.int_field(p, 'arp ' + field, [name], w)
        if sizes_only:
            return
        l = self.f.layers[i]
        mac_, ip_ = self.f.iface
        for field, names, dflt, conv in (
                ('sha', ['arp.src.hw_mac', 'arp.src.hw'], mac_, pkt.mac),
                ('spa', ['arp.src.proto_ipv4', 'arp.src.proto'], ip_, pkt.ipv4),
                ('tha', ['arp.dst.hw_mac', 'arp.dst.hw'], 0, pkt.mac),
                ('tpa', ['arp.dst.proto_ipv4', 'arp.dst.proto'], None, pkt.ipv4)):
            v = conv(l.fields[field]) if field in l.fields else dflt
            width = 12 if field.endswith('ha') else 8
            self.raw_field(p, 'arp ' + field, names, '%0*x' % (width, v))

    def ipv4(self, i, p, header_only=False):
        l = self.f.layers[i]
        ver = self.want(i, 'ver', 4)
        if ver is not None:
            self.int_field(p, 'ipv4 ver', ['ip.version'], ver)
        if ver != 4:
            return		# tshark says "bogus version" and stops
        ihl = self.want(i, 'ihl', self.f.sizes[i] // 4)
        self.int_field(p, 'ipv4 ihl', ['ip.hdr_len'], ihl * 4)
        if header_only:
            return
        if ihl * 4 == self.f.sizes[i]:	# else tshark reads other bytes as options
            self.ip_opts(i, p)
        if 'tos' in l.fields:
            tos = self.f.val(l, 'tos')
        else:
            tos = (self.want(i, 'dscp', 0) << 2) | self.want(i, 'ecn', 0)
        if tos is not None:
            self.int_field(p, 'ipv4 tos', ['ip.dsfield'], tos)
            self.int_field(p, 'ipv4 dscp', ['ip.dsfield.dscp'], tos >> 2)
            self.int_field(p, 'ipv4 ecn', ['ip.dsfield.ecn'], tos & 3)
        length = self.want(i, 'len', self.f.len - self.f.offs[i])
        self.int_field(p, 'ipv4 len', ['ip.len'], length)
        for field, name, dflt in (('id', 'ip.id', None), ('flags', 'ip.flags', 2),
                                  ('frag', 'ip.frag_offset', 0), ('ttl', 'ip.ttl', 64)):
            w = self.want(i, field, dflt)
            if w is not None:
                self.int_field(p, 'ipv4 ' + field, [name], w)
        self.int_field(p, 'ipv4 proto', ['ip.proto'], self.demux_want(i, 'proto'))
        self.checksum(p, 'ipv4 csum', 'ip', l, (GOOD,))
        src = pkt.ipv4(l.fields['src']) if 'src' in l.fields else self.f.iface[1]
        self.raw_field(p, 'ipv4 src', ['ip.src'], '%08x' % src)
        self.raw_field(p, 'ipv4 dst', ['ip.cur_rt', 'ip.dst'], '%08x' % pkt.ipv4(l.fields['dst']))

    def ip_opts(self, i, p):
        raw, parsed = pkt.ipv4_options(self.f.layers[i].fields.get('opts', 'none'))
        padded = raw + bytes((4 - len(raw) % 4) % 4)
        # tshark's options, each with its type and bytes, up to the first EOL.
        got = [(t, raw_hex(o)) for o, t in tshark_ip_options(p)]
        want = [(t, o.hex()) for t, o in parsed]
        if len(padded) > len(raw) and all(t != 0 for t, _ in want):
            want.append((0, '00'))
        cut = [n for n, (t, _) in enumerate(want) if t == 0]
        if cut:
            want = want[:cut[0] + 1]
        self.checked += 1
        if got != want:
            self.err('ipv4 opts (decoded)', got, want)
        # Each pointer where the template put it (a word's at the first slot).
        for o in p.all:
            if o.get('name') == 'ip.opt.ptr':
                self.checked += 1
                at = int(o.get('pos')) - self.f.offs[i] - 20	# the pointer's byte
                if show_int(o) != padded[at]:
                    self.err('ipv4 opts pointer', show_int(o), padded[at])

    def transport_status(self):
        """Which checksum verdicts count as right for a computed checksum."""
        ip = self.f.layers[self.f.index('ipv4')]
        flags = self.f.val(ip, 'flags')
        tl = self.f.val(ip, 'len')
        if flags is not None and flags & 1:
            return (UNVERIFIED,)	# a first fragment: tshark cannot verify
        if tl is not None and self.f.offs[self.f.index('ipv4')] + tl > self.f.len:
            return (GOOD, UNVERIFIED)	# claims more bytes than there are
        return (GOOD,)

    def ports(self, i, p, proto):
        l = self.f.layers[i]
        sport = self.f.val(l, 'sport')
        el = p.get(proto + '.srcport')
        self.checked += 1
        if 'sport' in l.fields:
            if sport is not None:
                self.int_field(p, proto[:3] + ' sport', [proto + '.srcport'], sport)
        elif el is None or not 1024 <= show_int(el) <= 65535:
            self.err('%s sport (ephemeral default)' % proto,
                     el.get('show') if el is not None else None, '1024..65535')
        self.int_field(p, proto + ' dport', [proto + '.dstport'], self.f.val(l, 'dport'))

    def tcp(self, i, p, header_only=False):
        l = self.f.layers[i]
        self.ports(i, p, 'tcp')
        seq = self.f.val(l, 'seq')
        if seq is not None:
            self.int_field(p, 'tcp seq', ['tcp.seq_raw'], seq)
        off = self.want(i, 'off', self.f.sizes[i] // 4)
        self.int_field(p, 'tcp off', ['tcp.hdr_len'], off * 4)
        if header_only:
            return
        ack = self.want(i, 'ack', 0)
        self.int_field(p, 'tcp ack', ['tcp.ack_raw'], ack)
        flags = self.want(i, 'flags', 0x02)
        if flags is not None:
            self.int_field(p, 'tcp flags', ['tcp.flags'], flags, lambda v: v & 0xff)
        res = self.want(i, 'res', 0)
        if res is not None:
            self.int_field(p, 'tcp res', ['tcp.flags'], res, lambda v: v >> 8)
        for field, name, dflt in (('win', 'tcp.window_size_value', 64240),
                                  ('urp', 'tcp.urgent_pointer', 0)):
            w = self.want(i, field, dflt)
            if w is not None:
                self.int_field(p, 'tcp ' + field, [name], w)
        self.checksum(p, 'tcp csum', 'tcp', l, self.transport_status())
        if off * 4 == self.f.sizes[i]:	# else tshark reads other bytes as options
            self.tcp_opts(i, p)

    def tcp_opts(self, i, p):
        raw, parsed = pkt.tcp_options(self.f.layers[i].fields.get('opts', 'none'))
        padded = raw + bytes((4 - len(raw) % 4) % 4)
        el = p.get('tcp.options')
        self.checked += 1
        if not padded:
            if el is not None:
                self.err('tcp opts', raw_hex(el), 'no options')
            return
        if el is None:
            self.err('tcp opts', 'no options', padded.hex())
            return
        if raw_hex(el) != padded.hex():
            self.err('tcp opts (bytes)', raw_hex(el), padded.hex())
        # tshark's reading, option by option, up to the first EOL.
        want = list(parsed)
        if len(padded) > len(raw) and all(k != 0 for k, _ in want):
            want.append((0, None))
        cut = [n for n, (k, _) in enumerate(want) if k == 0]
        if cut:
            want = want[:cut[0] + 1]
        got = []
        for o in el:
            if o.tag != 'field' or not (o.get('name') or '').startswith('tcp.options.'):
                continue
            kind_el = [c for c in o if c.get('name') == 'tcp.option_kind']
            if not kind_el:
                continue
            kind = show_int(kind_el[0])
            sub = dict((c.get('name'), show_int(c)) for c in o)
            v = {2: sub.get('tcp.options.mss_val'), 3: sub.get('tcp.options.wscale.shift'),
                 8: (sub.get('tcp.options.timestamp.tsval'),
                     sub.get('tcp.options.timestamp.tsecr'))}.get(kind)
            if kind not in (0, 1, 2, 3, 4, 8):	# SACK, MD5, Fast Open, raw: the bytes
                v = bytes.fromhex(raw_hex(o))
            got.append((kind, v))
            if kind == 0:
                break
        if got != want:
            self.err('tcp opts (decoded)', got, want)

    def udp(self, i, p):
        l = self.f.layers[i]
        self.ports(i, p, 'udp')
        self.int_field(p, 'udp len', ['udp.length'],
                       self.want(i, 'len', self.f.len - self.f.offs[i]))
        if self.want(i, 'len', 8) < 8:
            return		# tshark: "bad length", and it stops there
        status = self.transport_status()
        if 'len' in l.fields and self.f.val(l, 'len') != self.f.ip_end() - self.f.offs[i]:
            status = (GOOD, BAD, UNVERIFIED)	# see the report: which bytes count?
        self.checksum(p, 'udp csum', 'udp', l, status)

    def icmp(self, i, p, any_type=False):
        l = self.f.layers[i]
        t = self.want(i, 'type', 8)
        self.int_field(p, 'icmp type', ['icmp.type'], t)
        code = self.want(i, 'code', 0)
        self.int_field(p, 'icmp code', ['icmp.code'], code)
        self.checksum(p, 'icmp csum', 'icmp', l, self.transport_status())
        if any_type:
            return
        ident = self.want(i, 'id', None)
        seq = self.want(i, 'seq', 1)
        if t in ICMP_ID_SEQ:
            if ident is not None:
                self.int_field(p, 'icmp id', ['icmp.ident'], ident)
            if seq is not None:
                self.int_field(p, 'icmp seq', ['icmp.seq'], seq)
        elif t == 5 and ident is not None and seq is not None:
            self.raw_field(p, 'icmp id+seq (redirect gateway)', ['icmp.redir_gw'],
                           '%04x%04x' % (ident, seq))

    def payload(self, i):
        """The bytes after the headers, wherever tshark shows them."""
        want = pkt.payload_bytes(self.f.layers[i].fields)
        off = self.f.offs[i]
        pieces = {}
        for el in self.p['fields']:
            if el.get('name') in ('data.data', 'tcp.payload', 'udp.payload', 'eth.padding',
                                  'eth.trailer', 'eth.fcs', 'vlan.trailer', 'icmp.data_time',
                                  'tcp.reset_cause'):
                pos = int(el.get('pos'))
                if el.get('name') == 'icmp.data_time' and el.get('value') is None:
                    continue
                pieces.setdefault(pos, bytes.fromhex(el.get('value') or ''))
        got = b''
        at = off
        while len(got) < len(want) and at in pieces and pieces[at]:
            got += pieces[at]
            at += len(pieces[at])
        self.checked += 1
        if got[:len(want)] != want:
            at = next((k for k in range(min(len(got), len(want))) if got[k] != want[k]),
                      min(len(got), len(want)))
            self.err('payload (%d bytes at %d)' % (len(want), off),
                     '%d bytes, from byte %d: %s' % (len(got), at, got[at:at + 24].hex()),
                     want[at:at + 24].hex())

    # --- the whole frame --------------------------------------------------

    def run(self):
        f = self.f
        self.checked += 1
        if self.p['len'] != f.len:
            self.err('frame length', self.p['len'], f.len)
        ip_i = f.index('ipv4')
        ip = f.layers[ip_i] if ip_i is not None else None
        # What tshark can decode past odd headers (see odd_set in gen.py).
        inner = True
        ip_header_only = False
        if ip is not None:
            ver, ihl = self.want(ip_i, 'ver', 4), self.want(ip_i, 'ihl', f.sizes[ip_i] // 4)
            frag = self.want(ip_i, 'frag', 0)
            if ver != 4 or ihl < 5 or f.offs[ip_i] + ihl * 4 > f.ip_end():
                ip_header_only = True
            if ver != 4 or ihl * 4 != f.sizes[ip_i] or frag != 0:
                inner = False
        for i, l in enumerate(f.layers):
            if l.name == 'payload':
                if not inner or self.icmp_eats_payload(i) or self.odd_header_before(i):
                    continue
                self.payload(i)
                continue
            if l.name in ('tcp', 'udp', 'icmp') and not inner:
                continue
            p = self.proto_at(i)
            self.checked += 1
            if p is None:
                self.err('%s layer' % l.name, 'tshark has no %s at byte %d (has %s)' % (
                    TSHARK_PROTO[l.name], f.offs[i],
                    ', '.join('%s@%d' % (q.name, q.pos) for q in self.p['protos'])), 'one')
                continue
            if l.name == 'eth':
                self.eth(i, p)
            elif l.name == 'vlan':
                self.vlan(i, p)
            elif l.name == 'arp':
                self.arp(i, p, sizes_only=(self.want(i, 'hlen', 6), self.want(i, 'plen', 4)) != (6, 4))
            elif l.name == 'ipv4':
                self.ipv4(i, p, header_only=ip_header_only)
                if self.want(i, 'ver', 4) == 4 and not ip_header_only and not inner:
                    self.fragment_data(i)
            elif l.name == 'tcp':
                off = self.want(i, 'off', f.sizes[i] // 4)
                sane = 20 <= off * 4 <= f.ip_end() - f.offs[i]
                self.tcp(i, p, header_only=not sane)
            elif l.name == 'udp':
                self.udp(i, p)
            elif l.name == 'icmp':
                self.icmp(i, p, any_type=self.want(i, 'type', 8) not in ICMP_ID_SEQ | {5})
        return self.errors

    def odd_header_before(self, i):
        """An ARP with other address sizes, a TCP data offset that is not
        the header's size: tshark finds the payload elsewhere."""
        prev = self.f.layers[i - 1] if i else None
        if prev is None:
            return False
        if prev.name == 'arp':
            return (self.want(i - 1, 'hlen', 6), self.want(i - 1, 'plen', 4)) != (6, 4)
        if prev.name == 'udp' and 'len' in prev.fields:	# tshark trusts the length
            return self.f.val(prev, 'len') != self.f.ip_end() - self.f.offs[i - 1]
        if prev.name == 'tcp':
            return self.want(i - 1, 'off', self.f.sizes[i - 1] // 4) * 4 != self.f.sizes[i - 1]
        return False

    def icmp_eats_payload(self, i):
        """Only echo messages carry opaque data; other types parse theirs."""
        if i == 0 or self.f.layers[i - 1].name != 'icmp':
            return False
        return self.want(i - 1, 'type', 8) not in (0, 8)

    def fragment_data(self, ip_i):
        """A later fragment (or odd IHL): tshark shows the rest as data."""
        ihl = self.want(ip_i, 'ihl', self.f.sizes[ip_i] // 4)
        frag = self.want(ip_i, 'frag', 0)
        if ihl * 4 != self.f.sizes[ip_i] or frag == 0:
            return
        start = self.f.offs[ip_i] + self.f.sizes[ip_i]
        n = self.f.ip_end() - start
        self.checked += 1
        for el in self.p['fields']:
            if el.get('name') == 'data.data' and int(el.get('pos')) == start:
                if int(el.get('size')) != n:
                    self.err('fragment data length', el.get('size'), n)
                return
        if n:
            self.err('fragment data', 'no data.data at %d' % start, '%d bytes' % n)


def cmd_check(args):
    pdml, varsfile, savedir = args[:3]
    groups = []
    for a in args[3:]:
        if a == '--group':
            groups.append(None)
        elif groups and groups[-1] is None:
            groups[-1] = (a, [])
        else:
            groups[-1][1].append(a)
    variables = load_vars(varsfile)
    iface = iface_addrs('lo')
    packets = read_pdml(pdml)
    total = sum(len(g[1]) for g in groups)
    if len(packets) != total:
        print('not ok - tshark decoded %d frames from %d templates' % (len(packets), total))
        return 0
    k = 0
    coverage = Coverage()
    for label, paths in groups:
        bad = []
        checked = 0
        for path in paths:
            packet = packets[k]
            k += 1
            try:
                frame = Frame(path, variables, iface)
                if label != groups[0][0]:
                    coverage.add(frame)
                c = Checker(frame, packet)
                errs = c.run()
                checked += c.checked
            except Exception as e:	# a bug here must not pass quietly
                errs = ['checker failed: %r' % e]
            if errs:
                bad.append((path, k, errs))
        name = '%s: %d templates, %d field checks, tshark agrees and checksums good' % (
            label, len(paths), checked)
        if not bad:
            print('ok - ' + name)
            continue
        os.makedirs(savedir, exist_ok=True)
        print('not ok - %s: %d of %d templates differ (saved in %s)' % (
            name, len(bad), len(paths), savedir))
        for n, (path, frameno, errs) in enumerate(bad):
            dest = os.path.join(savedir, os.path.basename(path))
            if os.path.abspath(path) != os.path.abspath(dest):
                shutil.copy(path, dest)
            if n < 12:
                print('# frame %d, %s:' % (frameno, dest))
                for e in errs[:8]:
                    print('#   ' + e)
                if n < 3:
                    with open(path, encoding='latin-1') as f:
                        for line in f.read().splitlines()[:12]:
                            print('#   | ' + line[:150])
    coverage.report()
    return 0


class Coverage:
    """Guards the generator: every field, option and stack gets drawn."""

    def __init__(self):
        self.seen = set()

    def add(self, frame):
        names = [l.name for l in frame.layers]
        self.seen.add(('vlans', names.count('vlan')))
        if not frame.text.lstrip('#').split('\n', 1)[-1].lstrip().startswith('eth'):
            self.seen.add(('eth line', 'left out'))
        for i, l in enumerate(frame.layers):
            if l.name == 'payload':
                self.seen.add(('payload after', names[i - 1]))
            for k, v in l.fields.items():
                self.seen.add((l.name, k))
                if v == 'random':
                    self.seen.add(('random', 'value'))
            if l.name == 'tcp' and 'opts' in l.fields:
                for kind, _ in pkt.tcp_options(l.fields['opts'])[1]:
                    self.seen.add(('tcp option', kind))
        if '${' in frame.text:
            self.seen.add(('variables', 'used'))

    def report(self):
        want = set((l, f) for l, fs in pkt.FIELDS.items() for f in fs)
        want |= set(('vlans', n) for n in (0, 1, 2, 3))
        want |= set(('payload after', l) for l in pkt.LAYERS if l != 'payload')
        want |= set(('tcp option', k) for k in (0, 1, 2, 3, 4, 8))
        want |= {('random', 'value'), ('variables', 'used'), ('eth line', 'left out')}
        missing = sorted(want - self.seen, key=str)
        name = ('the random templates give every field of every layer, every TCP '
                'option, payload after every layer, 0-3 VLAN tags')
        if missing:
            print('not ok - %s: never drawn: %s' % (name, ', '.join(
                '%s %s' % m for m in missing)))
        else:
            print('ok - ' + name)


# --- rawcraft's own decoder against tshark ---------------------------------

DECODE_FIELDS = {
    'eth': [('dst', 'eth.dst', 'mac'), ('src', 'eth.src', 'mac'), ('type', 'eth.type', 'int')],
    'vlan': [('pcp', 'vlan.priority', 'int'), ('dei', 'vlan.dei', 'int'),
             ('id', 'vlan.id', 'int'), ('type', 'vlan.etype', 'int')],
    'arp': [('htype', 'arp.hw.type', 'int'), ('ptype', 'arp.proto.type', 'int'),
            ('hlen', 'arp.hw.size', 'int'), ('plen', 'arp.proto.size', 'int'),
            ('op', 'arp.opcode', 'int'), ('sha', 'arp.src.hw_mac', 'mac'),
            ('spa', 'arp.src.proto_ipv4', 'ip'), ('tha', 'arp.dst.hw_mac', 'mac'),
            ('tpa', 'arp.dst.proto_ipv4', 'ip')],
    'ipv4': [('ver', 'ip.version', 'int'), ('ihl', 'ip.hdr_len', 'words'),
             ('tos', 'ip.dsfield', 'int'), ('len', 'ip.len', 'int'), ('id', 'ip.id', 'int'),
             ('flags', 'ip.flags', 'int'), ('frag', 'ip.frag_offset', 'int'),
             ('ttl', 'ip.ttl', 'int'), ('proto', 'ip.proto', 'int'),
             ('csum', 'ip.checksum', 'int'), ('src', 'ip.src', 'ip'), ('dst', 'ip.dst', 'ip')],
    'tcp': [('sport', 'tcp.srcport', 'int'), ('dport', 'tcp.dstport', 'int'),
            ('seq', 'tcp.seq_raw', 'int'), ('ack', 'tcp.ack_raw', 'int'),
            ('off', 'tcp.hdr_len', 'words'), ('res', 'tcp.flags', 'res'),
            ('ae', 'tcp.flags.ae', 'int'),
            ('flags', 'tcp.flags', 'flags'), ('win', 'tcp.window_size_value', 'int'),
            ('csum', 'tcp.checksum', 'int'), ('urp', 'tcp.urgent_pointer', 'int')],
    'udp': [('sport', 'udp.srcport', 'int'), ('dport', 'udp.dstport', 'int'),
            ('len', 'udp.length', 'int'), ('csum', 'udp.checksum', 'int')],
    'icmp': [('type', 'icmp.type', 'int'), ('code', 'icmp.code', 'int'),
             ('csum', 'icmp.checksum', 'int'), ('id', 'icmp.ident', 'int'),
             ('seq', 'icmp.seq', 'int'), ('unused', 'icmp.unused', 'bytes'),
             ('mtu', 'icmp.mtu', 'int'), ('ptr', 'icmp.pointer', 'int'),
             ('gw', 'icmp.redir_gw', 'ip')],
}
# ICMP's bytes 4-7 as the type makes them: a field rawcraft shows there
# must be one tshark shows, and the other way round.
ICMP_BY_TYPE = {'id', 'seq', 'unused', 'mtu', 'ptr', 'gw'}
CSUM_PREFIX = {'ipv4': 'ip', 'tcp': 'tcp', 'udp': 'udp', 'icmp': 'icmp'}


def tshark_ip_options(p):
    """Each IPv4 option tshark shows, and its type, in order: a known one
    has a type field, an unknown one is a nameless "Unknown (0x9e)"."""
    for o in p.el.iter('field'):
        t = [show_int(c) for c in o if c.get('name') == 'ip.opt.type']
        if (o.get('name') or '').startswith('ip.options.') and t:
            yield o, t[0]
        m = re.match(r'Unknown \(0x([0-9a-f]{2})\)', o.get('show') or '')
        if not o.get('name') and m:
            yield o, int(m.group(1), 16)


def decoded_opts(layer, text, proto):
    """rawcraft's words for a layer's options against tshark's bytes: None
    if they agree (TCP's after tshark's last option being zeros)."""
    if layer == 'ipv4':	# all the bytes, the padding after an EOL too
        whole = [o for o in proto.el.iter('field')
                 if not o.get('name') and (o.get('show') or '').startswith('Options: (')]
        shown = raw_hex(whole[0]) if whole else ''
        words = pkt.ipv4_options(text)[0]
    else:
        el = proto.get('tcp.options')
        shown = raw_hex(el) if el is not None else ''
        words = pkt.tcp_options(text)[0]
    words += bytes((4 - len(words) % 4) % 4)
    if words.hex().startswith(shown) and not words[len(shown) // 2:].strip(b'\0'):
        return None
    return '%s opts: rawcraft %s (%s), tshark %s' % (layer, text, words.hex(), shown)


def decoded_value(kind, v):
    if kind == 'mac':
        return '%012x' % pkt.mac(v)
    if kind == 'ip':
        return '%08x' % pkt.ipv4(v)
    if kind == 'words':
        return v * 4
    if kind == 'flags':
        return pkt.field_int('tcp', 'flags', v)
    return v


def tshark_value(kind, el):
    if kind in ('mac', 'ip'):
        return raw_hex(el)
    if kind == 'bytes':
        return int(raw_hex(el) or '0', 16)
    v = show_int(el)
    if v is None:
        return None
    if kind == 'res':
        return v >> 8
    if kind == 'flags':
        return v & 0xff
    return v


def cmd_decode(pdml, jsonl):
    import json
    packets = read_pdml(pdml)
    with open(jsonl) as f:
        frames = [json.loads(line, object_pairs_hook=list) for line in f if line.strip()]
    name = 'rawcraft decode reads every field as tshark does'
    if len(frames) != len(packets):
        print('not ok - %s: %d frames decoded, tshark %d' % (name, len(frames), len(packets)))
        return 0
    bad = []
    checked = 0
    for n, (frame, packet) in enumerate(zip(frames, packets)):
        errs = []
        for layer, value in frame:
            if layer not in DECODE_FIELDS or not isinstance(value, list):
                continue
            fields = dict(value)
            proto = next((p for p in packet['protos'] if p.name == TSHARK_PROTO[layer]
                          and p.pos == fields.get('offset')), None)
            if proto is None:
                continue	# tshark stops earlier (odd headers): nothing to compare
            for field, tname, kind in DECODE_FIELDS[layer]:
                el = proto.get(tname)
                if field not in fields or el is None:
                    continue
                if layer == 'ipv4' and field == 'dst':	# a source route's final one is ip.dst
                    el = proto.get('ip.cur_rt', 'ip.dst')
                if layer == 'eth' and field == 'type' and fields[field] <= 1500:
                    el = proto.get('eth.len') or el
                checked += 1
                want = tshark_value(kind, el)
                got = decoded_value(kind, fields[field])
                if got != want:
                    errs.append('%s %s: rawcraft %s, tshark %s (%s)' % (
                        layer, field, fields[field], want, el.get('showname')))
            if layer in ('ipv4', 'tcp') and 'opts' in fields and \
                    not re.search(r'malformed|truncated', fields['opts']):
                checked += 1
                try:
                    err = decoded_opts(layer, fields['opts'], proto)
                except (pkt.TemplateError, ValueError) as e:
                    err = '%s opts %r: %r' % (layer, fields['opts'], e)
                if err:
                    errs.append(err)
            if layer in CSUM_PREFIX and 'csum_status' in fields:
                st = proto.get(CSUM_PREFIX[layer] + '.checksum.status')
                st = show_int(st) if st is not None else None
                if st in (GOOD, BAD):
                    checked += 1
                    if (fields['csum_status'] == 'correct') != (st == GOOD):
                        errs.append('%s checksum: rawcraft %s, tshark %s' % (
                            layer, fields['csum_status'], STATUS[st]))
        if errs:
            bad.append((n + 1, errs))
    name = '%s (%d frames, %d values)' % (name, len(frames), checked)
    if not bad:
        print('ok - ' + name)
        return 0
    print('not ok - %s: %d frames differ' % (name, len(bad)))
    for n, errs in bad[:10]:
        print('# frame %d: %s' % (n, '; '.join(errs[:4])))
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == 'decode':
        return cmd_decode(sys.argv[2], sys.argv[3])
    if len(sys.argv) > 1 and sys.argv[1] == 'vars':
        return cmd_vars(sys.argv[2:])
    if len(sys.argv) > 4 and sys.argv[1] == 'check':
        return cmd_check(sys.argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    try:
        sys.exit(main())
    except Exception as e:	# a broken check must not pass quietly
        if sys.argv[1:2] == ['vars']:
            raise
        print('not ok - tshark oracle: check.py %s failed: %r' % (' '.join(sys.argv[1:2]), e))
