#!/usr/bin/python3
"""zkrate.py HOST:PORT: the server's own rate for this benchmark's two kinds of request, measured with kazoo: write
transactions per second (creates and deletes of small nodes, 64 in flight) and reads per second (getData, 256 in
flight). Prints "<writes/s>\t<reads/s>"."""
import sys
import time

from kazoo.client import KazooClient


def rate(zk, make, count, window):
    started = time.monotonic()
    pending = []
    for i in range(count):
        pending.append(make(i))
        if len(pending) >= window:
            pending.pop(0).get()
    for p in pending:
        p.get()
    return count / (time.monotonic() - started)


def main():
    zk = KazooClient(hosts=sys.argv[1], timeout=30)
    zk.start(timeout=30)
    root = "/zkrate-%d" % time.time_ns()
    zk.create(root)
    n = 4000
    creates = rate(zk, lambda i: zk.create_async(f"{root}/n{i}", b"x" * 64), n, 64)
    reads = rate(zk, lambda i: zk.get_async(f"{root}/n{i % n}"), 4 * n, 256)
    deletes = rate(zk, lambda i: zk.delete_async(f"{root}/n{i}"), n, 64)
    zk.delete(root)
    zk.stop()
    print(f"{2 / (1 / creates + 1 / deletes):.0f}\t{reads:.0f}")


if __name__ == "__main__":
    main()
