#!/usr/bin/env python3
"""Slow HTTP clients against the real binary, and what they cost the server.

Issue 10: half-sent requests and stalled form bodies were held for good. This
starts `slotboard` on a free port with a one-event config, reads its RSS and
open descriptors (/proc/PID/status, /proc/PID/fd), then opens

  --heads   connections that send a request line and --head-kib KiB of
            header lines, and never the blank line that ends them;
  --bodies  form posts that announce --body-bytes, send all but 100 of them,
            and stall;

and reads RSS and descriptors again at once and after --wait seconds (past
the default 10 s timeouts). Use it on the binary of before and of after:

  cargo build --bin slotboard
  scripts/slow-http.py --bin target/debug/slotboard
  scripts/slow-http.py --bin /tmp/slotboard-before   # a build of before

Only the standard library; Linux only (/proc).
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time

CONFIG = """
[server]
bind = "127.0.0.1:{port}"
public_url = "http://127.0.0.1:{port}"
data_dir = "{data}"

[[events]]
slug = "camp"
title = "Slow Camp"
timezone = "Europe/Paris"
organiser_token_hash = "{hash}"

[[events.rooms]]
id = "amphi"
name = "Amphi"
capacity = 100

[[events.days]]
date = "2037-12-05"
slots = [{{ id = "sat-0930", start = "09:30", end = "10:15" }}]
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def sample(pid, label):
    r, n = rss_kib(pid), fds(pid)
    print(f"{label:<34} RSS {r / 1024:7.1f} MiB   descriptors {n:5d}", flush=True)
    return r, n


def wait_healthy(port, proc):
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit("the server did not become healthy in 60 s")


def half_sent_head(port, kib):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(5)
    head = b"GET /e/camp HTTP/1.1\r\nhost: x\r\n"
    line = b"x-pad: " + b"a" * 1000 + b"\r\n"
    try:
        s.sendall(head + line * kib)
    except OSError:
        pass  # refused part-way (431): what the limit is for
    return s


def stalled_body(port, length):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(5)
    head = (
        "POST /e/camp/claim HTTP/1.1\r\nhost: x\r\n"
        "content-type: application/x-www-form-urlencoded\r\n"
        f"content-length: {length}\r\n\r\n"
    ).encode()
    try:
        s.sendall(head + b"a" * (length - 100))
    except OSError:
        pass
    return s


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", required=True)
    p.add_argument("--heads", type=int, default=500)
    p.add_argument("--head-kib", type=int, default=200)
    p.add_argument("--bodies", type=int, default=100)
    p.add_argument("--body-bytes", type=int, default=16000)
    p.add_argument("--wait", type=float, default=15)
    p.add_argument("--waves", type=int, default=1, help="repeat the whole wave")
    a = p.parse_args()

    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        secret = "a-long-organiser-secret"
        hashed = subprocess.run(
            [a.bin, "hash-token"], input=secret + "\n", capture_output=True, text=True,
            check=True,
        ).stdout.strip().split()[-1]
        config = os.path.join(tmp, "config.toml")
        with open(config, "w") as f:
            f.write(CONFIG.format(port=port, data=os.path.join(tmp, "data"), hash=hashed))
        env = dict(os.environ, RUST_LOG="warn")
        proc = subprocess.Popen(
            [a.bin, "--config", config], env=env, stdout=subprocess.DEVNULL
        )
        try:
            wait_healthy(port, proc)
            base = sample(proc.pid, "idle")
            for wave in range(a.waves):
                if a.waves > 1:
                    print(f"wave {wave + 1}")
                wave_of(a, port, proc, base)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def wave_of(a, port, proc, base):
    t0 = time.time()
    heads = [half_sent_head(port, a.head_kib) for _ in range(a.heads)]
    bodies = [stalled_body(port, a.body_bytes) for _ in range(a.bodies)]
    time.sleep(1)
    held = sample(proc.pid, f"{a.heads} heads + {a.bodies} bodies sent")
    time.sleep(max(0.0, a.wait - (time.time() - t0)))
    late = sample(proc.pid, f"after {a.wait:.0f} s")
    closed = 0
    for s in heads + bodies:
        s.setblocking(False)
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    closed += 1
                    break
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        s.close()
    n = a.heads + a.bodies
    print(f"closed by the server by then: {closed} of {n}")
    per = (held[0] - base[0]) / n
    print(f"held per slow client at first: {per:.1f} KiB")
    print(f"RSS growth after {a.wait:.0f} s: {(late[0] - base[0]) / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
