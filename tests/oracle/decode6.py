#!/usr/bin/python3
"""decode6.py - rawcraft's IPv6 decode against tshark's, field by field.

usage: decode6.py LABEL PCAP PDML JSONL

PDML is tshark's decode of PCAP (checksum validation on, reassembly off),
JSONL is `rawcraft decode PCAP --json`.  Prints TAP: one `not ok` line for
each frame in which rawcraft and tshark disagree (every disagreement of the
frame on that one line), or one `ok` line for the whole capture.

What is compared, by layer (rawcraft's JSON names, SPEC.md's template
names, against tshark's fields):

  ipv6      ver tc flow plen nh hlim src dst           ipv6.*
  hopopts   nh len opts                                ipv6.hopopts.*, ipv6.opt.*
  dstopts   nh len opts                                ipv6.dstopts.*, ipv6.opt.*
  routing   nh len type segleft (addrs for type 0)     ipv6.routing.*
  fragment  nh res off m id                            ipv6.fraghdr.*
  icmp6     type code csum+status, and by type: id seq (echo), mtu (packet
            too big), ptr (parameter problem), target (NS, NA, redirect),
            dest (redirect), flags (NA, RA), curhlim lifetime reachable
            retrans (RA), opts (RS RA NS NA redirect)    icmpv6.*
  tcp, udp  every field and the checksum status, as tests/oracle/check.py
            compares them over IPv4, here over IPv6
  llc       dsap ssap ctrl oui pid                       llc.*
  sll sll2  pkttype hatype halen addr protocol ifindex   sll.*
  isl       dst type src len dsap ssap ctrl hsa vlan bpdu index res   isl.*
  eth vlan arp ipv4 icmp   as check.py's `decode` compares them

Loud, not lenient: every IPv6 header, extension header and ICMPv6 message
tshark finds must be a layer of rawcraft's at the same byte offset, and
every TCP and UDP header that an IPv6 header carries; a layer rawcraft has
and tshark has not is a disagreement too.  The only things not compared are
listed in NOT_COMPARED below, each with its reason.
"""

import ipaddress
import json
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check import (DECODE_FIELDS, ICMP_BY_TYPE, CSUM_PREFIX, GOOD, BAD, STATUS, read_pdml,  # noqa: E402
                   show_int, decoded_value, tshark_value)

# What is deliberately not compared (and why): nothing else is skipped.
NOT_COMPARED = {
    'routing addrs of type != 0': 'only type 0 (RFC 2460) is "addresses joined by +" '
                                  'in SPEC.md; segment routing (type 4) has a header of '
                                  'its own before them',
    'icmp6 fields of other types': 'SPEC.md names no fields for MLD (130-132, 143), router '
                                   'renumbering (138) and the rest: type, code, checksum only',
    'a bogus IP version': 'EtherType 0x86dd or AF_INET6 with a version nibble that is '
                          'not 6 (0x0800, AF_INET: not 4): rawcraft may show the layer '
                          '(its ver compared) or data with a note; nothing under it '
                          'either way',
    'checksums quoted in ICMP errors': 'tshark leaves them Unverified ("in ICMP error '
                                       'packet"): rawcraft\'s verdict has nothing to agree with',
    'an IPv4 total length of 0': 'tshark shows the length it presumes a TCP segmentation '
                                 'offload left out, rawcraft the 0 the field holds',
    'a header cut short': 'where the capture ends inside a header, tshark shows none '
                          '(_ws.short, or malformed when the frame\'s length on the wire is below the '
                          'captured length); rawcraft may show the bytes there are, with a note '
                          'that says it is truncated',
    'a protocol of no bytes': 'tshark hands the empty rest of a frame (a fragment with no '
                              'data) to the next header\'s dissector, which finds it '
                              'malformed; rawcraft need not show a layer of 0 bytes',
    'IPv6 inside tunnels': 'an ipv6 tshark finds under a protocol rawcraft has no layer for '
                           '(GRE, VXLAN, UDP-encapsulations) is not rawcraft\'s to decode',
}

# rawcraft layer -> tshark protocol
PROTO = {'eth': 'eth', 'vlan': 'vlan', 'arp': 'arp', 'ipv4': 'ip', 'tcp': 'tcp',
         'udp': 'udp', 'icmp': 'icmp', 'ipv6': 'ipv6', 'hopopts': 'ipv6.hopopts',
         'dstopts': 'ipv6.dstopts', 'routing': 'ipv6.routing', 'fragment': 'ipv6.fraghdr',
         'icmp6': 'icmpv6', 'llc': 'llc', 'sll2': 'sll', 'sll': 'sll', 'isl': 'isl'}
TSHARK_TO_RAWCRAFT = {v: k for k, v in PROTO.items()}	# sll: rawcraft's sll or sll2
# tshark protocols that rawcraft must have a layer for wherever tshark has them
V6_PROTOS = {'ipv6', 'ipv6.hopopts', 'ipv6.dstopts', 'ipv6.routing', 'ipv6.fraghdr', 'icmpv6'}
# protocols rawcraft decodes at all: an ipv6 under anything else is a tunnel's
# tshark protocols that are a rawcraft layer under another name
ALIAS = {'ieee8021ad': 'vlan'}	# a provider's tag (0x88a8): rawcraft's vlan
KNOWN = set(PROTO.values()) | set(ALIAS) | {'null', 'loop', 'raw', 'ethertype', 'data'}

