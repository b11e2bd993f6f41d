#!/usr/bin/python3
"""children.py DATADIR SESSION: the most children any znode of the session had at once, replayed from ZooKeeper's
transaction log (every create +1 and delete -1 under its parent; failed multis change nothing). Prints
"<count>\t<parent path>"."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sync"))
from zktxn import CREATE, CREATE2, CREATE_CONTAINER, DELETE, ERROR, transactions  # noqa: E402


def main():
    datadir, session = sys.argv[1], sys.argv[2]
    prefix = f"/admin/rsync/{session}/"
    counts, best, where = {}, 0, ""
    for _, _, kind, ops in transactions(datadir):
        if kind == ERROR or any(op == ERROR for op, _ in ops):
            continue
        for op, path in ops:
            if path is None or not path.startswith(prefix):
                continue
            parent = path.rsplit("/", 1)[0]
            if op in (CREATE, CREATE2, CREATE_CONTAINER):
                counts[parent] = counts.get(parent, 0) + 1
                if counts[parent] > best:
                    best, where = counts[parent], parent
            elif op == DELETE:
                counts[parent] = counts.get(parent, 0) - 1
    print(f"{best}\t{where}")


if __name__ == "__main__":
    main()
