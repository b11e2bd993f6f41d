#!/usr/bin/env bash
# Issue 16's scale benchmark (not in CI): one zkrsync session of 10^6 paths against a ZooKeeper with forceSync=yes.
#
#   bench/scale/run.sh [--paths N] [--sources N] [--transfer] [--keep] [--dir DIR]
#
# Generates a tree of about N directories three levels deep (each one queue entry at --depth 3; one empty file per
# leaf), runs `zkrsync local SRC DST --depth 3 --dryrun` (rsync -n: the coordination is measured, not the copy) on
# the AOT build against a standalone ZooKeeper 3.8 with forceSync=yes, and prints:
#   - paths/s (paths of the session ÷ its wall time);
#   - the master's and a transferring source's peak RSS (VmHWM, sampled every 0.5 s);
#   - the largest number of children any znode of the session had at once (replayed from the server's transaction
#     log) against the master's window (10,000 paths outstanding);
#   - ZooKeeper's own data size (mntr zk_approximate_data_size, peak) and its data directory on disk;
#   - the session's ZooKeeper time: its writes ÷ the server's measured write rate + its other requests ÷ the measured
#     read rate (both counted by the server: zxid and packets received; rates from zkrate.py on the same server),
#     against the session's wall time;
# with PASS/FAIL for: master RSS <= 200 MiB, no znode with more children than the window, ZooKeeper time <= 1/10 of
# the wall time.
#
#   --paths N    queue entries (default 1000000)
#   --sources N  transferring sources, destinations as many (default 4)
#   --transfer   without --dryrun (rsync copies the empty files)
#   --keep       keep the work directory
#   --dir D      work directory (default: a new one under ${TMPDIR:-/tmp}); its tree is reused when N matches
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

paths=1000000 sources=4 dryrun=1 keep=0 work=''
while (($#)); do
  case $1 in
    --paths) paths=$2; shift ;;
    --sources) sources=$2; shift ;;
    --transfer) dryrun=0 ;;
    --keep) keep=1 ;;
    --dir) work=$2; shift ;;
    -h|--help) sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
window=10000

[[ -f /usr/share/java/zookeeper.jar ]] && command -v java >/dev/null || { echo "needs java and Debian's zookeeper" >&2; exit 1; }
/usr/bin/python3 -c 'import kazoo' 2>/dev/null || { echo "needs python3-kazoo under /usr/bin/python3" >&2; exit 1; }
say "building zkrsync (./zkrsync, NativeAOT; again only when src/ changes)"
"$repo/zkrsync" local --help >/dev/null
zkrsync_bin=$repo/.build/zkrsync/zkrsync

created=0
if [[ -z $work ]]; then work=$(mktemp -d "${TMPDIR:-/tmp}/scalebench.XXXXXX"); created=1; else mkdir -p "$work"; fi
work=$(cd "$work" && pwd)
zk_pid='' run_pid=''
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n $run_pid ]] && kill "$run_pid" 2>/dev/null && wait "$run_pid" 2>/dev/null || true
  if [[ -n $zk_pid ]]; then kill "$zk_pid" 2>/dev/null || true; wait "$zk_pid" 2>/dev/null || true; fi
  # A --dir keeps its tree for the next run; the rest (and a work directory of our own, unless --keep) goes.
  if ((keep)); then say "kept $work"; else rm -rf "$work/zk" "$work/dst" "$work/tmp"; ((created)) && rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- the tree
if [[ -f $work/.params && $(cat "$work/.params") == "paths=$paths" ]]; then
  dirs=$(cat "$work/.dirs"); say "reusing the tree ($dirs directories)"
else
  rm -rf "$work/src"; say "generating about $paths directories"
  dirs=$(/usr/bin/python3 "$here/gentree.py" "$work/src" "$paths")
  echo "$dirs" >"$work/.dirs"; echo "paths=$paths" >"$work/.params"
  say "generated $dirs directories"
fi

# ---------------------------------------------------------------- ZooKeeper, forceSync=yes
mkdir -p "$work/zk/data" "$work/tmp"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/zk/zoo.cfg" <<EOF
tickTime=2000
dataDir=$work/zk/data
clientPort=$port
clientPortAddress=127.0.0.1
forceSync=yes
maxClientCnxns=0
4lw.commands.whitelist=srvr,mntr
EOF
java -Xmx1g -cp /usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar -Dzookeeper.admin.enableServer=false \
  org.apache.zookeeper.server.ZooKeeperServerMain "$work/zk/zoo.cfg" >"$work/zk/server.log" 2>&1 &
