#!/usr/bin/python3
"""zktxn.py DATADIR SESSION T0_MS T1_MS: where one zkrsync session's time went, from ZooKeeper's own transaction log.

Reads every log.* file under DATADIR/version-2 (ZooKeeper 3.x format: a file header, then per transaction a
checksum, a length, TxnHeader{clientId, cxid, zxid, time, type} and the transaction, whose first field is the path
for every kind this reads). Only transactions between T0_MS and T1_MS (epoch ms: the bench's start and end of the
run) count. Each time the server wrote is the moment the worker's request was applied, so the phases below are the
workers' own, as the server saw them. Prints one tab-separated line:
  workers_connected  destinations_registered  first_taken  first_completed  last_completed  stop  closed  batches
    batch_hold_median_ms  batch_paths_median
(seconds after T0; empty when the run had none of it), batches held = from a batch's claim to its consume.
"""
import glob
import os
import statistics
import struct
import sys

CREATE, DELETE, SETDATA, CHECK, MULTI, CREATE2, CREATE_CONTAINER, CREATE_TTL = 1, 2, 5, 13, 14, 15, 19, 21
CREATE_SESSION, CLOSE_SESSION, ERROR = -10, -11, -1
WITH_PATH = {CREATE, DELETE, SETDATA, CHECK, CREATE2, CREATE_CONTAINER, CREATE_TTL}


def read_path(buf, at):
    (n,) = struct.unpack_from(">i", buf, at)
    return buf[at + 4:at + 4 + max(n, 0)].decode("utf-8", "surrogateescape")


def operations(kind, body):
    """(type, path) of each operation of one transaction (a multi's in order)."""
    if kind in WITH_PATH:
        return [(kind, read_path(body, 0))]
    if kind != MULTI:
        return [(kind, None)]
    (count,) = struct.unpack_from(">i", body, 0)
    at, out = 4, []
    for _ in range(count):
        inner, length = struct.unpack_from(">ii", body, at)
        at += 8
        out.append((inner, read_path(body, at) if inner in WITH_PATH else None))
        at += max(length, 0)
    return out


def transactions(datadir):
    for name in sorted(glob.glob(os.path.join(datadir, "version-2", "log.*")), key=lambda p: int(p.rsplit(".", 1)[1], 16)):
        with open(name, "rb") as f:
            buf = f.read()
        at = 16  # magic, version, dbid
        while at + 12 <= len(buf):
            _, length = struct.unpack_from(">qi", buf, at)
            if length <= 0 or at + 12 + length > len(buf):
                break  # the preallocated tail, or a record still being written
            rec = buf[at + 12:at + 12 + length]
            at += 12 + length + 1  # and the end-of-record byte
            client, _, _, time_ms, kind = struct.unpack_from(">qiqqi", rec, 0)
            try:
                ops = operations(kind, rec[32:])
            except struct.error:
                ops = [(kind, None)]
            yield time_ms, client, kind, ops


def main():
    datadir, session, t0, t1 = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    s = f"/admin/rsync/{session}"
    connected, registered, taken, completed, stops, closed = [], [], [], [], [], []
    claims, consumes = {}, []  # client -> [(time, names)] ; (client, time, names)
    for time_ms, client, kind, ops in transactions(datadir):
        if not t0 <= time_ms <= t1:
            continue
        if kind == CREATE_SESSION:
            connected.append(time_ms)
        if kind == CLOSE_SESSION:
            closed.append(time_ms)
        created_taken, deleted_taken = [], []
        for op, path in ops:
            if path is None:
                continue
            if op in (CREATE, CREATE2) and path.startswith(f"{s}/destQueue/entries/"):
                registered.append(time_ms)
            if op in (CREATE, CREATE2) and path.startswith(f"{s}/pathQueue/taken/"):
                created_taken.append(path)
            if op == DELETE and path.startswith(f"{s}/pathQueue/taken/"):
                deleted_taken.append(path)
            if op in (CREATE, CREATE2) and path.startswith(f"{s}/completedQueue/entries/"):
                completed.append(time_ms)
            if op == SETDATA and path == f"{s}/watch/ready":
                stops.append(time_ms)
        if created_taken and kind != ERROR and not any(op == ERROR for op, _ in ops):
            taken.append(time_ms)
            claims.setdefault(client, []).append((time_ms, set(created_taken)))
        if deleted_taken:
            consumes.append((client, time_ms, set(deleted_taken)))

    holds, sizes = [], []
    for client, time_ms, names in consumes:
        for claimed_at, claimed in claims.get(client, []):
            if claimed & names:
                holds.append(time_ms - claimed_at)
                sizes.append(len(names))
                break

    def rel(values, pick):
        return f"{(pick(values) - t0) / 1000:.3f}" if values else ""

    print("\t".join([
        rel(connected, max), rel(registered, max), rel(taken, min), rel(completed, min), rel(completed, max),
        rel(stops, max), rel(closed, max), str(len(holds)),
        f"{statistics.median(holds):.0f}" if holds else "", f"{statistics.median(sizes):.0f}" if sizes else "",
    ]))


if __name__ == "__main__":
    main()
