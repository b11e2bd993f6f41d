#!/usr/bin/env bash
# Publishes the operator as the image ships it (ReadyToRun, self-contained: the Dockerfile's `dotnet publish` line;
# trimmed, as src/Operator/Operator.csproj sets for every publish),
# builds operator-bench in Release and runs it: the operator in its own process on the local
# API server (in the bench's process) with a real ZooKeeper, 100 then 1,000 ZkRsyncSessions (workers not started).
# Prints the figures, how they scale, and a Markdown table of issue 14's targets with PASS/FAIL.
# Arguments go to the benchmark: [--sessions 100,1000] [--idle-seconds 60] [--running 50] [--running-seconds 30]
# (that many of the sessions then run: their masters, played in ZooKeeper, report progress every 0.5 s, and
# their status patches are counted).
# Needs what ./test.sh installs: Debian's zookeeper and java.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

rid=linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')
dotnet publish ../../src/Operator/Operator.csproj -c Release -r "$rid" --self-contained true -p:PublishReadyToRun=true \
  -o bin/operator-published -nologo -v quiet -clp:ErrorsOnly
dotnet build OperatorBench.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
exec dotnet bin/Release/net10.0/operator-bench.dll --operator bin/operator-published/zksync-operator "$@"
