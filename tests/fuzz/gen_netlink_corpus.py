#!/usr/bin/python3
"""gen_netlink_corpus.py - writes corpus/netlink/ for fuzz_netlink: the
kernel's own replies (one datagram a file) to the requests netlink.c makes,
asked in a throw-away network namespace with a link, addresses of both
families and routes on-link, via a gateway, multipath and default, and TCP
sockets of both families (listening, connected, TIME_WAIT) for the
sock_diag dumps; then damaged copies (cut short, a length that lies).

Needs root and iproute2.  The replies hold timestamps and a port id, so a
re-run writes other bytes of the same shape.

    /usr/bin/python3 tests/fuzz/gen_netlink_corpus.py
"""
import os
import socket
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "netlink")
NS = "rcnlfuzz%d" % os.getpid()

RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE = 18, 22, 26
NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300
IFLA_IFNAME, IFLA_EXT_MASK, RTA_DST, RTA_TABLE = 3, 29, 1, 15
SOL_NETLINK, NETLINK_GET_STRICT_CHK = 270, 12
NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY = 4, 20


def attr(kind, data):
    rta = struct.pack("=HH", 4 + len(data), kind) + data
    return rta + b"\0" * (-len(rta) % 4)


def ask(sock, seq, kind, flags, fixed, attrs=b""):
    body = fixed + attrs
    sock.send(struct.pack("=IHHII", 16 + len(body), kind, NLM_F_REQUEST | flags, seq, 0) + body)
    got = []
    while True:
        d = sock.recv(32768)
        got.append(d)
        kind0, flags0 = struct.unpack_from("=HH", d, 4)
        if not flags0 & 2 or any(m == 3 for m in types(d)):  # no NLM_F_MULTI, or DONE
            return got


def types(d):
    off = 0
    while off + 16 <= len(d):
        n, t = struct.unpack_from("=IH", d, off)
        yield t
        off += max(16, (n + 3) & ~3)


def tcp_sockets():
    """A listener of each family, a connection to each, one closed into TIME_WAIT."""
    keep = []
    for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        ls = socket.socket(fam, socket.SOCK_STREAM)
        ls.bind((host, 0))
        ls.listen(4)
        c = socket.create_connection((host, ls.getsockname()[1]))
        a, _ = ls.accept()
        t = socket.create_connection((host, ls.getsockname()[1]))
        b, _ = ls.accept()
        t.close()
        b.close()
        keep += [ls, c, a]
    return keep


def diag_request(family):
    return struct.pack("=BBBBI", family, socket.IPPROTO_TCP, 0, 0, 0xffffffff) + \
        b"\0" * 40 + struct.pack("=II", 0xffffffff, 0xffffffff)


