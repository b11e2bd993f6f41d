using Xunit.Abstractions;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.LocalCluster.Tests.Cluster;

/// <summary>The scheduler's placement (node selectors, node affinity, taints, pod affinity) and persistent volumes as a cluster
/// enforces their access modes, seen through kubectl.</summary>
public sealed class SchedulingAndStorageTests(RunningClusterFixture cluster, ITestOutputHelper output) : IClassFixture<RunningClusterFixture>
{
    private const string Image = RunningClusterFixture.ShellImage;

    [Fact]
    public Task ReadWriteOnceClaim_AttachedOnAnotherNode_KeepsASecondConsumerContainerCreatingWithMultiAttach() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("rwo");
        var kubectl = cluster.Kubectl(ns);
        await kubectl.ApplyAsync($$"""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Mi} }
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: writer}
            spec:
              nodeSelector: {kubernetes.io/hostname: node-1}
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: {{Image}}
                args: ["echo hello > /data/greeting && exec sleep 3600"]
                volumeMounts: [{name: data, mountPath: /data}]
              volumes:
              - name: data
                persistentVolumeClaim: {claimName: data}
            """);
        await kubectl.WaitAsync("condition=Ready", "pod/writer");
        Assert.Equal("Bound", await kubectl.JsonPathAsync("pvc/data", "{.status.phase}"));

