#!/usr/bin/python3
"""ip4_edges.py - IPv4 frames whose decode tshark and rawcraft must agree on.

usage: ip4_edges.py OUT.pcap

Written by Scapy, one frame per case below (decode_ip4.sh checks each by
its number): headers the capture cut short, UDP lengths shorter and longer
than the IP payload or below the header, TCP options the capture cut,
the accurate-ECN bit, ICMP errors with their own bytes 4-7, SACK, MPTCP,
Fast Open, MD5 and unknown TCP options, and a frame stamped before the
first.
"""

import sys

from scapy.all import ICMP, IP, TCP, UDP, Ether, Raw, wrpcap  # noqa: E402

MACS = dict(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')
A, B = '10.0.0.1', '10.0.0.2'


def cut(p, n):
    """The first n bytes of p, as a capture with a snap length keeps them."""
    b = bytes(p)
    q = Ether(b[:n])
    q.wirelen = len(b)
    return q


def ip(src=A, dst=B):
    return Ether(**MACS) / IP(src=src, dst=dst)


def quoted():
    return IP(src=B, dst='10.0.0.9') / UDP(sport=5, dport=6)


SYN_OPTS = [('MSS', 1460), ('SAckOK', b''), ('Timestamp', (1, 2)), ('NOP', None), ('WScale', 7)]
CASES = [
    # 1-4: cut inside IPv4 (before the addresses), TCP, UDP, ICMP
    cut(ip() / TCP(sport=1, dport=2), 14 + 14),
    cut(ip() / TCP(sport=1, dport=2), 14 + 20 + 18),
    cut(ip() / UDP(sport=1, dport=53) / Raw(b'abcdefgh'), 14 + 20 + 6),
    cut(ip() / ICMP() / Raw(b'abcdefgh'), 14 + 20 + 4),
    # 5: UDP length 12 in a 16-byte IP payload: 4 bytes are not the datagram's
    ip() / UDP(sport=1, dport=53, len=12) / Raw(b'abcdefgh'),
    # 6, 7: UDP lengths that cannot be: below 8, past the IP payload
    ip() / UDP(sport=1, dport=53, len=4) / Raw(b'abcdefgh'),
    ip() / UDP(sport=1, dport=53, len=40) / Raw(b'abcdefgh'),
    # 8, 9: the capture ends inside the timestamps option, after its length
    # byte and before it
    cut(ip() / TCP(sport=1, dport=2, flags='S', options=SYN_OPTS), 14 + 20 + 20 + 8),
    cut(ip() / TCP(sport=1, dport=2, flags='S', options=SYN_OPTS), 14 + 20 + 20 + 7),
    # 10: SYN with the accurate-ECN bit (Scapy's N)
    ip() / TCP(sport=1, dport=2, flags='SN'),
    # 11-15: ICMP errors: fragmentation needed, port unreachable, time
    # exceeded, parameter problem, redirect
    ip() / ICMP(type=3, code=4, nexthopmtu=1400) / quoted(),
    ip() / ICMP(type=3, code=3) / quoted(),
    ip() / ICMP(type=11, code=0) / quoted(),
    ip() / ICMP(type=12, code=0, ptr=9) / quoted(),
    ip() / ICMP(type=5, code=1, gw='10.0.0.254') / quoted(),
    # 16-19: SACK, MPTCP (MP_CAPABLE), an unknown kind, Fast Open + MD5
    ip() / TCP(sport=1, dport=2, flags='A',
               options=[('NOP', None), ('NOP', None), ('SAck', (100, 200, 300, 400))]),
    ip() / TCP(sport=1, dport=2, flags='S', options=[(30, bytes.fromhex('0081aabbccddeeff0011'))]),
    ip() / TCP(sport=1, dport=2, flags='S', options=[(99, bytes.fromhex('abcd'))]),
    ip() / TCP(sport=1, dport=2, flags='S', options=[(34, b''), (19, bytes(range(16)))]),
    # 20: 0.3 s before frame 1
    ip() / ICMP(),
]


def main():
    for n, p in enumerate(CASES):
        p.time = 1700000000.0 + n * 0.01
    CASES[-1].time = 1700000000.0 - 0.3
    wrpcap(sys.argv[1], CASES)


if __name__ == '__main__':
    main()
