#!/usr/bin/python3
"""report.py RESULTS.tsv: the Markdown tables and the targets of bench/sync/run.sh.
RESULTS.tsv lines: scenario, tool, run, seconds, ok|FAIL, private ZooKeeper start seconds (or empty), then for
zkrsync runs: paths, write transactions, requests (both counted by the server), and the phases zktxn.py prints."""
import re
import statistics
import sys
from collections import OrderedDict

TOOL_NAMES = {
    "rsync": "rsync -a (1 stream)",
    "fpsync-n2": "fpsync -n 2",
    "fpsync-n8": "fpsync -n 8",
}
PHASES = ["workers connected", "destinations registered", "first batch taken", "first path done", "last path done",
          "stop sent", "last worker gone"]


def tool_name(tool):
    if tool in TOOL_NAMES:
        return TOOL_NAMES[tool]
    m = re.fullmatch(r"zk-(\d+\+\d+)(-.*)?", tool)
    if not m:
        return tool
    extra = {None: " (fsync)", "-nofsync": " (no fsync)", "-filesfrom": " --files-from (fsync)",
             "-before": " (fsync, before: SYNCBENCH_BEFORE)"}.get(m.group(2), m.group(2))
    return f"zkrsync local {m.group(1)}{extra}"


rows = OrderedDict()  # (scenario, tool) -> [dict]
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    f += [""] * (19 - len(f))
    run = {"secs": float(f[3]), "status": f[4], "paths": int(f[6]) if f[6] else None,
           "writes": int(f[7]) if f[7] else None, "requests": int(f[8]) if f[8] else None,
           "phases": [float(x) if x else None for x in f[9:16]], "batches": f[16], "hold_ms": f[17], "batch_paths": f[18]}
    rows.setdefault((f[0], f[1]), []).append(run)


def median(scen, tool, key="secs"):
    """Median of a figure, or None when any run failed or lacks it."""
    runs = rows.get((scen, tool))
    if not runs or any(r["status"] != "ok" for r in runs):
        return None
    values = [r[key] for r in runs]
    return None if any(v is None for v in values) else statistics.median(values)


def per_path(scen, tool, key):
    runs = rows.get((scen, tool)) or []
    values = [r[key] / r["paths"] for r in runs if r[key] is not None and r["paths"]]
    return statistics.median(values) if values else None


print("| scenario | tool | median s | ratio to rsync | writes/path | requests/path | runs (s) |")
print("| -------- | ---- | -------: | -------------: | ----------: | ------------: | -------- |")
for (scen, tool), runs in rows.items():
    m, base = median(scen, tool), median(scen, "rsync")
    shown = "FAIL" if m is None else f"{m:.2f}"
    ratio = "" if m is None or base is None else f"{m / base:.2f}x"
    w, r = per_path(scen, tool, "writes"), per_path(scen, tool, "requests")
    paths = runs[0]["paths"]
    wp = "" if w is None else f"{w:.2f} ({paths} paths)"
    rp = "" if r is None else f"{r:.2f}"
    each = ", ".join(f"{x['secs']:.2f}" + ("" if x["status"] == "ok" else " FAIL") for x in runs)
    print(f"| {scen} | {tool_name(tool)} | {shown} | {ratio} | {wp} | {rp} | {each} |")

print("\nWhere a zkrsync session's time goes (from the server's transaction log; seconds after the command started,"
      " median of the runs; batch hold = from a source's claim of a batch to its consume, i.e. its rsync run(s)):\n")
print("| scenario | tool | wall s | " + " | ".join(PHASES) + " | batches | median batch hold ms | median paths/batch |")
print("| --- | --- | ---: | " + " | ".join("---:" for _ in PHASES) + " | ---: | ---: | ---: |")
for (scen, tool), runs in rows.items():
    if not tool.startswith("zk-"):
        continue
    cells = []
    for i in range(len(PHASES)):
        values = [r["phases"][i] for r in runs if r["phases"][i] is not None]
        cells.append(f"{statistics.median(values):.2f}" if values else "")

    def med(key):
        values = [float(r[key]) for r in runs if r[key]]
        return f"{statistics.median(values):.0f}" if values else ""

    print(f"| {scen} | {tool_name(tool)} | {statistics.median(r['secs'] for r in runs):.2f} | " + " | ".join(cells) +
          f" | {med('batches')} | {med('hold_ms')} | {med('batch_paths')} |")

print("\n| target (fsync'd ZooKeeper) | measured | result |")
print("| -------------------------- | -------- | ------ |")
overall = True


def target(text, scen, tool, check, describe, key="secs"):
    global overall
    if (scen, tool) not in rows:
        return
    m, base = median(scen, tool), median(scen, "rsync")
    if m is None or base is None:
        ok, measured = False, "a run failed"
    else:
        ok, measured = check(m, base), describe(m, base)
    overall &= ok
    print(f"| {text} | {measured} | {'PASS' if ok else 'FAIL'} |")


def ratio_text(m, b):
    return f"{m:.2f} s = {m / b:.2f}x rsync ({b:.2f} s)"


target("200 us metadata, incremental (no change), 8+8, depth 3: <= 0.25x rsync",
       "medium, 200 us metadata: incremental, no change", "zk-8+8", lambda m, b: m <= 0.25 * b, ratio_text)
target("200 us metadata, incremental (1% changed), 8+8, depth 3: <= 0.30x rsync",
       "medium, 200 us metadata: incremental, 1% changed", "zk-8+8", lambda m, b: m <= 0.30 * b, ratio_text)
target("no latency, full copy, 2+2: <= 1.3x rsync", "medium: full copy", "zk-2+2", lambda m, b: m <= 1.3 * b, ratio_text)
for scen, tool in rows:
    if scen.startswith("small") and tool == "zk-4+4":
        target(f"{scen}, 4+4: <= rsync + 1.0 s", scen, tool, lambda m, b: m <= b + 1.0,
               lambda m, b: f"{m:.2f} s = rsync {b:.2f} s {m - b:+.2f} s")
for scen in ("medium, 200 us metadata: incremental, no change", "medium: incremental, no change"):
    if (scen, "zk-8+8") in rows:
        for key, limit in (("writes", 0.5), ("requests", 2.0)):
            v = per_path(scen, "zk-8+8", key)
            ok = v is not None and v <= limit
            overall &= ok
            print(f"| {scen}, 8+8: <= {limit} {key} per path | {'n/a' if v is None else f'{v:.2f}'} | {'PASS' if ok else 'FAIL'} |")
        break
print(f"\nAll targets: {'PASS' if overall else 'FAIL'}")