NA_FLAGS = {'R': 0x80, 'S': 0x40, 'O': 0x20}	# the top byte of the NA's flag word
RA_FLAGS = {'M': 0x80, 'O': 0x40, 'H': 0x20, 'P': 0x04}
PREFIX_FLAGS = {'L': 0x80, 'A': 0x40, 'R': 0x20}
EXT_OPT = {0: 'pad1', 1: 'padn', 5: 'ra', 0xc2: 'jumbo'}
ND_OPT = {1: 'sll', 2: 'tll', 3: 'prefix', 5: 'mtu', 14: 'nonce'}


class Mismatch(Exception):
    pass


# --- values --------------------------------------------------------------

def as_int(v):
    """A JSON number, or the hex text of a wide one, or a decimal string."""
    if isinstance(v, bool):
        raise Mismatch('not a number: %r' % v)
    if isinstance(v, int):
        return v
    if isinstance(v, str):
        s = v.strip()
        if re.match(r'^0[xX][0-9a-fA-F]+$', s):
            return int(s, 16)
        if re.match(r'^[0-9]+$', s):
            return int(s)
    raise Mismatch('not a number: %r' % (v,))


def addr6(text):
    try:
        return ipaddress.IPv6Address(text.split('%')[0])
    except (ValueError, AttributeError):
        raise Mismatch('not an IPv6 address: %r' % (text,))


def letters(v, table):
    """Flag letters ('SO', 'none') or a number -> the bits."""
    if isinstance(v, int):
        return v
    s = str(v).strip()
    if s in ('none', ''):
        return 0
    if re.match(r'^(0[xX][0-9a-fA-F]+|[0-9]+)$', s):
        return as_int(s)
    bits = 0
    for c in s.replace('+', '').replace(',', '').replace('|', ''):
        if c.upper() not in table:
            raise Mismatch('unknown flag letter %r in %r' % (c, s))
        bits |= table[c.upper()]
    return bits


def mac_int(v):
    if not re.match(r'^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$', str(v)):
        raise Mismatch('not a MAC: %r' % (v,))
    return int(v.replace(':', ''), 16)


def ipv4_int(v):
    try:
        return int(ipaddress.IPv4Address(v))
    except (ValueError, TypeError):
        raise Mismatch('not an IPv4 address: %r' % (v,))


def hex_int(v):
    if not re.match(r'^([0-9a-fA-F]{2})+$', str(v)):
        raise Mismatch('not hex bytes: %r' % (v,))
    return int(v, 16)


def fmt(v):
    if isinstance(v, int) and v > 9:
        return '0x%x' % v
    return str(v)


# --- a frame --------------------------------------------------------------

def rawcraft_layers(frame):
    """[(name, {field: value})] in order, from the JSON object's pairs."""
    names = []
    layers = []
    pairs = frame
    for k, v in pairs:
        if k == 'layers':
            names = list(v)
    i = 0
    for k, v in pairs:
        if i < len(names) and isinstance(v, list) and k.startswith(names[i]) and \
                re.match(r'^%s[0-9]*$' % re.escape(names[i]), k):
            layers.append((names[i], dict(v)))
            i += 1
    if i != len(names):
        raise Mismatch('JSON has %d layer objects for "layers": %s' % (i, names))
    return layers


