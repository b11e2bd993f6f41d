using Xunit.Abstractions;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.LocalCluster.Tests.Cluster;

/// <summary>Deployments and StatefulSets run by their controllers and the kubelet, as kubectl and helm see them.</summary>
public sealed class WorkloadTests(RunningClusterFixture cluster, ITestOutputHelper output) : IClassFixture<RunningClusterFixture>
{
    private const string Image = RunningClusterFixture.ShellImage;

    [Fact]
    public Task Deployment_KeepsItsReplicas_AndReplacesADeletedPod() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("deploy");
        var kubectl = cluster.Kubectl(ns);
        await kubectl.ApplyAsync($$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web} }
              template:
                metadata: {labels: {app: web} }
                spec:
                  terminationGracePeriodSeconds: 1
                  containers: [{name: main, image: {{Image}}, args: ["exec sleep 3600"]}]
            """);
        await kubectl.RunAsync("rollout", "status", "deployment/web", "--timeout=90s");
        var before = (await kubectl.RunAsync("get", "pods", "-l", "app=web", "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, before.Length);

        await kubectl.RunAsync("delete", before[0]);
        await kubectl.WaitAsync("jsonpath={.status.availableReplicas}=2", "deployment/web");
        var after = (await kubectl.RunAsync("get", "pods", "-l", "app=web", "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, after.Length);
        Assert.DoesNotContain(before[0], after);
        Assert.Contains(before[1], after);
        Assert.Equal("True", await kubectl.JsonPathAsync("deployment/web", "{.status.conditions[?(@.type==\"Available\")].status}"));

        // A template change rolls every pod over to a second ReplicaSet.
        await kubectl.RunAsync("set", "env", "deployment/web", "GREETING=hi");
        await kubectl.RunAsync("rollout", "status", "deployment/web", "--timeout=90s");
        await kubectl.WaitAsync("delete", after);
        Assert.Equal(2, (await kubectl.RunAsync("get", "replicasets", "-l", "app=web", "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("hi hi", await kubectl.RunAsync("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.containers[0].env[0].value}"));
    });

    [Fact]
    public Task StatefulSet_GivesEachPodItsOwnClaim_ThatOutlivesThePod() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("claims");
        var kubectl = cluster.Kubectl(ns);
        await kubectl.ApplyAsync($$"""
            apiVersion: v1
            kind: Service
            metadata: {name: store}
            spec:
              clusterIP: None
              selector: {app: store}
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: store}
            spec:
              serviceName: store
              replicas: 2
              selector: {matchLabels: {app: store} }
              template:
                metadata: {labels: {app: store} }
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: {{Image}}
                    args: ['if [ -e /data/owner ]; then echo "kept $(cat /data/owner)"; else echo "$POD_NAME" > /data/owner; echo new; fi; exec sleep 3600']
                    env:
                    - name: POD_NAME
                      valueFrom: {fieldRef: {fieldPath: metadata.name} }
                    volumeMounts: [{name: data, mountPath: /data}]
              volumeClaimTemplates:
              - metadata: {name: data}
                spec:
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Mi} }
            """);
        await kubectl.RunAsync("rollout", "status", "statefulset/store", "--timeout=90s");
        Assert.Equal("Bound Bound", await kubectl.RunAsync("get", "pvc", "data-store-0", "data-store-1", "-o", "jsonpath={.items[*].status.phase}"));
        Assert.Equal("new", (await kubectl.RunAsync("logs", "store-1")).Trim());
        var uid = await kubectl.JsonPathAsync("pod/store-1", "{.metadata.uid}");

        await kubectl.RunAsync("delete", "pod", "store-1");
        var log = await Eventually.ValueAsync(
            async () =>
            {
                var current = await kubectl.TryAsync("get", "pod/store-1", "-o", "jsonpath={.metadata.uid}");
                return current.Succeeded && current.Output != uid ? (await kubectl.TryAsync("logs", "store-1")).Output.Trim() : "";
            },
            found => found.Length > 0);
        Assert.Equal("kept store-1", log);
    });

    [Fact]
    public Task ReadinessProbe_GatesReady_AndHelmInstallWait() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("ready");
        var kubectl = cluster.Kubectl(ns);
        var shared = cluster.CreateSharedDirectory();
        var chart = Directory.CreateDirectory(Path.Combine(cluster.Directory, $"chart-{ns}")).FullName;
        Directory.CreateDirectory(Path.Combine(chart, "templates"));
        await File.WriteAllTextAsync(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: gated\nversion: 0.1.0\n");
        await File.WriteAllTextAsync(Path.Combine(chart, "templates", "deployment.yaml"), $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: gated}
            spec:
              replicas: 1
              selector: {matchLabels: {app: gated} }
              template:
                metadata: {labels: {app: gated} }
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: {{Image}}
                    args: ["exec sleep 3600"]
                    readinessProbe:
                      exec: {command: [test, -e, /shared/ready]}
                      periodSeconds: 1
                    volumeMounts: [{name: shared, mountPath: /shared}]
                  volumes:
                  - name: shared
                    hostPath: {path: {{shared}} }
            """);

        var install = cluster.Helm(ns).RunAsync("install", "gated", chart, "--wait", "--timeout", "90s");
        await kubectl.WaitAsync("create", "deployment/gated");
        await kubectl.WaitAsync("jsonpath={.status.replicas}=1", "deployment/gated");
        var pod = (await kubectl.RunAsync("get", "pods", "-l", "app=gated", "-o", "name")).Trim();
        await kubectl.WaitAsync("jsonpath={.status.containerStatuses[0].started}=true", pod);
        Assert.Equal("False", await kubectl.JsonPathAsync(pod, "{.status.conditions[?(@.type==\"Ready\")].status}"));
        Assert.False(install.IsCompleted, "helm install --wait finished while the pod was not ready");

        await File.WriteAllTextAsync(Path.Combine(shared, "ready"), "");
        Assert.Contains("STATUS: deployed", await install, StringComparison.Ordinal);
        Assert.Equal("True", await kubectl.JsonPathAsync(pod, "{.status.conditions[?(@.type==\"Ready\")].status}"));
    });

    [Fact]
    public Task StatefulSetPods_ReachEachOtherByTheirHeadlessServiceNames() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("sts");
        var kubectl = cluster.Kubectl(ns);
        // Each pod serves HTTP on its own address and is ready only once it has fetched its peer's page by the peer's
        // stable name: both names must resolve (through the pods' /etc/hosts) to the right addresses.
        await kubectl.ApplyAsync($$"""
            apiVersion: v1
            kind: Service
            metadata: {name: peers}
            spec:
              clusterIP: None
              publishNotReadyAddresses: true
              selector: {app: peers}
              ports: [{name: http, port: 8080}]
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: node}
            spec:
              serviceName: peers
              replicas: 2
              podManagementPolicy: Parallel
              selector: {matchLabels: {app: peers} }
              template:
                metadata: {labels: {app: peers} }
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: {{Image}}
                    args:
                    - |
                      mkdir -p /www && echo "I am $POD_NAME" > /www/index.html
                      exec python3 -m http.server 8080 --bind "$POD_IP" --directory /www
                    env:
                    - name: POD_NAME
                      valueFrom: {fieldRef: {fieldPath: metadata.name} }
                    - name: POD_IP
                      valueFrom: {fieldRef: {fieldPath: status.podIP} }
                    readinessProbe:
                      exec:
                        command:
                        - sh
                        - -c
                        - 'case $POD_NAME in node-0) peer=node-1.peers;; *) peer=node-0.peers.{{ns}}.svc.cluster.local;; esac; curl -sf http://$peer:8080/ | grep -q "I am ${peer%%.*}"'
                      periodSeconds: 1
                    volumeMounts: [{name: www, mountPath: /www}]
                  volumes:
                  - name: www
                    emptyDir: {}
            """);

        await kubectl.RunAsync("rollout", "status", "statefulset/node", "--timeout=90s");
        Assert.Equal("2", await kubectl.JsonPathAsync("statefulset/node", "{.status.readyReplicas}"));
        var hostnames = await kubectl.RunAsync("get", "pods", "-l", "app=peers", "-o", "jsonpath={.items[*].spec.hostname}");
        Assert.Equal("node-0 node-1", hostnames.Trim());
    });
}
