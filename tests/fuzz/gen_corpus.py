#!/usr/bin/python3
"""gen_corpus.py - writes the generated seeds of tests/fuzz/corpus:

  decode/  frames for fuzz_decode (first byte: link type, see fuzz_decode.c)
           that the hand-made seeds did not cover: SLL2, BSD and OpenBSD
           loopback, raw IP holding IPv6, 802.1ad, triple tags, every ICMP
           error type the decoder links to IPv4, nested ICMP errors up to
           MAX_LAYERS, bogus header lengths, odd ARP sizes; IPv6 on every
           link kind (DLT_IPV6, loopback families 24/28/30), TCP/UDP over
           IPv6, ICMPv6 of every type with ND options, malformed ones too.
  pcap/    whole capture files for fuzz_pcap: pcap (.cap: the top .gitignore
           ignores *.pcap; both byte orders, micro-
           and nanosecond) and pcapng, for each link type rawcraft decodes,
           a TCP conversation, and damaged files (truncated, wrong magic,
           unknown link type, caplen > snaplen, wire length < caplen).

Needs scapy (python3-scapy) for the frames.  Re-running rewrites the same
files byte for byte.

    /usr/bin/python3 tests/fuzz/gen_corpus.py
"""
import os
import struct

from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1AD, Dot1Q, Ether, IPv6, Raw, raw,
                       HBHOptUnknown, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, Jumbo, PadN,
                       RouterAlert)
from scapy.layers.inet import IPOption_RR
from scapy.layers.inet6 import (ICMPv6DestUnreach, ICMPv6EchoReply, ICMPv6EchoRequest,
                                ICMPv6MLQuery, ICMPv6MLReport, ICMPv6ND_NA, ICMPv6ND_NS,
                                ICMPv6ND_RA, ICMPv6ND_Redirect, ICMPv6ND_RS,
                                ICMPv6NDOptDstLLAddr, ICMPv6NDOptMTU, ICMPv6NDOptPrefixInfo,
                                ICMPv6NDOptRDNSS, ICMPv6NDOptRedirectedHdr,
                                ICMPv6NDOptSrcLLAddr, ICMPv6PacketTooBig, ICMPv6ParamProblem,
                                ICMPv6TimeExceeded)

HERE = os.path.dirname(os.path.abspath(__file__))
MAC_A, MAC_B = "02:00:00:00:00:01", "02:00:00:00:00:02"
IP_A, IP_B = "10.0.0.1", "10.0.0.2"

# Rows of the link table (enum link_kind) and the link type a pcap names them by.
ETH, RAW, SLL, SLL2, NULL, LOOP, IPV4, IPV6 = range(8)
DLT = {ETH: 1, RAW: 101, SLL: 113, SLL2: 276, NULL: 0, LOOP: 108, IPV4: 228, IPV6: 229}


def sll(payload, ethertype=0x0800, pkttype=0):
    """Linux cooked v1: packet type, ARPHRD, address length, 8 bytes of address, type."""
    return struct.pack(">HHH8sH", pkttype, 1, 6, bytes.fromhex("020000000001") + b"\0\0",
                       ethertype) + payload


def sll2(payload, ethertype=0x0800, pkttype=0, ifindex=2):
    """Linux cooked v2: type, reserved, ifindex, ARPHRD, packet type, address length, address."""
    return struct.pack(">HHIHBB8s", ethertype, 0, ifindex, 1, pkttype, 6,
                       bytes.fromhex("020000000001") + b"\0\0") + payload


def loopback(payload, family=2, order="<"):
    """BSD loopback: the address family, 4 bytes in the writer's order (DLT_NULL)
    or in network order (DLT_LOOP)."""
    return struct.pack(order + "I", family) + payload


