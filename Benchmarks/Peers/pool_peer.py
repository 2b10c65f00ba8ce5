#!/usr/bin/env python3
"""Peer for the Pool benchmarks: the same work with Python's multiprocessing.Pool and joblib.

Prints one line per measurement: `NAME MEDIAN MEAN` in milliseconds. joblib rows are left out when it is not
installed. Usage: pool_peer.py [ITERATIONS]
"""
import multiprocessing as mp
import random
import statistics
import sys
import time


def f(x):
    return x * x + 1


def pi_count(samples):
    inside = 0
    rand = random.random
    for _ in range(samples):
        x = rand()
        y = rand()
        if x * x + y * y <= 1.0:
            inside += 1
    return inside


def measure(count, body, warm_up=3):
    for _ in range(warm_up):
        body()
    times = []
    for _ in range(max(1, count)):
        start = time.perf_counter()
        body()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), statistics.fmean(times)


def main():
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    results = []
    inputs = list(range(100_000))
    with mp.Pool(2) as pool:
        results.append(("map-100k", measure(iterations, lambda: pool.map(f, inputs))))
        results.append(("map-8", measure(iterations * 10, lambda: pool.map(f, range(8)))))
        results.append(("pi", measure(max(3, iterations // 30), lambda: pool.map(pi_count, [5_000_000] * 2), 1)))

    def with_pool():
        with mp.Pool(4) as p:
            p.map(f, range(8))

    results.append(("with-pool4", measure(max(10, iterations // 2), with_pool)))
    try:
        from joblib import Parallel, delayed
        from joblib.externals.loky import get_reusable_executor
    except ImportError:
        Parallel = None
    if Parallel is not None:
        def first():
            get_reusable_executor().shutdown(wait=True)
            Parallel(n_jobs=2)(delayed(f)(x) for x in range(10))

        results.append(("joblib-first", measure(max(5, iterations // 10), first, 1)))
        Parallel(n_jobs=2)(delayed(f)(x) for x in range(10))
        def warm():
            Parallel(n_jobs=2)(delayed(f)(x) for x in range(10))

        results.append(("joblib-warm", measure(iterations, warm)))
    for name, (median, mean) in results:
        print(f"{name} {median:.4f} {mean:.4f}", flush=True)


if __name__ == "__main__":
    main()
