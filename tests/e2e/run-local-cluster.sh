#!/usr/bin/env bash
# tests/e2e/run-local-cluster.sh           runs the end-to-end scenarios (helm + kubectl on the local cluster) alone
# tests/e2e/run-local-cluster.sh --keep    starts the local cluster with the image's executables, installs the chart
#                                          (ZooKeeper on the stand-in image) and examples/basic.yaml's claims and
#                                          session, and leaves it up for you: it prints the KUBECONFIG to export;
#                                          Ctrl-C stops the cluster and removes everything it made.
# The scenarios build the image directory themselves (cached under .build/e2e-image, keyed on the sources); --keep
# builds a fresh one. Both take zkrsync from ./zkrsync's NativeAOT build (built first when missing or stale), as
# test.sh does. --keep's bundled ZooKeeper on the stand-in image is scenario 11's set-up (BundledZooKeeperTests).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
say() { printf 'run-local-cluster: %s\n' "$*" >&2; }

readonly E2E_PROJECT=$root/tests/EndToEnd.Tests/EndToEnd.Tests.csproj
readonly NAMESPACE=zksync
readonly RELEASE=zksync
readonly IMAGE=zksync-operator:e2e

keep=false
case ${1:-} in
  "") ;;
  --keep) keep=true ;;
  -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
  *) say "unknown argument $1 (usage: tests/e2e/run-local-cluster.sh [--keep])"; exit 2 ;;
esac

# kubectl and helm as test.sh finds them (LOCAL_CLUSTER_KUBECTL, LOCAL_CLUSTER_HELM; .build/kube-clients).
export LOCAL_CLUSTER_KUBECTL=${LOCAL_CLUSTER_KUBECTL:-$(command -v kubectl || echo "$root/.build/kube-clients/kubectl/kubectl")}
export LOCAL_CLUSTER_HELM=${LOCAL_CLUSTER_HELM:-$(command -v helm || echo "$root/.build/kube-clients/helm/helm")}
for tool in "$LOCAL_CLUSTER_KUBECTL" "$LOCAL_CLUSTER_HELM"; do
  [[ -x $tool ]] || { say "$tool not found: run ./test.sh once (it installs kubectl and helm into .build/kube-clients)"; exit 2; }
done

# The image's zkrsync: ./zkrsync's NativeAOT build, as test.sh hands it over (build-image-dir.sh reuses it).
if [[ -z ${ZKRSYNC_EXECUTABLE:-} ]]; then
  "$root/zkrsync" -H >/dev/null
  export ZKRSYNC_EXECUTABLE=$root/.build/zkrsync/zkrsync
fi

if ! $keep; then
  [[ -f $E2E_PROJECT ]] || { say "the scenarios' project ${E2E_PROJECT#"$root"/} does not exist yet (it needs the process kubelet)"; exit 1; }
  exec dotnet test "$E2E_PROJECT" -c Release
fi

work=$(mktemp -d /tmp/zksync-e2e-keep.XXXXXX)
cluster_pid=""
cleanup() {
  if [[ -n $cluster_pid ]]; then
    kill -TERM "$cluster_pid" 2>/dev/null || true
    wait "$cluster_pid" 2>/dev/null || true
  fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "building the image's executables into $work/image"
"$root/tests/e2e/build-image-dir.sh" "$work/image"

export KUBECONFIG=$work/kubeconfig
say "starting the local cluster (log: $work/cluster.log)"
dotnet run --project "$root/tests/LocalCluster" -c Release -- --kubeconfig "$KUBECONFIG" --data-dir "$work/cluster" \
  --image "$IMAGE=$work/image" --image "zookeeper:3.8=$root/tests/e2e/zookeeper-image" >"$work/cluster.log" 2>&1 &
cluster_pid=$!
# The cluster writes the kubeconfig once it serves; wait for that (or for it to exit), then for /readyz.
for _ in $(seq 1 1200); do
  [[ -s $KUBECONFIG ]] && "$LOCAL_CLUSTER_KUBECTL" get --raw /readyz >/dev/null 2>&1 && break
  kill -0 "$cluster_pid" 2>/dev/null || { tail -n 30 "$work/cluster.log" >&2; say "the local cluster exited"; exit 1; }
  sleep 0.25
done

say "installing the chart"
"$LOCAL_CLUSTER_HELM" install "$RELEASE" "$root/charts/zksync-operator" -n "$NAMESPACE" --create-namespace \
  --set image.repository="${IMAGE%:*}" --set image.tag="${IMAGE#*:}" \
  --set zookeeper.persistence.enabled=false --wait --timeout 5m
"$LOCAL_CLUSTER_KUBECTL" -n "$NAMESPACE" apply -f - <<'EOF'
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: old-data}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: new-data}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
EOF
"$LOCAL_CLUSTER_KUBECTL" -n "$NAMESPACE" apply -f "$root/examples/basic.yaml"

say "up. In another shell:"
printf '  export KUBECONFIG=%s\n  kubectl -n %s get zkrs,jobs,pods\n  kubectl -n %s describe zkrs basic\n' \
  "$KUBECONFIG" "$NAMESPACE" "$NAMESPACE"
say "Ctrl-C stops the cluster and removes $work"
wait "$cluster_pid"