def write(sub, name, data):
    d = os.path.join(HERE, "corpus", sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def eth(p, ethertype=None):
    if ethertype is not None:	# p is bytes: scapy cannot guess the type
        return raw(Ether(src=MAC_A, dst=MAC_B, type=ethertype) / Raw(p))
    return raw(Ether(src=MAC_A, dst=MAC_B) / p)


# --- frames ---------------------------------------------------------------

syn = IP(src=IP_A, dst=IP_B, id=1) / TCP(sport=40000, dport=80, flags="S", seq=100,
                                          options=[("MSS", 1460), ("SAckOK", b""),
                                                   ("Timestamp", (1, 0)), ("NOP", None),
                                                   ("WScale", 7)])
udp = IP(src=IP_A, dst=IP_B, id=2) / UDP(sport=5353, dport=53) / Raw(b"\x12\x34\x01\x00")
echo = IP(src=IP_A, dst=IP_B, id=3) / ICMP(type=8, id=7, seq=1) / Raw(b"ping")
arp = ARP(op=1, hwsrc=MAC_A, psrc=IP_A, pdst=IP_B)
v6 = IPv6(src="fe80::1", dst="fe80::2") / UDP(sport=1, dport=2) / Raw(b"six")


LL_A, LL_B, G_A, G_B = "fe80::1", "fe80::2", "2001:db8::1", "2001:db8::2"
syn6 = IPv6(src=G_A, dst=G_B) / TCP(sport=40000, dport=443, flags="S", seq=7,
                                    options=[("MSS", 1440), ("SAckOK", b""), ("WScale", 7)])
udp6 = IPv6(src=G_A, dst=G_B, fl=0x12345, tc=0xb8) / UDP(sport=5353, dport=53) / Raw(b"\x12\x34")
echo6 = IPv6(src=LL_A, dst=LL_B) / ICMPv6EchoRequest(id=0x4d, seq=5, data=b"ping")
sll_a, tll_b = ICMPv6NDOptSrcLLAddr(lladdr=MAC_A), ICMPv6NDOptDstLLAddr(lladdr=MAC_B)
nd = IPv6(src=LL_A, dst="ff02::1", hlim=255)


def icmp6_err(err, quoted):
    return IPv6(src=G_B, dst=G_A) / err / raw(quoted)[:48 + 8]


def nd_opts_raw(msg, opts):
    """An ND message whose options are given as bytes, lengths and all (its
    payload length counting them, its checksum not)."""
    b = raw(nd / msg)
    return b[:4] + struct.pack(">H", len(b) - 40 + len(opts)) + b[6:] + opts


icmp6_frames = {
    "echo-request": echo6,
    "echo-reply": IPv6(src=LL_B, dst=LL_A) / ICMPv6EchoReply(id=0x4d, seq=5, data=b"ping"),
    "unreach-udp": icmp6_err(ICMPv6DestUnreach(code=4), udp6),
    "too-big-tcp": icmp6_err(ICMPv6PacketTooBig(mtu=1280), syn6),
    "time-exceeded-echo": icmp6_err(ICMPv6TimeExceeded(code=0), echo6),
    "param-problem-udp": icmp6_err(ICMPv6ParamProblem(code=1, ptr=40), udp6),
    "rs-sll": nd / ICMPv6ND_RS() / sll_a,
    "ra-all-opts": nd / ICMPv6ND_RA(M=1, O=1, H=1, prf=1, P=1, routerlifetime=1800,
                                      reachabletime=30000, retranstimer=1000) / sll_a /
    ICMPv6NDOptMTU(mtu=1500) / ICMPv6NDOptPrefixInfo(prefix="2001:db8::", prefixlen=64) /
    ICMPv6NDOptRDNSS(dns=["2001:db8::53"]) / Raw(bytes([14, 1, 1, 2, 3, 4, 5, 6])),
    "ns-sll": IPv6(src=LL_A, dst="ff02::1:ff00:2", hlim=255) / ICMPv6ND_NS(tgt=LL_B) / sll_a,
    "ns-dad": IPv6(src="::", dst="ff02::1:ff00:2", hlim=255) / ICMPv6ND_NS(tgt=LL_B),
    "na-tll": IPv6(src=LL_B, dst=LL_A, hlim=255) / ICMPv6ND_NA(tgt=LL_B, R=0, S=1, O=1) / tll_b,
    "redirect-rh": nd / ICMPv6ND_Redirect(tgt="fe80::9", dst=G_B) / tll_b /
    ICMPv6NDOptRedirectedHdr(pkt=raw(udp6)),
    "mld-query": IPv6(src=LL_A, dst="ff02::1", hlim=1) / ICMPv6MLQuery(),
    "mld-report": IPv6(src=LL_A, dst="ff02::16", hlim=1) / ICMPv6MLReport(mladdr="ff02::1:ff00:1"),
}
icmp6_frames["type-200"] = raw(IPv6(src=LL_A, dst=LL_B, nh=58, plen=8)) + bytes([200, 3, 0, 0, 1, 2, 3, 4])
# Options the decoder must not believe: a zero length, one past the end,
# an address option of 16 bytes, a prefix cut short, a redirected header of
# only its reserved bytes.
malformed_nd = {
    "nd-opt-len-zero": nd_opts_raw(ICMPv6ND_RS(), bytes([1, 0]) + bytes(6)),
    "nd-opt-past-end": nd_opts_raw(ICMPv6ND_RS(), bytes([3, 4]) + bytes(14)),
    "nd-opt-sll-16": nd_opts_raw(ICMPv6ND_NS(tgt=LL_B), bytes([1, 2]) + bytes(14)),
    "nd-opt-one-byte": nd_opts_raw(ICMPv6ND_NA(tgt=LL_B), bytes([2])),
    "nd-opt-redirected-empty": nd_opts_raw(ICMPv6ND_Redirect(tgt=LL_B, dst=G_B),
                                           bytes([4, 1]) + bytes(6)),
    "nd-opt-unknown-255": nd_opts_raw(ICMPv6ND_RA(), bytes([255, 1]) + b"\xff" * 6),
}


def icmp_err(t, code, quoted, src=IP_B, dst=IP_A):
    return IP(src=src, dst=dst, id=9) / ICMP(type=t, code=code) / raw(quoted)[:28 + 8]


decode = {
    # SLL2: the EtherType comes first; every inner kind once.
    "sll2-tcp-syn": bytes([SLL2]) + sll2(raw(syn)),
    "sll2-arp": bytes([SLL2]) + sll2(raw(arp), 0x0806),
    "sll2-vlan-udp": bytes([SLL2]) + sll2(raw(Dot1Q(vlan=5) / udp), 0x8100),
    "sll2-cut": bytes([SLL2]) + sll2(b"")[:12],
    "sll2-unknown-type": bytes([SLL2]) + sll2(b"\x60\0\0\0\0\0\0\0", 0x86dd),
    "sll-cut": bytes([SLL]) + sll(b"")[:10],
    "sll-icmp-echo": bytes([SLL]) + sll(raw(echo), pkttype=4),
    # Loopback: AF_INET either order for DLT_NULL, network order for DLT_LOOP;
    # AF_INET6 (no IPv6 layer yet: data); the header cut short.
    "null-udp": bytes([NULL]) + loopback(raw(udp)),
    "null-be-tcp-syn": bytes([NULL]) + loopback(raw(syn), order=">"),
    "null-ipv6-28": bytes([NULL]) + loopback(raw(v6), 28),
    "null-cut": bytes([0x80 | NULL]) + loopback(b"")[:2],
    "loop-icmp-echo": bytes([LOOP]) + loopback(raw(echo), order=">"),
    "loop-ipv6-24": bytes([LOOP]) + loopback(raw(v6), 24, ">"),
    # Raw IP holding IPv6, in both raw link types.
    "raw-ipv6": bytes([RAW]) + raw(v6),
    "ipv4-link-ipv6": bytes([IPV4]) + raw(v6),
    # 802.1ad outer tag, and three tags deep.
    "qinq-88a8-udp": bytes([ETH]) + eth(Dot1AD(vlan=100) / Dot1Q(vlan=20) / udp),
    "vlan-triple-tcp": bytes([ETH]) + eth(Dot1Q(vlan=1) / Dot1Q(vlan=2) / Dot1Q(vlan=3) / syn),
    # The whole chain with options at both levels and data after.
    "ipv4-opts-tcp-opts-data": bytes([ETH]) + eth(
        IP(src=IP_A, dst=IP_B, options=[IPOption_RR(routers=["10.0.0.9"])]) /
        TCP(sport=40000, dport=80, flags="PA", seq=1, ack=1,
            options=[("NOP", None), ("NOP", None), ("Timestamp", (5, 6))]) / Raw(b"GET / HTTP/1.0\r\n\r\n")),
    # Every ICMP type the decoder links to a quoted IPv4 header.
    "icmp-redirect-tcp": bytes([ETH]) + eth(icmp_err(5, 1, syn)),
    "icmp-source-quench-udp": bytes([ETH]) + eth(icmp_err(4, 0, udp)),
    "icmp-param-problem-icmp": bytes([ETH]) + eth(icmp_err(12, 0, echo)),
    "icmp-unreach-raw-tcp": bytes([RAW]) + raw(icmp_err(3, 3, syn)),
    # An ICMP error quoting an ICMP error quoting ...: past MAX_LAYERS.
    "icmp-nested-errors": bytes([ETH]) + eth(
        IP(src=IP_B, dst=IP_A) / ICMP(type=3, code=1) /
        IP(src=IP_A, dst=IP_B) / ICMP(type=11) /
        IP(src=IP_B, dst=IP_A) / ICMP(type=3, code=1) /
        IP(src=IP_A, dst=IP_B) / ICMP(type=11) /
        IP(src=IP_B, dst=IP_A) / ICMP(type=3, code=1) / raw(udp)),
    # Header lengths the decoder must not believe.
    "ipv4-ihl-too-small": bytes([RAW]) + bytes([0x43]) + raw(syn)[1:],
    "ipv4-ihl-past-end": bytes([ETH]) + eth(raw(IP(src=IP_A, dst=IP_B, ihl=15, proto=6))[:30], 0x0800),
    "ipv4-len-short-trailer": bytes([ETH]) + eth(raw(IP(src=IP_A, dst=IP_B, len=20, proto=17)) + b"\0" * 26, 0x0800),
    "tcp-off-too-small": bytes([ETH]) + eth(IP(src=IP_A, dst=IP_B) / TCP(dataofs=2, flags="S")),
    "tcp-off-past-end": bytes([ETH]) + eth(IP(src=IP_A, dst=IP_B) / TCP(dataofs=15, flags="S")),
    "udp-len-too-small": bytes([ETH]) + eth(IP(src=IP_A, dst=IP_B) / UDP(sport=1, dport=2, len=4)),
    "arp-odd-sizes": bytes([ETH]) + eth(raw(ARP(op=1, hwlen=8, plen=16)), 0x0806),
    "arp-padded": bytes([ETH]) + eth(arp) + b"\0" * 18,
    # Cut inside each kind of header, with a longer wire length (bit 7).
    "cut-in-tcp-opts": bytes([0x80 | ETH]) + eth(syn)[:14 + 20 + 24],
    "cut-in-quoted-udp": bytes([0x80 | ETH]) + eth(icmp_err(3, 3, udp))[:14 + 20 + 8 + 20 + 4],
    "cut-in-vlan": bytes([0x80 | ETH]) + eth(Dot1Q(vlan=7) / arp)[:16],
    "empty-eth": bytes([ETH]),
    # IPv6 extension headers: a chain of each with options, fragments, odd
    # option lengths, a routing length past the end, an error quoting a chain.
    "ipv6-ext-chain": bytes([ETH]) + eth(
        IPv6(src="2001:db8::1", dst="2001:db8::2") /
        IPv6ExtHdrHopByHop(options=[RouterAlert(), Jumbo(jumboplen=70000)]) /
        IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 5)]) /
        IPv6ExtHdrRouting(addresses=["2001:db8::10", "2001:db8::20"]) /
        IPv6ExtHdrFragment(id=9) / ICMPv6EchoRequest(id=1, seq=1, data=b"x")),
    "ipv6-frag-later": bytes([ETH]) + eth(
        IPv6(src="2001:db8::1", dst="2001:db8::2") /
        IPv6ExtHdrFragment(nh=6, offset=3, m=1, id=10) / Raw(b"12345678")),
    "ipv6-opt-past-end": bytes([RAW]) + raw(
        IPv6(src="2001:db8::1", dst="2001:db8::2") /
        IPv6ExtHdrDestOpt(autopad=0, options=[HBHOptUnknown(otype=0x1e, optlen=200, optdata=b"")])),
    "ipv6-routing-len-past-end": bytes([0x80 | RAW]) + raw(
        IPv6(src="2001:db8::1", dst="2001:db8::2") /
        IPv6ExtHdrRouting(len=30, addresses=["2001:db8::10"]) / UDP())[:40 + 24],
    "ipv6-error-quoting-chain": bytes([ETH]) + eth(
        IPv6(src="2001:db8::2", dst="2001:db8::1") / ICMPv6DestUnreach(code=4) /
        IPv6(src="2001:db8::1", dst="2001:db8::2") / IPv6ExtHdrHopByHop() /
        IPv6ExtHdrFragment(id=3) / UDP(sport=1, dport=2)),
    # IPv6 on every link kind: TCP, UDP, ICMPv6 of every type with ND options.
    "v6-eth-tcp-syn": bytes([ETH]) + eth(syn6),
    "v6-vlan-udp": bytes([ETH]) + eth(Dot1Q(vlan=6) / udp6),
    "v6-raw-tcp-syn": bytes([RAW]) + raw(syn6),
    "v6-dlt-ipv6-udp": bytes([IPV6]) + raw(udp6),
    "v6-sll-echo": bytes([SLL]) + sll(raw(echo6), 0x86dd),
    "v6-sll2-na": bytes([SLL2]) + sll2(raw(icmp6_frames["na-tll"]), 0x86dd),
    "v6-null-30-udp": bytes([NULL]) + loopback(raw(udp6), 30),
    "v6-loop-28-syn": bytes([LOOP]) + loopback(raw(syn6), 28, ">"),
    "v6-udp-zero-csum": bytes([ETH]) + eth(raw(udp6)[:46] + b"\0\0" + raw(udp6)[48:], 0x86dd),
    "v6-plen-past-end": bytes([0x80 | ETH]) + eth(raw(IPv6(src=G_A, dst=G_B, plen=600) / UDP()), 0x86dd),
    "v6-cut-in-header": bytes([0x80 | RAW]) + raw(syn6)[:30],
    "v6-cut-in-na-target": bytes([0x80 | ETH]) + eth(icmp6_frames["na-tll"])[:14 + 40 + 12],
    # What decode --template cannot write as lines: hop-by-hop options after
    # another header, SACK blocks, reserved bytes set; and bits a template
    # writes apart (an RA's preference inside its flags).
    "tmpl-hopopts-after-dstopts": bytes([ETH]) + eth(
        IPv6(src="2001:db8::1", dst="2001:db8::2") / IPv6ExtHdrDestOpt() /
        IPv6ExtHdrHopByHop() / UDP(sport=1, dport=2)),
    "tmpl-tcp-sack": bytes([ETH]) + eth(
        IP(src=IP_A, dst=IP_B) / TCP(sport=1, dport=2, flags="A",
                                     options=[("NOP", None), ("NOP", None), ("SAck", (100, 200))])),
    "tmpl-ns-reserved-set": bytes([ETH]) + eth(
        IPv6(src="2001:db8::1", dst="2001:db8::2") / ICMPv6ND_NS(res=7, tgt="2001:db8::2")),
    "tmpl-ra-prf-high": bytes([ETH]) + eth(
        IPv6(src="fe80::1", dst="ff02::1") / ICMPv6ND_RA(O=1, prf=1)),
}
for name, p in icmp6_frames.items():
    decode["icmp6-" + name] = bytes([ETH]) + (eth(p) if not isinstance(p, bytes) else eth(p, 0x86dd))