zk_pid=$!
for ((i = 0; i < 300; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
counters() { # "<zxid> <packets received>"
  local reply; reply=$(exec 3<>"/dev/tcp/127.0.0.1/$port" && printf srvr >&3 && cat <&3)
  printf '%d %d\n' "$(sed -n 's/^Zxid: //p' <<<"$reply")" "$(sed -n 's/^Received: //p' <<<"$reply")"
}
say "ZooKeeper (forceSync=yes) on 127.0.0.1:$port; measuring its request rates"
rates=$(/usr/bin/python3 "$here/zkrate.py" "127.0.0.1:$port")
write_rate=${rates%$'\t'*} read_rate=${rates#*$'\t'}
say "server rates: $write_rate writes/s, $read_rate reads/s"

# ---------------------------------------------------------------- the session
session=scale-$$
args=(local "$work/src" "$work/dst" --sources "$sources" --destinations "$sources" --depth 3 --tmpdir "$work/tmp"
      --servers "127.0.0.1:$port" --session "$session" --force)
((dryrun)) && args+=(--dryrun)
before=$(counters)
say "load before: $(cut -d' ' -f1-3 /proc/loadavg); running ${args[*]}"
t0=$EPOCHREALTIME
"$zkrsync_bin" "${args[@]}" >"$work/run.out" 2>"$work/run.err" &
run_pid=$!
/usr/bin/python3 "$here/sample.py" "$session" "$work/tmp/zkrsync-local-*" "$port" "$work/sample.json" &
sampler=$!
rc=0; wait "$run_pid" || rc=$?
run_pid=''
t1=$EPOCHREALTIME
wait "$sampler" || true
after=$(counters)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
((rc == 0)) || { tail -n 20 "$work/run.err" >&2; say "the session failed (exit $rc)"; }

# ---------------------------------------------------------------- figures
writes=$(( ${after% *} - ${before% *} ))
requests=$(( ${after#* } - ${before#* } - 1 ))
done_paths=$(sed -n 's/^Done: \([0-9,]*\) paths completed.*/\1/p' "$work/run.out" | tr -d , | tail -n 1)
children=$(/usr/bin/python3 "$here/children.py" "$work/zk/data" "$session")
disk=$(du -sb "$work/zk/data" | cut -f1)
/usr/bin/python3 - "$work/sample.json" "$t0" "$t1" "${done_paths:-0}" "$writes" "$requests" "$write_rate" "$read_rate" \
  "$children" "$disk" "$window" "$dirs" "$sources" "$dryrun" "$rc" "$load_after" <<'PY'
import json, sys
(sample, t0, t1, paths, writes, requests, wrate, rrate, children, disk, window, dirs, sources, dryrun, rc, load) = sys.argv[1:]
s = json.load(open(sample))
wall = float(t1) - float(t0)
paths, writes, requests = int(paths), int(writes), int(requests)
zk_time = writes / float(wrate) + max(requests - writes, 0) / float(rrate)
most, where = children.split("\t")
mib = lambda kib: f"{kib / 1024:.0f} MiB" if kib else "n/a"
master_ok = s["master_peak_kib"] is not None and s["master_peak_kib"] <= 200 * 1024
rows = [
    ("session", f"{paths:,} paths completed of {int(dirs):,} directories, {sources}+{sources}, depth 3"
                f"{', --dryrun' if dryrun == '1' else ''}, exit {rc}", ""),
    ("wall time", f"{wall:.1f} s", ""),
    ("paths/s", f"{paths / wall:.0f}", ""),
    ("master peak RSS (<= 200 MiB)", mib(s["master_peak_kib"]), "PASS" if master_ok else "FAIL"),
    ("a source's peak RSS", mib(s["source_peak_kib"]), ""),
    ("a destination's peak RSS", mib(s["destination_peak_kib"]), ""),
    (f"largest znode child count (<= window {int(window):,})", f"{int(most):,} ({where})", "PASS" if int(most) <= int(window) else "FAIL"),
    ("ZooKeeper data size (mntr, peak)", f"{s['zk_max_approximate_data_size'] / 2**20:.1f} MiB", ""),
    ("ZooKeeper data directory (logs + snapshots)", f"{int(disk) / 2**20:.0f} MiB", ""),
    ("writes / requests (server's counters)", f"{writes:,} / {requests:,} = {writes / max(paths, 1):.3f} / {requests / max(paths, 1):.3f} per path", ""),
    ("server rates (forceSync=yes)", f"{float(wrate):.0f} writes/s, {float(rrate):.0f} reads/s", ""),
    ("ZooKeeper time vs wall (<= 1/10)", f"{zk_time:.1f} s of {wall:.1f} s = 1/{wall / zk_time:.0f}" if zk_time else "n/a",
     "PASS" if zk_time * 10 <= wall else "FAIL"),
]
print("| figure | measured | target |")
print("| ------ | -------- | ------ |")
for name, value, result in rows:
    print(f"| {name} | {value} | {result} |")
ok = rc == "0" and all(r != "FAIL" for _, _, r in rows)
print(f"\nLoad average at the end: {load}. All targets: {'PASS' if ok else 'FAIL'}")
PY
