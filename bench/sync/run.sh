#!/usr/bin/env bash
# Issues 6 and 16: ./zkrsync local against one rsync -a stream and Debian's fpsync, side by side.
#
#   bench/sync/run.sh [--quick] [--keep] [--runs N] [--dir DIR]
#
# Generates its own trees (fixed seed) under a work directory, then measures full copies and
# incremental re-syncs (no change; the same 1% of the files changed) with and without 200 us of
# extra latency per metadata call (/work/shared/bench/slowmeta.c as LD_PRELOAD), median of --runs
# runs each. After every run the destination is compared with the source (rsync -ani --delete, plus
# file contents where the run wrote them); a wrong copy or a non-zero exit counts as FAIL, not a time.
# zkrsync runs against a ZooKeeper 3.8 the bench starts with forceSync=yes (what users run: every write waits for
# a disk flush), and the same figures against one with forceSync=no ("-nofsync") beside them. For every zkrsync
# run the server's own counters give the writes (zxid delta) and requests (packets received, 4lw srvr) per path,
# and its transaction log where the session's time went (workers connected, destinations registered, first
# transfer, last path done, stop, shutdown; median time a source holds a batch). The cost of one rsync daemon
# connection is measured apart. Prints Markdown tables with the ratio to single rsync and the targets as PASS/FAIL.
#
#   --quick   smaller trees, 1 run per figure (a smoke run of every code path, ~5 min)
#   --keep    keep the work directory (trees, per-run logs); with --dir, existing trees are reused
#   --runs N  runs per figure (default 3; --quick: 1)
#   --dir D   work directory (default: a new one under ${TMPDIR:-/tmp})
#   SYNCBENCH_ONLY=medium200,small (environment): only those scenarios (either or both), for a loaded machine
#   SYNCBENCH_BEFORE=/path/to/zkrsync (environment): also that build, as "(before)" rows in the same turns against the
#             same fsync'd server (medium200: 8+8, small: 4+4), so a change is measured before/after side by side in one run
#
# Needs rsync, fpart (fpsync), gcc, java + Debian's zookeeper, the .NET 10 SDK, /usr/bin/python3.
# Missing rsync/fpart/zookeeper/gcc are installed with apt-get when run as root.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
slowmeta_c=/work/shared/bench/slowmeta.c
say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

quick=0 keep=0 runs='' work=''
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    --keep) keep=1 ;;
    --runs) runs=$2; shift ;;
    --dir) work=$2; shift ;;
    -h|--help) sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ -n $runs ]] || runs=$((quick ? 1 : 3))

