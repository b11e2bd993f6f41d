# syntax=docker/dockerfile:1
# One image for the operator (zksync-operator, ReadyToRun, trimmed as its csproj says) and its worker pods (zkrsync, NativeAOT), both on PATH.
# Pods give only `args` (e.g. [zkrsync, ...]): tini, the ENTRYPOINT, runs them as PID 1's child so the rsync
# processes zkrsync starts are reaped.
#
#   docker build -t registry.example/zksync-operator:0.1.0 .
#
# .NET 10 ships no Debian container images, so both stages are plain Debian 13 images: the NativeAOT
# binary needs the glibc it was linked against, so the build and the run stage are the same Debian release.
# tests/e2e/build-image-dir.sh publishes the same executables the same way (keep the two `dotnet publish` lines alike).
ARG DEBIAN_RELEASE=trixie

FROM debian:${DEBIAN_RELEASE} AS build
# The SDK global.json names (dotnet-install honours its version and roll-forward), clang and zlib for NativeAOT.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates curl clang zlib1g-dev libicu76 \
 && rm -rf /var/lib/apt/lists/*
COPY global.json /tmp/global.json
RUN curl -fsSL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh \
 && bash /tmp/dotnet-install.sh --jsonfile /tmp/global.json --install-dir /usr/share/dotnet \
 && ln -s /usr/share/dotnet/dotnet /usr/local/bin/dotnet \
 && rm /tmp/dotnet-install.sh
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORKDIR /src
# Restore first, from the project files only, so source edits keep the restore layer.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Contracts/Contracts.csproj src/Contracts/
COPY src/ZooKeeper/ZooKeeper.csproj src/ZooKeeper/
COPY src/Worker/Worker.csproj src/Worker/
COPY src/Operator/Operator.csproj src/Operator/
ARG TARGETARCH=amd64
RUN rid=linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64) \
 && dotnet restore src/Worker/Worker.csproj -r "$rid" -p:PublishAot=true \
 && dotnet restore src/Operator/Operator.csproj -r "$rid"
COPY src/ src/
RUN rid=linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64) \
 && dotnet publish src/Worker/Worker.csproj -c Release -r "$rid" -p:PublishAot=true -p:StripSymbols=true -o /out/zkrsync \
 && dotnet publish src/Operator/Operator.csproj -c Release -r "$rid" --self-contained true -p:PublishReadyToRun=true -o /out/operator

FROM debian:${DEBIAN_RELEASE}-slim
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="zksync-operator" \
      org.opencontainers.image.description="ZkSync operator and zkrsync workers: parallel rsync coordinated through ZooKeeper, on Kubernetes" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.base.name="docker.io/library/debian:${DEBIAN_RELEASE}-slim"
# rsync for the workers, tini as PID 1, what the self-contained operator needs from the system (OpenSSL and CA
# certificates for the API server's TLS; no ICU: every project builds with InvariantGlobalization).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rsync tini ca-certificates libssl3t64 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 zksync \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin zksync
# One directory for both (tests/e2e/build-image-dir.sh makes the same directory for the local cluster).
COPY --from=build /out/operator/ /opt/zksync/bin/
COPY --from=build /out/zkrsync/zkrsync /opt/zksync/bin/zkrsync
ENV PATH=/opt/zksync/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_gcServer=0
# (workstation GC: the operator's pod has a small memory limit)
# The chart's pods run as this user too (runAsUser 10001) with a read-only root filesystem.
USER 10001:10001
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["zksync-operator"]
