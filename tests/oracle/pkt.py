"""pkt.py - an independent reader of rawcraft's `.pkt` templates (SPEC.md).

Written from the contract, not from rawcraft's C code: the oracle suite
parses every template it feeds rawcraft with this, works out what each
header field must hold, and compares that with what tshark decodes.

parse(text, variables) -> [Layer]; Layer.name is 'eth', 'vlan', ...,
Layer.fields maps field name -> the value text after quoting, escapes
and ${...} are resolved (payload text as bytes, latin-1 decoded).
"""

import re

LAYERS = ('eth', 'vlan', 'arp', 'ipv4', 'tcp', 'udp', 'icmp', 'payload')

# What may follow what (payload follows anything but payload).
FOLLOWS = {
    None: ('eth',),
    'eth': ('vlan', 'arp', 'ipv4'),
    'vlan': ('vlan', 'arp', 'ipv4'),
    'ipv4': ('tcp', 'udp', 'icmp'),
    'arp': (), 'tcp': (), 'udp': (), 'icmp': (), 'payload': (),
}

FIELDS = {
    'eth': ('dst', 'src', 'type'),
    'vlan': ('id', 'pcp', 'dei', 'type'),
    'arp': ('op', 'htype', 'ptype', 'hlen', 'plen', 'sha', 'spa', 'tha', 'tpa'),
    'ipv4': ('ver', 'ihl', 'tos', 'dscp', 'ecn', 'len', 'id', 'flags', 'frag',
             'ttl', 'proto', 'csum', 'src', 'dst', 'opts'),
    'tcp': ('sport', 'dport', 'seq', 'ack', 'off', 'res', 'flags', 'win', 'csum',
            'urp', 'opts'),
    'udp': ('sport', 'dport', 'len', 'csum'),
    'icmp': ('type', 'code', 'csum', 'id', 'seq'),
    'payload': ('text', 'hex', 'file', 'size'),
}

# Bit widths of the numeric fields (for range checks of `random`).
WIDTH = {
    ('eth', 'type'): 16, ('vlan', 'id'): 12, ('vlan', 'pcp'): 3,
    ('vlan', 'dei'): 1, ('vlan', 'type'): 16,
    ('arp', 'op'): 16, ('arp', 'htype'): 16, ('arp', 'ptype'): 16,
    ('arp', 'hlen'): 8, ('arp', 'plen'): 8,
    ('ipv4', 'ver'): 4, ('ipv4', 'ihl'): 4, ('ipv4', 'tos'): 8,
    ('ipv4', 'dscp'): 6, ('ipv4', 'ecn'): 2, ('ipv4', 'len'): 16,
    ('ipv4', 'id'): 16, ('ipv4', 'flags'): 3, ('ipv4', 'frag'): 13,
    ('ipv4', 'ttl'): 8, ('ipv4', 'proto'): 8, ('ipv4', 'csum'): 16,
    ('tcp', 'sport'): 16, ('tcp', 'dport'): 16, ('tcp', 'seq'): 32,
    ('tcp', 'ack'): 32, ('tcp', 'off'): 4, ('tcp', 'res'): 4,
    ('tcp', 'flags'): 8, ('tcp', 'win'): 16, ('tcp', 'csum'): 16,
    ('tcp', 'urp'): 16, ('udp', 'sport'): 16, ('udp', 'dport'): 16,
    ('udp', 'len'): 16, ('udp', 'csum'): 16, ('icmp', 'type'): 8,
    ('icmp', 'code'): 8, ('icmp', 'csum'): 16, ('icmp', 'id'): 16,
    ('icmp', 'seq'): 16,
}

# Names the contract accepts in place of numbers.
NAMES = {
    ('eth', 'type'): {'ipv4': 0x0800, 'arp': 0x0806, 'ipv6': 0x86dd, 'vlan': 0x8100},
    ('vlan', 'type'): {'ipv4': 0x0800, 'arp': 0x0806, 'ipv6': 0x86dd, 'vlan': 0x8100},
    ('arp', 'op'): {'request': 1, 'reply': 2},
    ('arp', 'ptype'): {'ipv4': 0x0800},
    ('ipv4', 'flags'): {'none': 0, 'MF': 1, 'DF': 2, 'DF+MF': 3},
    ('ipv4', 'proto'): {'tcp': 6, 'udp': 17, 'icmp': 1},
    ('icmp', 'type'): {'echo-request': 8, 'echo-reply': 0},
}

TCP_FLAG_BITS = {'C': 0x80, 'E': 0x40, 'U': 0x20, 'A': 0x10, 'P': 0x08,
                 'R': 0x04, 'S': 0x02, 'F': 0x01}

ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', '0': '\0', '"': '"', '\\': '\\',
           '$': '$'}


