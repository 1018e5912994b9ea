#!/usr/bin/env python3
"""A TCP relay for the TUI test: listens on 127.0.0.1 (port 0 = any free
port, written to PORT_FILE once listening) and relays every connection to
127.0.0.1:TARGET. Killing it drops the connections it carries, which is how
the test makes a client reconnect.

Usage: proxy.py LISTEN_PORT TARGET_PORT PORT_FILE"""
import socket
import sys
import threading


def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    for x in (a, b):
        try:
            x.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main():
    lp, tp, port_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", lp))
    s.listen(16)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(s.getsockname()[1]))
    import os
    os.rename(port_file + ".tmp", port_file)
    while True:
        c, _ = s.accept()
        try:
            u = socket.create_connection(("127.0.0.1", tp))
        except OSError:
            c.close()
            continue
        threading.Thread(target=pipe, args=(c, u), daemon=True).start()
        threading.Thread(target=pipe, args=(u, c), daemon=True).start()


if __name__ == "__main__":
    main()
