#!/usr/bin/env python3
"""Hosts PREFIX.LO .. PREFIX.HI at MAC, in user space: each answers ARP
requests for its address, and a TCP SYN to it with a segment that
acknowledges it and whose other flags are the SYN's destination port's
low bits (ports 1..127 give as many kinds of reply).  Runs SECS seconds.

    flags_responder.py IFACE PREFIX LO HI MAC SECS
"""
import socket
import struct
import sys
import time

from vlan_responder import csum  # the Internet checksum (RFC 1071)

ETH_P_ALL = 0x0003


def flags_of(port):
    """ACK, with the port's bits 0-3 as FIN SYN RST PSH and 4-6 as URG ECE CWR."""
    return 0x10 | (port & 0x0F) | ((port & 0x70) << 1)


def answer(body, mine):
    """The IPv4 reply to the TCP SYN `body` to one of `mine`, else None."""
    ihl = (body[0] & 15) * 4
    if len(body) < ihl + 20 or body[9] != 6 or body[16:20] not in mine:
        return None
    sport, dport, seq = struct.unpack("!HHI", body[ihl:ihl + 8])
    if body[ihl + 13] & 0x12 != 0x02:
        return None
    tcp = bytearray(struct.pack("!HHIIBBHHH", dport, sport, 1000, (seq + 1) & 0xFFFFFFFF,
                                5 << 4, flags_of(dport), 0, 0, 0))
    pseudo = body[16:20] + body[12:16] + struct.pack("!BBH", 0, 6, len(tcp))
    tcp[16:18] = struct.pack("!H", csum(pseudo + bytes(tcp)))
    ip = bytearray(struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0) +
                   body[16:20] + body[12:16])
    ip[10:12] = struct.pack("!H", csum(bytes(ip)))
    return bytes(ip) + bytes(tcp)


def main():
    ifname, prefix, lo, hi, mac, secs = sys.argv[1:7]
    mine = {socket.inet_aton("%s.%d" % (prefix, n)) for n in range(int(lo), int(hi) + 1)}
    me_mac = bytes.fromhex(mac.replace(":", ""))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    s.settimeout(0.2)
    end = time.time() + float(secs)
    while time.time() < end:
        try:
            f, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        except OSError:
            return  # the link is gone: the lab is being taken down
        if addr[2] == socket.PACKET_OUTGOING or len(f) < 42:
            continue
        etype, body, head = struct.unpack("!H", f[12:14])[0], f[14:], f[6:12] + me_mac
        if etype == 0x0806 and body[6:8] == b"\0\1" and body[24:28] in mine:
            s.send(head + b"\x08\x06" + body[:6] + b"\0\2" + me_mac + body[24:28] + body[8:18])
        elif etype == 0x0800:
            reply = answer(body, mine)
            if reply:
                s.send(head + b"\x08\x00" + reply)


if __name__ == "__main__":
    main()
