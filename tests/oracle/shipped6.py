#!/usr/bin/env python3
"""The shipped IPv6 templates against tshark's PDML of the frames rawcraft
built from them (oracle.sh builds them on lo with the variables of
`shipped6.py vars`):

  shipped6.py vars TEMPLATE...            NAME=VALUE for every ${NAME}
  shipped6.py check PDML VARS TEMPLATE... one TAP line

Every value a template gives must be the one tshark reads, the defaults the
contract names (hop limit 255 for neighbour discovery, a solicited-node
destination for a neighbor-solicit without one, 64 otherwise; the payload
length) must be there, every checksum Good, and nothing malformed."""
import ipaddress
import re
import sys
import xml.etree.ElementTree as ET

VALUES = {'DST': '2001:db8::20', 'TARGET': '2001:db8::99', 'PREFIX': '2001:db8:1::/64',
          'PORT': '8080'}
ICMP6_TYPES = {'echo-request': 128, 'echo-reply': 129, 'router-solicit': 133,
               'router-advert': 134, 'neighbor-solicit': 135, 'neighbor-advert': 136,
               'redirect': 137}
ND = range(133, 138)
# template row -> tshark field, per layer (values compared as numbers or
# addresses)
ROWS = {
    'ipv6': {'dst': 'ipv6.dst', 'src': 'ipv6.src', 'hlim': 'ipv6.hlim', 'flow': 'ipv6.flow'},
    'icmp6': {'type': 'icmpv6.type', 'code': 'icmpv6.code', 'seq': 'icmpv6.echo.sequence_number',
              'id': 'icmpv6.echo.identifier', 'lifetime': 'icmpv6.nd.ra.router_lifetime',
              'curhlim': 'icmpv6.nd.ra.cur_hop_limit'},
    'tcp': {'dport': 'tcp.dstport', 'sport': 'tcp.srcport'},
}


def template_vars(paths):
    names = []
    for p in paths:
        for m in re.finditer(r'\$\{\s*([A-Za-z_][A-Za-z0-9_]*)', open(p).read()):
            if m.group(1) not in names and not m.group(1).startswith('iface'):
                names.append(m.group(1))
    bad = [n for n in names if n not in VALUES]
    if bad:
        sys.stderr.write('shipped6.py: no test value for %s\n' % ', '.join(bad))
        return 1
    for n in names:
        print('%s=%s' % (n, VALUES[n]))
    return 0


def layers(path, variables):
    """[(name, {row: value})] of the template, variables put in."""
    out = []
    for line in open(path):
        line = line.split('#', 1)[0].strip()
        line = re.sub(r'\$\{(\w+)\}', lambda m: variables[m.group(1)], line)
        if not line or line.startswith('expect'):
            continue
        words = line.split()
        out.append((words[0], dict(w.split('=', 1) for w in words[1:])))
    return out


def packets(pdml):
    """Per packet: {field name: [shown values]}."""
    out = []
    for pk in ET.parse(pdml).getroot().iter('packet'):
        fields = {}
        for el in pk.iter():
            if el.get('name'):
                fields.setdefault(el.get('name'), []).append(el.get('show'))
        out.append(fields)
    return out


def same(a, b):
    if a is None or b is None:
        return False
    try:
        return ipaddress.ip_address(a) == ipaddress.ip_address(b)
    except ValueError:
        pass
    try:
        return int(str(a), 0) == int(str(b), 0)
    except ValueError:
        return str(a) == str(b)