# ---------------------------------------------------------------- prerequisites
need=()
command -v rsync >/dev/null || need+=(rsync)
command -v fpsync >/dev/null || need+=(fpart)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
[[ -f /usr/share/java/zookeeper.jar ]] && command -v java >/dev/null || need+=(zookeeper)
if ((${#need[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    say "installing ${need[*]} (apt-get)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing: ${need[*]} (sudo apt-get install -y ${need[*]})" >&2; exit 1
  fi
fi
say "building zkrsync (./zkrsync does it once; again only when src/ changes)"
"$repo/zkrsync" local --help >/dev/null
zkrsync_bin=$repo/.build/zkrsync/zkrsync
before_bin=${SYNCBENCH_BEFORE:-}
if [[ -n $before_bin && ! -x $before_bin ]]; then echo "SYNCBENCH_BEFORE=$before_bin is not an executable" >&2; exit 2; fi

# ---------------------------------------------------------------- work directory and cleanup
if [[ -z $work ]]; then work=$(mktemp -d "${TMPDIR:-/tmp}/syncbench.XXXXXX"); else mkdir -p "$work"; fi
work=$(cd "$work" && pwd)
data=$work/data                 # SRC and DST trees: the only paths slowmeta slows down
logs=$work/logs results=$work/results.tsv
mkdir -p "$data" "$logs" "$work/fpsync" "$work/zktmp"
: >"$results"
zk_pids='' tool_pid=''
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n $tool_pid ]] && kill -- -"$tool_pid" 2>/dev/null || true
  local pid
  for pid in $zk_pids; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if ((keep)); then say "kept $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

gcc -O2 -shared -fPIC -o "$work/slowmeta.so" "$slowmeta_c" -ldl

# ---------------------------------------------------------------- trees
gen() { # NAME FILES FANOUT LARGE LARGE_MB
  local name=$1 stamp="$data/$1/.params" params="files=$2 fanout=$3 large=$4x$5MiB seed=6"
  if [[ -f $stamp && $(cat "$stamp") == "$params" ]]; then say "reusing tree $name ($params)"; return; fi
  rm -rf "${data:?}/$name"; mkdir -p "$data/$name"
  say "generating tree $name ($params)"
  /usr/bin/python3 "$here/gentree.py" "$data/$name/src" "$data/$name/stale" \
    --files "$2" --fanout "$3" --large "$4" --large-mb "$5" --seed 6 | tee "$data/$name/summary" >&2
  echo "$params" >"$stamp"
}
if ((quick)); then
  gen medium 3000 6,6,6 1 20
  gen small 500 3,3,3 0 1
  gen small260 500 4,8,7 0 1
else
  gen medium 20000 10,10,10 3 50
  gen small 2000 4,4,4 0 1      # 85 directories
  gen small260 2000 4,8,7 0 1   # 261 directories
fi

# ---------------------------------------------------------------- tools
# Each tool copies $src/ into $dst/ preserving what rsync -a preserves.
run_tool() { # TOOL SRC DST SERVERS -> runs in the foreground of a process group of its own
  local tool=$1 src=$2 dst=$3 servers=$4
  case $tool in
    rsync) rsync -a "$src/" "$dst/" ;;
    fpsync-n*)
      # fpsync's default rsync options are -lptgoD -v --numeric-ids (+ -d, --files-from): rsync -a
      # minus -r (fpart does the recursion). Drop -v (it only fills fpsync's logs). Its queue, parts
      # and logs go to -t, outside the slowed tree; removed after every run.
      rm -rf "$work/fpsync/run"; mkdir -p "$work/fpsync/run"
      fpsync -n "${tool#fpsync-n}" -t "$work/fpsync/run" -o "-lptgoD --numeric-ids" "$src/" "$dst/" ;;
    zk-*)
      local n=${tool#zk-}; n=${n%%+*}; n=${n%%-*}
      local args=(local "$src" "$dst" --sources "$n" --destinations "$n" --depth 3 --tmpdir "$work/zktmp" --session "$session")
      [[ -n $servers ]] && args+=(--servers "$servers")
      [[ $tool == *-filesfrom ]] && args+=(--files-from)  # the original's rsync command line
      local bin=$zkrsync_bin
      [[ $tool == *-before ]] && bin=$before_bin
      "$bin" "${args[@]}" ;;
  esac
}

# verify KIND SRC DST STALE_LIST: prints what differs (nothing when identical)
verify() {
  local kind=$1 src=$2 dst=$3 list=$4
  rsync -ani --delete --dry-run "$src/" "$dst/"
  case $kind in
    full) rsync -anic --delete --dry-run "$src/" "$dst/" | grep -v '^\.d' || true ;;  # contents too
    change1) while IFS= read -r rel; do cmp -s "$src/$rel" "$dst/$rel" || echo "content differs: $rel"; done <"$list" ;;
  esac
}

# zk_counters NAME: "<zxid> <packets received>" of the bench's ZooKeeper NAME (fsync or nofsync), from 4lw srvr
zk_counters() {
  local port=${zk_port[$1]} reply
  reply=$(exec 3<>"/dev/tcp/127.0.0.1/$port" && printf srvr >&3 && cat <&3)
  printf '%d %d\n' "$(sed -n 's/^Zxid: //p' <<<"$reply")" "$(sed -n 's/^Received: //p' <<<"$reply")"
}