for name, p in malformed_nd.items():
    decode[name] = bytes([ETH]) + eth(p, 0x86dd)

# --- capture files --------------------------------------------------------


def pcap_file(link, frames, endian="<", nsec=False, snaplen=262144, version=(2, 4)):
    magic = 0xa1b23c4d if nsec else 0xa1b2c3d4
    out = struct.pack(endian + "IHHiIII", magic, version[0], version[1], 0, 0, snaplen, DLT[link])
    for i, f in enumerate(frames):
        data, wire = (f if isinstance(f, tuple) else (f, len(f)))
        out += struct.pack(endian + "IIII", 1700000000 + i, 250000 * i, len(data), wire) + data
    return out


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def block(btype, body, endian="<"):
    n = 12 + len(pad4(body))
    return struct.pack(endian + "II", btype, n) + pad4(body) + struct.pack(endian + "I", n)


def option(code, value, endian="<"):
    return struct.pack(endian + "HH", code, len(value)) + pad4(value)


def pcapng_file(link, frames, endian="<", options=False, simple=False, extra_idb=None):
    shb_body = struct.pack(endian + "IHHq", 0x1a2b3c4d, 1, 0, -1)
    if options:
        shb_body += option(4, b"rawcraft fuzz", endian) + option(0, b"", endian)
    out = block(0x0a0d0d0a, shb_body, endian)
    idb = struct.pack(endian + "HHI", DLT[link], 0, 262144)
    if options:
        idb += option(2, b"fuzz0", endian) + option(9, b"\x09", endian) + option(0, b"", endian)
    out += block(1, idb, endian)
    if extra_idb is not None:
        out += block(1, struct.pack(endian + "HHI", extra_idb, 0, 65535), endian)
    for i, data in enumerate(frames):
        if simple:
            out += block(3, struct.pack(endian + "I", len(data)) + data, endian)
            continue
        ts = (1700000000 + i) * 10**6
        body = struct.pack(endian + "IIIII", 0, ts >> 32, ts & 0xffffffff, len(data), len(data)) + data
        if options:
            body = pad4(body) + option(1, b"frame %d" % i, endian) + option(0, b"", endian)
        out += block(6, body, endian)
    return out


