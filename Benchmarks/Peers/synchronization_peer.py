#!/usr/bin/env python3
"""Peer for the synchronization and shared-memory benchmarks: the same work with Python's multiprocessing.

Prints one line per measurement: `NAME MEDIAN MEAN` (M pairs/s for the uncontended lock, ms for the child that
negates an Array, M additions/s for the contended counter).
Usage: synchronization_peer.py [ITERATIONS]
"""
import multiprocessing as mp
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


def lock_pairs(iterations):
    lock = mp.get_context("fork").Lock()
    acquire, release = lock.acquire, lock.release
    pairs = 1_000_000

    def body():
        start = time.perf_counter()
        for _ in range(pairs):
            acquire()
            release()
        return pairs / (time.perf_counter() - start) / 1e6

    return measure(max(5, iterations // 30), body)


def negate(numbers, total):
    with numbers.get_lock():
        for index in range(len(numbers)):
            numbers[index] = -numbers[index]
    total.value = 3.25


def negate_child(method, iterations):
    context = mp.get_context(method)

    def body():
        numbers = context.Array("i", range(10))
        total = context.Value("d", 0.0)
        child = context.Process(target=negate, args=(numbers, total))
        child.start()
        child.join()
        assert numbers[:] == [-n for n in range(10)] and total.value == 3.25

    return measure(iterations, body, scale=1e3)


def add(counter, count, start):
    start.wait()
    for _ in range(count):
        with counter.get_lock():
            counter.value += 1


def contended(count):
    """Two processes each add 1 `count` times under the lock: M additions/s, and whether the total is exact."""
    context = mp.get_context("fork")
    counter = context.Value("q", 0)
    start = context.Event()
    children = [context.Process(target=add, args=(counter, count, start)) for _ in range(2)]
    for child in children:
        child.start()
    began = time.perf_counter()
    start.set()
    for child in children:
        child.join()
    elapsed = time.perf_counter() - began
    assert counter.value == 2 * count, counter.value
    rate = 2 * count / elapsed / 1e6
    return rate, rate


def main():
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    slow = max(10, iterations // 10)  # spawn costs ~55 ms a start
    results = [
        ("lock-pairs", lock_pairs(iterations)),
        ("negate-spawn", negate_child("spawn", slow)),
        ("negate-fork", negate_child("fork", iterations)),
        ("negate-forkserver", negate_child("forkserver", iterations)),
        ("contended", contended(1_000_000)),
    ]
    for name, (median, mean) in results:
        print(f"{name} {median:.4f} {mean:.4f}", flush=True)


if __name__ == "__main__":
    main()
