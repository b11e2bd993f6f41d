"""The kazoo side of bench/zk-client (embedded in zk-client-bench, run with /usr/bin/python3 -c).

usage: -c <hosts> <workload> <parent> <items> <warmup_parent> <warmup_items>

Both parents exist and are empty. Runs the workload once on <warmup_items> under <warmup_parent>
(not timed), then once on <items> under <parent>, leaving both empty, and prints one JSON object:
{"workload": ..., "items": ..., "seconds": {<line key>: <elapsed seconds>, ...},
 "cpu_seconds": {<line key>: <CPU seconds of this process, every thread, user + system>, ...}}.
Each workload must do exactly what the C# workload of the same name does.
"""
import json
import sys
import threading
import time

from kazoo.client import KazooClient
from kazoo.recipe.queue import LockingQueue

CREATE_PAYLOAD = b"created-16-bytes"
SET_PAYLOAD = b"updated-16-bytes"


def crud(zk, parent, items):
    """Sequential create, get, set, delete; and all gets in flight at once (get_async, then .get())."""
    paths = ["%s/node-%07d" % (parent, i) for i in range(items)]
    timings = {}

    clock = LineClock()
    for path in paths:
        zk.create(path, CREATE_PAYLOAD)
    timings["create"] = clock.stop()

    clock = LineClock()
    read = 0
    for path in paths:
        data, _ = zk.get(path)
        read += len(data)
    timings["get"] = clock.stop()
    check(read == items * len(CREATE_PAYLOAD), "sequential get read the wrong data")

    clock = LineClock()
    for path in paths:
        zk.set(path, SET_PAYLOAD)
    timings["set"] = clock.stop()

    clock = LineClock()
    in_flight = [zk.get_async(path) for path in paths]
    results = [result.get() for result in in_flight]
    timings["pipelined_get"] = clock.stop()
    check(all(data == SET_PAYLOAD and stat.version == 1 for data, stat in results),
          "pipelined get read the wrong data")

    clock = LineClock()
    for path in paths:
        zk.delete(path)
    timings["delete"] = clock.stop()
    return timings


LOCKING_QUEUE_CONSUMERS = 8
PUT_BATCH = 1000


def locking_queue(zk, parent, items):
    """Put N items (put_all, 1,000 per transaction; not timed), then 8 consumer threads, each with a
    LockingQueue on a KazooClient of its own, get() and consume() until all N are consumed; timed from
    the consumers' start to the last consume, as LockingQueueWorkload does."""
    path = parent + "/queue"
    values = [b"item-%07d" % i for i in range(items)]
    producer = LockingQueue(zk, path)
    for start in range(0, items, PUT_BATCH):
        producer.put_all(values[start:start + PUT_BATCH])

    sessions = [connect() for _ in range(LOCKING_QUEUE_CONSUMERS)]
    lock = threading.Lock()
    state = {"remaining": items, "timing": None}
    consumed = []
    errors = []

    def consume(session):
        queue = LockingQueue(session, path)
        try:
            while True:
                with lock:
                    if state["remaining"] <= 0:
                        return
                # A short timeout only so that a consumer notices when the others finished the queue.
                value = queue.get(timeout=0.1)
                if value is None:
                    continue
                if not queue.consume():
                    raise RuntimeError("a taken item could not be consumed")
                with lock:
                    consumed.append(value)
                    state["remaining"] -= 1
                    if state["remaining"] == 0:
                        state["timing"] = clock.stop()
        except Exception as error:  # reported after the join
            errors.append(error)

    threads = [threading.Thread(target=consume, args=(session,)) for session in sessions]
    clock = LineClock()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for session in sessions:
        session.stop()
        session.close()
    check(not errors, "a consumer failed: %r" % errors[:1])
    check(len(consumed) == items and len(set(consumed)) == items, "not every item was consumed exactly once")
    check(len(producer) == 0, "the queue is not empty")
    zk.delete(path, recursive=True)
    return {"locking_queue": state["timing"]}


# Extension point: one function per C# IWorkload, under the same name.
WORKLOADS = {
    "crud": crud,
    "locking_queue": locking_queue,
}


HOSTS = []


def connect():
    """A started KazooClient on the server main() was given."""
    zk = KazooClient(hosts=HOSTS[0], timeout=30.0)
    zk.start(timeout=30)
    return zk


class LineClock:
    """Wall-clock and CPU time of one line (stop() returns both as a (seconds, cpu_seconds) pair)."""

    def __init__(self):
        self.start = time.perf_counter()
        self.cpu_start = time.process_time()

    def stop(self):
        return time.perf_counter() - self.start, time.process_time() - self.cpu_start


def check(condition, what):
    if not condition:
        raise RuntimeError("benchmark self-check failed: " + what)


def main():
    hosts, workload, parent, items, warmup_parent, warmup_items = sys.argv[1:7]
    run = WORKLOADS[workload]
    HOSTS.append(hosts)
    zk = connect()
    try:
        run(zk, warmup_parent, int(warmup_items))
        timings = run(zk, parent, int(items))
    finally:
        zk.stop()
        zk.close()
    print(json.dumps({
        "workload": workload,
        "items": int(items),
        "seconds": {key: wall for key, (wall, _) in timings.items()},
        "cpu_seconds": {key: cpu for key, (_, cpu) in timings.items()},
    }))


if __name__ == "__main__":
    main()
