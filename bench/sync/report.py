#!/usr/bin/python3
"""report.py RESULTS.tsv: the Markdown table and the targets of bench/sync/run.sh.
RESULTS.tsv lines: scenario, tool, run, seconds, ok|FAIL, private ZooKeeper start seconds (or empty)."""
import statistics
import sys
from collections import OrderedDict

TOOL_NAMES = {
    "rsync": "rsync -a (1 stream)",
    "fpsync-n2": "fpsync -n 2",
    "fpsync-n8": "fpsync -n 8",
    "zk-2+2": "zkrsync local 2+2",
    "zk-8+8": "zkrsync local 8+8",
    "zk-2+2-servers": "zkrsync local 2+2 --servers",
    "zk-8+8-filesfrom": "zkrsync local 8+8 --files-from",
}

rows = OrderedDict()  # (scenario, tool) -> [(seconds, status, zkstart)]
for line in open(sys.argv[1]):
    scen, tool, _, secs, status, zk = line.rstrip("\n").split("\t")
    rows.setdefault((scen, tool), []).append((float(secs), status, float(zk) if zk else None))


def median(scen, tool):
    """Median seconds, or None when any run failed."""
    runs = rows.get((scen, tool))
    if not runs or any(s != "ok" for _, s, _ in runs):
        return None
    return statistics.median(t for t, _, _ in runs)


print("| scenario | tool | median s | ratio to rsync | runs (s) |")
print("| -------- | ---- | -------: | -------------: | -------- |")
for (scen, tool), runs in rows.items():
    m, base = median(scen, tool), median(scen, "rsync")
    shown = "FAIL" if m is None else f"{m:.2f}"
    ratio = "" if m is None or base is None else f"{m / base:.2f}x"
    each = ", ".join(f"{t:.2f}" + ("" if s == "ok" else " FAIL") for t, s, _ in runs)
    print(f"| {scen} | {TOOL_NAMES.get(tool, tool)} | {shown} | {ratio} | {each} |")

zk = [z for runs in rows.values() for _, _, z in runs if z is not None]
if zk:
    print(f"\nPrivate ZooKeeper start (part of every `zkrsync local` figure above without --servers): "
          f"median {statistics.median(zk):.2f} s, min {min(zk):.2f} s, max {max(zk):.2f} s over {len(zk)} runs.")

print("\n| target | measured | result |")
print("| ------ | -------- | ------ |")
overall = True


def target(text, scen, tool, check, describe):
    global overall
    m, base = median(scen, tool), median(scen, "rsync")
    if (scen, tool) not in rows:
        return
    if m is None or base is None:
        ok, measured = False, "a run failed"
    else:
        ok, measured = check(m, base), describe(m, base)
    overall &= ok
    print(f"| {text} | {measured} | {'PASS' if ok else 'FAIL'} |")


for kind in ("no change", "1% changed"):
    target(f"200 us metadata, incremental ({kind}), 8+8, depth 3: <= 0.25x rsync",
           f"medium, 200 us metadata: incremental, {kind}", "zk-8+8",
           lambda m, b: m <= 0.25 * b, lambda m, b: f"{m:.2f} s = {m / b:.2f}x rsync ({b:.2f} s)")
target("no latency, full copy, 2+2: <= 1.3x rsync", "medium: full copy", "zk-2+2",
       lambda m, b: m <= 1.3 * b, lambda m, b: f"{m:.2f} s = {m / b:.2f}x rsync ({b:.2f} s)")
for kind in ("full copy", "incremental, no change"):
    target(f"small tree ({kind}), ZooKeeper already running: <= rsync + 1.0 s",
           f"small, ZooKeeper already running: {kind}", "zk-2+2-servers",
           lambda m, b: m <= b + 1.0, lambda m, b: f"{m:.2f} s = rsync {b:.2f} s {m - b:+.2f} s")
print(f"\nAll targets: {'PASS' if overall else 'FAIL'}")
