#!/usr/bin/env bash
# Stand-in for /docker-entrypoint.sh of the official `zookeeper` image (3.8), so the local cluster's kubelet can run the
# chart's ZooKeeper StatefulSet unchanged (`--image zookeeper:3.8=<this directory>`). It honours the image's environment
# contract with the image's defaults: writes $ZOO_CONF_DIR/zoo.cfg from the ZOO_* variables unless one exists, and
# $ZOO_DATA_DIR/myid from ZOO_MY_ID unless one exists; run as root with zkServer.sh, it gives the data directories to
# the image's zookeeper user (1000) and runs again as it. Then it runs its arguments, by default
# `zkServer.sh start-foreground`: this directory's zkServer.sh, on Debian's ZooKeeper 3.8.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PATH="$here:$PATH" # the image has zkServer.sh on its PATH

# The image's ENV.
export ZOO_CONF_DIR=${ZOO_CONF_DIR:-/conf} ZOO_DATA_DIR=${ZOO_DATA_DIR:-/data} ZOO_DATA_LOG_DIR=${ZOO_DATA_LOG_DIR:-/datalog} \
  ZOO_LOG_DIR=${ZOO_LOG_DIR:-/logs} ZOO_TICK_TIME=${ZOO_TICK_TIME:-2000} ZOO_INIT_LIMIT=${ZOO_INIT_LIMIT:-5} \
  ZOO_SYNC_LIMIT=${ZOO_SYNC_LIMIT:-2} ZOO_AUTOPURGE_PURGEINTERVAL=${ZOO_AUTOPURGE_PURGEINTERVAL:-0} \
  ZOO_AUTOPURGE_SNAPRETAINCOUNT=${ZOO_AUTOPURGE_SNAPRETAINCOUNT:-3} ZOO_MAX_CLIENT_CNXNS=${ZOO_MAX_CLIENT_CNXNS:-60} \
  ZOO_STANDALONE_ENABLED=${ZOO_STANDALONE_ENABLED:-true} ZOO_ADMINSERVER_ENABLED=${ZOO_ADMINSERVER_ENABLED:-true}
export ZOOCFGDIR=${ZOOCFGDIR:-$ZOO_CONF_DIR}

# The image creates these directories; on a host they must be the pod's volumes, never directories made in /.
for dir in "$ZOO_CONF_DIR" "$ZOO_DATA_DIR" "$ZOO_LOG_DIR" "$ZOO_DATA_LOG_DIR"; do
  # ZooKeeper makes dataLogDir itself: inside a volume (e.g. /data/datalog) that is fine.
  [[ $dir == "$ZOO_DATA_LOG_DIR" && ! -d $dir && $(dirname "$dir") != / && -d $(dirname "$dir") ]] && continue
  if [[ ! -d $dir ]]; then
    echo "docker-entrypoint.sh (stand-in): $dir does not exist: mount a volume there" >&2
    exit 1
  fi
done

if [[ ${1:-} == zkServer.sh && $(id -u) == 0 ]]; then
  # The image's configuration directory belongs to its zookeeper user too.
  for dir in "$ZOO_CONF_DIR" "$ZOO_DATA_DIR" "$ZOO_DATA_LOG_DIR" "$ZOO_LOG_DIR"; do
    if [[ -d $dir ]]; then chown -R 1000:1000 -- "$dir"; fi
  done
  exec setpriv --reuid=1000 --regid=1000 --clear-groups -- "$0" "$@"
fi

config=$ZOO_CONF_DIR/zoo.cfg
if [[ ! -f $config ]]; then
  {
    echo "dataDir=$ZOO_DATA_DIR"
    echo "dataLogDir=$ZOO_DATA_LOG_DIR"
    echo "tickTime=$ZOO_TICK_TIME"
    echo "initLimit=$ZOO_INIT_LIMIT"
    echo "syncLimit=$ZOO_SYNC_LIMIT"
    echo "autopurge.snapRetainCount=$ZOO_AUTOPURGE_SNAPRETAINCOUNT"
    echo "autopurge.purgeInterval=$ZOO_AUTOPURGE_PURGEINTERVAL"
    echo "maxClientCnxns=$ZOO_MAX_CLIENT_CNXNS"
    echo "standaloneEnabled=$ZOO_STANDALONE_ENABLED"
    echo "admin.enableServer=$ZOO_ADMINSERVER_ENABLED"
    # Entries are separated by white space, as the image splits them.
    for entry in ${ZOO_SERVERS:-server.1=localhost:2888:3888;2181}; do echo "$entry"; done
    if [[ -n ${ZOO_4LW_COMMANDS_WHITELIST:-} ]]; then echo "4lw.commands.whitelist=$ZOO_4LW_COMMANDS_WHITELIST"; fi
    for entry in ${ZOO_CFG_EXTRA:-}; do echo "$entry"; done
  } >>"$config"
fi

if [[ ! -f $ZOO_DATA_DIR/myid ]]; then
  echo "${ZOO_MY_ID:-1}" >"$ZOO_DATA_DIR/myid"
fi

exec "$@"
