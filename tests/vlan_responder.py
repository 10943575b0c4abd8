#!/usr/bin/env python3
"""A host on a tagged link, in user space (this kernel has no 8021q module):
answers ARP requests for IP and ICMP echo requests to IP (an IPv4 address),
or neighbour solicitations for IP (an IPv6 one), only when they carry
exactly the tags TAGS (VLAN ids, outer first, comma-separated), with the same
tags; untagged or otherwise tagged frames go unanswered.  Runs SECS seconds.

    vlan_responder.py IFACE IP MAC TAGS SECS
"""
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_VLAN_VALID = 0x10
TP_STATUS_VLAN_TPID_VALID = 0x40
TPIDS = (0x8100, 0x88A8, 0x9100)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def whole(frame, anc):
    """The frame as it was on the wire: a tag the kernel took into the
    packet's metadata put back after the MAC addresses."""
    for level, kind, data in anc:
        if level == SOL_PACKET and kind == PACKET_AUXDATA and len(data) >= 20:
            status, _, _, _, _, tci, tpid = struct.unpack("IIIHHHH", data[:20])
            if status & TP_STATUS_VLAN_VALID:
                if not status & TP_STATUS_VLAN_TPID_VALID:
                    tpid = 0x8100
                return frame[:12] + struct.pack("!HH", tpid, tci) + frame[12:]
    return frame


def advert(ns, me_ip6, me_mac):
    """The solicited neighbour advertisement (RFC 4861 4.4) answering the
    IPv6 packet `ns` if it solicits me_ip6, else None."""
    if len(ns) < 64 or ns[6] != 58 or ns[40] != 135 or ns[48:64] != me_ip6:
        return None
    src = ns[8:24]
    icmp = bytearray(struct.pack("!BBHI", 136, 0, 0, 0x60000000) + me_ip6 + b"\2\1" + me_mac)
    pseudo = me_ip6 + src + struct.pack("!I3xB", len(icmp), 58)
    icmp[2:4] = struct.pack("!H", csum(pseudo + bytes(icmp)))
    return struct.pack("!IHBB", 0x60000000, len(icmp), 58, 255) + me_ip6 + src + bytes(icmp)


def main():
    ifname, ip, mac, tags, secs = sys.argv[1:6]
    want = [int(t) for t in tags.split(",")]
    v6 = ":" in ip
    me_ip = socket.inet_pton(socket.AF_INET6 if v6 else socket.AF_INET, ip)
    me_mac = bytes.fromhex(mac.replace(":", ""))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.settimeout(0.2)
    end = time.time() + float(secs)
    while time.time() < end:
        try:
            frame, anc, _, addr = s.recvmsg(65535, socket.CMSG_SPACE(64))
        except socket.timeout:
            continue
        except OSError:
            return  # the link is gone: the lab is being taken down
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        f = whole(frame, anc)
        off, ids, hdrs = 12, [], b""
        while off + 4 <= len(f) and struct.unpack("!H", f[off:off + 2])[0] in TPIDS:
            ids.append(struct.unpack("!H", f[off + 2:off + 4])[0] & 0x0FFF)
            hdrs += f[off:off + 4]
            off += 4
        if ids != want or off + 2 > len(f):
            continue
        etype, body = struct.unpack("!H", f[off:off + 2])[0], f[off + 2:]
        head = f[6:12] + me_mac + hdrs
        if etype == 0x86DD and v6:
            na = advert(body, me_ip, me_mac)
            if na:
                s.send(head + b"\x86\xdd" + na)
        elif v6:
            continue
        elif etype == 0x0806 and len(body) >= 28 and body[6:8] == b"\0\1" and body[24:28] == me_ip:
            arp = body[:6] + b"\0\2" + me_mac + me_ip + body[8:18]
            s.send(head + b"\x08\x06" + arp)
        elif etype == 0x0800 and len(body) >= 28 and body[16:20] == me_ip and body[9] == 1 \
                and body[20] == 8:
            ihl = (body[0] & 15) * 4
            total = struct.unpack("!H", body[2:4])[0]
            icmp = bytearray(body[ihl:total])
            icmp[0], icmp[2:4] = 0, b"\0\0"
            icmp[2:4] = struct.pack("!H", csum(bytes(icmp)))
            iph = bytearray(body[:ihl])
            iph[8], iph[10:12] = 64, b"\0\0"
            iph[12:16], iph[16:20] = body[16:20], body[12:16]
            iph[10:12] = struct.pack("!H", csum(bytes(iph)))
            s.send(head + b"\x08\x00" + bytes(iph) + bytes(icmp))


if __name__ == "__main__":
    main()
