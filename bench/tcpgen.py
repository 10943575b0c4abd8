#!/usr/bin/python3
"""bench/tcpgen.py FRAMES OUT.pcap - a capture of many TCP conversations.

CONCURRENT connections at a time between 10.1.x.y clients and a server
10.0.0.2:80; each opens with a handshake, carries LIFE frames of 100-byte
requests and 1000-byte answers each acknowledged, and closes by FIN both
ways; a closed one is replaced by a new one on a new port.  Frames are
interleaved across the connections, 100 us apart, so that a million frames
span 100 s of capture time and closed connections outlive the analysis's
minute of lingering.  Checksums are right, as a capture off the wire has
them.  Written straight, as bytes (no Scapy).
"""

import random
import struct
import sys

CONCURRENT = 1000
LIFE = 1000
STEP_US = 100


def ones(data):
    """The 16-bit one's complement sum of `data`, not yet folded."""
    if len(data) % 2:
        data += b'\0'
    return sum(struct.unpack('!%dH' % (len(data) // 2), data))


def fold(total):
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def main():
    frames, out = int(sys.argv[1]), sys.argv[2]
    r = random.Random(1)
    eth = b'\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00'
    server = bytes([10, 0, 0, 2])
    payload_sum = {n: ones(b'x' * n) for n in (0, 100, 1000)}

    def frame(src, dst, sport, dport, seq, ack, flags, n):
        hdr = struct.pack('!HHIIBBH', sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                          0x50, flags, 502)
        pseudo = ones(src + dst) + 6 + 20 + n
        tcp = hdr + struct.pack('!HH', fold(pseudo + ones(hdr) + payload_sum[n]), 0) + b'x' * n
        ip = struct.pack('!BBHHHBB', 0x45, 0, 40 + n, 0, 0x4000, 64, 6)
        ip += struct.pack('!H', fold(ones(ip + src + dst))) + src + dst
        return eth + ip + tcp

    def script(k):
        """The frames of connection k, in order, as a generator."""
        client = bytes([10, 1, (k >> 8) & 0xff, k & 0xff])
        port = 1024 + k % 60000
        c, s = r.getrandbits(32), r.getrandbits(32)
        yield frame(client, server, port, 80, c, 0, 0x02, 0)
        yield frame(server, client, 80, port, s, c + 1, 0x12, 0)
        c, s = c + 1, s + 1
        yield frame(client, server, port, 80, c, s, 0x10, 0)
        for _ in range((LIFE - 7) // 3):
            yield frame(client, server, port, 80, c, s, 0x18, 100)
            c += 100
            yield frame(server, client, 80, port, s, c, 0x18, 1000)
            s += 1000
            yield frame(client, server, port, 80, c, s, 0x10, 0)
        yield frame(client, server, port, 80, c, s, 0x11, 0)
        yield frame(server, client, 80, port, s, c + 1, 0x11, 0)
        yield frame(client, server, port, 80, c + 1, s + 1, 0x10, 0)

    live = [script(k) for k in range(CONCURRENT)]
    nextk = CONCURRENT
    usec = 1600000000 * 1000000
    with open(out, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for _ in range(frames):
            i = r.randrange(CONCURRENT)
            data = next(live[i], None)
            if data is None:		# closed: a new one in its place
                live[i] = script(nextk)
                nextk += 1
                data = next(live[i])
            usec += STEP_US
            f.write(struct.pack('<IIII', usec // 1000000, usec % 1000000,
                                len(data), len(data)) + data)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main()