class TemplateError(Exception):
    pass


class Layer:
    def __init__(self, name, line):
        self.name = name
        self.line = line
        self.fields = {}

    def __repr__(self):
        return 'Layer(%s, %r)' % (self.name, self.fields)


def logical_lines(text):
    """Joins `\\`-continued lines; yields (first line number, text)."""
    phys = text.split('\n')
    i = 0
    while i < len(phys):
        start = i
        parts = []
        while True:
            line = phys[i].rstrip(' \t\r')
            more = line.endswith('\\') and i + 1 < len(phys)
            parts.append(line[:-1] if more else line)
            i += 1
            if not more:
                break
        yield start + 1, ''.join(parts)


def _expr(body, variables):
    terms = re.split(r'\s*([+-])\s*', body.strip())
    def val(t):
        if re.match(r'^[A-Za-z_][A-Za-z0-9_.]*$', t):
            if t not in variables:
                raise TemplateError('unknown variable %s' % t)
            return variables[t]
        return t
    if len(terms) == 1:
        return val(terms[0])
    acc = 0
    op = '+'
    for k, t in enumerate(terms):
        if k % 2:
            op = t
            continue
        v = number(val(t))
        acc = acc + v if op == '+' else acc - v
    return str(acc & 0xffffffff)


def read_value(s, i, variables):
    """Reads one value starting at s[i]; returns (text, next index)."""
    out = []
    while i < len(s) and s[i] not in ' \t':
        c = s[i]
        if c == '"':
            i += 1
            while True:
                if i >= len(s):
                    raise TemplateError('unterminated string')
                c = s[i]
                if c == '"':
                    i += 1
                    break
                if c == '\\':
                    n = s[i + 1] if i + 1 < len(s) else ''
                    if n in ESCAPES and n:
                        out.append(ESCAPES[n])
                        i += 2
                    elif n == 'x' and re.match(r'[0-9a-fA-F]{2}', s[i + 2:i + 4]):
                        out.append(chr(int(s[i + 2:i + 4], 16)))
                        i += 4
                    else:
                        raise TemplateError('bad escape')
                elif c == '$' and s[i + 1:i + 2] == '{':
                    j = s.index('}', i)
                    out.append(_expr(s[i + 2:j], variables))
                    i = j + 1
                else:
                    out.append(c)
                    i += 1
        elif c == '$' and s[i + 1:i + 2] == '{':
            j = s.index('}', i)
            out.append(_expr(s[i + 2:j], variables))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return ''.join(out), i


def parse(text, variables=None):
    variables = variables or {}
    layers = []
    for lineno, line in logical_lines(text):
        i = 0
        while i < len(line) and line[i] in ' \t':
            i += 1
        if i >= len(line) or line[i] == '#':
            continue
        m = re.match(r'[A-Za-z0-9_.+-]+', line[i:])
        name = m.group(0) if m else ''
        if name == 'expect':	# the reply `send` waits for: builds nothing
            continue
        if name not in LAYERS:
            raise TemplateError('line %d: unknown layer %r' % (lineno, name))
        i += len(name)
        if not layers and name != 'eth':
            layers.append(Layer('eth', lineno))
        prev = layers[-1].name if layers else None
        if name != 'payload' and name not in FOLLOWS[prev]:
            raise TemplateError('line %d: %s cannot follow %s' % (lineno, name, prev))
        if name == 'payload' and prev == 'payload':
            raise TemplateError('line %d: payload after payload' % lineno)
        layer = Layer(name, lineno)
        layers.append(layer)
        while True:
            while i < len(line) and line[i] in ' \t':
                i += 1
            if i >= len(line) or line[i] == '#':
                break
            m = re.match(r'([A-Za-z0-9_.+-]+)=', line[i:])
            if not m:
                raise TemplateError('line %d: expected field=value' % lineno)
            key = m.group(1)
            if key not in FIELDS[name]:
                raise TemplateError('line %d: %s has no field %s' % (lineno, name, key))
            value, i = read_value(line, i + len(m.group(0)), variables)
            layer.fields[key] = value
    return layers


# --- values -------------------------------------------------------------

def number(text):
    if re.match(r'^0[xX][0-9a-fA-F]+$', text):
        return int(text[2:], 16)
    if re.match(r'^[0-9]+$', text):
        return int(text, 10)
    raise TemplateError('not a number: %r' % text)


