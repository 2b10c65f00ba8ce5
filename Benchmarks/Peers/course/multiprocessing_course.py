#!/usr/bin/env python3
"""The multiprocessing course as one plain Python script: the Python peer of the Swift lesson, in 12 sections.

This file is the single source of both Python peers. Each section starts with a `# %% N. Title` line, and the
comment lines right after it are the section's text; make_notebook.py turns every section into a notebook
markdown cell (title and text) and a code cell (the rest, dedented), giving multiprocessing-course.ipynb.

Everything runs under `if __name__ == '__main__':`, as a notebook's cells run in `__main__`. On Linux the default
start method is fork, so children can run functions defined here; the start-method section also uses spawn and
forkserver, whose children import their target, so that target lives in course_helpers.py.

Section 10 uses joblib: run with the benchmark venv's python (scripts/benchmark-course creates it):
    .build-bench-venv/bin/python Benchmarks/Peers/course/multiprocessing_course.py
"""

if __name__ == '__main__':
    # %% 1. Pool
    # A `Pool` of worker processes maps a function over an iterable and returns the results in order.
    from multiprocessing import Pool

    def f(x):
        return x * x + 1

    with Pool(4) as p:
        print(p.map(f, range(8)))

    # %% 2. Process
    # A `Process` runs a function in a child process: `start()` launches it, `join()` waits until it has finished.
    from multiprocessing import Process

    def f(name):
        print('hello', name)

    p = Process(target=f, args=('bob',))
    p.start()
    p.join()

    # %% 3. Start methods
    # A child starts in one of three ways: `spawn` runs a fresh interpreter, `fork` copies the parent, and
    # `forkserver` forks from a small server process started once. spawn and forkserver children import their
    # target, so it lives in a module (`course_helpers`) rather than in `__main__`.
    import time
    from multiprocessing import get_context

    from course_helpers import nothing

    for method in ['fork', 'spawn', 'forkserver']:
        ctx = get_context(method)
        start = time.perf_counter()
        for _ in range(5):
            p = ctx.Process(target=nothing)
            p.start()
            p.join()
        print(f'{method}: {(time.perf_counter() - start) / 5 * 1000:.1f} ms per process')

    # %% 4. Queue
    # A `Queue` carries picklable objects between processes.
    from multiprocessing import Process, Queue

    def f(q):
        q.put([42, None, 'hello'])

    q = Queue()
    p = Process(target=f, args=(q,))
    p.start()
    print(q.get())
    p.join()

    # %% 5. Pipe
    # `Pipe()` returns the two ends of a connection; each end can `send()` and `recv()` picklable objects.
    from multiprocessing import Pipe, Process

    def f(conn):
        conn.send([42, None, 'hello'])
        conn.close()

    parent_conn, child_conn = Pipe()
    p = Process(target=f, args=(child_conn,))
    p.start()
    print(parent_conn.recv())
    p.join()

    # %% 6. Lock
    # A `Lock` lets one process at a time print, so lines never mix. Each line is written in three pieces with a
    # short pause after each, as a long line would be; without the lock, the pieces of different processes mix.
    import time
    from multiprocessing import Lock, Process

    def print_piecewise(*pieces):
        for piece in pieces:
            print(piece, end='', flush=True)
            time.sleep(0.001)

    def f(lock, i):
        with lock:
            print_piecewise('hello', ' world', f' {i}\n')

    def g(i):
        print_piecewise('hello', ' world', f' {i}\n')

    lock = Lock()
    processes = [Process(target=f, args=(lock, i)) for i in range(10)]
    for p in processes:
        p.start()
    for p in processes:
        p.join()

    processes = [Process(target=g, args=(i,)) for i in range(10)]
    for p in processes:
        p.start()
    for p in processes:
        p.join()

    # %% 7. Shared memory
    # `Value` and `Array` live in shared memory: what the child writes, the parent reads.
    from multiprocessing import Array, Process, Value

    def f(n, a):
        n.value = 3.1415927
        for i in range(len(a)):
            a[i] = -a[i]

    num = Value('d', 0.0)
    arr = Array('i', range(10))
    p = Process(target=f, args=(num, arr))
    p.start()
    p.join()
    print(num.value)
    print(arr[:])

    # %% 8. Manager
    # A `Manager` runs a server process that holds Python objects; other processes change them through proxies.
    from multiprocessing import Manager, Process

    def f(d, l):
        d[1] = '1'
        d['2'] = 2
        d[0.25] = None
        l.reverse()

    with Manager() as manager:
        d = manager.dict()
        l = manager.list(range(10))
        p = Process(target=f, args=(d, l))
        p.start()
        p.join()
        print(d)
        print(l)

    # %% 9. Monte Carlo π
    # Throw random points at the unit square: the share that lands inside the quarter circle approaches π/4.
    # Every CPU counts its part of the samples with its own seeded generator.
    import os
    import random
    import time
    from multiprocessing import Pool

    def count_inside(seed, samples):
        rand = random.Random(seed).random
        inside = 0
        for _ in range(samples):
            x = rand()
            y = rand()
            if x * x + y * y <= 1.0:
                inside += 1
        return inside

    samples = 10_000_000
    processes = os.cpu_count()
    shares = [samples // processes + (1 if i < samples % processes else 0) for i in range(processes)]
    start = time.perf_counter()
    with Pool(processes) as pool:
        inside = sum(pool.starmap(count_inside, enumerate(shares)))
    print('processes:', processes)
    print('estimate:', 4 * inside / samples)
    print(f'took {(time.perf_counter() - start) * 1000:.1f} ms')

    # %% 10. Parallel and delayed
    # joblib's `Parallel` and `delayed` are the usual way to run the iterations of a loop in parallel.
    from joblib import Parallel, delayed

    def square(x):
        return x * x

    print(Parallel(n_jobs=2)(delayed(square)(i) for i in range(10)))

    # %% 11. Naming processes
    # Every process has a name: `Process-N` unless given one. `current_process()` is the process running the code.
    from multiprocessing import Process, current_process

    def doubler(number):
        result = number * 2
        print(f'{number} doubled to {result} by: {current_process().name}', flush=True)

    numbers = [5, 10, 15, 20, 25]
    procs = [Process(target=doubler, args=(number,)) for number in numbers]
    procs.append(Process(target=doubler, name='Test', args=(2,)))
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()

    # %% 12. Exercise: ping-pong
    # Two processes pass a message back and forth over a `Pipe`: how long does one round trip take?
    import time
    from multiprocessing import Pipe, Process

    def ping(conn, rounds):
        start = time.perf_counter()
        ball = 0
        for _ in range(rounds):
            conn.send(ball + 1)
            ball = conn.recv()
        elapsed = time.perf_counter() - start
        print(f'the ball was hit {ball} times in {rounds} round trips')
        print(f'{elapsed / rounds * 1e6:.1f} µs per round trip', flush=True)

    def pong(conn, rounds):
        for _ in range(rounds):
            conn.send(conn.recv() + 1)

    rounds = 100
    left, right = Pipe()
    players = [Process(target=ping, args=(left, rounds)), Process(target=pong, args=(right, rounds))]
    for player in players:
        player.start()
    for player in players:
        player.join()
