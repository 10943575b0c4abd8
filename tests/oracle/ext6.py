"""ext6.py - IPv6 extension-header templates against Scapy and tshark.

Each case is a template and the Scapy packet built from the same values.
`rawcraft show -w` must write Scapy's bytes, and tshark (checksum validation
on, no reassembly) must call every checksum it can check Good, find nothing
malformed and see the extension headers in order.  Prints TAP lines.

    ext6.py RAWCRAFT TMPDIR TEMPLATES
"""
import subprocess
import sys

from scapy.all import (Ether, IPv6, IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrRouting, IPv6ExtHdrFragment, PadN, Pad1,
                       RouterAlert, Jumbo, HBHOptUnknown, ICMPv6EchoRequest,
                       ICMPv6DestUnreach, TCP, UDP, Raw)

ETH = "eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02\n"
IP6 = "ipv6 src=2001:db8::1 dst=2001:db8::2\n"
A = ["2001:db8::10", "2001:db8::20", "2001:db8::30"]


def ether():
    return Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")


def ip6():
    return IPv6(src="2001:db8::1", dst="2001:db8::2")


# Scapy's defaults that are not rawcraft's (icmp6 seq 1, tcp win 64240) are
# given on the Scapy side.
# (name, template after the ipv6 line, Scapy layers after IPv6, the
# checksums tshark must call Good, the extension headers it must show)
CASES = [
    ("chain hop dst routing fragment icmp6",
     "hopopts opts=ra:0\ndstopts\nrouting addrs=%s+%s\nfragment id=0x1234\n"
     "icmp6 id=7 seq=1\npayload text=hello\n" % (A[0], A[1]),
     IPv6ExtHdrHopByHop(options=[RouterAlert(value=0)]) / IPv6ExtHdrDestOpt() /
     IPv6ExtHdrRouting(addresses=A[:2]) / IPv6ExtHdrFragment(id=0x1234) /
     ICMPv6EchoRequest(id=7, seq=1, data=b"hello"), 1, 4),
    ("hopopts left empty: PadN of 4",
     "hopopts\nudp sport=1000 dport=7\npayload text=hi\n",
     IPv6ExtHdrHopByHop() / UDP(sport=1000, dport=7) / b"hi", 1, 1),
    ("padn:3 padded by Pad1",
     "dstopts opts=padn:3\ntcp sport=1 dport=80 seq=5\n",
     IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 3)]) / TCP(sport=1, dport=80, seq=5, window=64240),
     1, 1),
    ("two router alerts padded to 16 bytes",
     "hopopts opts=ra:0,ra:2\nicmp6 id=1\n",
     IPv6ExtHdrHopByHop(options=[RouterAlert(value=0), RouterAlert(value=2)]) /
     ICMPv6EchoRequest(id=1, seq=1), 1, 1),
    ("jumbo fills 8 bytes",
     "hopopts opts=jumbo:70000\nudp sport=7 dport=7\n",
     IPv6ExtHdrHopByHop(options=[Jumbo(jumboplen=70000)]) / UDP(sport=7, dport=7), 0, 1),
    ("six pad1 kept as written",
     "hopopts opts=pad1,pad1,pad1,pad1,pad1,pad1\nicmp6 id=2\n",
     IPv6ExtHdrHopByHop(options=[Pad1()] * 6) / ICMPv6EchoRequest(id=2, seq=1), 1, 1),
    ("padn:10 over two units",
     "dstopts opts=padn:10\nudp sport=9 dport=9\npayload hex=00ff\n",
     IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 10)]) / UDP(sport=9, dport=9) / b"\0\xff",
     1, 1),
    ("unknown option raw",
     "dstopts opts=raw:30:0102\nicmp6 id=3\n",
     IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=30, optdata=b"\x01\x02")]) /
     ICMPv6EchoRequest(id=3, seq=1), 1, 1),
    ("routing three addresses, tcp to the last",
     "routing addrs=%s\ntcp sport=4000 dport=443 seq=9 flags=S\n" % "+".join(A),
     IPv6ExtHdrRouting(addresses=A) / TCP(sport=4000, dport=443, seq=9, flags="S", window=64240), 1, 1),
    ("routing with no segment left: the IPv6 dst in the sum",
     "routing addrs=%s segleft=0\nudp sport=5 dport=6\npayload text=x\n" % A[2],
     IPv6ExtHdrRouting(addresses=[A[2]], segleft=0) / UDP(sport=5, dport=6) / b"x", 1, 1),
    ("first fragment, M set",
     "fragment m=1 id=77\nicmp6 id=4 seq=2\npayload size=16\n",
     IPv6ExtHdrFragment(m=1, id=77) / ICMPv6EchoRequest(id=4, seq=2, data=b"\0" * 16), 0, 1),
    ("later fragment: data only",
     "fragment nh=udp off=185 id=78\npayload hex=0102030405060708\n",
     IPv6ExtHdrFragment(nh=17, offset=185, id=78) / Raw(bytes(range(1, 9))), 0, 1),
    ("icmp6 error quoting a fragment",
     "icmp6 type=dest-unreach code=4\nipv6 src=2001:db8::2 dst=2001:db8::1\n"
     "fragment id=5\nudp sport=53 dport=1000\npayload text=q\n",
     ICMPv6DestUnreach(code=4) / IPv6(src="2001:db8::2", dst="2001:db8::1") /
     IPv6ExtHdrFragment(id=5) / UDP(sport=53, dport=1000) / b"q", 2, 1),
]


