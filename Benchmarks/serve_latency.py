#!/usr/bin/env python3
"""`lesson serve` from a page's side: the time from Run pressed (the POST sent) to the first byte of the cell's
output arriving on the page's event stream, and the server's memory with 50 open event streams while a cell floods.

Usage: Benchmarks/serve_latency.py LESSON DEMO_HOST [RUNS]
Starts LESSON serve --port 0 on a generated lesson (the fixtures' `tick` and `flood` demos need
DEMO_HOST = .build/debug/lesson-fixtures), prints a Markdown table, and stops the server with SIGINT.
"""
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

LESSON = """# Serve benchmark

```swift demo=echo-args args="hello"
```

```swift demo=flood args="8"
```
"""


def start(lesson, host, folder):
    server = subprocess.Popen([lesson, "serve", "--port", "0", "--demos", host, "--page-limit", "64", folder],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = server.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=([0-9a-f]+)", line)
    if not match:
        server.kill()
        sys.exit(f"lesson serve printed no address: {line!r}")
    return server, int(match.group(1)), match.group(2)


def open_stream(port, token, lesson_key):
    sock = socket.create_connection(("127.0.0.1", port))
    request = (f"GET /events?lesson={lesson_key} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
               f"Cookie: lessonrunner-token={token}\r\n\r\n")
    sock.sendall(request.encode())
    received = b""
    while b": connected" not in received:
        received += sock.recv(65536)
    return sock


def post(port, token, path, body):
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("POST", path, json.dumps(body), {
        "Cookie": f"lessonrunner-token={token}", "Origin": f"http://127.0.0.1:{port}",
        "Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def wait_for(sock, marker, timeout=30):
    received = b""
    deadline = time.monotonic() + timeout
    sock.settimeout(timeout)
    while marker not in received:
        if time.monotonic() > deadline:
            raise TimeoutError(marker)
        received += sock.recv(65536)
    return received


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    lesson, host = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "bench.md"), "w") as file:
            file.write(LESSON)
        server, port, token = start(lesson, host, folder)
        try:
            stream = open_stream(port, token, "bench.md")
            latencies = []
            for _ in range(runs + 3):
                started = time.monotonic()
                assert post(port, token, "/api/run", {"lesson": "bench.md", "cell": "echo-args"}) == 202
                wait_for(stream, b'"text":"[hello]')
                latencies.append((time.monotonic() - started) * 1000)
                wait_for(stream, b'event: finished')
            latencies = sorted(latencies[3:])
            idle = rss_kib(server.pid)
            streams = [open_stream(port, token, "bench.md") for _ in range(50)]
            assert post(port, token, "/api/run", {"lesson": "bench.md", "cell": "flood"}) == 202
            peak = idle
            finished = False
            deadline = time.monotonic() + 60
            stream.settimeout(0.05)
            received = b""
            while not finished and time.monotonic() < deadline:
                peak = max(peak, rss_kib(server.pid))
                for other in streams:  # read slowly: every stream falls behind and is bounded by the server
                    other.setblocking(False)
                    try:
                        other.recv(4096)
                    except BlockingIOError:
                        pass
                try:
                    received += stream.recv(1 << 20)
                except (socket.timeout, BlockingIOError):
                    pass
                finished = b"event: finished" in received[-200000:] and b"flood" in received
            after = rss_kib(server.pid)
            print("| Measurement | Value |")
            print("|---|---|")
            print(f"| Run pressed → first output byte on the page's event stream (median of {runs}) | "
                  f"{statistics.median(latencies):.1f} ms (p90 {latencies[int(len(latencies) * 0.9)]:.1f} ms) |")
            print(f"| server memory, idle with one page | {idle / 1024:.1f} MiB |")
            print(f"| server memory, peak with 51 pages open while a cell prints 8 MiB | {peak / 1024:.1f} MiB |")
            print(f"| server memory afterwards | {after / 1024:.1f} MiB |")
            for other in streams:
                other.close()
            stream.close()
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
