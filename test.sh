#!/usr/bin/env bash
# Builds the solution, runs every test project under tests/ against real ZooKeeper, rsync and kazoo,
# and prints as its last line "N passed, N failed" (", N skipped" appended when any was skipped).
# Exits non-zero when the build failed, any test failed or was skipped, no test ran, or a test
# project crashed (no .trx written, or `dotnet test` failed without reporting a failed test).
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

readonly APT_PACKAGES=(zookeeper rsync python3-kazoo)
readonly PYTHON=/usr/bin/python3
readonly RESULTS_DIR="${TEST_RESULTS_DIR:-$PWD/TestResults}"

log() { printf 'test.sh: %s\n' "$*" >&2; }

missing_prerequisites() {
  local missing=()
  command -v java >/dev/null 2>&1 || missing+=(java)
  [[ -f /usr/share/java/zookeeper.jar ]] || missing+=(/usr/share/java/zookeeper.jar)
  command -v rsync >/dev/null 2>&1 || missing+=(rsync)
  { [[ -x $PYTHON ]] && "$PYTHON" -c 'import kazoo' >/dev/null 2>&1; } || missing+=("$PYTHON with kazoo")
  printf '%s\n' "${missing[@]}"
}

ensure_prerequisites() {
  local missing
  missing=$(missing_prerequisites)
  [[ -z $missing ]] && return 0
  log "missing: $(tr '\n' ' ' <<<"$missing")"
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      log "not root and no sudo: install them with: apt-get install -y ${APT_PACKAGES[*]}"
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    log "no apt-get: install ZooKeeper 3.8 (/usr/share/java/zookeeper.jar), Java, rsync and python3-kazoo"
    exit 1
  fi
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${APT_PACKAGES[@]}"
  missing=$(missing_prerequisites)
  if [[ -n $missing ]]; then
    log "still missing after apt-get install: $(tr '\n' ' ' <<<"$missing")"
    exit 1
  fi
}

# Test processes (ZooKeeper JVMs, kazoo scripts) put their files under this directory through
# TMPDIR, so anything a crashed test host left behind can be found by its command line and killed.
TEST_TMP=""
cleanup() {
  [[ -n $TEST_TMP && -d $TEST_TMP ]] || return 0
  local proc pid cmdline leftovers=0
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    [[ $pid == "$$" ]] && continue
    cmdline=$(tr '\0' ' ' <"$proc/cmdline" 2>/dev/null) || continue
    if [[ $cmdline == *"$TEST_TMP"* ]]; then
      kill -KILL "$pid" 2>/dev/null && leftovers=$((leftovers + 1))
    fi
  done
  ((leftovers == 0)) || log "killed $leftovers process(es) left behind by the tests"
  rm -rf -- "$TEST_TMP"
}
trap cleanup EXIT

if ! command -v dotnet >/dev/null 2>&1; then
  log "dotnet is not on PATH: install the .NET 10 SDK (see global.json)"
  echo "0 passed, 0 failed"
  exit 1
fi
ensure_prerequisites

if ! dotnet build ZkSyncOperator.sln -c Release; then
  log "build failed"
  echo "0 passed, 0 failed"
  exit 1
fi

shopt -s nullglob globstar
projects=(tests/**/*.Tests.csproj)
shopt -u nullglob globstar
if ((${#projects[@]} == 0)); then
  log "no test project (*.Tests.csproj) found under tests/"
  echo "0 passed, 0 failed"
  exit 1
fi

rm -rf -- "$RESULTS_DIR"
mkdir -p -- "$RESULTS_DIR"
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/zksync-tests.XXXXXX")

crashed=0
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  trx="$RESULTS_DIR/$name/$name.trx"
  log "running $name"
  code=0
  TMPDIR="$TEST_TMP" dotnet test "$project" --no-build -c Release \
    --results-directory "$RESULTS_DIR/$name" \
    --logger "trx;LogFileName=$name.trx" \
    --logger "console;verbosity=normal" \
    --blame-hang-timeout 20m --blame-hang-dump-type none || code=$?
  if [[ ! -f $trx ]]; then
    log "$name wrote no $trx (dotnet test exit code $code): counted as one failure"
    crashed=$((crashed + 1))
  elif ((code != 0)); then
    # A crashed or aborted test host still writes a .trx, with no failed test in it.
    if ! "$PYTHON" - "$trx" <<'EOF'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
c = ET.parse(sys.argv[1]).getroot().find("t:ResultSummary/t:Counters", ns)
sys.exit(0 if c is not None and int(c.get("failed", "0")) > 0 else 1)
EOF
    then
      log "$name: dotnet test exited with $code but reported no failed test (crash or abort?): counted as one failure"
      crashed=$((crashed + 1))
    fi
  fi
done

# Totals over every .trx: passed, failed (failed + error + timeout + aborted) and skipped (not executed).
if ! totals=$("$PYTHON" - "$RESULTS_DIR" <<'EOF'
import glob, os, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "**", "*.trx"), recursive=True)):
    c = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    if c is None:
        failed += 1
        continue
    n = lambda k: int(c.get(k, "0"))
    passed += n("passed")
    failed += n("failed") + n("error") + n("timeout") + n("aborted")
    skipped += n("notExecuted")
print(passed, failed, skipped)
EOF
); then
  log "could not read the .trx files in $RESULTS_DIR"
  echo "0 passed, 1 failed"
  exit 1
fi
read -r passed failed skipped <<<"$totals"
failed=$((failed + crashed))

status=0
if ((failed > 0)); then
  log "$failed test(s) failed"
  status=1
fi
if ((skipped > 0)); then
  log "$skipped test(s) skipped: every test must run"
  status=1
fi
if ((passed + failed == 0)); then
  log "no test ran"
  status=1
fi

summary="$passed passed, $failed failed"
((skipped == 0)) || summary+=", $skipped skipped"
echo "$summary"
exit "$status"
