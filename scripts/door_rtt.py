#!/usr/bin/env python3
"""What the SSH door's terminal adds to a contestant's timing
(docs/INSTALL.md, "SSH door"): the round trip of one key through
`ssh -tt` to a forced command that echoes it (the path a key takes to
quiz, and a screen update back), against the same program on a local
pty. Starts a private sshd on 127.0.0.1 (as door.sh does) and prints
p50/p99 of both and of the difference, in microseconds.

Usage: door_rtt.py [SAMPLES]   (default 500; needs openssh-server)
"""
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time

ECHO = "stty raw -echo; exec cat"


def rtt(fd, n):
    """n round trips of one byte through the pty fd, in µs."""
    out = []
    for i in range(n + 20):
        t0 = time.perf_counter_ns()
        os.write(fd, b"x")
        got = b""
        while not got.endswith(b"x"):
            r, _, _ = select.select([fd], [], [], 5)
            if not r:
                sys.exit("door_rtt: no echo within 5 s")
            got += os.read(fd, 64)
        if i >= 20:  # warm-up left out
            out.append((time.perf_counter_ns() - t0) / 1000)
        time.sleep(0.002)
    return out


def spawn(argv):
    """argv on a new pty; returns (pid, fd) once it echoes."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    rtt(fd, 5)  # until the far end is up (ssh's handshake)
    return pid, fd


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * len(v)))]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    tmp = tempfile.mkdtemp()
    user = subprocess.check_output(["id", "-un"], text=True).strip()
    for k in ("hostkey", "key"):
        subprocess.check_call(["ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                               "-f", f"{tmp}/{k}"])
    os.rename(f"{tmp}/key.pub", f"{tmp}/authorized_keys")
    port = 20000 + os.getpid() % 40000
    with open(f"{tmp}/sshd_config", "w") as f:
        f.write(f"ListenAddress 127.0.0.1\nHostKey {tmp}/hostkey\n"
                f"PidFile {tmp}/pid\nAuthorizedKeysFile {tmp}/authorized_keys\n"
                f"StrictModes no\nUsePAM no\nPermitRootLogin prohibit-password\n"
                f"AllowUsers {user}\nForceCommand {ECHO}\n")
    if os.getuid() == 0:
        os.makedirs("/run/sshd", exist_ok=True)
    sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-p", str(port),
                             "-f", f"{tmp}/sshd_config"],
                            stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    try:
        lpid, lfd = spawn(["sh", "-c", ECHO])
        local = rtt(lfd, n)
        os.kill(lpid, 9)
        spid, sfd = spawn(["ssh", "-tt", "-p", str(port), "-i", f"{tmp}/key",
                           "-o", "StrictHostKeyChecking=no",
                           "-o", "UserKnownHostsFile=/dev/null",
                           "-o", "LogLevel=ERROR", f"{user}@127.0.0.1"])
        door = rtt(sfd, n)
        os.kill(spid, 9)
    finally:
        sshd.kill()
    print(f"samples {n} each, one byte echoed, 2 ms apart (µs)")
    for name, v in (("local pty", local), ("ssh -tt door", door)):
        print(f"  {name:13s} p50 {statistics.median(v):7.0f}  "
              f"p99 {pct(v, 0.99):7.0f}")
    print(f"  added by the door: p50 {statistics.median(door) - statistics.median(local):.0f}"
          f"  p99 {pct(door, 0.99) - pct(local, 0.99):.0f}"
          " (loopback; on a LAN add its round-trip time)")


if __name__ == "__main__":
    main()
