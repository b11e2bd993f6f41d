#!/usr/bin/python3
"""sample.py SESSION RUNDIR_GLOB ZKPORT OUT: samples a running zkrsync local session until its workers are gone.

Every 0.5 s: the peak RSS (VmHWM) of every process whose command line carries `--session SESSION` (worker
processes of zkrsync local), their role (--source / --destination), the master's pid from the progress file
(its whoami is host:pid), and ZooKeeper's approximate data size (4lw mntr). Writes a JSON summary to OUT.
"""
import glob
import json
import os
import socket
import sys
import time


def workers(session):
    found = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if b"--session" in args and session.encode() in args:
            role = "source" if b"--source" in args else "destination" if b"--destination" in args else None
            if role and b"local" not in args[:2]:
                found[int(pid)] = role
    return found


def peak_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def mntr(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"mntr")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        return dict(line.split("\t", 1) for line in data.decode().splitlines() if "\t" in line)
    except OSError:
        return {}


def main():
    session, rundir_glob, port, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    peaks, roles, master, data_size, seen = {}, {}, None, 0, False
    idle_since = None
    while True:
        found = workers(session)
        for pid, role in found.items():
            roles[pid] = role
            kib = peak_kib(pid)
            if kib:
                peaks[pid] = max(peaks.get(pid, 0), kib)
        for path in glob.glob(os.path.join(rundir_glob, "progress.json")):
            try:
                with open(path) as f:
                    who = json.load(f).get("master", "")
                master = int(who.rsplit(":", 1)[1])
            except (OSError, ValueError, IndexError):
                pass
        stats = mntr(port)
        data_size = max(data_size, int(stats.get("zk_approximate_data_size", 0)))
        if found:
            seen, idle_since = True, None
        elif seen:
            idle_since = idle_since or time.time()
            if time.time() - idle_since > 2:
                break
        time.sleep(0.5)
    sources = [peaks[p] for p, r in roles.items() if r == "source" and p != master and p in peaks]
    json.dump({
        "master_pid": master,
        "master_peak_kib": peaks.get(master),
        "source_peak_kib": max(sources) if sources else None,
        "destination_peak_kib": max((peaks[p] for p, r in roles.items() if r == "destination" and p in peaks), default=None),
        "zk_max_approximate_data_size": data_size,
        "workers": len(roles),
    }, open(out, "w"))


if __name__ == "__main__":
    main()
