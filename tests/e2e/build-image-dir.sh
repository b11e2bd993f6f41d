#!/usr/bin/env bash
# tests/e2e/build-image-dir.sh DIR: the image's executables without docker, for the local cluster.
# Publishes zkrsync (NativeAOT) and zksync-operator (ReadyToRun, self-contained, trimmed by its csproj) into DIR exactly as the Dockerfile
# publishes them into /opt/zksync/bin, and writes DIR/image.json with the Dockerfile's ENTRYPOINT, CMD and USER, so
# the local cluster runs the image as `--image <image.repository>:<image.tag>=DIR`.
# Needs the .NET SDK and, for NativeAOT, clang and zlib1g-dev.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
say() { printf 'build-image-dir: %s\n' "$*" >&2; }

if [[ $# -ne 1 || $1 == -* ]]; then
  say "usage: tests/e2e/build-image-dir.sh DIR"
  exit 2
fi
out=$(mkdir -p -- "$1" && cd -- "$1" && pwd)
# DIR is emptied first: refuse a directory that is not empty and not one this script made.
if [[ -n $(find "$out" -mindepth 1 -print -quit) && ! -f $out/image.json ]]; then
  say "$out is not empty and holds no image.json: give an empty or new directory"
  exit 2
fi

case $(uname -m) in
  aarch64) rid=linux-arm64 ;;
  x86_64) rid=linux-x64 ;;
  *) say "unsupported machine $(uname -m): the image is built for linux-x64 and linux-arm64"; exit 1 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

# The same two `dotnet publish` lines as the Dockerfile's build stage. zkrsync's is what ./zkrsync already builds
# (NativeAOT, symbols stripped by default) and test.sh hands over as ZKRSYNC_EXECUTABLE: reused when its stamp
# says NativeAOT, which saves minutes of a clean run.
zkrsync_stamp=${ZKRSYNC_EXECUTABLE:+$(dirname -- "$ZKRSYNC_EXECUTABLE")/.built}
if [[ -n ${ZKRSYNC_EXECUTABLE:-} && -x $ZKRSYNC_EXECUTABLE && $(cat "$zkrsync_stamp" 2>/dev/null) == nativeaot ]]; then
  say "zkrsync: reusing the NativeAOT build $ZKRSYNC_EXECUTABLE"
  mkdir -p "$work/zkrsync"
  cp -- "$ZKRSYNC_EXECUTABLE" "$work/zkrsync/zkrsync"
else
  say "publishing zkrsync (NativeAOT, $rid)"
  dotnet publish "$root/src/Worker/Worker.csproj" -c Release -r "$rid" -p:PublishAot=true -p:StripSymbols=true \
    -o "$work/zkrsync" >"$work/zkrsync.log" 2>&1 || { tail -n 30 "$work/zkrsync.log" >&2; exit 1; }
fi
say "publishing zksync-operator (ReadyToRun, self-contained, $rid)"
dotnet publish "$root/src/Operator/Operator.csproj" -c Release -r "$rid" --self-contained true -p:PublishReadyToRun=true \
  -o "$work/operator" >"$work/operator.log" 2>&1 || { tail -n 30 "$work/operator.log" >&2; exit 1; }

# The Dockerfile's COPY lines: the operator's files, then zkrsync alone, into one directory.
find "$out" -mindepth 1 -delete
cp -a "$work/operator/." "$out/"
cp -a "$work/zkrsync/zkrsync" "$out/zkrsync"

# ENTRYPOINT, CMD (exec form) and USER of the Dockerfile's last stage, read from the Dockerfile itself, and where its
# COPY lines put the executables ("paths": the local cluster binds DIR there, so containers run them from the image's
# path, whoever they run as and wherever DIR is).
/usr/bin/python3 - "$root/Dockerfile" "$out/image.json" <<'PY'
import json, re, sys
dockerfile, target = sys.argv[1], sys.argv[2]
text = re.sub(r"\\\n", " ", open(dockerfile, encoding="utf-8").read())
last_stage = re.split(r"(?im)^FROM\s", text)[-1]
config = {}
copied_to = set()
for line in last_stage.splitlines():
    copy = re.match(r"(?i)^\s*COPY\s+(.*\S)\s*$", line)
    if copy:
        destination = copy.group(1).split()[-1]
        copied_to.add(destination.rstrip("/") if destination.endswith("/") else destination.rpartition("/")[0])
        continue
    match = re.match(r"(?i)^\s*(ENTRYPOINT|CMD|USER)\s+(.*\S)\s*$", line)
    if not match:
        continue
    key, value = match.group(1).upper(), match.group(2)
    if key == "USER":
        config["user"] = value
        continue
    try:
        argv = json.loads(value)
    except ValueError:
        sys.exit(f"build-image-dir: {dockerfile}: {key} must be in exec form (a JSON array): {value}")
    config["entrypoint" if key == "ENTRYPOINT" else "cmd"] = argv
if len(copied_to) != 1 or not next(iter(copied_to)).startswith("/"):
    sys.exit(f"build-image-dir: {dockerfile}: the last stage must COPY the executables into one absolute directory, found {sorted(copied_to)}")
config["paths"] = {next(iter(copied_to)): "."}
for required in ("entrypoint", "cmd"):
    if required not in config:
        sys.exit(f"build-image-dir: {dockerfile}: the last stage has no {required.upper()}")
with open(target, "w", encoding="utf-8") as f:
    json.dump(config, f, indent=2)
    f.write("\n")
PY
say "done: $out (zkrsync, zksync-operator, image.json)"
