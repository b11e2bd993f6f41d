#!/usr/bin/env bash
# Stand-in for the official `zookeeper` image's `zkServer.sh start-foreground` (ZooKeeper 3.8's bin/zkServer.sh with
# zkEnv.sh): the same JVM options from the same variables (ZOOCFGDIR, ZOO_LOG_DIR, ZK_SERVER_HEAP, SERVER_JVMFLAGS,
# JVMFLAGS, JAVA_HOME) and the quorum peer's main class, on Debian's ZooKeeper 3.8 (apt-get install zookeeper) and its
# slf4j-simple logging to standard error instead of the image's logback. Only start-foreground is supported.
set -euo pipefail

readonly JARS=(/usr/share/java/zookeeper.jar /usr/share/java/slf4j-simple.jar)
if [[ ${1:-} == --config ]]; then
  ZOOCFGDIR=$2
  shift 2
fi
if [[ ${1:-} != start-foreground ]]; then
  echo "zkServer.sh (stand-in): only start-foreground is supported, not '${1:-}'" >&2
  exit 2
fi
for jar in "${JARS[@]}"; do
  if [[ ! -f $jar ]]; then
    echo "zkServer.sh (stand-in): $jar is missing: apt-get install zookeeper" >&2
    exit 1
  fi
done

ZOOCFGDIR=${ZOOCFGDIR:-/conf}
config=${2:-zoo.cfg}
[[ $config == */* ]] || config=$ZOOCFGDIR/$config
ZOO_LOG_DIR=${ZOO_LOG_DIR:-/logs}
java=java
[[ -n ${JAVA_HOME:-} ]] && java=$JAVA_HOME/bin/java
classpath="$ZOOCFGDIR:$(IFS=:; echo "${JARS[*]}")"
jvm_flags="-Xmx${ZK_SERVER_HEAP:-1000}m ${SERVER_JVMFLAGS:-} ${JVMFLAGS:-}"

echo "Using config: $config" >&2
# As zkServer.sh, the flags are split on white space.
# shellcheck disable=SC2086
exec "$java" "-Dzookeeper.log.dir=$ZOO_LOG_DIR" "-Dzookeeper.log.file=zookeeper-server.log" \
  -XX:+HeapDumpOnOutOfMemoryError -XX:OnOutOfMemoryError='kill -9 %p' \
  -cp "$classpath" $jvm_flags org.apache.zookeeper.server.quorum.QuorumPeerMain "$config"
