"""A kazoo 2.8 recipe actor for interop tests, driven line by line over stdin/stdout.

argv: hosts (with chroot) user password. Connects like vsc-zk's zkrsync does: digest auth right
after connecting and a digest ACL for that user on every node it creates. Each stdin line is one
JSON command {"op": ..., "path": ..., ...}; each answer is one JSON line {"ok": true, "result": ...}
or {"ok": false, "error": ...}. Byte values travel as base64. Recipe objects are kept per path, so
one actor is one lock contender / queue consumer / party member / counter user per path.
"""
import base64
import json
import sys

from kazoo.client import KazooClient
from kazoo.exceptions import LockTimeout
from kazoo.security import make_digest_acl

hosts, user, password = sys.argv[1:4]
zk = KazooClient(
    hosts=hosts,
    timeout=10.0,
    default_acl=[make_digest_acl(user, password, all=True)],
    auth_data=[("digest", "%s:%s" % (user, password))],
)
zk.start(timeout=30)

locks, queues, parties, counters = {}, {}, {}, {}
batches = {}  # path -> the LockingQueue objects (one per entry) of the batch taken last


def answer(**fields):
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def queue(path):
    return queues.setdefault(path, zk.LockingQueue(path))


def run(cmd):
    op, path = cmd["op"], cmd.get("path")
    if op == "lock.acquire":
        lock = locks.setdefault(path, zk.Lock(path, cmd.get("id")))
        try:
            return lock.acquire(blocking=cmd["blocking"], timeout=cmd.get("timeout"))
        except LockTimeout:
            return False
    if op == "lock.release":
        return locks[path].release()
    if op == "lock.contenders":
        return locks.setdefault(path, zk.Lock(path, cmd.get("id"))).contenders()
    if op == "queue.put":
        return queue(path).put(base64.b64decode(cmd["value"]), cmd["priority"])
    if op == "queue.putall":
        return queue(path).put_all([base64.b64decode(v) for v in cmd["values"]], cmd["priority"])
    if op == "queue.get":
        value = queue(path).get(cmd.get("timeout"))
        return None if value is None else base64.b64encode(value).decode()
    if op == "queue.consume":
        return queue(path).consume()
    if op == "queue.release":
        return queue(path).release()
    if op == "queue.takebatch":
        taken = []
        for _ in range(cmd["count"]):
            one = zk.LockingQueue(path)
            value = one.get(0)
            if value is None:
                break
            taken.append((one, value))
        batches[path] = taken
        return [base64.b64encode(value).decode() for _, value in taken]
    if op == "queue.consumebatch":
        consumed = 0
        for one, value in batches.pop(path, []):
            if one.consume():
                queue(cmd["done"]).put(value)
                consumed += 1
        return consumed
    if op == "queue.count":
        return len(queue(path))
    if op == "party.join":
        return parties.setdefault(path, zk.Party(path, cmd.get("id"))).join()
    if op == "party.leave":
        return parties[path].leave()
    if op == "party.members":
        return list(parties.setdefault(path, zk.Party(path, cmd.get("id"))))
    if op == "counter.add":
        counter = counters.setdefault(path, zk.Counter(path))
        counter += cmd["delta"]
        return counter.post_value
    if op == "counter.value":
        return counters.setdefault(path, zk.Counter(path)).value
    raise ValueError("unknown op " + op)


answer(ok=True, result="ready")
for line in sys.stdin:
    command = json.loads(line)
    if command["op"] == "close":
        break
    try:
        answer(ok=True, result=run(command))
    except Exception as exc:  # report every failure to the test, which fails with it
        answer(ok=False, error="%s: %s" % (type(exc).__name__, exc))
zk.stop()
zk.close()
answer(ok=True, result="closed")