# measure SCENARIO TREE KIND LATENCY_US TOOL REP: one timed run, then verify, one line to results
measure() {
  local scen=$1 tree=$2 kind=$3 lat=$4 tool=$5 rep=$6 servers='' zk=''
  local src=$data/$tree/src dst=$data/$tree/dst log="$logs/$scen.$tool.$rep"
  log=${log// /_}
  if [[ $tool == zk-* ]]; then
    zk=fsync; [[ $tool == *-nofsync ]] && zk=nofsync
    servers=127.0.0.1:${zk_port[$zk]}
  fi
  session_no=$((session_no + 1))
  local session=bench-$session_no before=''
  [[ -n $zk ]] && before=$(zk_counters "$zk")
  case $kind in
    full) rm -rf "$dst" ;;
    none) ;;
    change1) /usr/bin/python3 "$here/restore.py" "$data/$tree/stale" "$data/$tree/stale.list" "$dst" ;;
  esac
  sync
  local env=()
  ((lat > 0)) && env=(LD_PRELOAD="$work/slowmeta.so" SLOWMETA_US="$lat" SLOWMETA_PREFIX="$data")
  local t0 t1 rc=0
  t0=$EPOCHREALTIME
  set -m  # its own process group, so cleanup can stop all of it
  env "${env[@]}" bash -c "$(declare -f run_tool); work='$work' zkrsync_bin='$zkrsync_bin' before_bin='$before_bin' session='$session' run_tool \"\$@\"" _ \
    "$tool" "$src" "$dst" "$servers" >"$log.out" 2>"$log.err" &
  tool_pid=$!
  set +m
  wait "$tool_pid" || rc=$?
  tool_pid=''
  t1=$EPOCHREALTIME
  local secs diff status=ok zkstart='' counts='' paths='' phases=''
  if [[ -n $zk ]]; then
    # Counted by the server: zxid (every write transaction, failed multis included) and packets received (every
    # request, pings and connects included; minus the 4lw srvr that read the counters after the run).
    local after; after=$(zk_counters "$zk")
    counts="$(( ${after% *} - ${before% *} ))"$'\t'"$(( ${after#* } - ${before#* } - 1 ))"
    paths=$(sed -n 's/^Done: \([0-9,]*\) paths completed, \([0-9,]*\) failed, \([0-9,]*\) unfinished.*/\1 \2 \3/p' "$log.out" |
      tr -d , | awk '{print $1 + $2 + $3}' | tail -n 1)
    phases=$(/usr/bin/python3 "$here/zktxn.py" "$work/zk-$zk/data" "$session" \
      "$(/usr/bin/python3 -c "print(int($t0 * 1000))")" "$(/usr/bin/python3 -c "print(int($t1 * 1000) + 1)")")
  fi
  secs=$(/usr/bin/python3 -c "print(f'{$t1 - $t0:.3f}')")
  diff=$(verify "$kind" "$src" "$dst" "$data/$tree/stale.list" 2>&1 | head -n 20)
  if ((rc != 0)) || [[ -n $diff ]]; then
    status=FAIL
    say "FAIL: $scen / $tool run $rep (exit $rc); logs $log.{out,err}"
    [[ -n $diff ]] && printf '  differs: %s\n' "${diff//$'\n'/$'\n  differs: '}" >&2
    tail -n 5 "$log.err" | sed 's/^/  stderr: /' >&2
    rsync -a --delete "$src/" "$dst/"  # repair, so the next incremental run starts from a synced copy
  fi
  zkstart=$(sed -n 's/.*Private ZooKeeper on .* started in \([0-9.]*\) s.*/\1/p' "$log.err" | head -n 1)
  say "$scen | $tool | run $rep | ${secs}s | $status${counts:+ | ${counts%$'\t'*} writes, ${counts#*$'\t'} requests, ${paths:-?} paths} | load $(cut -d' ' -f1 /proc/loadavg)"
  [[ -n $phases ]] && say "  phases (s after start): ${phases//$'\t'/ | }"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scen" "$tool" "$rep" "$secs" "$status" "$zkstart" \
    "$paths" "${counts:-$'\t'}" "$phases" >>"$results"
}

scenario() { # NAME TREE KIND LATENCY_US TOOL...
  local name=$1 tree=$2 kind=$3 lat=$4; shift 4
  local rep tool
  for ((rep = 1; rep <= runs; rep++)); do   # tools take turns, so load changes hit all of them
    for tool in "$@"; do measure "$name" "$tree" "$kind" "$lat" "$tool" "$rep"; done
  done
}

