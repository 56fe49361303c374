#!/usr/bin/env python3
"""Write the seed answers of fuzz_dns into fuzz/corpus/fuzz_dns/.

Each seed: a mode byte, then answers as 2-byte length + DNS message."""
import os
import struct

OUT = os.path.join(os.path.dirname(__file__), "corpus", "fuzz_dns")


def name(n):
    b = b""
    for label in n.rstrip(".").split("."):
        if label:
            b += bytes([len(label)]) + label.encode()
    return b + b"\0"


def msg(qname, qtype, answers, rcode=0):
    hdr = struct.pack(">HHHHHH", 0x1234, 0x8180 | rcode, 1, len(answers),
                      0, 0)
    q = name(qname) + struct.pack(">HH", qtype, 1)
    body = b""
    for owner, rtype, rdata in answers:
        own = b"\xc0\x0c" if owner == qname else name(owner)
        body += own + struct.pack(">HHIH", rtype, 1, 300, len(rdata)) + rdata
    return hdr + q + body


def mx(pref, host):
    return struct.pack(">H", pref) + name(host)


def seed(fname, mode, *answers):
    data = bytes([mode])
    for a in answers:
        data += struct.pack(">H", len(a)) + a
    with open(os.path.join(OUT, fname), "wb") as f:
        f.write(data)


os.makedirs(OUT, exist_ok=True)
MX, A, AAAA, CNAME = 15, 1, 28, 5
seed("mx_two", 0, msg("example.org", MX, [
    ("example.org", MX, mx(10, "mx1.example.org")),
    ("example.org", MX, mx(20, "mx2.example.org")),
    ("example.org", MX, mx(10, "mx3.example.org"))]))
seed("mx_compressed", 0, msg("example.org", MX, [
    ("example.org", MX, struct.pack(">H", 5) + b"\x02mx\xc0\x0c")]))
seed("null_mx", 0, msg("example.org", MX, [
    ("example.org", MX, mx(0, "."))]))
seed("mx_ip", 0, msg("example.org", MX, [
    ("example.org", MX, mx(10, "192.0.2.1"))]))
seed("cname", 0, msg("example.org", MX, [
    ("example.org", CNAME, name("alias.example.net")),
    ("alias.example.net", CNAME, name("example.org")),
    ("alias.example.net", MX, mx(5, "mx.example.net"))]))
seed("no_mx", 4, b"")
seed("addrs", 0x40, msg("mx.example.org", AAAA, [
    ("mx.example.org", AAAA, bytes(15) + b"\1")]),
    msg("mx.example.org", A, [
        ("mx.example.org", A, bytes([192, 0, 2, 25])),
        ("mx.example.org", A, bytes([192, 0, 2, 26, 0]))]))
seed("addrs_v4", 0x41, msg("mx.example.org", A, [
    ("mx.example.org", CNAME, name("real.example.org")),
    ("real.example.org", A, bytes([198, 51, 100, 7]))]))
with open(os.path.join(OUT, "hostport"), "wb") as f:
    f.write(b"\x40[::1]:2525")    # no answer: the bytes are a host:port