class FrameCheck:
    """strict: every protocol of PROTO tshark finds outside a tunnel must be
    rawcraft's layer at the same offset and the other way round, not only
    the IPv6 ones (tests/tools/honesty.py, over captures of every kind)."""

    def __init__(self, packet, frame, raw, strict=False):
        self.strict = strict
        self.p = packet
        self.layers = rawcraft_layers(frame)
        self.raw = raw
        top = dict(frame)	# pairs, as read
        self.frame_cut = top.get('caplen', 0) < top.get('len', 0)
        self.errs = []
        self.checked = 0

    def err(self, text):
        self.errs.append(text)

    def cmp(self, what, got, want, show=None):
        self.checked += 1
        if got != want:
            self.err('%s: rawcraft %s, tshark %s%s' % (
                what, fmt(got), fmt(want), ' (%s)' % show if show else ''))

    def field(self, proto, layer, fields, key, tname, conv=as_int, tconv=None):
        """rawcraft's key against tshark's tname; both must be there."""
        el = proto.get(tname)
        if el is None:
            return	# tshark does not show it (cut short): nothing to compare
        self.checked += 1
        if key not in fields:
            self.err('%s %s: rawcraft has none, tshark %s' % (layer, key, el.get('show')))
            return
        try:
            got = conv(fields[key])
        except Mismatch as e:
            self.err('%s %s: %s' % (layer, key, e))
            return
        want = tconv(el) if tconv else show_int(el)
        if got != want:
            self.err('%s %s: rawcraft %s, tshark %s (%s)' % (
                layer, key, fields[key] if not isinstance(got, int) else fmt(got),
                fmt(want), el.get('showname')))

    def address(self, proto, layer, fields, key, tname):
        el = proto.get(tname)
        if el is None:
            return
        self.checked += 1
        if key not in fields:
            self.err('%s %s: rawcraft has none, tshark %s' % (layer, key, el.get('show')))
            return
        try:
            got = addr6(fields[key])
        except Mismatch as e:
            self.err('%s %s: %s' % (layer, key, e))
            return
        want = addr6(el.get('show'))
        if got != want:
            self.err('%s %s: rawcraft %s, tshark %s' % (layer, key, fields[key], el.get('show')))
        elif fields[key] != el.get('show') and fields[key] != want.compressed:
            self.err('%s %s: rawcraft prints %s, RFC 5952 says %s' % (
                layer, key, fields[key], want.compressed))

    def checksum(self, proto, layer, fields, prefix):
        st = proto.get(prefix + '.checksum.status')
        st = show_int(st) if st is not None else None
        if st is None:
            return
        ck = proto.get(prefix + '.checksum')
        if st == 2 and ck is not None and 'in ICMP error' in (ck.get('showname') or ''):
            return	# see NOT_COMPARED: tshark does not verify quoted checksums
        self.checked += 1
        got = fields.get('csum_status')
        if got is None:
            self.err('%s checksum: rawcraft gives no csum_status, tshark %s' % (
                layer, STATUS.get(st, st)))
            return
        if st == GOOD:
            ok = got == 'correct'
        elif st == BAD:
            # A checksum left for the NIC to fill (GSO, offload) is "partial"
            # to rawcraft, Bad to tshark: rawcraft says more, not otherwise.
            ok = got in ('incorrect', 'partial')
        elif st == 4:	# Illegal: a zero UDP checksum over IPv6 (RFC 8200 8.1)
            ok = got in ('incorrect', 'illegal', 'invalid')	# not "none": RFC 8200 8.1
        else:		# Unverified / not present
            ok = got not in ('correct', 'incorrect')
        if not ok:
            calc = proto.get(prefix + '.checksum_calculated')
            self.err('%s checksum 0x%04x: rawcraft %s, tshark %s%s' % (
                layer, as_int(fields.get('csum', 0)), got, STATUS.get(st, st),
                ' (computes %s)' % calc.get('show') if calc is not None else ''))

    # --- layers -------------------------------------------------------------

    def ipv6(self, p, f):
        self.field(p, 'ipv6', f, 'ver', 'ipv6.version')
        if show_int(p.get('ipv6.version')) != 6:
            return
        self.field(p, 'ipv6', f, 'tc', 'ipv6.tclass')
        self.field(p, 'ipv6', f, 'flow', 'ipv6.flow')
        self.field(p, 'ipv6', f, 'plen', 'ipv6.plen')
        self.field(p, 'ipv6', f, 'nh', 'ipv6.nxt')
        self.field(p, 'ipv6', f, 'hlim', 'ipv6.hlim')
        self.address(p, 'ipv6', f, 'src', 'ipv6.src')
        self.address(p, 'ipv6', f, 'dst', 'ipv6.dst')

    def ext_opts(self, p, name, f):
        """hopopts/dstopts opts: the list, in order, against tshark's ipv6.opt."""
        want = []
        for el in p.all:
            if el.get('name') != 'ipv6.opt':
                continue
            kids = {c.get('name'): c for c in el.iter('field')}
            t = kids.get('ipv6.opt.type')
            if t is None:
                continue
            t = show_int(t)
            n = show_int(kids['ipv6.opt.length']) if 'ipv6.opt.length' in kids else 0
            pos = int(el.get('pos'))
            data = self.raw[pos + 2:pos + 2 + n] if t != 0 else b''
            want.append((t, data))
        self.checked += 1
        if 'opts' not in f:
            if want:
                self.err('%s opts: rawcraft has none, tshark %d options' % (name, len(want)))
            return
        try:
            got = parse_ext_opts(f['opts'])
        except Mismatch as e:
            self.err('%s opts: %s' % (name, e))
            return
        if got != want:
            self.err('%s opts: rawcraft %r (%s), tshark %s' % (
                name, f['opts'], ext_text(got), ext_text(want)))

    def ext(self, p, name, f):
        prefix = p.name
        self.field(p, name, f, 'nh', prefix + '.nxt')
        self.field(p, name, f, 'len', prefix + '.len')
        if name in ('hopopts', 'dstopts'):
            self.ext_opts(p, name, f)

    def routing(self, p, f):
        self.field(p, 'routing', f, 'nh', 'ipv6.routing.nxt')
        self.field(p, 'routing', f, 'len', 'ipv6.routing.len')
        self.field(p, 'routing', f, 'type', 'ipv6.routing.type')
        self.field(p, 'routing', f, 'segleft', 'ipv6.routing.segleft')
        t = p.get('ipv6.routing.type')
        if t is None or show_int(t) != 0:
            return	# cut before the type, or not type 0: no addresses to compare
        want = [addr6(el.get('show')) for el in p.all if el.get('name') == 'ipv6.routing.src.addr']
        self.checked += 1
        if 'addrs' not in f:
            if want:
                self.err('routing addrs: rawcraft has none, tshark %s' % '+'.join(map(str, want)))
            return
        try:
            got = [addr6(a) for a in str(f['addrs']).split('+') if a]
        except Mismatch as e:
            self.err('routing addrs: %s' % e)
            return
        if got != want:
            self.err('routing addrs: rawcraft %s, tshark %s' % (f['addrs'], '+'.join(map(str, want))))

    def fragment(self, p, f):
        self.field(p, 'fragment', f, 'nh', 'ipv6.fraghdr.nxt')
        self.field(p, 'fragment', f, 'res', 'ipv6.fraghdr.reserved_octet')
        self.field(p, 'fragment', f, 'off', 'ipv6.fraghdr.offset')
        self.field(p, 'fragment', f, 'm', 'ipv6.fraghdr.more')
        self.field(p, 'fragment', f, 'id', 'ipv6.fraghdr.ident')

    def llc(self, p, f):
        self.field(p, 'llc', f, 'dsap', 'llc.dsap')
        self.field(p, 'llc', f, 'ssap', 'llc.ssap')
        self.field(p, 'llc', f, 'ctrl', 'llc.control')
        self.field(p, 'llc', f, 'oui', 'llc.oui')
        # tshark names the PID by its OUI's table: llc.type (an EtherType),
        # llc.cisco_pid, llc.pid...
        pid = next((el.get('name') for el in p.all if el.get('name') == 'llc.type' or
                    re.match(r'^llc\.([a-z0-9_]+_)?pid$', el.get('name') or '')), None)
        if pid is not None:
            self.field(p, 'llc', f, 'pid', pid)

    def isl(self, p, f):
        self.field(p, 'isl', f, 'dst', 'isl.dst', mac_int, lambda el: int(el.get('value'), 16))
        self.field(p, 'isl', f, 'src', 'isl.src', mac_int, lambda el: int(el.get('value'), 16))
        for key, tname in (('type', 'isl.type'), ('len', 'isl.len'), ('dsap', 'isl.dsap'),
                           ('ssap', 'isl.ssap'), ('ctrl', 'isl.control'), ('hsa', 'isl.hsa'),
                           ('vlan', 'isl.vlan_id'), ('bpdu', 'isl.bpdu'), ('index', 'isl.index'),
                           ('res', 'isl.reserved')):
            self.field(p, 'isl', f, key, tname)

    def sll(self, p, name, f):
        for key in ('pkttype', 'hatype', 'halen', 'ifindex'):
            self.field(p, name, f, key, 'sll.' + key)
        self.field(p, name, f, 'protocol', 'sll.etype' if p.get('sll.etype') is not None
                   else 'sll.ltype')
        for tname, conv in (('sll.src.eth', mac_int), ('sll.src.ipv4', ipv4_int),
                            ('sll.src.other', hex_int)):
            if p.get(tname) is not None:
                self.field(p, name, f, 'addr', tname, conv,
                           lambda el: int(el.get('value') or '0', 16))

    def icmp6(self, p, f):
        L = 'icmp6'
        self.field(p, L, f, 'type', 'icmpv6.type')
        self.field(p, L, f, 'code', 'icmpv6.code')
        self.field(p, L, f, 'csum', 'icmpv6.checksum')
        self.checksum(p, L, f, 'icmpv6')
        t = show_int(p.get('icmpv6.type')) if p.get('icmpv6.type') is not None else None
        if t in (128, 129):
            self.field(p, L, f, 'id', 'icmpv6.echo.identifier')
            self.field(p, L, f, 'seq', 'icmpv6.echo.sequence_number')
        elif t == 2:
            self.field(p, L, f, 'mtu', 'icmpv6.mtu')
        elif t == 4:
            self.field(p, L, f, 'ptr', 'icmpv6.pointer')
        elif t == 134:
            self.field(p, L, f, 'curhlim', 'icmpv6.nd.ra.cur_hop_limit')
            self.flags(p, f, 'icmpv6.nd.ra.flag', RA_FLAGS, 0xff, 0)
            self.field(p, L, f, 'lifetime', 'icmpv6.nd.ra.router_lifetime')
            self.field(p, L, f, 'reachable', 'icmpv6.nd.ra.reachable_time')
            self.field(p, L, f, 'retrans', 'icmpv6.nd.ra.retrans_timer')
        elif t == 135:
            self.address(p, L, f, 'target', 'icmpv6.nd.ns.target_address')
        elif t == 136:
            self.flags(p, f, 'icmpv6.nd.na.flag', NA_FLAGS, 0xff, 24)
            self.address(p, L, f, 'target', 'icmpv6.nd.na.target_address')
        elif t == 137:
            self.address(p, L, f, 'target', 'icmpv6.nd.rd.target_address')
            self.address(p, L, f, 'dest', 'icmpv6.nd.rd.destination_address')
        if t in (133, 134, 135, 136, 137):
            self.nd_opts(p, f)

    def flags(self, p, f, tname, table, mask, shift):
        """NA (32-bit word, letters for its top bits) and RA (a byte) flags:
        a number must be tshark's whole field; letters its named bits, and
        then a bit without a letter is a disagreement too."""
        el = p.get(tname)
        if el is None:
            return
        full = show_int(el)
        self.checked += 1
        if 'flags' not in f:
            self.err('icmp6 flags: rawcraft has none, tshark %s' % el.get('showname'))
            return
        v = f['flags']
        if isinstance(v, int) or re.match(r'^(0[xX][0-9a-fA-F]+|[0-9]+)$', str(v)):
            got = as_int(v)
            if got != full:
                self.err('icmp6 flags: rawcraft %s, tshark 0x%x (%s)' % (v, full, el.get('showname')))
            return
        try:
            got = letters(v, table) << shift
        except Mismatch as e:
            self.err('icmp6 flags: %s' % e)
            return
        known = 0
        for b in table.values():
            known |= b << shift
        if full & ~known & (mask << shift):
            self.err('icmp6 flags: rawcraft %r cannot say bits 0x%x that tshark shows (%s)' % (
                v, full & ~known & (mask << shift), el.get('showname')))
        elif got != full & known:
            self.err('icmp6 flags: rawcraft %r (0x%x), tshark 0x%x (%s)' % (
                v, got, full & known, el.get('showname')))

    def nd_opts(self, p, f):
        want = []
        for el in p.all:
            if el.get('name') != 'icmpv6.opt':
                continue
            kids = {}
            for c in el.iter('field'):
                kids.setdefault(c.get('name'), c)
            t = show_int(kids['icmpv6.opt.type']) if 'icmpv6.opt.type' in kids else None
            n = show_int(kids['icmpv6.opt.length']) if 'icmpv6.opt.length' in kids else None
            if t is None or n is None:
                continue
            pos = int(el.get('pos'))
            want.append(nd_opt_from_bytes(self.raw[pos:pos + max(n, 1) * 8]))
        self.checked += 1
        if 'opts' not in f:
            if want:
                self.err('icmp6 opts: rawcraft has none, tshark %s' % ','.join(map(str, want)))
            return
        try:
            got = parse_nd_opts(f['opts'])
        except Mismatch as e:
            self.err('icmp6 opts: %s' % e)
            return
        if got != want:
            self.err('icmp6 opts: rawcraft %r, tshark %s' % (f['opts'], ','.join(map(str, want))))

    def transport(self, p, name, f):
        for field, tname, kind in DECODE_FIELDS[name]:
            el = p.get(tname)
            if el is None:
                continue
            self.checked += 1
            if field not in f:
                self.err('%s %s: rawcraft has none, tshark %s' % (name, field, el.get('show')))
                continue
            want = tshark_value(kind, el)
            got = decoded_value(kind, f[field])
            if got != want:
                self.err('%s %s: rawcraft %s, tshark %s (%s)' % (
                    name, field, f[field], fmt(want), el.get('showname')))
        self.checksum(p, name, f, CSUM_PREFIX[name])
        if name == 'tcp':
            self.tcp_opts(p, f)
        self.payload_after(p, name, f)

    def tcp_opts(self, p, f):
        """opts, written back as SPEC.md's words say, are the option bytes."""
        el = p.get('tcp.options')
        want = bytes.fromhex((el.get('show') or '').replace(':', '')) if el is not None else b''
        self.checked += 1
        text = f.get('opts', 'none')
        # "truncated" last: the capture ends inside that option; the words
        # before it are the options captured whole, tshark's bytes go on.
        head, cut = (text[:-len('truncated')].rstrip(','), True) \
            if str(text).endswith('truncated') else (text, False)
        try:
            got = tcp_opts_bytes(head)
        except (Mismatch, ValueError) as e:
            self.err('tcp opts: %s' % e)
            return
        if cut:
            if not (self.frame_cut and want.startswith(got) and len(want) > len(got)):
                self.err('tcp opts: rawcraft %r (%s), tshark %s (captured %s)' % (
                    text, got.hex(), want.hex(), 'cut short' if self.frame_cut else 'whole'))
            return
        # After an eol the header's zeros are padding, as a template's eol pads.
        pad = len(want) - len(got) if str(head).endswith('eol') else (-len(got)) % 4
        if got != want and got + bytes(max(pad, 0)) != want:
            self.err('tcp opts: rawcraft %r (%s), tshark %s' % (text, got.hex(), want.hex()))

    def payload_after(self, p, name, f):
        """The payload after a TCP or UDP header: as long as tshark says."""
        i = next((k for k, (n, g) in enumerate(self.layers) if g is f), None)
        if i is None or i + 1 >= len(self.layers) or self.layers[i + 1][0] != 'payload':
            return
        pl = self.layers[i + 1][1]
        if name == 'tcp':	# as captured, as for udp below
            el = p.get('tcp.len')
            want = show_int(el) if el is not None else None
            if want is not None:
                want = min(want, len(self.raw) - pl.get('offset', 0))
        else:
            el = p.get('udp.length')
            want = show_int(el) - 8 if el is not None else None
            if want is not None:
                want = min(want, len(self.raw) - pl.get('offset', 0),
                           self.ip_end(p) - (p.pos + 8))
        if want is None:
            return
        self.checked += 1
        if pl.get('len') != want:
            self.err('payload after %s: rawcraft %s bytes, tshark %d' % (name, pl.get('len'), want))
        elif bytes.fromhex(pl.get('hex', '')) != self.raw[pl['offset']:pl['offset'] + want]:
            self.err('payload after %s: rawcraft\'s hex is not the frame\'s bytes at %d' % (
                name, pl['offset']))

    def ip_end(self, p):
        """Where the IP payload around `p` ends: a UDP length past it gets
        no more (packet-udp.c's decode_udp_ports takes the smaller)."""
        end = len(self.raw)
        for q in self.p['protos']:
            if q is p:
                break
            el = q.get('ip.len') if q.name == 'ip' else q.get('ipv6.plen') \
                if q.name == 'ipv6' else None
            n = show_int(el) if el is not None else None
            if n:
                end = q.pos + n + (40 if q.name == 'ipv6' else 0)
        return end

    # --- the frame ----------------------------------------------------------

    def run(self):
        by_pos = {}
        for name, f in self.layers:
            if name == 'payload' or 'offset' not in f:
                continue
            by_pos[(PROTO.get(name, name), f['offset'])] = (name, f)
        v6 = any(q.name in V6_PROTOS for q in self.p['protos']) or \
            any(n in ('ipv6', 'icmp6', 'hopopts', 'dstopts', 'routing', 'fragment')
                for n, _ in self.layers)
        tunnelled = False
        last_net = None
        for q in self.p['protos']:
            if q.name.startswith('_ws.') or q.name.startswith('ipv6.routing.type'):
                continue
            if q.name not in KNOWN and not q.name.startswith('ipv6.'):
                tunnelled = True	# what follows is inside a protocol rawcraft has no layer for
                continue
            if q.name in ALIAS:
                q.alias, q.name = q.name, ALIAS[q.name]
            if q.name not in TSHARK_TO_RAWCRAFT:
                continue
            hit = by_pos.pop((q.name, q.pos), None)
            must = self.strict or q.name in V6_PROTOS or \
                (q.name in ('tcp', 'udp') and last_net == 'ipv6')
            if q.name in ('ip', 'ipv6'):
                last_net = q.name
            if hit is None:
                if q.size == 0:
                    must = False	# see NOT_COMPARED: a protocol of no bytes
                if q.name == 'ipv6' and show_int(q.get('ipv6.version')) != 6 or \
                        q.name == 'ip' and show_int(q.get('ip.version')) != 4:
                    must = False	# see NOT_COMPARED: a bogus version
                if must and not tunnelled:
                    self.checked += 1
                    self.err('%s at byte %d: rawcraft has no %s layer there (it has %s)' % (
                        q.name, q.pos, TSHARK_TO_RAWCRAFT[q.name],
                        ', '.join('%s@%s' % (n, f.get('offset')) for n, f in self.layers)))
                continue
            name, f = hit
            if name == 'ipv6':
                self.ipv6(q, f)
            elif name in ('hopopts', 'dstopts'):
                self.ext(q, name, f)
            elif name == 'routing':
                self.routing(q, f)
            elif name == 'fragment':
                self.fragment(q, f)
            elif name == 'icmp6':
                self.icmp6(q, f)
            elif name == 'llc':
                self.llc(q, f)
            elif name in ('sll', 'sll2'):
                self.sll(q, name, f)
            elif name == 'isl':
                self.isl(q, f)
            elif name in ('tcp', 'udp'):
                self.transport(q, name, f)
            elif name in DECODE_FIELDS:
                self.other(q, name, f)
        # A wire length below the captured one bounds tshark's view: a cut
        # header is then malformed to it, not short, and shown no more.
        short = any(q.name == '_ws.short' for q in self.p['protos']) or \
            any(e.get('name') == 'frame.len_lt_caplen' for e in self.p['fields'])
        if v6 or self.strict:
            for (tname, off), (name, f) in sorted(by_pos.items(), key=lambda x: x[0][1]):
                if short and re.search(r'truncated|cut short', f.get('note', '')):
                    continue	# see NOT_COMPARED: a header the capture cut short
                if self.strict or tname in V6_PROTOS or name in ('tcp', 'udp'):
                    self.checked += 1
                    self.err('%s at byte %d: rawcraft decodes it, tshark has no %s there%s' % (
                        name, off, tname, ' (note: %s)' % f['note'] if 'note' in f else ''))
        return self.errs

    def other(self, p, name, f):
        """eth, vlan, arp, ipv4, icmp: as check.py's decode compares them."""
        for field, tname, kind in DECODE_FIELDS[name]:
            if getattr(p, 'alias', None) == 'ieee8021ad':
                tname = 'ieee8021ah.etype' if field == 'type' else \
                    tname.replace('vlan.', 'ieee8021ad.')
            if name == 'icmp' and field == 'seq' and f.get('type') in (42, 43):
                tname = 'icmp.ext.echo.seq'	# RFC 8335's, 8 bits
            el = p.get(tname)
            if name == 'icmp' and field in ICMP_BY_TYPE and (field in f) != (el is not None):
                self.checked += 1
                self.err('icmp %s: rawcraft %s, tshark %s' % (
                    field, f.get(field, 'has none'), 'has none' if el is None else el.get('show')))
                continue
            if field not in f or el is None:
                continue
            if name == 'ipv4' and field == 'len' and f[field] == 0 and \
                    'presumed' in (el.get('showname') or ''):
                continue	# see NOT_COMPARED: a total length of 0
            if name == 'eth' and field == 'type' and f[field] <= 1500:
                el = p.get('eth.len') or el
            self.checked += 1
            want = tshark_value(kind, el)
            got = decoded_value(kind, f[field])
            if got != want:
                self.err('%s %s: rawcraft %s, tshark %s (%s)' % (
                    name, field, f[field], fmt(want), el.get('showname')))
        if name in CSUM_PREFIX:
            self.checksum(p, name, f, CSUM_PREFIX[name])
        if name == 'arp':	# addresses no MAC or IPv4 address: the bytes
            for key, tname in (('sha', 'arp.src.hw'), ('spa', 'arp.src.proto'),
                               ('tha', 'arp.dst.hw'), ('tpa', 'arp.dst.proto')):
                self.field(p, name, f, key, tname, hex_int,
                           lambda el: int(el.get('value') or '0', 16))