def field_int(layer, field, text):
    """The integer a numeric field's text stands for; None for `random`."""
    if text == 'random':
        return None
    names = NAMES.get((layer, field), {})
    if text in names:
        return names[text]
    if (layer, field) == ('tcp', 'flags'):
        if text == 'none':
            return 0
        if text[0].isdigit():
            return number(text)
        v = 0
        for c in text:
            v |= TCP_FLAG_BITS[c.upper()]
        return v
    return number(text)


def mac(text):
    """'00:23:aa:69:72:dd' (or dashes) -> int."""
    return int(re.sub(r'[:-]', '', text), 16)


def ipv4(text):
    a = [int(x) for x in text.split('.')]
    return a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3]


def fmt_mac(v):
    return ':'.join('%02x' % ((v >> s) & 0xff) for s in range(40, -8, -8))


def fmt_ipv4(v):
    return '.'.join(str((v >> s) & 0xff) for s in (24, 16, 8, 0))


def tcp_options(text):
    """Option list text -> (bytes as written, [(kind, value)])."""
    if text == 'none':
        return b'', []
    raw = bytearray()
    parsed = []
    for opt in text.split(','):
        name, _, args = opt.partition(':')
        if name == 'nop':
            raw += b'\x01'
            parsed.append((1, None))
        elif name == 'eol':
            raw += b'\x00'
            parsed.append((0, None))
        elif name == 'sackok':
            raw += b'\x04\x02'
            parsed.append((4, None))
        elif name == 'mss':
            v = number(args)
            raw += bytes([2, 4, v >> 8, v & 0xff])
            parsed.append((2, v))
        elif name == 'ws':
            v = number(args)
            raw += bytes([3, 3, v])
            parsed.append((3, v))
        elif name == 'ts':
            a, b = (number(x) for x in args.split(':'))
            raw += bytes([8, 10]) + a.to_bytes(4, 'big') + b.to_bytes(4, 'big')
            parsed.append((8, (a, b)))
        elif name == 'sack':
            blocks = [tuple(number(e) for e in b.split('-')) for b in args.split('+')]
            raw += bytes([5, 2 + 8 * len(blocks)])
            for l, r in blocks:
                raw += l.to_bytes(4, 'big') + r.to_bytes(4, 'big')
            parsed.append((5, bytes(raw[-2 - 8 * len(blocks):])))
        elif name in ('md5', 'fastopen', 'raw', 'pad'):
            kind = {'md5': 19, 'fastopen': 34}.get(name)
            if name == 'raw':
                kind, _, args = args.partition(':')
                kind = number(kind)
            data = bytes.fromhex(args)
            raw += data if name == 'pad' else bytes([kind, 2 + len(data)]) + data
            if name != 'pad':
                parsed.append((kind, bytes([kind, 2 + len(data)]) + data))
        else:
            raise TemplateError('unknown TCP option %r' % name)
    return bytes(raw), parsed


def ipv4_options(text):
    """IPv4 option list text -> (bytes as written, [(type, bytes of the option)])."""
    if text == 'none':
        return b'', []
    raw = bytearray()
    parsed = []
    for opt in text.split(','):
        name, _, args = opt.partition(':')
        if name in ('nop', 'eol'):
            o = bytes([1 if name == 'nop' else 0])
        elif name in ('rr', 'ts'):
            head = 3 if name == 'rr' else 4
            n = number(args)
            o = bytes([7 if name == 'rr' else 68, head + 4 * n, head + 1]) + bytes(head - 3 + 4 * n)
        elif name in ('lsrr', 'ssrr'):
            addrs = [ipv4(a).to_bytes(4, 'big') for a in args.split('+')]
            o = bytes([131 if name == 'lsrr' else 137, 3 + 4 * len(addrs), 4]) + b''.join(addrs)
        elif name == 'ra':
            o = bytes([148, 4]) + (number(args) if args else 0).to_bytes(2, 'big')
        elif name == 'raw':
            kind, _, data = args.partition(':')
            data = bytes.fromhex(data)
            o = bytes([number(kind), 2 + len(data)]) + data
        elif name == 'pad':	# the bytes after an EOL, no option
            raw += bytes.fromhex(args)
            continue
        else:
            raise TemplateError('unknown IPv4 option %r' % name)
        raw += o
        parsed.append((o[0], o))
    return bytes(raw), parsed


def payload_bytes(fields):
    if 'text' in fields:
        return fields['text'].encode('latin-1')
    if 'hex' in fields:
        return bytes.fromhex(re.sub(r'[ :\t]', '', fields['hex']))
    if 'size' in fields:
        return bytes(number(fields['size']))
    if 'file' in fields:
        with open(fields['file'], 'rb') as f:
            return f.read()
    raise TemplateError('payload without a form')
