#!/usr/bin/env python3
"""Holds idle PostgreSQL sessions open, the way a large pool does, for bench/idle_sessions.sh.

Usage: idle_sessions.py HOST PORT USER DBNAME [tls]

With `tls`, each session asks for TLS (SSLRequest) and is refused if the proxy answers 'N'; the
proxy's certificate is not checked (the measure is memory, not trust).

Reads commands from stdin, one per line:
  open N   opens N more sessions (protocol 3.0 startup, trust authentication), runs `SELECT 1`
           on each so every session has carried a query and its answer, then prints "ok TOTAL"
  close    closes every session and prints "ok 0"
Exits at end of input, closing what is open. Speaks the wire protocol itself (no driver), so
the client side costs the same whatever proxy is measured.
"""
import socket
import ssl
import struct
import sys


def read_until_ready(sock):
    """Reads messages until ReadyForQuery; raises on ErrorResponse or a closed socket."""
    buf = b""
    while True:
        while len(buf) >= 5:
            kind = buf[0:1]
            length = struct.unpack("!I", buf[1:5])[0]
            if len(buf) < 1 + length:
                break
            body = buf[5:1 + length]
            buf = buf[1 + length:]
            if kind == b"E":
                raise RuntimeError("server error: " + body.decode("utf-8", "replace"))
            if kind == b"R" and struct.unpack("!I", body[0:4])[0] != 0:
                raise RuntimeError("authentication other than trust was asked for")
            if kind == b"Z":
                return
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("the server closed the connection")
        buf += chunk


def open_session(host, port, user, dbname, tls):
    sock = socket.create_connection((host, port), timeout=30)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as libpq does
    if tls:
        sock.sendall(struct.pack("!II", 8, 80877103))
        if sock.recv(1) != b"S":
            raise RuntimeError("the proxy refused TLS")
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        sock = context.wrap_socket(sock)
    params = b"user\0" + user.encode() + b"\0database\0" + dbname.encode() + b"\0\0"
    sock.sendall(struct.pack("!II", 8 + len(params), 196608) + params)
    read_until_ready(sock)
    query = b"SELECT 1\0"
    sock.sendall(b"Q" + struct.pack("!I", 4 + len(query)) + query)
    read_until_ready(sock)
    return sock


def main():
    host, port, user, dbname = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    tls = len(sys.argv) > 5 and sys.argv[5] == "tls"
    sessions = []
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "open":
            for _ in range(int(words[1])):
                sessions.append(open_session(host, port, user, dbname, tls))
        elif words[0] == "close":
            for s in sessions:
                s.close()
            sessions = []
        else:
            print("error unknown command " + words[0], flush=True)
            continue
        print("ok %d" % len(sessions), flush=True)
    for s in sessions:
        s.close()


if __name__ == "__main__":
    main()
