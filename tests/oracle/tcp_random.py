#!/usr/bin/python3
"""tcp_random.py - random TCP exchanges written to a pcap, for the analysis.

usage: tcp_random.py SEED OUT.pcap [FRAMES]

Connections between 10.0.0.1 and 10.0.0.2:80, most with a handshake (some
with a SYN or SYN/ACK sent twice, window scaling offered or not), some
joined mid-stream on ports of their own, a port used again with a new ISN.
In each, both ends send at random what a capture shows: data, ACKs with
new windows (zero among them), duplicate ACKs in bursts, segments resent,
segments lost before the capture, ACKs of segments it never saw, swapped
segments, keep-alives, zero-window probes, segments that fill the peer's
window, a FIN after which the end only acknowledges, a RST that ends the
connection.  Times between frames range from 0 to 1.5 s.  The same SEED
writes the same bytes.  Checksums are not filled in (the analysis does not
look at them).
"""

import random
import struct
import sys

F_FIN, F_SYN, F_RST, F_PSH, F_ACK = 1, 2, 4, 8, 16
GAPS = [0, 0.000001, 0.00002, 0.0001, 0.001, 0.004, 0.03, 0.2, 1.5]


class End:
    def __init__(self, rnd, addr, port):
        self.addr, self.port = addr, port
        self.isn = rnd.getrandbits(32)
        self.nxt = self.isn
        self.win = rnd.choice([65535, 29200, 502, 1024, 8192])
        self.ws = rnd.choice([None, 0, 2, 7, 10, 14])
        self.sent = []		# (seq, len) of its segments, to resend
        self.fin = False