# --- option lists -----------------------------------------------------------

TCP_KIND = {'eol': 0, 'nop': 1, 'mss': 2, 'ws': 3, 'sackok': 4, 'sack': 5, 'ts': 8,
            'md5': 19, 'fastopen': 34}


def tcp_opts_bytes(text):
    """SPEC.md's TCP option words -> the bytes they stand for."""
    out = b''
    text = str(text).strip()
    if text in ('', 'none'):
        return out
    for item in text.split(','):
        name, _, arg = item.strip().partition(':')
        if name in ('eol', 'nop'):
            out += bytes([TCP_KIND[name]])
        elif name == 'pad':	# bytes after an eol, as they are
            out += bytes.fromhex(arg)
        elif name == 'sackok':
            out += b'\x04\x02'
        elif name == 'mss':
            out += b'\x02\x04' + as_int(arg).to_bytes(2, 'big')
        elif name == 'ws':
            out += b'\x03\x03' + bytes([as_int(arg)])
        elif name == 'ts':
            a, _, b = arg.partition(':')
            out += b'\x08\x0a' + as_int(a).to_bytes(4, 'big') + as_int(b).to_bytes(4, 'big')
        elif name == 'sack':
            d = b''
            for blk in arg.split('+'):
                lo, _, hi = blk.partition('-')
                d += as_int(lo).to_bytes(4, 'big') + as_int(hi).to_bytes(4, 'big')
            out += bytes([5, 2 + len(d)]) + d
        elif name in ('md5', 'fastopen'):
            d = bytes.fromhex(arg)
            out += bytes([TCP_KIND[name], 2 + len(d)]) + d
        elif name == 'raw':
            k, _, h = arg.partition(':')
            d = bytes.fromhex(h)
            out += bytes([as_int(k), 2 + len(d)]) + d
        else:
            raise Mismatch('unknown TCP option %r in %r' % (name, text))
    return out


