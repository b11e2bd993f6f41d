#!/usr/bin/env bash
# tests/e2e/check-image.sh [--image-dir DIR]: what can be checked of the Dockerfile's image without Docker.
# Builds the image's executables the Dockerfile's way (tests/e2e/build-image-dir.sh, unless --image-dir gives them),
# makes the runtime stage's root filesystem with Debian's tools (mmdebstrap: the Dockerfile's base release and
# packages, user 10001), puts them in /opt/zksync/bin and runs, as user 10001 under tini in a chroot with its own
# mount and PID namespaces: `zkrsync -H`, `zksync-operator --help`, and (as root, like the destination pods) a small
# `zkrsync local` session against a ZooKeeper on 127.0.0.1 whose result is compared with its source byte for byte.
# Needs root, mmdebstrap, unshare, the .NET SDK with clang (NativeAOT), Java and /usr/share/java/zookeeper.jar.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
say() { printf 'check-image: %s\n' "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }

image_dir=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --image-dir) image_dir=${2:?--image-dir needs a directory}; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) say "unknown argument $1 (usage: tests/e2e/check-image.sh [--image-dir DIR])"; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { say "needs root (mmdebstrap, chroot, unshare)"; exit 2; }
for tool in mmdebstrap unshare java; do
  command -v "$tool" >/dev/null 2>&1 || { say "needs $tool"; exit 2; }
done

# The runtime stage's base release and apt packages, read from the Dockerfile.
release=$(sed -n 's/^ARG DEBIAN_RELEASE=//p' "$root/Dockerfile")
packages=$(tr -d '\\\n' <"$root/Dockerfile" | grep -o 'apt-get install -y --no-install-recommends rsync[^&]*' |
  sed 's/.*--no-install-recommends //' | xargs)
[[ -n $release && -n $packages ]] || fail "could not read the base release and packages from the Dockerfile"

work=$(mktemp -d /tmp/zksync-check-image.XXXXXX)
zk_pid=""
cleanup() {
  if [[ -n $zk_pid ]]; then
    kill "$zk_pid" 2>/dev/null || true
    wait "$zk_pid" 2>/dev/null || true # the killed JVM's status is not this script's
  fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -z $image_dir ]]; then
  image_dir=$work/image
  "$root/tests/e2e/build-image-dir.sh" "$image_dir"
fi
[[ -x $image_dir/zkrsync && -x $image_dir/zksync-operator ]] || fail "$image_dir lacks zkrsync or zksync-operator"

rootfs=$work/rootfs
say "making the image's root filesystem: Debian $release, minbase + $packages"
mmdebstrap --quiet --variant=minbase --include="${packages// /,}" \
  --customize-hook='chroot "$1" groupadd --gid 10001 zksync' \
  --customize-hook='chroot "$1" useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin zksync' \
  "$release" "$rootfs" >"$work/mmdebstrap.log" 2>&1 || { tail -n 30 "$work/mmdebstrap.log" >&2; fail "mmdebstrap"; }
mkdir -p "$rootfs/opt/zksync/bin"
cp -a "$image_dir/." "$rootfs/opt/zksync/bin/"
rm -f "$rootfs/opt/zksync/bin/image.json"

# As a container would: the image's PATH, tini as PID 1 of a fresh PID namespace; as user 10001 (the image's USER),
# or as root when the first argument is --root.
in_image() {
  local user=10001:10001
  [[ $1 == --root ]] && { user=0:0; shift; }
  unshare --mount --pid --fork --mount-proc="$rootfs/proc" \
    chroot --userspec="$user" "$rootfs" \
    /usr/bin/env -i PATH=/opt/zksync/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp \
    /usr/bin/tini -- "$@"
}

say "zkrsync -H"
in_image zkrsync -H >"$work/zkrsync-help.txt" || fail "zkrsync -H exited $?"
grep -q -- '--servers' "$work/zkrsync-help.txt" || fail "zkrsync -H does not list --servers"
say "zksync-operator --help"
in_image zksync-operator --help >"$work/operator-help.txt" || fail "zksync-operator --help exited $?"
grep -q 'Operator' "$work/operator-help.txt" || fail "zksync-operator --help does not describe its settings"

say "a small session: zkrsync local against a ZooKeeper on 127.0.0.1"
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/zookeeper"
cat >"$work/zookeeper/zoo.cfg" <<EOF
tickTime=1000
dataDir=$work/zookeeper
clientPort=$port
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok
EOF
classpath=/usr/share/java/zookeeper.jar
[[ -f /usr/share/java/slf4j-simple.jar ]] && classpath+=:/usr/share/java/slf4j-simple.jar
java -Xmx256m -cp "$classpath" org.apache.zookeeper.server.ZooKeeperServerMain "$work/zookeeper/zoo.cfg" \
  >"$work/zookeeper/log" 2>&1 &
zk_pid=$!
for _ in $(seq 1 300); do
  [[ $( (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf ruok >&3 && timeout 1 cat <&3) 2>/dev/null) == imok ]] && break
  kill -0 "$zk_pid" 2>/dev/null || { cat "$work/zookeeper/log" >&2; fail "ZooKeeper exited"; }
  sleep 0.1
done

src=$rootfs/tmp/source
for a in 1 2 3; do
  for b in 1 2; do
    mkdir -p "$src/d$a/e$b"
    for f in 1 2 3; do head -c $((a * b * f * 1000)) /dev/urandom >"$src/d$a/e$b/f$f"; done
    ln -s f1 "$src/d$a/e$b/link"
  done
done
mkdir -p "$rootfs/tmp/destination"
# As root: the session's rsync daemons keep the original's `uid = root` module, as the operator's destination pods run
# (root with only the capabilities rsync needs to set ownership).
in_image --root zkrsync local /tmp/source /tmp/destination --servers "127.0.0.1:$port" --sources 2 --destinations 2 --depth 2 \
  >"$work/session.log" 2>&1 || { tail -n 40 "$work/session.log" >&2; fail "zkrsync local exited non-zero"; }
diff -r --no-dereference "$src" "$rootfs/tmp/destination" || fail "the destination differs from the source"
say "PASS: zkrsync -H and zksync-operator --help run in Debian $release as user 10001 under tini; the session (as root) copied the tree exactly"
