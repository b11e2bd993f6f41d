#!/usr/bin/env bash
# Builds zk-client-bench in Release and runs it: our ZooKeeper client vs kazoo against one local
# ZooKeeper 3.8 server it starts itself. Arguments go to the benchmark: [--items N] [--runs N].
# Needs what ./test.sh installs: Debian's zookeeper, java, /usr/bin/python3 with kazoo.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet build ZkClientBench.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
exec dotnet bin/Release/net10.0/zk-client-bench.dll "$@"