        await kubectl.ApplyAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: far}
            spec:
              nodeSelector: {kubernetes.io/hostname: node-2}
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: {{Image}}
                args: ["cat /data/greeting && exec sleep 3600"]
                volumeMounts: [{name: data, mountPath: /data}]
              volumes:
              - name: data
                persistentVolumeClaim: {claimName: data}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: near}
            spec:
              nodeSelector: {kubernetes.io/hostname: node-1}
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: {{Image}}
                args: ["until [ -e /data/greeting ]; do sleep 0.1; done; cat /data/greeting && exec sleep 3600"]
                volumeMounts: [{name: data, mountPath: /data}]
              volumes:
              - name: data
                persistentVolumeClaim: {claimName: data}
            """);

        await kubectl.WaitAsync("condition=Ready", "pod/near");
        Assert.Equal("hello", (await kubectl.RunAsync("logs", "near")).Trim());
        await kubectl.WaitAsync("jsonpath={.status.containerStatuses[0].state.waiting.reason}=ContainerCreating", "pod/far");
        Assert.Equal("node-2", await kubectl.JsonPathAsync("pod/far", "{.spec.nodeName}"));
        var message = await Eventually.ValueAsync(
            () => kubectl.RunAsync("get", "events", "--field-selector", "involvedObject.name=far,reason=FailedAttachVolume", "-o", "jsonpath={.items[*].message}"),
            found => found.Length > 0);
        Assert.Contains("Multi-Attach error for volume", message, StringComparison.Ordinal);

        await kubectl.RunAsync("delete", "pod", "writer", "near");
        await kubectl.WaitAsync("condition=Ready", "pod/far");
        Assert.Equal("hello", (await kubectl.RunAsync("logs", "far")).Trim());
    });

    [Fact]
    public Task ReadWriteOncePodClaim_InUse_KeepsASecondPodPendingWithTheSchedulersReason() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("rwop");
        var kubectl = cluster.Kubectl(ns);
        string PodUsingClaim(string name) => $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{name}} }
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - {name: main, image: {{Image}}, args: ["exec sleep 3600"], volumeMounts: [{name: data, mountPath: /data}]}
              volumes:
              - name: data
                persistentVolumeClaim: {claimName: solo}
            """;
        await kubectl.ApplyAsync($$"""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: solo}
            spec:
              accessModes: [ReadWriteOncePod]
              resources: {requests: {storage: 1Mi} }
            ---
            {{PodUsingClaim("first")}}
            """);
        await kubectl.WaitAsync("condition=Ready", "pod/first");

        await kubectl.ApplyAsync(PodUsingClaim("second"));
        await kubectl.WaitAsync("condition=PodScheduled=false", "pod/second");
        Assert.Equal("Unschedulable", await kubectl.JsonPathAsync("pod/second", "{.status.conditions[?(@.type==\"PodScheduled\")].reason}"));
        Assert.Contains("ReadWriteOncePod", await kubectl.JsonPathAsync("pod/second", "{.status.conditions[?(@.type==\"PodScheduled\")].message}"),
            StringComparison.Ordinal);
        Assert.Equal("Pending", await kubectl.JsonPathAsync("pod/second", "{.status.phase}"));

        await kubectl.RunAsync("delete", "pod", "first");
        await kubectl.WaitAsync("condition=Ready", "pod/second");
    });

    [Fact]
    public Task Scheduler_HonoursNodeSelectorsAffinityAndTaints() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("sched");
        var kubectl = cluster.Kubectl(ns);
        await kubectl.RunAsync("taint", "node", "node-2", "dedicated=zk:NoSchedule");
        try
        {
            await kubectl.ApplyAsync($$"""
                apiVersion: v1
                kind: Pod
                metadata: {name: nowhere}
                spec:
                  nodeSelector: {disk: ssd}
                  containers: [{name: main, image: {{Image}}, args: ["exec sleep 3600"]}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: untolerated}
                spec:
                  nodeSelector: {kubernetes.io/hostname: node-2}
                  containers: [{name: main, image: {{Image}}, args: ["exec sleep 3600"]}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: tolerated}
                spec:
                  nodeSelector: {kubernetes.io/hostname: node-2}
                  tolerations: [{key: dedicated, operator: Equal, value: zk, effect: NoSchedule}]
                  terminationGracePeriodSeconds: 1
                  containers: [{name: main, image: {{Image}}, args: ["exec sleep 3600"]}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: by-field}
                spec:
                  affinity:
                    nodeAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        nodeSelectorTerms:
                        - matchFields: [{key: metadata.name, operator: In, values: [node-3]}]
                  terminationGracePeriodSeconds: 1
                  containers: [{name: main, image: {{Image}}, args: ["exec sleep 3600"]}]
                """);

            await kubectl.WaitAsync("condition=Ready", "pod/tolerated", "pod/by-field");
            Assert.Equal("node-2", await kubectl.JsonPathAsync("pod/tolerated", "{.spec.nodeName}"));
            Assert.Equal("node-3", await kubectl.JsonPathAsync("pod/by-field", "{.spec.nodeName}"));

            await kubectl.WaitAsync("condition=PodScheduled=false", "pod/nowhere", "pod/untolerated");
            Assert.Contains("didn't match Pod's node affinity/selector",
                await kubectl.JsonPathAsync("pod/nowhere", "{.status.conditions[?(@.type==\"PodScheduled\")].message}"), StringComparison.Ordinal);
            Assert.Contains("untolerated taint {dedicated: zk}",
                await kubectl.JsonPathAsync("pod/untolerated", "{.status.conditions[?(@.type==\"PodScheduled\")].message}"), StringComparison.Ordinal);
            var events = await Eventually.ValueAsync(
                () => kubectl.RunAsync("get", "events", "--field-selector", "involvedObject.name=nowhere,reason=FailedScheduling", "-o", "jsonpath={.items[*].message}"),
                found => found.Length > 0);
            Assert.StartsWith("0/3 nodes are available", events, StringComparison.Ordinal);
        }
        finally
        {
            await kubectl.RunAsync("taint", "node", "node-2", "dedicated=zk:NoSchedule-");
        }
    });

    [Fact]
    public Task RequiredPodAffinity_TheFirstOfAGroupGoesAnywhere_TheOthersFollowWhicheverStillRuns_AndAPodWithNoneToFollowWaits() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("affinity");
        var kubectl = cluster.Kubectl(ns);
        string Member(string name, string labels = "{group: g}", string node = "", string selects = "g", string args = "exec sleep 3600") => $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{name}}, labels: {{labels}} }
            spec:
              {{(node.Length > 0 ? $"nodeSelector: {{kubernetes.io/hostname: {node}}}" : "")}}
              restartPolicy: Never
              terminationGracePeriodSeconds: 1
              affinity:
                podAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                  - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {group: {{selects}} } } }
              containers: [{name: main, image: {{Image}}, args: ["{{args}}"]}]
            """;

        // A member that has ended does not count: the first running one may still go anywhere (here node-3).
        await kubectl.ApplyAsync(Member("ended", node: "node-1", args: "exit 0"));
        await kubectl.WaitAsync("jsonpath={.status.phase}=Succeeded", "pod/ended");
        await kubectl.ApplyAsync(Member("first", node: "node-3"));
        await kubectl.WaitAsync("condition=Ready", "pod/first");

        await kubectl.ApplyAsync(Member("second"));
        await kubectl.WaitAsync("condition=Ready", "pod/second");
        Assert.Equal("node-3", await kubectl.JsonPathAsync("pod/second", "{.spec.nodeName}"));

        // The first gone, the next follows the one left.
        await kubectl.RunAsync("delete", "pod", "first");
        await kubectl.ApplyAsync(Member("third"));
        await kubectl.WaitAsync("condition=Ready", "pod/third");
        Assert.Equal("node-3", await kubectl.JsonPathAsync("pod/third", "{.spec.nodeName}"));

        // A pod that selects a group it is not in, with no such pod running, fits no node, and is placed once one runs.
        await kubectl.ApplyAsync(Member("follower", selects: "leaders"));
        await kubectl.WaitAsync("condition=PodScheduled=false", "pod/follower");
        Assert.Equal(
            "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
            await kubectl.JsonPathAsync("pod/follower", "{.status.conditions[?(@.type==\"PodScheduled\")].message}"));
        await kubectl.ApplyAsync(Member("leader", labels: "{group: leaders}", node: "node-2", selects: "leaders"));
        await kubectl.WaitAsync("condition=Ready", "pod/follower");
        Assert.Equal("node-2", await kubectl.JsonPathAsync("pod/follower", "{.spec.nodeName}"));
    });

    [Fact]
    public Task PersistentVolumes_BindByClassSizeAndModes_OrByName_AndALocalVolumePlacesItsPod() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("pv");
        var kubectl = cluster.Kubectl(ns);
        var hostDirectory = cluster.CreateSharedDirectory();
        var localDirectory = cluster.CreateSharedDirectory();
        await File.WriteAllTextAsync(Path.Combine(hostDirectory, "a"), "from the hostPath volume\n");
        await File.WriteAllTextAsync(Path.Combine(localDirectory, "b"), "from the local volume\n");
        await kubectl.ApplyAsync($$"""
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: {{ns}}-small}
            spec:
              capacity: {storage: 100Mi}
              accessModes: [ReadWriteMany]
              storageClassName: manual-{{ns}}
              hostPath: {path: /nonexistent-{{ns}} }
            ---
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: {{ns}}-host}
            spec:
              capacity: {storage: 1Gi}
              accessModes: [ReadWriteMany]
              storageClassName: manual-{{ns}}
              hostPath: {path: {{hostDirectory}} }
            ---
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: {{ns}}-local}
            spec:
              capacity: {storage: 1Gi}
              accessModes: [ReadWriteOnce]
              storageClassName: ""
              local: {path: {{localDirectory}} }
              nodeAffinity:
                required:
                  nodeSelectorTerms:
                  - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [node-2]}]
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: by-class}
            spec:
              storageClassName: manual-{{ns}}
              accessModes: [ReadWriteMany]
              resources: {requests: {storage: 500Mi} }
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: by-name}
            spec:
              storageClassName: ""
              volumeName: {{ns}}-local
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi} }
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: reader}
            spec:
              restartPolicy: Never
              containers:
              - name: main
                image: {{Image}}
                args: ["cat /a/a /b/b"]
                volumeMounts: [{name: a, mountPath: /a}, {name: b, mountPath: /b}]
              volumes:
              - {name: a, persistentVolumeClaim: {claimName: by-class} }
              - {name: b, persistentVolumeClaim: {claimName: by-name} }
            """);

        await kubectl.WaitAsync("jsonpath={.status.phase}=Succeeded", "pod/reader");
        Assert.Equal("from the hostPath volume\nfrom the local volume\n", await kubectl.RunAsync("logs", "reader"));
        Assert.Equal("node-2", await kubectl.JsonPathAsync("pod/reader", "{.spec.nodeName}"));
        Assert.Equal($"{ns}-host", await kubectl.JsonPathAsync("pvc/by-class", "{.spec.volumeName}"));
        Assert.Equal("Bound", await kubectl.JsonPathAsync($"pv/{ns}-local", "{.status.phase}"));
        Assert.Equal("Available", await kubectl.JsonPathAsync($"pv/{ns}-small", "{.status.phase}"));
    });
}
