using k8s;
using k8s.Models;
using Xunit.Abstractions;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.LocalCluster.Tests.Cluster;

/// <summary>The Job controller and the kubelet together, driven through kubectl: Jobs run their pods as processes to
/// completion or failure as a cluster would.</summary>
public sealed class JobTests(RunningClusterFixture cluster, ITestOutputHelper output) : IClassFixture<RunningClusterFixture>
{
    private const string Image = RunningClusterFixture.ShellImage;

    [Fact]
    public Task Job_WithParallelismAndCompletions_RunsItsPodsToComplete() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("job");
        var kubectl = cluster.Kubectl(ns);
        await kubectl.ApplyAsync($$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: count}
            spec:
              parallelism: 2
              completions: 4
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - name: work
                    image: {{Image}}
                    args: ["echo done by $POD_NAME"]
                    env:
                    - name: POD_NAME
                      valueFrom: {fieldRef: {fieldPath: metadata.name} }
            """);

        await kubectl.WaitAsync("condition=Complete", "job/count");
        Assert.Equal("4", await kubectl.JsonPathAsync("job/count", "{.status.succeeded}"));
        var pods = (await kubectl.RunAsync("get", "pods", "-l", "job-name=count", "-o", "jsonpath={range .items[*]}{.metadata.name}={.status.phase}{\"\\n\"}{end}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, pods.Length);
        Assert.All(pods, pod => Assert.EndsWith("=Succeeded", pod, StringComparison.Ordinal));
        var first = pods[0].Split('=')[0];
        Assert.Equal($"done by {first}", (await kubectl.RunAsync("logs", first)).Trim());
    });

    [Fact]
    public Task IndexedJob_WhosePodIsDeleted_ReplacesItWithTheSameIndex() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("idx");
        var kubectl = cluster.Kubectl(ns);
        var shared = cluster.CreateSharedDirectory();
        await kubectl.ApplyAsync($$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: indexed}
            spec:
              completionMode: Indexed
              completions: 2
              parallelism: 2
              template:
                spec:
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: work
                    image: {{Image}}
                    args: ['echo $JOB_COMPLETION_INDEX > /shared/$POD_NAME; while [ ! -e /shared/go ]; do sleep 0.1; done']
                    env:
                    - name: POD_NAME
                      valueFrom: {fieldRef: {fieldPath: metadata.name} }
                    volumeMounts: [{name: shared, mountPath: /shared}]
                  volumes:
                  - name: shared
                    hostPath: {path: {{shared}} }
            """);

        await kubectl.WaitAsync("jsonpath={.status.ready}=2", "job/indexed");
        var victim = (await kubectl.RunAsync("get", "pods", "-l", "batch.kubernetes.io/job-completion-index=1", "-o", "name")).Trim();
        Assert.StartsWith("pod/indexed-1-", victim, StringComparison.Ordinal);
        await kubectl.RunAsync("delete", victim);

        await kubectl.WaitAsync("jsonpath={.status.ready}=2", "job/indexed");
        var replacement = (await kubectl.RunAsync("get", "pods", "-l", "batch.kubernetes.io/job-completion-index=1", "-o", "name")).Trim();
        Assert.StartsWith("pod/indexed-1-", replacement, StringComparison.Ordinal);
        Assert.NotEqual(victim, replacement);
        Assert.Equal("1", await kubectl.JsonPathAsync(replacement, "{.metadata.annotations.batch\\.kubernetes\\.io/job-completion-index}"));

        await File.WriteAllTextAsync(Path.Combine(shared, "go"), "");
        await kubectl.WaitAsync("condition=Complete", "job/indexed");
        Assert.Equal("0-1", await kubectl.JsonPathAsync("job/indexed", "{.status.completedIndexes}"));
        Assert.Equal("1\n", await File.ReadAllTextAsync(Path.Combine(shared, replacement["pod/".Length..])));
        var zero = (await kubectl.RunAsync("get", "pods", "-l", "batch.kubernetes.io/job-completion-index=0", "-o", "name")).Trim();
        Assert.Equal("0\n", await File.ReadAllTextAsync(Path.Combine(shared, zero["pod/".Length..])));
    });

    [Fact]
    public Task Job_WhosePodsKeepFailing_FailsWithBackoffLimitExceeded() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("backoff");
        var kubectl = cluster.Kubectl(ns);
        await kubectl.ApplyAsync($$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: failing}
            spec:
              backoffLimit: 1
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - {name: work, image: {{Image}}, args: ["exit 3"]}
            """);

        await kubectl.WaitAsync("condition=Failed", "job/failing");
        Assert.Equal("BackoffLimitExceeded", await kubectl.JsonPathAsync("job/failing", "{.status.conditions[?(@.type==\"Failed\")].reason}"));
        Assert.Equal("2", await kubectl.JsonPathAsync("job/failing", "{.status.failed}"));
        var exitCodes = await kubectl.RunAsync("get", "pods", "-l", "job-name=failing", "-o", "jsonpath={.items[*].status.containerStatuses[0].state.terminated.exitCode}");
        Assert.Equal("3 3", exitCodes.Trim());
    });

    [Fact]
    public Task PodFailurePolicy_FailJobOnAnExitCode_FailsTheJobAtTheFirstSuchPod() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("pfp");
        var kubectl = cluster.Kubectl(ns);
        await kubectl.ApplyAsync($$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: fatal}
            spec:
              backoffLimit: 6
              podFailurePolicy:
                rules:
                - action: FailJob
                  onExitCodes: {containerName: work, operator: In, values: [42]}
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - {name: work, image: {{Image}}, args: ["exit 42"]}
            """);

        await kubectl.WaitAsync("condition=Failed", "job/fatal");
        Assert.Equal("PodFailurePolicy", await kubectl.JsonPathAsync("job/fatal", "{.status.conditions[?(@.type==\"Failed\")].reason}"));
        Assert.Equal("1", await kubectl.JsonPathAsync("job/fatal", "{.status.failed}"));
    });

    [Fact]
    public Task PodFailurePolicy_IgnoreOnDisruption_ReplacesAnEvictedPodWithoutCountingIt() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("evict");
        var kubectl = cluster.Kubectl(ns);
        var shared = cluster.CreateSharedDirectory();
        await kubectl.ApplyAsync($$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: patient}
            spec:
              backoffLimit: 0
              podFailurePolicy:
                rules:
                - action: Ignore
                  onPodConditions: [{type: DisruptionTarget}]
              template:
                spec:
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: work
                    image: {{Image}}
                    args: ['while [ ! -e /shared/go ]; do sleep 0.1; done']
                    volumeMounts: [{name: shared, mountPath: /shared}]
                  volumes:
                  - name: shared
                    hostPath: {path: {{shared}} }
            """);

        await kubectl.WaitAsync("jsonpath={.status.ready}=1", "job/patient");
        var evicted = (await kubectl.RunAsync("get", "pods", "-l", "job-name=patient", "-o", "jsonpath={.items[0].metadata.name}")).Trim();
        using var client = cluster.Client();
        await client.CoreV1.CreateNamespacedPodEvictionAsync(new V1Eviction { Metadata = new V1ObjectMeta { Name = evicted, NamespaceProperty = ns } }, evicted, ns);
        await kubectl.WaitAsync("delete", $"pod/{evicted}");

        await kubectl.WaitAsync("jsonpath={.status.ready}=1", "job/patient");
        await File.WriteAllTextAsync(Path.Combine(shared, "go"), "");
        await kubectl.WaitAsync("condition=Complete", "job/patient");
        Assert.Equal("", await kubectl.JsonPathAsync("job/patient", "{.status.failed}"));
        Assert.Equal("1", await kubectl.JsonPathAsync("job/patient", "{.status.succeeded}"));
    });

    /// <summary>What the operator's worker Jobs build on (zkrsync's exit code 4, a worker stopped before its session
    /// ended): an exit code matching an Ignore rule makes the controller replace the pod, of the same index, without
    /// counting the failure (with <c>backoffLimit: 0</c> one counted failure would fail the Job).</summary>
    [Fact]
    public Task PodFailurePolicy_IgnoreOnExitCode_ReplacesThePodOfTheSameIndex_WithoutCountingIt() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("ignore-exit");
        var kubectl = cluster.Kubectl(ns);
        var shared = cluster.CreateSharedDirectory();
        await kubectl.ApplyAsync($$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: rejoin}
            spec:
              completions: 2
              parallelism: 2
              completionMode: Indexed
              backoffLimit: 0
              podFailurePolicy:
                rules:
                - action: FailJob
                  onExitCodes: {containerName: work, operator: In, values: [2, 3]}
                - action: Ignore
                  onExitCodes: {containerName: work, operator: In, values: [4]}
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - name: work
                    image: {{Image}}
                    args: ['if [ -e /shared/ran-$JOB_COMPLETION_INDEX ]; then exit 0; fi; touch /shared/ran-$JOB_COMPLETION_INDEX; exit 4']
                    volumeMounts: [{name: shared, mountPath: /shared}]
                  volumes:
                  - name: shared
                    hostPath: {path: {{shared}} }
            """);

        await kubectl.WaitAsync("condition=Complete", "job/rejoin");
        Assert.Equal("", await kubectl.JsonPathAsync("job/rejoin", "{.status.failed}"));
        Assert.Equal("2", await kubectl.JsonPathAsync("job/rejoin", "{.status.succeeded}"));
        Assert.Equal("0-1", await kubectl.JsonPathAsync("job/rejoin", "{.status.completedIndexes}"));
        var pods = (await kubectl.RunAsync("get", "pods", "-l", "job-name=rejoin", "-o",
                "jsonpath={range .items[*]}{.metadata.labels.batch\\.kubernetes\\.io/job-completion-index}:{.status.phase}:{.status.containerStatuses[0].state.terminated.exitCode}{\"\\n\"}{end}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["0:Failed:4", "0:Succeeded:0", "1:Failed:4", "1:Succeeded:0"], pods);
    });

    [Fact]
    public Task SuspendedJob_LosesItsPods_AndResumingStartsThemAgain() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("suspend");
        var kubectl = cluster.Kubectl(ns);
        var shared = cluster.CreateSharedDirectory();
        await kubectl.ApplyAsync($$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: pausable}
            spec:
              parallelism: 2
              completions: 2
              template:
                spec:
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: work
                    image: {{Image}}
                    args: ['while [ ! -e /shared/go ]; do sleep 0.1; done']
                    volumeMounts: [{name: shared, mountPath: /shared}]
                  volumes:
                  - name: shared
                    hostPath: {path: {{shared}} }
            """);
        await kubectl.WaitAsync("jsonpath={.status.ready}=2", "job/pausable");

        var running = (await kubectl.RunAsync("get", "pods", "-l", "job-name=pausable", "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, running.Length);

        await kubectl.RunAsync("patch", "job/pausable", "--type=merge", "-p", """{"spec":{"suspend":true}}""");
        await kubectl.WaitAsync("condition=Suspended", "job/pausable");
        await kubectl.WaitAsync("delete", running);
        Assert.Equal("", (await kubectl.RunAsync("get", "pods", "-l", "job-name=pausable", "-o", "name")).Trim());
        Assert.Equal("", await kubectl.JsonPathAsync("job/pausable", "{.status.active}"));

        await kubectl.RunAsync("patch", "job/pausable", "--type=merge", "-p", """{"spec":{"suspend":false}}""");
        await kubectl.WaitAsync("jsonpath={.status.ready}=2", "job/pausable");
        await File.WriteAllTextAsync(Path.Combine(shared, "go"), "");
        await kubectl.WaitAsync("condition=Complete", "job/pausable");
        Assert.Equal("2", await kubectl.JsonPathAsync("job/pausable", "{.status.succeeded}"));
    });

    [Fact]
    public Task Job_PastItsActiveDeadline_FailsWithDeadlineExceeded() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("deadline");
        var kubectl = cluster.Kubectl(ns);
        await kubectl.ApplyAsync($$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: slow}
            spec:
              activeDeadlineSeconds: 2
              template:
                spec:
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 1
                  containers:
                  - {name: work, image: {{Image}}, args: ["exec sleep 3600"]}
            """);

        await kubectl.WaitAsync("condition=Failed", "job/slow");
        Assert.Equal("DeadlineExceeded", await kubectl.JsonPathAsync("job/slow", "{.status.conditions[?(@.type==\"Failed\")].reason}"));
        await Eventually.ValueAsync(() => kubectl.RunAsync("get", "pods", "-l", "job-name=slow", "-o", "name"), pods => pods.Trim().Length == 0);
    });

    [Fact]
    public Task FinishedJob_WithTtlSecondsAfterFinished_IsDeletedWithItsPods() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("ttl");
        var kubectl = cluster.Kubectl(ns);
        await kubectl.ApplyAsync($$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: brief}
            spec:
              ttlSecondsAfterFinished: 5
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - {name: work, image: {{Image}}, args: ["echo done"]}
            """);
        await kubectl.WaitAsync("condition=Complete", "job/brief"); // kept for 5 s after that (enough for kubectl to see it)

        await kubectl.WaitAsync("delete", "job/brief");
        await Eventually.ValueAsync(() => kubectl.RunAsync("get", "pods", "-l", "job-name=brief", "-o", "name"), pods => pods.Trim().Length == 0);
    });
}
