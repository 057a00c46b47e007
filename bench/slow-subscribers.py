#!/usr/bin/env python3
"""Reproduces issue 10, defect 1 by hand: many SSE clients that never read, one that does, and a
publish flood, against a built holdfast.jar on loopback. Prints a sample every few seconds (heap,
direct/native memory, GCs, a GET's latency, open fds, what the reading client got) during the flood
and after it, then a summary. Not a test: run it against two jars to compare them.

  python3 bench/slow-subscribers.py holdfast-server/target/holdfast.jar \
      [--clients 1000] [--rate 160] [--size 1024] [--seconds 20] [--after 20] [--xmx 512m]
"""
import argparse
import http.client
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, timeout=10):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout).stdout
    except subprocess.TimeoutExpired:
        return None


def heap_and_gc(pid):
    out = run(["jstat", "-gc", str(pid)])
    if not out:
        return None, None, None
    head, vals = out.split("\n")[0].split(), out.split("\n")[1].split()
    v = dict(zip(head, vals))
    used_kb = sum(float(v[k]) for k in ("S0U", "S1U", "EU", "OU"))
    return used_kb / 1024, int(v["YGC"]), int(v["FGC"])


def native_other_mb(pid):
    """NMT 'Other' committed: java.nio direct buffers and Netty's Unsafe allocations both land here."""
    out = run(["jcmd", str(pid), "VM.native_memory", "summary"])
    if not out:
        return None
    for line in out.splitlines():
        if line.strip().startswith("-") and "Other (reserved=" in line:
            part = line.split("committed=")[1].split("KB")[0]
            return int(part) / 1024
    return None


def stuck_threads(pid):
    out = run(["jstack", str(pid)], timeout=15)
    return None if out is None else out.count("java.nio.Bits.reserveMemory")