tcp_conv = [
    IP(src=IP_A, dst=IP_B) / TCP(sport=40000, dport=80, flags="S", seq=100),
    IP(src=IP_B, dst=IP_A) / TCP(sport=80, dport=40000, flags="SA", seq=5000, ack=101),
    IP(src=IP_A, dst=IP_B) / TCP(sport=40000, dport=80, flags="A", seq=101, ack=5001),
    IP(src=IP_A, dst=IP_B) / TCP(sport=40000, dport=80, flags="PA", seq=101, ack=5001) / Raw(b"Hello World!"),
    IP(src=IP_B, dst=IP_A) / TCP(sport=80, dport=40000, flags="A", seq=5001, ack=113),
    IP(src=IP_A, dst=IP_B) / TCP(sport=40000, dport=80, flags="FA", seq=113, ack=5001),
    IP(src=IP_B, dst=IP_A) / TCP(sport=80, dport=40000, flags="RA", seq=5001, ack=114),
]
mixed = [syn, udp, echo, icmp_err(3, 3, udp)]


def frames_for(link, pkts):
    out = []
    for p in pkts:
        if isinstance(p, ARP):
            ip, et = raw(p), 0x0806
        else:
            ip, et = raw(p), 0x0800
        if link == ETH:
            out.append(raw(Ether(src=MAC_A, dst=MAC_B, type=et) / Raw(ip)))
        elif link in (RAW, IPV4):
            if et == 0x0800:
                out.append(ip)
        elif link in (NULL, LOOP):
            if et == 0x0800:
                out.append(loopback(ip, order="<" if link == NULL else ">"))
        elif link == SLL:
            out.append(sll(ip, et))
        else:
            out.append(sll2(ip, et))
    return out