def shipped(rawcraft, tmp, templates):
    """The shipped probe: each header there in order, the echo's sum good."""
    pcap = "%s/shipped.pcap" % tmp
    r = subprocess.run([rawcraft, "show", "%s/icmp6-ext-probe.pkt" % templates, "-D",
                        "DST=2001:db8::2", "--seed", "5", "-w", pcap],
                       capture_output=True, text=True)
    out = tshark(pcap) if r.returncode == 0 else r.stderr
    order = [out.find(h) for h in ("IPv6 Hop-by-Hop Option\n", "Destination Options for IPv6\n",
                                   "Fragment Header for IPv6\n", "Echo (ping) request")]
    good = out.count("[Checksum Status: Good]") == 1 and "Malformed" not in out
    if r.returncode == 0 and good and -1 not in order and order == sorted(order):
        print("ok - ext6 shipped icmp6-ext-probe: tshark sees the chain in order, checksum good")
    else:
        print("not ok - ext6 shipped icmp6-ext-probe: %s" % out[-300:].replace("\n", " "))


def tshark(pcap):
    return subprocess.run(
        ["tshark", "-n", "-r", pcap, "-V", "-o", "tcp.check_checksum:TRUE",
         "-o", "udp.check_checksum:TRUE", "-o", "ipv6.defragment:FALSE"],
        capture_output=True, text=True).stdout


def main():
    rawcraft, tmp, templates = sys.argv[1], sys.argv[2], sys.argv[3]
    shipped(rawcraft, tmp, templates)
    for i, (name, text, upper, good, exts) in enumerate(CASES):
        pkt, pcap = "%s/%d.pkt" % (tmp, i), "%s/%d.pcap" % (tmp, i)
        with open(pkt, "w") as f:
            f.write(ETH + IP6 + text)
        r = subprocess.run([rawcraft, "show", pkt, "-w", pcap], capture_output=True, text=True)
        if r.returncode:
            print("not ok - ext6 %s: rawcraft show: %s" % (name, r.stderr.strip()))
            continue
        from scapy.all import rdpcap
        got = bytes(rdpcap(pcap)[0])
        want = bytes(ether() / ip6() / upper)
        if got == want:
            print("ok - ext6 %s: Scapy builds the same bytes" % name)
        else:
            print("not ok - ext6 %s: bytes differ: got %s, Scapy %s" % (name, got.hex(), want.hex()))
        out = tshark(pcap)
        n_good = out.count("[Checksum Status: Good]")
        bad = [l.strip() for l in out.splitlines()
               if "Bad]" in l or "Malformed" in l or "[Checksum Status: Bad" in l]
        n_ext = sum(out.count(h) for h in ("IPv6 Hop-by-Hop Option\n", "Destination Options for IPv6\n",
                                           "Routing Header for IPv6 (", "Fragment Header for IPv6\n"))
        if n_good >= good and not bad and n_ext >= exts:
            print("ok - ext6 %s: tshark calls %d checksum(s) good, sees %d extension header(s)"
                  % (name, n_good, n_ext))
        else:
            print("not ok - ext6 %s: tshark: %d good checksums (want %d), %d extension headers "
                  "(want %d), complaints %s" % (name, n_good, good, n_ext, exts, bad[:3]))


main()
