#!/usr/bin/env python3
"""corpus_layers.py - which decoder layers each fuzz_decode seed reaches.

Each file of tests/fuzz/corpus/decode is what fuzz_decode takes: one byte
choosing the link type (low three bits, modulo 8: a row of the link table,
Ethernet, raw IP, SLL, SLL2, BSD loopback, OpenBSD loopback, raw IPv4, raw
IPv6; bit 7:
the wire length is 64 bytes longer than what was captured), then the bytes.
Each is wrapped in a pcap of that link type and run through
`./rawcraft decode --json`; the layers it reached are printed, then whether
every layer decoder (and the variants that matter: stacked VLAN tags, IPv4
and TCP options, ICMP echo and errors quoting TCP and UDP, TCP and UDP over
IPv6, every ICMPv6 type rawcraft builds, ND options, malformed ones, errors
quoting IPv6) is reached by
some seed.  Exit 1 when one is not.

    tests/fuzz/corpus_layers.py [RAWCRAFT] [CORPUS_DIR]
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

DLT = [1, 101, 113, 276, 0, 108, 228, 229]	# EN10MB, RAW, LINUX_SLL, LINUX_SLL2, NULL, LOOP, IPV4, IPV6
LINK = ["eth", "raw", "sll", "sll2", "null", "loop", "ipv4", "ipv6"]


def pcap(link, data, wire):
    hdr = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, DLT[link])
    return hdr + struct.pack("<IIII", 1700000000, 0, len(data), wire) + data


def tags(obj):
    """The layer chain plus the variants the seeds must reach."""
    layers = obj.get("layers", [])
    out = []
    seen_icmp = False
    net = None
    for i, name in enumerate(layers):
        lay = obj.get(name if layers[:i].count(name) == 0 else "%s%d" % (name, layers[:i].count(name) + 1), {})
        t = name
        if name == "ipv4" and isinstance(lay.get("ihl"), int) and lay["ihl"] > 5:
            t += "+opts"
        if name == "tcp" and lay.get("opts"):
            t += "+opts"
        if name in ("icmp", "icmp6"):
            t += "(%s)" % lay.get("type")
            seen_icmp = True
            if name == "icmp6" and lay.get("opts"):
                out.append("icmp6+opts" + ("(malformed)" if "malformed" in lay["opts"] else ""))
        elif seen_icmp and name in ("ipv4", "ipv6", "tcp", "udp"):
            t = "quoted-" + t
        if name in ("tcp", "udp") and net == "ipv6":
            out.append("ipv6-" + name)
        if name in ("ipv4", "ipv6"):
            net = name
        out.append(t)
    return out


def main():
    rawcraft = sys.argv[1] if len(sys.argv) > 1 else "./rawcraft"
    corpus = sys.argv[2] if len(sys.argv) > 2 else "tests/fuzz/corpus/decode"
    reached = set()
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(os.listdir(corpus)):
            raw = open(os.path.join(corpus, name), "rb").read()
            if not raw:
                continue
            link, data = (raw[0] & 7) % len(LINK), raw[1:]
            wire = len(data) + (64 if raw[0] & 0x80 else 0)
            path = os.path.join(tmp, "f.pcap")
            with open(path, "wb") as f:
                f.write(pcap(link, data, wire))
            r = subprocess.run([rawcraft, "decode", "--json", path],
                               capture_output=True, text=True)
            try:
                obj = json.loads(r.stdout.splitlines()[0])
            except (IndexError, ValueError):
                print("%-28s %-4s (rawcraft decode failed: %s)" % (name, LINK[link], r.stderr.strip()))
                continue
            t = tags(obj)
            reached.update(t)
            reached.add("link:" + LINK[link])
            layers = obj.get("layers", [])
            if layers.count("vlan") >= 2:
                reached.add("vlan*2")
            print("%-28s %-4s %s" % (name, LINK[link], " ".join(t)))
    want = {
        "eth": "eth", "vlan": "vlan", "vlan (double tag)": "vlan*2", "arp": "arp",
        "ipv4": "ipv4", "ipv4 with options": "ipv4+opts", "tcp": "tcp",
        "tcp with options": "tcp+opts", "udp": "udp", "payload": "payload",
        "icmp echo request": "icmp(8)", "icmp echo reply": "icmp(0)",
        "icmp error quoting ipv4+tcp": "quoted-tcp", "icmp error quoting ipv4+udp": "quoted-udp",
        "link raw ip": "link:raw", "link sll": "link:sll", "link sll2": "link:sll2",
        "link bsd loopback": "link:null", "link openbsd loopback": "link:loop",
        "link raw ipv4": "link:ipv4", "link raw ipv6": "link:ipv6",
        "ipv6": "ipv6", "tcp over ipv6": "ipv6-tcp", "udp over ipv6": "ipv6-udp",
        "icmp6 error quoting ipv6": "quoted-ipv6", "icmp6 nd options": "icmp6+opts",
        "icmp6 malformed nd options": "icmp6+opts(malformed)",
        "llc after an 802.3 length": "llc", "linux cooked v1 layer": "sll",
        "linux cooked v2 layer": "sll2", "cisco isl": "isl",
    }
    for t in (1, 2, 3, 4, 128, 129, 130, 131, 133, 134, 135, 136, 137):
        want["icmp6 type %d" % t] = "icmp6(%d)" % t
    missing = 0
    print()
    for what, tag in want.items():
        hit = tag in reached or any(r.startswith(tag) for r in reached)
        print("%-4s %s" % ("ok" if hit else "MISS", what))
        missing += not hit
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
