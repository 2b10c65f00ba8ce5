#!/usr/bin/env python3
"""Peer for the cell-overhead benchmark: what Python pays to run a trivial child and capture its output.

Prints one line per measurement: `NAME MEDIAN_MS MEAN_MS`.
"""
import statistics
import subprocess
import sys
import time


def measure(command, iterations):
    for _ in range(max(5, iterations // 20)):
        subprocess.run(command, capture_output=True, stdin=subprocess.DEVNULL, check=True)
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, stdin=subprocess.DEVNULL, check=True)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), statistics.fmean(samples)


def main():
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    python_cell = [sys.executable, "-S", "-c", "print('Hello from a child process!')\nfor i in range(3): print(i)"]
    for name, command in [("spawn-true", ["/bin/true"]), ("python-cell", python_cell)]:
        median, mean = measure(command, iterations)
        print(f"{name} {median:.4f} {mean:.4f}", flush=True)


if __name__ == "__main__":
    main()
