#!/usr/bin/env python3
"""proxy.py - a TCP proxy on loopback that breaks connections on command,
for the results database's chaos tests (standard library only).

    proxy.py LISTEN_PORT TARGET_PORT CONTROL_PORT

Forwards 127.0.0.1:LISTEN_PORT to 127.0.0.1:TARGET_PORT. Commands, one line
each on a TCP connection to 127.0.0.1:CONTROL_PORT (answer "ok ..."):

  cut                close every open connection (FIN)
  reset              reset every open connection (RST)
  stall / resume     stop / restart forwarding bytes (connections stay open)
  refuse / accept    close new connections at once / forward them again
  drop-after-commit N  the next N times a client sends COMMIT, forward it, then
                     reset the connection when the server's answer arrives,
                     before the client sees it (committed, never acknowledged)
  hold-commit N      the next N times a client sends COMMIT, hold it: that
                     connection forwards nothing more (a sender stuck
                     mid-transaction, e.g. to be killed there)
  chaos MS           reset one random open connection every MS ms (0: off)
  stats              "ok conns=N resets=N cuts=N dropped_commits=N"
  quit               stop the proxy
"""
import random
import select
import socket
import struct
import sys
import threading
import time


class Proxy:
    def __init__(self, listen_port, target_port):
        self.target = ("127.0.0.1", target_port)
        self.lock = threading.Lock()
        self.conns = set()
        self.stalled = False
        self.refusing = False
        self.drop_commits = 0
        self.hold_commits = 0
        self.chaos_ms = 0
        self.counts = {"conns": 0, "resets": 0, "cuts": 0, "dropped_commits": 0, "held_commits": 0}
        self.srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind(("127.0.0.1", listen_port))
        self.srv.listen(128)

    def accept_loop(self):
        while True:
            try:
                c, _ = self.srv.accept()
            except OSError:
                return
            if self.refusing:
                c.close()
                continue
            try:
                s = socket.create_connection(self.target, timeout=5)
                s.settimeout(None)
            except OSError:
                c.close()
                continue
            for sock in (c, s):  # no Nagle delay: PostgreSQL talks in small messages
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = {"c": c, "s": s, "armed": False, "held": False, "dead": False}
            with self.lock:
                self.conns.add(id(conn))
                self.counts["conns"] += 1
                self.__dict__.setdefault("byid", {})[id(conn)] = conn
            threading.Thread(target=self.pump, args=(conn,), daemon=True).start()

    def kill(self, conn, rst):
        if conn["dead"]:
            return
        conn["dead"] = True
        for k in ("c", "s"):
            sock = conn[k]
            try:
                if rst:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                else:
                    sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                sock.close()
            except OSError:
                pass
        with self.lock:
            self.conns.discard(id(conn))
            self.byid.pop(id(conn), None)

    def pump(self, conn):
        c, s = conn["c"], conn["s"]
        while not conn["dead"]:
            if self.stalled or conn["held"]:
                time.sleep(0.02)
                continue
            try:
                r, _, _ = select.select([c, s], [], [], 0.05)
            except (OSError, ValueError):
                break
            for src in r:
                if self.stalled or conn["dead"]:
                    break
                try:
                    data = src.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    self.kill(conn, False)
                    return
                if src is c and b"COMMIT" in data:
                    with self.lock:
                        if self.hold_commits > 0:
                            self.hold_commits -= 1
                            self.counts["held_commits"] += 1
                            conn["held"] = True
                            break
                        if self.drop_commits > 0:
                            self.drop_commits -= 1
                            conn["armed"] = True
                if src is s and conn["armed"]:
                    with self.lock:
                        self.counts["dropped_commits"] += 1
                    self.kill(conn, True)
                    return
                dst = s if src is c else c
                try:
                    dst.sendall(data)
                except OSError:
                    self.kill(conn, False)
                    return
        self.kill(conn, False)

    def each(self, rst):
        with self.lock:
            victims = list(self.byid.values()) if hasattr(self, "byid") else []
        for conn in victims:
            self.kill(conn, rst)
        with self.lock:
            self.counts["resets" if rst else "cuts"] += len(victims)
        return len(victims)

    def chaos_loop(self):
        while True:
            ms = self.chaos_ms
            if ms <= 0:
                time.sleep(0.05)
                continue
            time.sleep(ms / 1000.0)
            with self.lock:
                victims = list(self.byid.values()) if hasattr(self, "byid") else []
            if victims:
                self.kill(random.choice(victims), True)
                with self.lock:
                    self.counts["resets"] += 1

    def command(self, line):
        words = line.split()
        if not words:
            return "error: empty"
        cmd, arg = words[0], (words[1] if len(words) > 1 else "")
        if cmd == "cut":
            return "ok cut %d" % self.each(False)
        if cmd == "reset":
            return "ok reset %d" % self.each(True)
        if cmd == "stall":
            self.stalled = True
        elif cmd == "resume":
            self.stalled = False
        elif cmd == "refuse":
            self.refusing = True
        elif cmd == "accept":
            self.refusing = False
        elif cmd == "drop-after-commit":
            with self.lock:
                self.drop_commits = int(arg or "1")
        elif cmd == "hold-commit":
            with self.lock:
                self.hold_commits = int(arg or "1")
        elif cmd == "chaos":
            self.chaos_ms = int(arg or "0")
        elif cmd == "stats":
            with self.lock:
                return "ok " + " ".join("%s=%d" % kv for kv in sorted(self.counts.items()))
        elif cmd == "quit":
            return "quit"
        else:
            return "error: unknown command " + cmd
        return "ok " + cmd


def main():
    listen_port, target_port, control_port = (int(a) for a in sys.argv[1:4])
    p = Proxy(listen_port, target_port)
    ctl = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ctl.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ctl.bind(("127.0.0.1", control_port))
    ctl.listen(16)
    threading.Thread(target=p.accept_loop, daemon=True).start()
    threading.Thread(target=p.chaos_loop, daemon=True).start()
    print("proxy: 127.0.0.1:%d -> 127.0.0.1:%d, control 127.0.0.1:%d"
          % (listen_port, target_port, control_port), flush=True)
    while True:
        k, _ = ctl.accept()
        with k:
            f = k.makefile("rw")
            line = f.readline()
            answer = p.command(line.strip())
            f.write(("ok quit" if answer == "quit" else answer) + "\n")
            f.flush()
            if answer == "quit":
                return


if __name__ == "__main__":
    main()
