"""The kazoo side of bench/zk-client (embedded in zk-client-bench, run with /usr/bin/python3 -c).

usage: -c <hosts> <workload> <parent> <items> <warmup_parent> <warmup_items>

Both parents exist and are empty. Runs the workload once on <warmup_items> under <warmup_parent>
(not timed), then once on <items> under <parent>, leaving both empty, and prints one JSON object:
{"workload": ..., "items": ..., "seconds": {<line key>: <elapsed seconds>, ...}}.
Each workload must do exactly what the C# workload of the same name does.
"""
import json
import sys
import time

from kazoo.client import KazooClient

CREATE_PAYLOAD = b"created-16-bytes"
SET_PAYLOAD = b"updated-16-bytes"


def crud(zk, parent, items):
    """Sequential create, get, set, delete; and all gets in flight at once (get_async, then .get())."""
    paths = ["%s/node-%07d" % (parent, i) for i in range(items)]
    seconds = {}

    start = time.perf_counter()
    for path in paths:
        zk.create(path, CREATE_PAYLOAD)
    seconds["create"] = time.perf_counter() - start

    start = time.perf_counter()
    read = 0
    for path in paths:
        data, _ = zk.get(path)
        read += len(data)
    seconds["get"] = time.perf_counter() - start
    check(read == items * len(CREATE_PAYLOAD), "sequential get read the wrong data")

    start = time.perf_counter()
    for path in paths:
        zk.set(path, SET_PAYLOAD)
    seconds["set"] = time.perf_counter() - start

    start = time.perf_counter()
    in_flight = [zk.get_async(path) for path in paths]
    results = [result.get() for result in in_flight]
    seconds["pipelined_get"] = time.perf_counter() - start
    check(all(data == SET_PAYLOAD and stat.version == 1 for data, stat in results),
          "pipelined get read the wrong data")

    start = time.perf_counter()
    for path in paths:
        zk.delete(path)
    seconds["delete"] = time.perf_counter() - start
    return seconds


# Extension point: one function per C# IWorkload, under the same name. Issue 4 adds
# "locking_queue": put N items, then 8 consumer threads take and consume them all through
# kazoo.recipe.queue.LockingQueue (get(), then consume()), timed as one line.
WORKLOADS = {
    "crud": crud,
}


def check(condition, what):
    if not condition:
        raise RuntimeError("benchmark self-check failed: " + what)


def main():
    hosts, workload, parent, items, warmup_parent, warmup_items = sys.argv[1:7]
    run = WORKLOADS[workload]
    zk = KazooClient(hosts=hosts, timeout=30.0)
    zk.start(timeout=30)
    try:
        run(zk, warmup_parent, int(warmup_items))
        seconds = run(zk, parent, int(items))
    finally:
        zk.stop()
        zk.close()
    print(json.dumps({"workload": workload, "items": int(items), "seconds": seconds}))


if __name__ == "__main__":
    main()
