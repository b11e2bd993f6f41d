using Xunit.Abstractions;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.LocalCluster.Tests.Cluster;

/// <summary>What a pod's process sees and what kubectl sees of it: its environment, volumes, address, service
/// account, logs and termination message.</summary>
public sealed class PodTests(RunningClusterFixture cluster, ITestOutputHelper output) : IClassFixture<RunningClusterFixture>
{
    private const string Image = RunningClusterFixture.ShellImage;

    [Fact]
    public Task PodProcess_SeesItsVolumesEnvironmentAddressAndServiceAccount_AsKubectlReportsThem() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("pod");
        var kubectl = cluster.Kubectl(ns);
        var shared = cluster.CreateSharedDirectory();
        await File.WriteAllTextAsync(Path.Combine(shared, "given"), "from the host\n");
        await kubectl.ApplyAsync($$"""
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            stringData: {password: s3cret}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {mode: fast}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: reader}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: pod-reader}
            rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: reader-reads-pods}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
            subjects: [{kind: ServiceAccount, name: reader, namespace: {{ns}} }]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: inspect}
            spec:
              serviceAccountName: reader
              restartPolicy: Never
              containers:
              - name: main
                image: {{Image}}
                args:
                - |
                  echo "password=$PASSWORD"
                  echo "ip=$POD_IP name=$POD_NAME"
                  echo "secret-file=$(cat /etc/creds/password) config-file=$(cat /etc/settings/mode)"
                  echo "host-file=$(cat /given/given)"
                  if touch /given/new 2>/dev/null; then echo given=writable; else echo given=readonly; fi
                  echo scratch > /scratch/file && echo "scratch=$(cat /scratch/file)"
                  echo "namespace=$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace)"
                  echo "api=$KUBERNETES_SERVICE_HOST"
                  {{RunningClusterFixture.GreeterProgram}}
                  HOME=/scratch "$KUBECTL" get pods -o name
                  HOME=/scratch "$KUBECTL" get secrets 2>&1
                  echo farewell > /dev/termination-log
                  exit 7
                env:
                - {name: KUBECTL, value: {{ClientTools.Kubectl}} }
                - name: PASSWORD
                  valueFrom: {secretKeyRef: {name: creds, key: password} }
                - name: POD_IP
                  valueFrom: {fieldRef: {fieldPath: status.podIP} }
                - name: POD_NAME
                  valueFrom: {fieldRef: {fieldPath: metadata.name} }
                volumeMounts:
                - {name: creds, mountPath: /etc/creds}
                - {name: settings, mountPath: /etc/settings}
                - {name: given, mountPath: /given, readOnly: true}
                - {name: scratch, mountPath: /scratch}
              volumes:
              - name: creds
                secret: {secretName: creds, defaultMode: 0400}
              - name: settings
                configMap: {name: settings}
              - name: given
                hostPath: {path: {{shared}} }
              - name: scratch
                emptyDir: {}
            """);

        await kubectl.WaitAsync("jsonpath={.status.phase}=Failed", "pod/inspect");
        var podIP = await kubectl.JsonPathAsync("pod/inspect", "{.status.podIP}");
        Assert.StartsWith("127.", podIP, StringComparison.Ordinal);
        Assert.NotEqual("127.0.0.1", podIP);
        var log = await kubectl.RunAsync("logs", "inspect");
        Assert.Contains("password=s3cret\n", log, StringComparison.Ordinal);
        Assert.Contains($"ip={podIP} name=inspect\n", log, StringComparison.Ordinal);
        Assert.Contains("secret-file=s3cret config-file=fast\n", log, StringComparison.Ordinal);
        Assert.Contains("host-file=from the host\n", log, StringComparison.Ordinal);
        Assert.Contains("given=readonly\n", log, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(shared, "new")));
        Assert.Contains("scratch=scratch\n", log, StringComparison.Ordinal);
        Assert.Contains($"namespace={ns}\n", log, StringComparison.Ordinal);
        Assert.Contains("api=127.0.0.1\n", log, StringComparison.Ordinal);
        Assert.Contains("hello from the image\n", log, StringComparison.Ordinal);
        Assert.Contains("pod/inspect\n", log, StringComparison.Ordinal);
        Assert.Contains($"User \"system:serviceaccount:{ns}:reader\" cannot list resource \"secrets\"", log, StringComparison.Ordinal);

        Assert.Equal("7", await kubectl.JsonPathAsync("pod/inspect", "{.status.containerStatuses[0].state.terminated.exitCode}"));
        Assert.Equal("Error", await kubectl.JsonPathAsync("pod/inspect", "{.status.containerStatuses[0].state.terminated.reason}"));
        Assert.Equal("farewell\n", await kubectl.JsonPathAsync("pod/inspect", "{.status.containerStatuses[0].state.terminated.message}"));
    });

    [Fact]
    public Task Pod_OfAnUnmappedImage_WaitsWithErrImagePull() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("image");
        var kubectl = cluster.Kubectl(ns);
        await kubectl.RunAsync("run", "nowhere", "--image=example.test/not-mapped:2", "--restart=Never");

        await kubectl.WaitAsync("jsonpath={.status.containerStatuses[0].state.waiting.reason}=ErrImagePull", "pod/nowhere");
        Assert.Equal("Pending", await kubectl.JsonPathAsync("pod/nowhere", "{.status.phase}"));
        Assert.Contains("example.test/not-mapped:2", await kubectl.JsonPathAsync("pod/nowhere", "{.status.containerStatuses[0].state.waiting.message}"),
            StringComparison.Ordinal);
    });

    [Fact]
    public Task Container_ThatKeepsCrashing_IsRestartedWithItsLastStateReported() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("crash");
        var kubectl = cluster.Kubectl(ns);
        await kubectl.ApplyAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: crasher}
            spec:
              containers:
              - {name: main, image: {{Image}}, args: ["echo attempt; exit 5"]}
            """);

        await kubectl.WaitAsync("jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}=5", "pod/crasher");
        var restarts = int.Parse(await kubectl.JsonPathAsync("pod/crasher", "{.status.containerStatuses[0].restartCount}"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(restarts, 1, 100);
        Assert.Equal("attempt", (await kubectl.RunAsync("logs", "crasher", "--previous")).Trim());
        await kubectl.RunAsync("delete", "pod", "crasher", "--wait=false"); // no crash loop for the rest of the class
    });
}
