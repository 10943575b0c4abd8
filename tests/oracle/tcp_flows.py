#!/usr/bin/python3
"""tcp_flows.py - many TCP connections at once, interleaved frame by frame.

usage: tcp_flows.py SEED OUT.pcap [FLOWS]

FLOWS connections (300 by default), each from its own client address and
port to one of four servers, each with random ISNs both ways (some near
2^32, so the numbers wrap), written by Scapy.  Every connection goes
through the same steps - handshake, data both ways in segments of random
size, ACKs, FIN both ways - and the capture takes step N of every
connection, in a shuffled order, before step N+1 of any: no two frames in a
row are of one connection while two are open, so a decoder that keeps one "current" stream
gets every relative number wrong.  The same SEED writes the same bytes.
"""

import random
import sys

from scapy.all import IP, TCP, Ether, Raw, wrpcap  # noqa: E402

F_FIN, F_SYN, F_PSH, F_ACK = 0x01, 0x02, 0x08, 0x10
# Given, so that Scapy looks up no route for them.
CLIENT_MAC, SERVER_MAC = '02:00:00:00:00:01', '02:00:00:00:00:02'


def flow_steps(r, n):
    """One connection's frames, in order, as (src, dst, sport, dport, seq, ack, flags, len)."""
    cli, srv = '10.%d.%d.%d' % (1 + n // 250, n % 250, 1 + n % 7), '192.0.2.%d' % (1 + n % 4)
    cport, sport = 1024 + r.randrange(60000), r.choice([80, 443, 8080, 9230])
    # Some ISNs just below 2^32: the relative numbers must wrap with them.
    c = r.choice([r.getrandbits(32), 0xffffffff - r.randrange(3000)])
    s = r.choice([r.getrandbits(32), 0xffffffff - r.randrange(3000)])
    m = 0xffffffff
    out = [(cli, srv, cport, sport, c, 0, F_SYN, 0),
           (srv, cli, sport, cport, s, (c + 1) & m, F_SYN | F_ACK, 0),
           (cli, srv, cport, sport, (c + 1) & m, (s + 1) & m, F_ACK, 0)]
    cs, ss = (c + 1) & m, (s + 1) & m
    for _ in range(r.randrange(1, 4)):
        n1 = r.randrange(1, 1400)
        out.append((cli, srv, cport, sport, cs, ss, F_PSH | F_ACK, n1))
        cs = (cs + n1) & m
        n2 = r.choice([0, r.randrange(1, 1400)])
        out.append((srv, cli, sport, cport, ss, cs, F_PSH | F_ACK if n2 else F_ACK, n2))
        ss = (ss + n2) & m
    out.append((cli, srv, cport, sport, cs, ss, F_FIN | F_ACK, 0))
    out.append((srv, cli, sport, cport, ss, (cs + 1) & m, F_FIN | F_ACK, 0))
    out.append((cli, srv, cport, sport, (cs + 1) & m, (ss + 1) & m, F_ACK, 0))
    return out


def main():
    seed, path = int(sys.argv[1]), sys.argv[2]
    flows = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    r = random.Random(seed)
    steps = [flow_steps(r, n) for n in range(flows)]
    frames, t, last = [], 1700000000.0, None
    for step in range(max(len(s) for s in steps)):
        order = [s for s in steps if step < len(s)]
        r.shuffle(order)
        if len(order) > 1 and frames and order[0] is last:
            order[0], order[1] = order[1], order[0]
        last = order[-1]
        for s in order:
            src, dst, sp, dp, seq, ack, flags, n = s[step]
            mac = (CLIENT_MAC, SERVER_MAC) if dst.startswith('192.0.2.') else \
                (SERVER_MAC, CLIENT_MAC)
            p = Ether(src=mac[0], dst=mac[1]) / IP(src=src, dst=dst) / \
                TCP(sport=sp, dport=dp, seq=seq, ack=ack, flags=flags, window=65535)
            if n:
                p = p / Raw(r.randbytes(n))
            t += r.choice([0.000001, 0.00001, 0.0002, 0.003])
            p.time = t
            frames.append(p)
    wrpcap(path, frames)


if __name__ == '__main__':
    main()
