#!/usr/bin/python3
"""tcp_traffic.py - the two ends of the kernel exchanges tcp_oracle.sh captures.

usage:
  tcp_traffic.py sink ADDR PORT [RCVBUF [STALL]]
        accepts one connection, reads nothing for STALL seconds (its receive
        buffer RCVBUF bytes, so that the window closes), then reads it all
  tcp_traffic.py bulk ADDR PORT BYTES [IDLE]
        connects, sends BYTES, stays IDLE seconds with keep-alives every
        second, and closes
  tcp_traffic.py hello-server ADDR PORT
        the course's server: sends "Hello World!\\0" and closes first
  tcp_traffic.py hello-client ADDR PORT
        reads until the server closes, then closes a little later

Every wait is bounded (20 s); a server prints what it got, a client fails
(exit 1) when the exchange did not happen.
"""

import socket
import sys
import time

TIMEOUT = 20


def listen(addr, port, rcvbuf=0):
    s = socket.socket(socket.AF_INET6 if ':' in addr else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:	# before listen(), so that the window scale follows it
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((addr, port))
    s.listen(1)
    s.settimeout(TIMEOUT)
    c, _ = s.accept()
    c.settimeout(TIMEOUT)
    return c


def connect(addr, port):
    s = socket.socket(socket.AF_INET6 if ':' in addr else socket.AF_INET)
    s.settimeout(TIMEOUT)
    return s


def sink(addr, port, rcvbuf='0', stall='0'):
    c = listen(addr, int(port), int(rcvbuf))
    time.sleep(float(stall))
    n = 0
    while True:
        b = c.recv(65536)
        if not b:
            break
        n += len(b)
    c.close()
    print('got %d' % n)


def bulk(addr, port, nbytes, idle='0'):
    s = connect(addr, port)
    if float(idle):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    s.connect((addr, int(port)))
    s.sendall(b'x' * int(nbytes))
    time.sleep(float(idle))
    s.close()


def hello_server(addr, port):
    c = listen(addr, int(port))
    c.sendall(b'Hello World!\0')
    c.close()
    print('sent')


def hello_client(addr, port):
    s = connect(addr, port)
    s.connect((addr, int(port)))
    got = b''
    while True:
        b = s.recv(100)
        if not b:
            break
        got += b
    # The ACK of the server's FIN goes out on its own before our FIN.
    time.sleep(0.2)
    s.close()
    if got != b'Hello World!\0':
        sys.exit('read %r' % got)


COMMANDS = {'sink': sink, 'bulk': bulk, 'hello-server': hello_server,
            'hello-client': hello_client}

if __name__ == '__main__':
    if len(sys.argv) < 4 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
