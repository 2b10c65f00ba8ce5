#!/usr/bin/env python3
"""Peer for the Manager benchmarks: the same work with Python's multiprocessing.Manager().

Prints one line per measurement: `NAME MEDIAN MEAN` (µs per call; ms for a manager's start and shutdown).
Usage: manager_peer.py [ITERATIONS]
"""
import multiprocessing as mp
import os
import statistics
import sys
import time


def measure(count, body, scale=1.0):
    for _ in range(max(3, count // 20)):
        body()
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        own = body()
        samples.append(own if own is not None else (time.perf_counter() - start) * scale)
    return statistics.median(samples), statistics.fmean(samples)


def dict_calls(iterations, pinned):
    if pinned:
        os.sched_setaffinity(0, {0})
    try:
        with mp.Manager() as manager:
            d = manager.dict()
            rounds = 2000

            def sets():
                start = time.perf_counter()
                for key in range(rounds):
                    d[key & 63] = "value"
                return (time.perf_counter() - start) / rounds * 1e6

            def gets():
                start = time.perf_counter()
                for key in range(rounds):
                    assert d[key & 63] == "value"
                return (time.perf_counter() - start) / rounds * 1e6

            count = max(10, iterations // 10)
            return measure(count, sets), measure(count, gets)
    finally:
        if pinned:
            os.sched_setaffinity(0, set(range(os.cpu_count())))


def lifetime():
    with mp.Manager():
        pass


def main():
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    free_set, free_get = dict_calls(iterations, False)
    same_set, same_get = dict_calls(iterations, True)
    results = [
        ("set-free", free_set),
        ("get-free", free_get),
        ("set-same", same_set),
        ("get-same", same_get),
        ("lifetime", measure(max(10, iterations // 10), lifetime, scale=1e3)),
    ]
    for name, (median, mean) in results:
        print(f"{name} {median:.4f} {mean:.4f}", flush=True)


if __name__ == "__main__":
    main()