def rss_mb(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def get_ms(port):
    start = time.time()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
        c.request("GET", "/test/")
        r = c.getresponse()
        r.read()
        c.close()
        return f"{r.status} {int((time.time() - start) * 1000)}ms"
    except Exception as e:  # noqa: BLE001 - a sample, not a test
        return f"FAIL({type(e).__name__})"


def stats(pub_port):
    try:
        c = http.client.HTTPConnection("127.0.0.1", pub_port, timeout=3)
        c.request("GET", "/stats")
        body = json.loads(c.getresponse().read())
        c.close()
        return body
    except Exception:  # noqa: BLE001
        return {}


def reader(port, channel, count):
    """One SSE client that keeps reading and counts the messages it gets (a process of its own)."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(f"GET /test/sse?channel={channel} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    tail = b""
    while True:
        try:
            data = sock.recv(65536)
        except OSError:
            return
        if not data:
            return
        buf = tail + data
        n = buf.count(b"data: m")
        tail = buf[-8:]
        count.value += n - tail.count(b"data: m")


def publisher(pub, rate, size, seconds, ok, failed, slowest, batch):
    """Publishes 'rate' items a second of about 'size' bytes for 'seconds', 'batch' items per request."""
    c = http.client.HTTPConnection("127.0.0.1", pub, timeout=5)
    pad = "x" * max(0, size - 24)
    n = 0
    start = time.time()
    while time.time() - start < seconds:
        items = []
        for _ in range(batch):
            n += 1
            items.append({"channel": "flood", "formats": {"http-stream": {"content": f"data: m{n:08d} {pad}\n\n"}}})
        body = json.dumps({"items": items})
        sent = time.time()
        try:
            c.request("POST", "/publish/", body, {"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            slowest.value = max(slowest.value, time.time() - sent)
            if r.status == 200:
                ok.value += batch
            else:
                failed.value += batch
        except Exception:  # noqa: BLE001
            failed.value += batch
            c = http.client.HTTPConnection("127.0.0.1", pub, timeout=5)
        wait = start + n / rate - time.time()
        if wait > 0:
            time.sleep(wait)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("jar")
    ap.add_argument("--clients", type=int, default=1000)
    ap.add_argument("--rate", type=int, default=160)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--after", type=int, default=20)
    ap.add_argument("--xmx", default="512m")
    ap.add_argument("--batch", type=int, default=1, help="items per publish request (same items/s)")
    ap.add_argument("--java-opt", action="append", default=[])
    ap.add_argument("--config")
    a = ap.parse_args()

    port, pub = free_port(), free_port()
    cmd = ["java", f"-Xmx{a.xmx}", "-XX:NativeMemoryTracking=summary", *a.java_opt, "-jar", a.jar,
           f"--port=127.0.0.1:{port}", f"--publish-port=127.0.0.1:{pub}", "--route=*,path_beg=/test test"]
    config = a.config
    if not config:
        # ZeroMQ off: its default ports are fixed and may be taken by another instance.
        config = "/tmp/slow-subscribers.conf"
        with open(config, "w") as f:
            f.write("[holdfast]\nzmq = false\n")
    cmd.append(f"--config={config}")
    log = open("/tmp/slow-subscribers-server.log", "w")
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                socket.create_connection(("127.0.0.1", pub), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        pid = server.pid
        base_fds = fds(pid)
        print(f"server pid {pid}, fds at start {base_fds}", flush=True)
        got = multiprocessing.Value("l", 0)
        rp = multiprocessing.Process(target=reader, args=(port, "flood", got), daemon=True)
        rp.start()
        slow = []
        for _ in range(a.clients):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /test/sse?channel=flood HTTP/1.1\r\nHost: x\r\n\r\n")
            slow.append(s)  # never read
        time.sleep(2)
        print(f"{a.clients} non-reading SSE clients connected; fds {fds(pid)}", flush=True)

        ok, failed = multiprocessing.Value("l", 0), multiprocessing.Value("l", 0)
        slowest = multiprocessing.Value("d", 0.0)
        pt = multiprocessing.Process(target=publisher, args=(pub, a.rate, a.size, a.seconds, ok, failed, slowest, a.batch),
                                     daemon=True)
        t0 = time.time()
        pt.start()
        # Light samples every 2 s (no tool JVMs: on a loaded machine their start-up starves the server);
        # heap, GCs, native memory and thread states once at the end of the flood and once after.
        print("  t  phase  GET         fds   rss_MB  reader_got  published  stats", flush=True)
        heavy_done = set()
        while time.time() - t0 < a.seconds + a.after:
            time.sleep(2)
            t = time.time() - t0
            phase = "flood" if pt.is_alive() else "after"
            st = stats(pub)
            keep = {k: st.get(k) for k in ("slow_subscribers_dropped", "unsent_bytes", "direct_memory_netty",
                                            "direct_memory_nio") if k in st}
            print(f"{t:4.0f}  {phase:5}  {get_ms(port):11} {fds(pid)!s:>5} {rss_mb(pid)!s:>7}  {got.value:>10}  "
                  f"{ok.value:>9}  {keep}", flush=True)
            mark = "end of flood" if phase == "after" and "flood" not in heavy_done else (
                "after" if t >= a.seconds + a.after - 4 and "after" not in heavy_done else None)
            if mark:
                heavy_done.add("flood" if mark == "end of flood" else "after")
                heap, ygc, fgc = heap_and_gc(pid)
                print(f"      [{mark}] heap_used_MB={heap if heap is None else round(heap)} young_gcs={ygc} "
                      f"full_gcs={fgc} native_other_MB={native_other_mb(pid)} "
                      f"threads_in_Bits.reserveMemory={stuck_threads(pid)}", flush=True)
        for s in slow:
            s.close()
        time.sleep(3)
        print(f"after closing the non-reading clients: fds {fds(pid)} (start {base_fds}), GET {get_ms(port)}; "
              f"published ok={ok.value} failed={failed.value} (slowest answer {slowest.value:.2f} s), "
              f"reader got {got.value}", flush=True)
        server.terminate()
        try:
            server.wait(15)
            print("SIGTERM: exited", server.returncode)
        except subprocess.TimeoutExpired:
            print("SIGTERM: still running after 15 s; killing")
            server.kill()
    finally:
        if server.poll() is None:
            server.kill()
        lines = open("/tmp/slow-subscribers-server.log").read().splitlines()
        print(f"server log: {len(lines)} lines; 'closing after error': "
              f"{sum('closing after error' in l for l in lines)}; 'cut off': {sum('cut off' in l for l in lines)}")


if __name__ == "__main__":
    sys.exit(main())