class Capture:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.records = []
        self.t = 1600000000.0
        self.conns = []
        self.next_port = 2000

    def emit(self, a, b, seq, ack, flags, win, n, opts=b''):
        self.t += self.r.choice(GAPS)
        payload = bytes(self.r.getrandbits(8) for _ in range(n))
        off = (20 + len(opts)) // 4
        tcp = struct.pack('!HHIIBBHHH', a.port, b.port, seq & 0xffffffff, ack & 0xffffffff,
                          off << 4, flags, win, 0, 0) + opts + payload
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0,
                         a.addr, b.addr)
        eth = b'\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00'
        self.records.append((self.t, eth + ip + tcp))

    def syn_opts(self, e):
        o = b'\x02\x04\x05\xb4'			# MSS 1460
        if e.ws is not None:
            o += b'\x01\x03\x03' + bytes([e.ws])	# NOP, window scale
        return o + b'\x01' * (-len(o) % 4)

    def connect(self, port=None):
        """A new connection; on `port` again (a new ISN), or on a free one."""
        r = self.r
        handshake = port is not None or r.random() < 0.8
        if port is None and handshake:
            live = {c.port for c, _ in self.conns}
            free = [p for p in range(1000, 1006) if p not in live]
            if not free:
                return
            port = r.choice(free)
        elif port is None:		# joined mid-stream: ports of its own
            port = self.next_port
            self.next_port += 1
        c, s = End(r, bytes([10, 0, 0, 1]), port), End(r, bytes([10, 0, 0, 2]), 80)
        if handshake:
            for _ in range(2 if r.random() < 0.15 else 1):
                self.emit(c, s, c.isn, 0, F_SYN, c.win, 0, self.syn_opts(c))
            c.nxt = c.isn + 1
            for _ in range(2 if r.random() < 0.1 else 1):
                self.emit(s, c, s.isn, c.nxt, F_SYN | F_ACK, s.win, 0, self.syn_opts(s))
            s.nxt = s.isn + 1
            if r.random() < 0.9:
                self.emit(c, s, c.nxt, s.nxt, F_ACK, c.win, 0)
        self.conns.append((c, s))

    def end(self, conn):
        self.conns.remove(conn)
        if not self.conns:
            self.connect()

    def step(self):
        r = self.r
        if r.random() < 0.02:
            self.connect()
        conn = r.choice(self.conns)
        a, b = conn if r.random() < 0.5 else conn[::-1]
        roll = r.random()
        if a.fin and b.fin and r.random() < 0.3:	# the last ACK
            self.emit(a, b, a.nxt, b.nxt, F_ACK, a.win, 0)
            self.end(conn)
            return
        if a.fin and roll < 0.90:	# after its FIN an end only acknowledges
            roll = 0.95
        if roll < 0.35:			# data
            n = r.choice([1, 10, 100, 1000, 1448, 1448, 1448])
            self.emit(a, b, a.nxt, b.nxt, F_ACK | (F_PSH if r.random() < 0.3 else 0), a.win, n)
            a.sent.append((a.nxt, n))
            a.nxt += n
        elif roll < 0.55:		# an ACK, maybe with a new window
            if r.random() < 0.2:
                a.win = r.choice([0, 0, 1024, 65535, min(65535, a.win + 100), max(1, a.win - 100)])
            self.emit(a, b, a.nxt, b.nxt, F_ACK, a.win, 0)
        elif roll < 0.62:		# a segment sent again
            if a.sent:
                seq, n = r.choice(a.sent[-5:])
                self.emit(a, b, seq, b.nxt, F_ACK, a.win, n)
        elif roll < 0.67:		# a segment lost before the capture
            n = r.choice([100, 1448])
            a.sent.append((a.nxt, n))
            a.nxt += n
        elif roll < 0.70:		# an ACK of what the capture never saw
            self.emit(a, b, a.nxt, b.nxt + r.choice([1, 1448]), F_ACK, a.win, 0)
        elif roll < 0.74:		# a keep-alive
            self.emit(a, b, a.nxt - 1, b.nxt, F_ACK, a.win, r.choice([0, 1]))
        elif roll < 0.77:		# a zero-window probe
            self.emit(a, b, a.nxt, b.nxt, F_ACK, a.win, 1)
            if r.random() < 0.5:
                a.nxt += 1
        elif roll < 0.80:		# a FIN
            n = r.choice([0, 0, 10])
            self.emit(a, b, a.nxt, b.nxt, F_FIN | F_ACK, a.win, n)
            a.nxt += n + 1
            a.fin = True
        elif roll < 0.82:		# a RST
            self.emit(a, b, a.nxt, b.nxt, F_RST | (F_ACK if r.random() < 0.5 else 0), 0, 0)
            self.end(conn)
        elif roll < 0.84:		# the ports used again, with a new ISN
            self.conns.remove(conn)
            self.connect(conn[0].port)
        elif roll < 0.86:		# duplicate ACKs
            for _ in range(r.randint(2, 4)):
                self.emit(a, b, a.nxt, b.nxt, F_ACK, a.win, 0)
        elif roll < 0.88:		# two segments swapped
            self.emit(a, b, a.nxt + 1448, b.nxt, F_ACK, a.win, 1448)
            self.emit(a, b, a.nxt, b.nxt, F_ACK, a.win, 1448)
            a.nxt += 2 * 1448
        elif roll < 0.90:		# as much as the peer's window takes
            shift = b.ws if b.ws is not None and a.ws is not None else 0
            n = max(1, min(b.win << shift, 1448))
            self.emit(a, b, a.nxt, b.nxt, F_ACK, a.win, n)
            a.nxt += n
        else:				# an ACK of everything
            self.emit(a, b, a.nxt, b.nxt, F_ACK, a.win, 0)

    def write(self, path):
        with open(path, 'wb') as f:
            f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
            for ts, data in self.records:
                usec = round(ts * 1e6)
                f.write(struct.pack('<IIII', usec // 1000000, usec % 1000000,
                                    len(data), len(data)) + data)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    cap = Capture(int(sys.argv[1]))
    frames = int(sys.argv[3]) if len(sys.argv) == 4 else 2000
    cap.connect()
    while len(cap.records) < frames:
        cap.step()
    cap.write(sys.argv[2])


if __name__ == '__main__':
    main()
