#!/usr/bin/env python3
"""A misbehaving ONC RPC (RFC 5531) server over TCP, for the host test tier.

Listens on ADDR:PORT (run it inside a netns of ours with `ip netns exec`),
reads record-marked RPC calls and answers each one as MODE says:

  garbage              a record of 64 random bytes after a valid record mark
                       (first 4 bytes are the call's xid, so the client has to
                       decode the reply instead of skipping it as another
                       call's; a reply with a foreign xid is wrong-xid)
  truncated            a record mark announcing 1000 bytes, 12 bytes of a
                       reply, then close
  oversized            a record mark announcing 64 MiB (last fragment), then
                       a reply header with the call's xid followed by zeros,
                       streamed for as long as the client reads (at most
                       64 MiB) and the lifetime allows
  wrong-xid            a well-formed accepted/SUCCESS reply with xid + 1
  prog-mismatch        MSG_ACCEPTED, PROG_MISMATCH, low 2, high 3
  auth-error           MSG_DENIED, AUTH_ERROR, AUTH_TOOWEAK
  silent-after-accept  accept the connection, read whatever comes, never answer
  minor-mismatch       NULL answered normally; every COMPOUND answered with
                       COMPOUND4res status NFS4ERR_MINOR_VERS_MISMATCH, no results

Bounded: the process exits after --lifetime seconds whatever happens (a
watchdog thread calls os._exit), so a test that forgets it leaves nothing
behind for long.  --ready FILE is written once the socket listens; every call
seen is logged to stderr ("call xid=... prog=... vers=... proc=...").
Standard library only.
"""

import argparse
import os
import socket
import struct
import sys
import threading
import time

MODES = (
    "garbage",
    "truncated",
    "oversized",
    "wrong-xid",
    "prog-mismatch",
    "auth-error",
    "silent-after-accept",
    "minor-mismatch",
)

LAST_FRAG = 0x80000000
MAX_CALL = 1 << 20  # we never need more than this of a call
REPLY, MSG_ACCEPTED, MSG_DENIED = 1, 0, 1
SUCCESS, PROG_MISMATCH = 0, 2
AUTH_ERROR, AUTH_TOOWEAK = 1, 5
NFS4_PROGRAM, NFSPROC4_COMPOUND = 100003, 1
NFS4ERR_MINOR_VERS_MISMATCH = 10021


def log(msg):
    sys.stderr.write("fake-rpc-server: %s\n" % msg)
    sys.stderr.flush()


def recv_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def read_record(conn):
    """One RPC record (all fragments), or None at EOF / on a silly size."""
    data = b""
    while True:
        mark = recv_exact(conn, 4)
        if mark is None:
            return None
        (word,) = struct.unpack(">I", mark)
        size = word & ~LAST_FRAG
        if len(data) + size > MAX_CALL:
            log("call record too large (%d bytes), closing" % (len(data) + size))
            return None
        frag = recv_exact(conn, size)
        if frag is None:
            return None
        data += frag
        if word & LAST_FRAG:
            return data


def parse_call(rec):
    """(xid, prog, vers, proc) of an RPC call, or None if it is not one."""
    if len(rec) < 24:
        return None
    xid, mtype, rpcvers, prog, vers, proc = struct.unpack(">6I", rec[:24])
    if mtype != 0 or rpcvers != 2:
        return None
    return xid, prog, vers, proc


def record(body):
    return struct.pack(">I", LAST_FRAG | len(body)) + body


def accepted(xid, accept_stat, results=b""):
    # xid, REPLY, MSG_ACCEPTED, verifier AUTH_NONE (flavor 0, length 0), accept_stat
    return struct.pack(">6I", xid, REPLY, MSG_ACCEPTED, 0, 0, accept_stat) + results


def answer(conn, mode, xid, prog, vers, proc):
    """Send the reply of mode to one call; return False to close the connection."""
    if mode == "garbage":
        conn.sendall(record(struct.pack(">I", xid) + os.urandom(60)))
    elif mode == "truncated":
        body = accepted(xid, SUCCESS)
        conn.sendall(struct.pack(">I", LAST_FRAG | 1000) + body[:12])
        return False
    elif mode == "oversized":
        total = 64 << 20
        conn.sendall(struct.pack(">I", LAST_FRAG | total) + accepted(xid, SUCCESS))
        sent, zeros = 24, bytes(65536)
        conn.settimeout(2.0)  # client stopped reading: give up on it
        try:
            while sent < total:
                n = min(len(zeros), total - sent)
                conn.sendall(zeros[:n])
                sent += n
        except OSError as e:
            log("oversized: client stopped after %d bytes (%s)" % (sent, e))
            return False
        log("oversized: sent the whole %d bytes" % total)
    elif mode == "wrong-xid":
        conn.sendall(record(accepted((xid + 1) & 0xFFFFFFFF, SUCCESS)))
    elif mode == "prog-mismatch":
        conn.sendall(record(accepted(xid, PROG_MISMATCH, struct.pack(">2I", 2, 3))))
    elif mode == "auth-error":
        conn.sendall(record(struct.pack(">5I", xid, REPLY, MSG_DENIED, AUTH_ERROR, AUTH_TOOWEAK)))
    elif mode == "silent-after-accept":
        pass
    elif mode == "minor-mismatch":
        if prog == NFS4_PROGRAM and proc == NFSPROC4_COMPOUND:
            # COMPOUND4res: status, tag<> (empty), resarray<> (empty)
            res = struct.pack(">3I", NFS4ERR_MINOR_VERS_MISMATCH, 0, 0)
            conn.sendall(record(accepted(xid, SUCCESS, res)))
        else:
            conn.sendall(record(accepted(xid, SUCCESS)))  # NULL: void result
    return True


def serve(conn, peer, mode):
    log("connection from %s:%d" % peer[:2])
    try:
        while True:
            rec = read_record(conn)
            if rec is None:
                break
            call = parse_call(rec)
            if call is None:
                log("not an RPC call (%d bytes), closing" % len(rec))
                break
            log("call xid=0x%08x prog=%d vers=%d proc=%d -> %s" % (call + (mode,)))
            if not answer(conn, mode, *call):
                break
    except OSError as e:
        log("connection error: %s" % e)
    finally:
        conn.close()
        log("closed connection from %s:%d" % peer[:2])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mode", required=True, choices=MODES)
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, default=2049)
    ap.add_argument("--lifetime", type=float, default=30.0, help="exit after this many seconds")
    ap.add_argument("--ready", help="file to create once listening")
    a = ap.parse_args()

    def expire():
        time.sleep(a.lifetime)
        log("lifetime of %gs over, exiting" % a.lifetime)
        os._exit(0)

    threading.Thread(target=expire, daemon=True).start()

    family = socket.AF_INET6 if ":" in a.addr else socket.AF_INET
    ls = socket.socket(family, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.addr, a.port))
    ls.listen(16)
    log("mode %s listening on %s port %d for %gs" % (a.mode, a.addr, a.port, a.lifetime))
    if a.ready:
        with open(a.ready + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(a.ready + ".tmp", a.ready)
    while True:
        conn, peer = ls.accept()
        threading.Thread(target=serve, args=(conn, peer, a.mode), daemon=True).start()


if __name__ == "__main__":
    main()