def parse_ext_opts(text):
    """'pad1,padn:4,ra:0,jumbo:N,raw:TYPE:HEX' -> [(type, data bytes)]."""
    out = []
    text = str(text).strip()
    if text in ('', 'none'):
        return out
    for item in text.split(','):
        name, _, arg = item.strip().partition(':')
        if name == 'pad1':
            out.append((0, b''))
        elif name == 'padn':
            out.append((1, bytes(as_int(arg))))
        elif name == 'ra':
            out.append((5, as_int(arg).to_bytes(2, 'big')))
        elif name == 'jumbo':
            out.append((0xc2, as_int(arg).to_bytes(4, 'big')))
        elif name == 'raw':
            t, _, h = arg.partition(':')
            try:
                out.append((as_int(t), bytes.fromhex(h)))
            except ValueError:
                raise Mismatch('bad raw option %r' % item)
        else:
            raise Mismatch('unknown option %r in %r' % (name, text))
    return out


def ext_text(opts):
    out = []
    for t, d in opts:
        if t == 0:
            out.append('pad1')
        elif t == 1 and not any(d):
            out.append('padn:%d' % len(d))
        elif t == 5 and len(d) == 2:
            out.append('ra:%d' % int.from_bytes(d, 'big'))
        elif t == 0xc2 and len(d) == 4:
            out.append('jumbo:%d' % int.from_bytes(d, 'big'))
        else:
            out.append('raw:%d:%s' % (t, d.hex()))
    return ','.join(out) or 'none'