def check_one(tpl, pk):
    errs = []
    one = lambda name: (pk.get(name) or [None])[0]

    def want(name, value, why):
        if not any(same(v, value) for v in pk.get(name, [])):
            errs.append('%s: tshark %s=%s, want %s' % (why, name, pk.get(name), value))

    icmp_type = None
    for name, rows in tpl:
        for row, value in rows.items():
            if row == 'type' and name == 'icmp6':
                icmp_type = ICMP6_TYPES.get(value, value)
                value = icmp_type
            if row in ROWS.get(name, {}):
                want(ROWS[name][row], value, '%s %s' % (name, row))
        if name == 'icmp6' and 'target' in rows:
            want('icmpv6.nd.ns.target_address' if icmp_type == 135 else
                 'icmpv6.nd.na.target_address', rows['target'], 'icmp6 target')
        if name == 'icmp6' and 'flags' in rows and icmp_type == 136:
            for letter in 'RSO':
                want('icmpv6.nd.na.flag.' + letter.lower(),
                     '1' if letter in rows['flags'] else '0', 'icmp6 flags ' + letter)
        if name == 'tcp' and 'flags' in rows:
            bits = {'F': 1, 'S': 2, 'R': 4, 'P': 8, 'A': 16, 'U': 32}
            want('tcp.flags', sum(bits[c] for c in rows['flags']), 'tcp flags')
        for opt in rows.get('opts', '').split(','):
            kind, _, arg = opt.partition(':')
            if name == 'icmp6' and kind in ('sll', 'tll'):
                want('icmpv6.opt.type', 1 if kind == 'sll' else 2, 'icmp6 opts ' + kind)
            elif name == 'icmp6' and kind == 'mtu':
                want('icmpv6.opt.mtu', arg, 'icmp6 opts mtu')
            elif name == 'icmp6' and kind == 'prefix':
                p, _, rest = arg.partition('/')
                parts = rest.split(':')
                want('icmpv6.opt.prefix', p, 'icmp6 opts prefix')
                want('icmpv6.opt.prefix.length', parts[0], 'icmp6 opts prefix length')
                flags = parts[1] if len(parts) > 1 else 'LA'
                for letter in 'LA':
                    want('icmpv6.opt.prefix.flag.' + letter.lower(),
                         '1' if letter in flags else '0', 'icmp6 opts prefix ' + letter)
            elif name == 'tcp' and kind == 'mss':
                want('tcp.options.mss_val', arg, 'tcp opts mss')
    v6 = dict(tpl).get('ipv6', {})
    if 'hlim' not in v6:
        want('ipv6.hlim', 255 if icmp_type in ND else 64, 'ipv6 hlim default')
    if 'dst' not in v6 and icmp_type == 135:
        t = ipaddress.ip_address(dict(tpl)['icmp6']['target']).packed
        want('ipv6.dst', str(ipaddress.ip_address(b'\xff\x02' + bytes(9) + b'\x01\xff' + t[13:])),
             'ipv6 dst: the solicited-node group')
    want('ipv6.plen', int(one('frame.len')) - 54, 'ipv6 plen')
    for k, vs in pk.items():
        if k.endswith('checksum.status') and any(v != '1' for v in vs):
            errs.append('%s=%s, want Good' % (k, vs))
    if '_ws.malformed' in pk or any(k.startswith('_ws.expert') and 'rror' in ''.join(
            v or '' for v in vs) for k, vs in pk.items()):
        errs.append('tshark finds it malformed: %s' % [k for k in pk if k.startswith('_ws.')])
    return errs


def check(pdml, varsfile, paths):
    variables = dict(l.rstrip('\n').split('=', 1) for l in open(varsfile) if '=' in l)
    pks = packets(pdml)
    label = 'shipped IPv6 templates: %d, tshark reads every given value and default' % len(paths)
    if len(pks) != len(paths):
        print('not ok - %s: tshark decoded %d frames' % (label, len(pks)))
        return 0
    bad = []
    for path, pk in zip(paths, pks):
        errs = check_one(layers(path, variables), pk)
        if errs:
            bad.append('%s: %s' % (path.rsplit('/', 1)[-1], '; '.join(errs[:4])))
    print(('ok - %s' % label) if not bad else 'not ok - %s: %s' % (label, ' | '.join(bad)))
    return 0


if __name__ == '__main__':
    if sys.argv[1:2] == ['vars']:
        sys.exit(template_vars(sys.argv[2:]))
    sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4:]))