# ---------------------------------------------------------------- the bench's ZooKeepers
# Two standalone servers as users run one: forceSync=yes (the default, every write flushed to disk) and
# forceSync=no (the figures of the private ZooKeeper `zkrsync local` starts by itself). 4lw srvr for the counters.
declare -A zk_port
session_no=0
start_zookeeper() { # NAME FORCESYNC
  local name=$1 dir=$work/zk-$1 port pid
  mkdir -p "$dir/data"
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >"$dir/zoo.cfg" <<EOF
tickTime=2000
dataDir=$dir/data
clientPort=$port
clientPortAddress=127.0.0.1
forceSync=$2
maxClientCnxns=0
4lw.commands.whitelist=srvr,mntr
EOF
  java -cp /usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar -Dzookeeper.admin.enableServer=false \
    org.apache.zookeeper.server.ZooKeeperServerMain "$dir/zoo.cfg" >"$dir/server.log" 2>&1 &
  pid=$!
  zk_pids+=" $pid"
  local i
  for ((i = 0; i < 300; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then zk_port[$name]=$port; return 0; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$dir/server.log" >&2; echo "ZooKeeper $name did not start" >&2; exit 1
}

# One rsync daemon connection (an empty transfer into a module on 127.0.0.1), median of 20 in ms: the fixed cost
# every rsync run of a source pays on top of its files.
daemon_connection_ms() {
  local dir=$work/daemon port pid i t0 times=()
  mkdir -p "$dir/module" "$dir/empty"
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # TCP_NODELAY on both ends, as a destination's daemon and a source's rsync set it (without it, Nagle and delayed ACKs
  # add about 40 ms per round trip of the protocol's small messages).
  printf 'socket options = TCP_NODELAY\n[m]\npath = %s\nread only = no\nuse chroot = no\n' "$dir/module" >"$dir/rsyncd.conf"
  rsync --daemon --no-detach --config "$dir/rsyncd.conf" --port "$port" --address 127.0.0.1 &
  pid=$!
  for ((i = 0; i < 100; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
  for ((i = 0; i < 20; i++)); do
    t0=$EPOCHREALTIME
    rsync -a --sockopts=TCP_NODELAY "$dir/empty/" "rsync://127.0.0.1:$port/m/" >/dev/null 2>&1
    times+=("$(/usr/bin/python3 -c "print(($EPOCHREALTIME - $t0) * 1000)")")
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  printf '%s\n' "${times[@]}" | sort -n | sed -n 10p | xargs printf '%.0f'
}

# ---------------------------------------------------------------- the runs
say "work directory $work; $runs run(s) per figure; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
start_zookeeper fsync yes
start_zookeeper nofsync no
say "ZooKeeper forceSync=yes on ${zk_port[fsync]}, forceSync=no on ${zk_port[nofsync]}; one untimed warm-up run each"
for zk in fsync nofsync; do
  rm -rf "$data/small/dst"
  "$zkrsync_bin" local "$data/small/src" "$data/small/dst" --sources 2 --destinations 2 --depth 3 \
    --tmpdir "$work/zktmp" --servers "127.0.0.1:${zk_port[$zk]}" --session "warmup-$zk" >"$logs/warmup-$zk.out" 2>"$logs/warmup-$zk.err"
done
daemon_ms=$(daemon_connection_ms)
say "one rsync daemon connection: ${daemon_ms} ms"

tools=(rsync fpsync-n2 fpsync-n8 zk-2+2 zk-8+8 zk-2+2-nofsync zk-8+8-nofsync)
if [[ ${SYNCBENCH_ONLY:-} == "" ]]; then
  scenario "medium: full copy" medium full 0 "${tools[@]}"
  scenario "medium: incremental, no change" medium none 0 "${tools[@]}"
  scenario "medium: incremental, 1% changed" medium change1 0 "${tools[@]}"
fi
if [[ ${SYNCBENCH_ONLY:-} == "" || ,${SYNCBENCH_ONLY}, == *,medium200,* ]]; then
  # With metadata latency also the original's --files-from command line, to show what it costs.
  before=(); [[ -n $before_bin ]] && before=(zk-8+8-before)
  scenario "medium, 200 us metadata: incremental, no change" medium none 200 rsync zk-8+8 "${before[@]}" zk-8+8-nofsync zk-8+8-filesfrom
  scenario "medium, 200 us metadata: incremental, 1% changed" medium change1 200 rsync zk-8+8 "${before[@]}" zk-8+8-nofsync zk-8+8-filesfrom
fi
if [[ ${SYNCBENCH_ONLY:-} == "" || ,${SYNCBENCH_ONLY}, == *,small,* ]]; then
  before=(); [[ -n $before_bin ]] && before=(zk-4+4-before)
  for tree in small small260; do
    dirs=$(find "$data/$tree/src" -type d | wc -l)
    scenario "small, $dirs directories: full copy" "$tree" full 0 rsync zk-4+4 "${before[@]}" zk-4+4-nofsync
    scenario "small, $dirs directories: incremental, no change" "$tree" none 0 rsync zk-4+4 "${before[@]}" zk-4+4-nofsync
  done
fi

# ---------------------------------------------------------------- report
{
  echo
  echo "Trees: medium: $(cat "$data/medium/summary"); small: $(cat "$data/small/summary"); small260: $(cat "$data/small260/summary")."
  echo "Date $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, uptime at the end:$(uptime | sed 's/.*up/ up/');" \
    "$runs run(s) per figure (median). One rsync daemon connection: ${daemon_ms} ms."
  echo
  /usr/bin/python3 "$here/report.py" "$results"
}
