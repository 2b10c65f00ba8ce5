#!/usr/bin/env python3
"""Peer for the Multiprocessing benchmarks: the same work with Python's multiprocessing.

Prints one line per measurement: `NAME MEDIAN MEAN` (µs for round trips, ms for starts, items/s for the queue).
Usage: multiprocessing_peer.py [ITERATIONS]
"""
import multiprocessing as mp
import os
import pickle
import statistics
import subprocess
import sys
import time

MESSAGE = [42, None, "hello"]


def nothing():
    pass


def echo(connection, cpu, other_end=None):
    if other_end is not None:
        other_end.close()  # A forked child holds a copy of the parent's end: close it, or EOF never comes.
    if cpu >= 0:
        os.sched_setaffinity(0, {cpu})
    try:
        while True:
            connection.send(connection.recv())
    except EOFError:
        pass


def classic(connection, rounds):
    for _ in range(rounds):
        connection.send(connection.recv())


def produce(queue, count):
    for number in range(count):
        queue.put(number)


def measure(count, body, scale=1.0):
    for _ in range(max(3, count // 20)):
        body()
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        own = body()
        samples.append(own if own is not None else (time.perf_counter() - start) * scale)
    return statistics.median(samples), statistics.fmean(samples)


def round_trip(iterations, parent_cpu, child_cpu):
    context = mp.get_context("fork")
    if parent_cpu >= 0:
        os.sched_setaffinity(0, {parent_cpu})
    parent_end, child_end = context.Pipe()
    child = context.Process(target=echo, args=(child_end, child_cpu, parent_end))
    child.start()
    child_end.close()
    rounds = 2000

    def body():
        start = time.perf_counter()
        for _ in range(rounds):
            parent_end.send(MESSAGE)
            parent_end.recv()
        return (time.perf_counter() - start) / rounds * 1e6

    result = measure(max(10, iterations // 10), body)
    parent_end.close()
    child.join()
    os.sched_setaffinity(0, range(os.cpu_count()))
    return result


def classic_exercise(method, iterations):
    context = mp.get_context(method)

    def body():
        parent_end, child_end = context.Pipe()
        child = context.Process(target=classic, args=(child_end, 100))
        child.start()
        for _ in range(100):
            parent_end.send(MESSAGE)
            parent_end.recv()
        child.join()

    return measure(iterations, body, scale=1e3)


def queue_throughput(iterations):
    context = mp.get_context("fork")

    def body():
        count = 100_000
        queue = context.Queue()
        child = context.Process(target=produce, args=(queue, count))
        start = time.perf_counter()
        child.start()
        for _ in range(count):
            queue.get()
        elapsed = time.perf_counter() - start
        child.join()
        return count / elapsed

    return measure(iterations, body)


def start_and_join(method, iterations):
    context = mp.get_context(method)

    def body():
        child = context.Process(target=nothing)
        child.start()
        child.join()

    return measure(iterations, body, scale=1e3)


def main():
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    slow = max(10, iterations // 10)  # spawn costs ~55 ms a start
    def pickle_pairs():
        start = time.perf_counter()
        for _ in range(10_000):
            pickle.loads(pickle.dumps(MESSAGE))
        return (time.perf_counter() - start) / 10_000 * 1e6

    results = [
        ("pickle", measure(max(10, iterations // 10), pickle_pairs)),
        ("rt-same", round_trip(iterations, 0, 0)),
        ("rt-apart", round_trip(iterations, 0, 1)),
        ("rt-free", round_trip(iterations, -1, -1)),
        ("classic-spawn", classic_exercise("spawn", slow)),
        ("classic-fork", classic_exercise("fork", iterations // 2)),
        ("classic-forkserver", classic_exercise("forkserver", iterations // 2)),
        ("queue", queue_throughput(max(3, iterations // 60))),
        ("start-spawn", start_and_join("spawn", slow)),
        ("start-fork", start_and_join("fork", iterations)),
        ("start-forkserver", start_and_join("forkserver", iterations)),
        ("spawn-true", measure(iterations, lambda: subprocess.run(["/bin/true"]) and None, scale=1e3)),
    ]
    for name, (median, mean) in results:
        print(f"{name} {median:.4f} {mean:.4f}", flush=True)


if __name__ == "__main__":
    main()