def inside():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    s.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
    s.bind((0, 0))
    link = struct.pack("=BxHiII", 0, 0, 0, 0, 0)
    v4 = struct.pack("=BBBBI", socket.AF_INET, 0, 0, 0, 0)
    v6 = struct.pack("=BBBBI", socket.AF_INET6, 0, 0, 0, 0)
    get4 = struct.pack("=BBBBBBBBI", socket.AF_INET, 32, 0, 0, 0, 0, 0, 0, 0)
    get6 = struct.pack("=BBBBBBBBI", socket.AF_INET6, 128, 0, 0, 0, 0, 0, 0, 0)
    dump4 = struct.pack("=BBBBBBBBI", socket.AF_INET, 0, 0, 0, 254, 0, 0, 0, 0)
    dump6 = struct.pack("=BBBBBBBBI", socket.AF_INET6, 0, 0, 0, 254, 0, 0, 0, 0)
    mask = attr(IFLA_EXT_MASK, struct.pack("=I", 8))
    idx = socket.if_nametoindex("d0")
    addrs = struct.pack("=BBBBI", 0, 0, 0, 0, idx)
    asks = {
        "link": (RTM_GETLINK, 0, link, attr(IFLA_IFNAME, b"d0\0") + mask),
        "link-lo": (RTM_GETLINK, 0, link, attr(IFLA_IFNAME, b"lo\0") + mask),
        "link-missing": (RTM_GETLINK, 0, link, attr(IFLA_IFNAME, b"nosuch0\0") + mask),
        "addrs": (RTM_GETADDR, NLM_F_DUMP, addrs, b""),
        "addrs-all4": (RTM_GETADDR, NLM_F_DUMP, v4, b""),
        "route-get4-gw": (RTM_GETROUTE, 0, get4, attr(RTA_DST, socket.inet_aton("10.77.1.1"))),
        "route-get4-onlink": (RTM_GETROUTE, 0, get4, attr(RTA_DST, socket.inet_aton("10.9.0.2"))),
        "route-get4-local": (RTM_GETROUTE, 0, get4, attr(RTA_DST, socket.inet_aton("10.9.0.1"))),
        "route-get4-ecmp": (RTM_GETROUTE, 0, get4, attr(RTA_DST, socket.inet_aton("10.78.0.1"))),
        "route-get4-default": (RTM_GETROUTE, 0, get4, attr(RTA_DST, socket.inet_aton("192.0.2.1"))),
        "route-get6-gw": (RTM_GETROUTE, 0, get6,
                          attr(RTA_DST, socket.inet_pton(socket.AF_INET6, "fd77::1"))),
        "route-get6-ll": (RTM_GETROUTE, 0, get6,
                          attr(RTA_DST, socket.inet_pton(socket.AF_INET6, "fe80::2"))),
        "route-dump4": (RTM_GETROUTE, NLM_F_DUMP, dump4, attr(RTA_TABLE, struct.pack("=I", 254))),
        "route-dump6": (RTM_GETROUTE, NLM_F_DUMP, dump6, attr(RTA_TABLE, struct.pack("=I", 254))),
    }
    os.makedirs(OUT, exist_ok=True)
    keep = tcp_sockets()
    diag = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
    diag.bind((0, 0))
    replies = [(s, name, q) for name, q in asks.items()] + [
        (diag, "sockdiag4", (SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, diag_request(socket.AF_INET), b"")),
        (diag, "sockdiag6", (SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, diag_request(socket.AF_INET6), b"")),
    ]
    seq = 1000
    for sock, name, (kind, flags, fixed, attrs) in replies:
        seq += 1
        for i, d in enumerate(ask(sock, seq, kind, flags, fixed, attrs)):
            write("%s-%d" % (name, i), d)
            if i == 0 and len(d) > 40:
                write("%s-cut" % name, d[: len(d) // 2])
                write("%s-lying-len" % name, struct.pack("=I", len(d) + 8) + d[4:])
                # Offset 36: the second attribute's length in a route
                # reply; inside idiag_src in a sock_diag one.
                write("%s-%s" % (name, "odd-src" if name.startswith("sockdiag") else "lying-rta"),
                      d[:36] + struct.pack("=H", 0xfff0) + d[38:])
    del keep


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def sh(*cmd):
    subprocess.run(["ip", "-n", NS] + list(cmd), check=True)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--inside":
        inside()
        return
    subprocess.run(["ip", "netns", "add", NS], check=True)
    try:
        subprocess.run(["ip", "netns", "exec", NS, "sysctl", "-qw",
                        "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"],
                       check=True)
        for i in (0, 1):
            sh("link", "add", "d%d" % i, "address", "02:00:00:00:00:0%d" % (i + 1),
               "type", "veth", "peer", "name", "p%d" % i)
            sh("link", "set", "p%d" % i, "up")
            sh("link", "set", "d%d" % i, "up")
        sh("link", "set", "lo", "up")
        sh("addr", "add", "10.9.0.1/24", "dev", "d0")
        sh("addr", "add", "10.9.0.5/24", "dev", "d0", "label", "d0:1")
        sh("addr", "add", "10.10.0.1/24", "dev", "d1")
        sh("addr", "add", "fd00:9::1/64", "dev", "d0")
        sh("addr", "add", "fd00:9::7/64", "dev", "d0", "preferred_lft", "0")
        sh("route", "add", "10.77.0.0/16", "via", "10.9.0.2")
        sh("route", "add", "10.78.0.0/16", "nexthop", "via", "10.9.0.2",
           "nexthop", "via", "10.10.0.2")
        sh("route", "add", "default", "via", "10.9.0.254", "metric", "100")
        sh("-6", "route", "add", "fd77::/16", "via", "fd00:9::2")
        sh("-6", "route", "add", "default", "via", "fe80::1", "dev", "d0")
        subprocess.run(["ip", "netns", "exec", NS, sys.executable, os.path.abspath(__file__),
                        "--inside"], check=True)
    finally:
        subprocess.run(["ip", "netns", "del", NS])


main()