pcaps = {}
for link, lname in ((ETH, "eth"), (IPV4, "raw"), (SLL, "sll"), (SLL2, "sll2"),
                    (NULL, "null"), (LOOP, "loop")):
    fr = frames_for(link, mixed + [arp])
    pcaps["%s.cap" % lname] = pcap_file(link, fr)
    pcaps["%s.pcapng" % lname] = pcapng_file(link, fr)
pcaps.update({
    "eth-conv.cap": pcap_file(ETH, frames_for(ETH, tcp_conv)),
    "sll2-conv.pcapng": pcapng_file(SLL2, frames_for(SLL2, tcp_conv), options=True),
    "eth-be.cap": pcap_file(ETH, frames_for(ETH, mixed), endian=">"),
    "raw-nsec.cap": pcap_file(IPV4, frames_for(IPV4, mixed), nsec=True),
    "sll-be-nsec.cap": pcap_file(SLL, frames_for(SLL, mixed), endian=">", nsec=True),
    "eth-be.pcapng": pcapng_file(ETH, frames_for(ETH, mixed), endian=">", options=True),
    "eth-spb.pcapng": pcapng_file(ETH, frames_for(ETH, mixed), simple=True),
    "dlt-ipv4-228.cap": pcap_file(IPV4, frames_for(IPV4, [syn])),
    "dlt-raw-101.cap": pcap_file(RAW, frames_for(RAW, [syn])),
    "dlt-raw-ipv6.cap": pcap_file(RAW, [raw(v6)]),
    "null-be-ipv6.cap": pcap_file(NULL, [loopback(raw(v6), 30), loopback(raw(udp), order=">")],
                                  endian=">"),
    "dlt-ipv6-229.cap": pcap_file(IPV6, [raw(syn6), raw(udp6), raw(echo6)]),
    "eth-nd.pcapng": pcapng_file(ETH, [eth(p) if not isinstance(p, bytes) else eth(p, 0x86dd)
                                       for p in icmp6_frames.values()]),
    "sll2-ipv6.cap": pcap_file(SLL2, [sll2(raw(p), 0x86dd) for p in (syn6, udp6, echo6)]),
    # Damaged or unusual files.
    "empty-eth.cap": pcap_file(ETH, []),
    "zero-length-frame.cap": pcap_file(ETH, [b""]),
    "wire-shorter-than-caplen.cap": pcap_file(ETH, [(frames_for(ETH, [syn])[0], 10)]),
    "wire-longer-than-caplen.cap": pcap_file(ETH, [(frames_for(ETH, [syn])[0][:40], 1514)]),
    "caplen-over-snaplen.cap": pcap_file(ETH, frames_for(ETH, mixed), snaplen=64),
    "cut-in-record-header.cap": pcap_file(ETH, frames_for(ETH, mixed))[:24 + 16 + 74 + 7],
    "cut-in-record-data.cap": pcap_file(ETH, frames_for(ETH, mixed))[:24 + 16 + 40],
    "cut-in-file-header.cap": pcap_file(ETH, [])[:13],
    "cut-in-block.pcapng": pcapng_file(ETH, frames_for(ETH, mixed))[:-30],
    "wrong-magic.cap": b"\xd4\xc3\xb2\xa2" + pcap_file(ETH, frames_for(ETH, [syn]))[4:],
    "text-not-pcap": b"eth src=00:23:aa:69:72:dd\narp tpa=10.0.0.2\n",
    "old-version.cap": pcap_file(ETH, frames_for(ETH, [syn]), version=(2, 3)),
    "unknown-dlt-105.cap": pcap_file(ETH, frames_for(ETH, [syn]))[:20] + struct.pack("<I", 105)
    + pcap_file(ETH, frames_for(ETH, [syn]))[24:],
    "unknown-dlt.pcapng": pcapng_file(ETH, frames_for(ETH, [syn]))[:36] + struct.pack("<H", 147) + pcapng_file(ETH, frames_for(ETH, [syn]))[38:],
    "two-link-types.pcapng": pcapng_file(ETH, frames_for(ETH, [syn]), extra_idb=113),
})

for name, data in sorted(decode.items()):
    write("decode", name, data)
for name, data in sorted(pcaps.items()):
    write("pcap", name, data)
print("decode: %d files, pcap: %d files" % (len(decode), len(pcaps)))