class NdOpt(tuple):
    def __str__(self):
        kind, v = self
        if kind == 'raw':
            return 'raw:%d:%s' % v
        if kind == 'prefix':
            return 'prefix:%s/%d:0x%02x:%d:%d' % v
        return '%s:%s' % (kind, v)


def mac_text(b):
    return ':'.join('%02x' % x for x in b)


def nd_opt_from_bytes(b):
    t, n = b[0], b[1]
    data = b[2:]
    if t in (1, 2) and n == 1:
        return NdOpt((ND_OPT[t], mac_text(data[:6])))
    if t == 3 and n == 4 and len(b) >= 32:
        return NdOpt(('prefix', (str(ipaddress.IPv6Address(bytes(b[16:32]))), b[2], b[3],
                                 int.from_bytes(b[4:8], 'big'), int.from_bytes(b[8:12], 'big'))))
    if t == 5 and n == 1:
        return NdOpt(('mtu', int.from_bytes(b[4:8], 'big')))
    if t == 14:
        return NdOpt(('nonce', bytes(data).hex()))
    return NdOpt(('raw', (t, bytes(data).hex())))


def parse_nd_opts(text):
    out = []
    text = str(text).strip()
    if text in ('', 'none'):
        return out
    for item in text.split(','):
        name, _, arg = item.strip().partition(':')
        if name in ('sll', 'tll'):
            m = re.sub(r'[-:]', '', arg).lower()
            if not re.match(r'^[0-9a-f]{12}$', m):
                raise Mismatch('bad MAC in %r' % item)
            out.append(NdOpt((name, ':'.join(m[i:i + 2] for i in range(0, 12, 2)))))
        elif name == 'prefix':
            a, _, rest = arg.partition('/')
            parts = rest.split(':')
            ln = as_int(parts[0])
            fl = 0
            if len(parts) > 1:
                fl = letters(parts[1], PREFIX_FLAGS) if not re.match(r'^(0x)?[0-9]', parts[1]) \
                    else as_int(parts[1])
            valid = as_int(parts[2]) if len(parts) > 2 else None
            pref = as_int(parts[3]) if len(parts) > 3 else None
            out.append(NdOpt(('prefix', (str(addr6(a)), ln, fl, valid, pref))))
        elif name == 'mtu':
            out.append(NdOpt(('mtu', as_int(arg))))
        elif name == 'nonce':
            out.append(NdOpt(('nonce', re.sub(r'[^0-9a-fA-F]', '', arg).lower())))
        elif name == 'raw':
            t, _, h = arg.partition(':')
            out.append(NdOpt(('raw', (as_int(t), re.sub(r'[^0-9a-fA-F]', '', h).lower()))))
        else:
            raise Mismatch('unknown ND option %r in %r' % (name, text))
    return out


# --- the capture ---------------------------------------------------------------

def frames_raw(pcap):
    """Each frame's bytes (pcap or pcapng), for the option bytes tshark names
    but does not print."""
    import logging
    logging.getLogger('scapy.runtime').setLevel(logging.ERROR)
    from scapy.utils import RawPcapReader, RawPcapNgReader
    with open(pcap, 'rb') as f:
        magic = f.read(4)
    reader = RawPcapNgReader if magic == b'\x0a\x0d\x0d\x0a' else RawPcapReader
    out = []
    r = reader(pcap)
    try:
        while True:	# Scapy's default cuts a frame at 65535 bytes: BIG TCP's are longer
            try:
                data, _ = r._read_packet(size=1 << 32)
            except EOFError:
                break
            out.append(bytes(data))
    finally:
        r.close()
    return out


def main():
    label, pcap, pdml, jsonl = sys.argv[1:5]
    packets = read_pdml(pdml)
    with open(jsonl) as f:
        frames = [json.loads(line, object_pairs_hook=list) for line in f if line.strip()]
    raws = frames_raw(pcap)
    if not (len(frames) == len(packets) == len(raws)):
        print('not ok - %s: rawcraft decoded %d frames, tshark %d (the file holds %d)' % (
            label, len(frames), len(packets), len(raws)))
        return 0
    bad = 0
    checked = 0
    shown = 0
    for n, (frame, packet, raw) in enumerate(zip(frames, packets, raws), 1):
        try:
            c = FrameCheck(packet, frame, raw)
            errs = c.run()
            checked += c.checked
        except Exception as e:	# a bug here must not pass quietly
            errs = ['decode6.py failed on this frame: %r' % e]
        if not errs:
            continue
        bad += 1
        if shown < 20:
            shown += 1
            summary = dict(frame).get('summary', '')
            print('not ok - %s frame %d: %s [rawcraft: %s]' % (
                label, n, '; '.join(errs[:10]) + ('; ...%d more' % (len(errs) - 10)
                                                  if len(errs) > 10 else ''), summary[:100]))
    if bad > shown:
        print('not ok - %s: %d more frames differ' % (label, bad - shown))
    if not bad:
        print('ok - %s: %d frames, %d values agree with tshark' % (label, len(frames), checked))
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except Exception as e:	# a broken check must not pass quietly
        print('not ok - %s: decode6.py failed: %r' % (sys.argv[1] if len(sys.argv) > 1 else '?', e))
