using Xunit.Abstractions;
using ZkSync.LocalCluster.Auth;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.LocalCluster.Tests;

/// <summary>Service accounts authenticated by their tokens and authorised by the RBAC objects stored in the server.</summary>
public sealed class RbacTests(LocalClusterFixture cluster, ITestOutputHelper output) : IClassFixture<LocalClusterFixture>
{
    [Fact]
    public Task ServiceAccount_LackingAVerb_IsForbidden_AndAllowedOnceARoleGrantsIt() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var admin = cluster.Kubectl(ns);
        await admin.RunAsync("create", "serviceaccount", "robot");
        await admin.RunAsync("create", "configmap", "settings", "--from-literal=a=1");
        var token = (await admin.RunAsync("create", "token", "robot", "--duration=10m")).Trim();
        var robot = cluster.Kubectl(ns, token);

        var denied = await robot.TryAsync("get", "configmaps");
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains(
            $"Error from server (Forbidden): configmaps is forbidden: User \"system:serviceaccount:{ns}:robot\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"",
            denied.Error, StringComparison.Ordinal);
        Assert.Equal("no", (await robot.TryAsync("auth", "can-i", "get", "configmaps")).Output.Trim());

        await admin.RunAsync("create", "role", "reader", "--verb=get,list", "--resource=configmaps", "--resource-name=settings");
        await admin.RunAsync("create", "rolebinding", "robot-reads", "--role=reader", $"--serviceaccount={ns}:robot");
        Assert.Equal("settings", await robot.RunAsync("get", "configmap", "settings", "-o", "jsonpath={.metadata.name}"));
        Assert.Equal("yes", (await robot.TryAsync("auth", "can-i", "get", "configmap/settings")).Output.Trim());
        // resourceNames restrict: another object, and the list verb without a name, stay forbidden.
        Assert.Contains("cannot list resource \"configmaps\"", (await robot.TryAsync("get", "configmaps")).Error, StringComparison.Ordinal);
        var write = await robot.TryAsync("delete", "configmap", "settings");
        Assert.Contains($"configmaps \"settings\" is forbidden: User \"system:serviceaccount:{ns}:robot\" cannot delete resource \"configmaps\"", write.Error, StringComparison.Ordinal);
        Assert.Contains("Forbidden", (await robot.TryAsync("get", "configmaps", "-n", "default")).Error, StringComparison.Ordinal);
    });

    [Fact]
    public Task AuthorizationLog_RecordsTheRuleThatAllowedARequest_AndARefusalWithoutOne() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var admin = cluster.Kubectl(ns);
        await admin.RunAsync("create", "serviceaccount", "robot");
        await admin.RunAsync("create", "configmap", "settings", "--from-literal=a=1");
        // Two rules: the get is allowed by the second (index 1), the list by neither.
        await admin.RunAsync("create", "role", "reader", "--verb=create", "--resource=secrets");
        await admin.RunAsync("patch", "role", "reader", "--type=json",
            "-p=[{\"op\":\"add\",\"path\":\"/rules/-\",\"value\":{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"resourceNames\":[\"settings\"],\"verbs\":[\"get\"]}}]");
        await admin.RunAsync("create", "rolebinding", "robot-reads", "--role=reader", $"--serviceaccount={ns}:robot");
        var robot = cluster.Kubectl(ns, (await admin.RunAsync("create", "token", "robot")).Trim());
        var user = $"system:serviceaccount:{ns}:robot";

        await robot.RunAsync("get", "configmap", "settings");
        await robot.RunAsync("get", "configmap", "settings");
        Assert.NotEqual(0, (await robot.TryAsync("get", "configmaps")).ExitCode);

        var requests = cluster.Server.Authorizations.Snapshot(user).Where(r => r.Request.Request.Resource == "configmaps").ToList();
        var get = Assert.Single(requests, r => r.Request.Request.Verb == "get");
        Assert.Equal(new AuthorizedRequest(user, new RequestAttributes("get", "", "configmaps", "", "settings", ns), true,
            new RuleReference("RoleBinding", ns, "robot-reads", "Role", "reader", 1)), get.Request);
        Assert.Equal(2, get.Count);
        Assert.Equal(ns, get.Request.AllowedBy!.RoleNamespace);
        var list = Assert.Single(requests, r => r.Request.Request.Verb == "list");
        Assert.Equal(new AuthorizedRequest(user, new RequestAttributes("list", "", "configmaps", "", "", ns), false, null), list.Request);
        // A question about the robot's permissions (kubectl auth can-i) is not a request of the robot's.
        Assert.Equal("yes", (await admin.TryAsync("auth", "can-i", "create", "secrets", $"--as={user}")).Output.Trim());
        Assert.DoesNotContain(cluster.Server.Authorizations.Snapshot(user), r => r.Request.Request.Resource == "secrets");
    });

    [Fact]
    public Task ServiceAccount_ReadsDiscoveryAndAsksCanI_ThroughTheBootstrapRoles() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var admin = cluster.Kubectl(ns);
        await admin.RunAsync("create", "serviceaccount", "robot");
        var robot = cluster.Kubectl(ns, (await admin.RunAsync("create", "token", "robot")).Trim());
        Assert.Contains("configmaps", await robot.RunAsync("api-resources"), StringComparison.Ordinal);
        Assert.Equal("no", (await robot.TryAsync("auth", "can-i", "create", "pods")).Output.Trim());
        Assert.Contains($"system:serviceaccount:{ns}:robot", await robot.RunAsync("auth", "whoami"), StringComparison.Ordinal);
    });

    [Fact]
    public Task ClusterRoleBinding_ToAnAggregatedRole_GrantsWhatTheAggregatedRolesAllow() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var admin = cluster.Kubectl(ns);
        await admin.RunAsync("create", "serviceaccount", "viewer");
        await admin.RunAsync("create", "rolebinding", "viewer-view", "--clusterrole=view", $"--serviceaccount={ns}:viewer");
        var viewer = cluster.Kubectl(ns, (await admin.RunAsync("create", "token", "viewer")).Trim());
        Assert.Equal("yes", (await viewer.TryAsync("auth", "can-i", "list", "pods")).Output.Trim());
        Assert.Equal("no", (await viewer.TryAsync("auth", "can-i", "delete", "pods")).Output.Trim());
        Assert.Equal("no", (await viewer.TryAsync("auth", "can-i", "list", "pods", "-n", "default")).Output.Trim());
    });

    [Fact]
    public Task Impersonation_NeedsTheImpersonateVerb() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var admin = cluster.Kubectl(ns);
        await admin.RunAsync("create", "serviceaccount", "robot");
        var robot = cluster.Kubectl(ns, (await admin.RunAsync("create", "token", "robot")).Trim());
        // Discovery cached first, as a user's kubectl has it: the impersonated request itself is refused.
        await robot.RunAsync("api-resources");
        var refused = await robot.TryAsync("get", "pods", "--as=jane");
        Assert.Contains(
            $"users \"jane\" is forbidden: User \"system:serviceaccount:{ns}:robot\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope",
            refused.Error, StringComparison.Ordinal);
        await admin.RunAsync("api-resources");
        var asJane = await admin.TryAsync("get", "pods", "--as=jane", "--as-group=developers");
        Assert.Contains($"User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"{ns}\"", asJane.Error, StringComparison.Ordinal);
    });

    [Fact]
    public Task Token_OfADeletedServiceAccount_IsRefused() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var admin = cluster.Kubectl(ns);
        await admin.RunAsync("create", "serviceaccount", "temporary");
        var temporary = cluster.Kubectl(ns, (await admin.RunAsync("create", "token", "temporary")).Trim());
        await admin.RunAsync("delete", "serviceaccount", "temporary");
        var result = await temporary.TryAsync("auth", "can-i", "get", "pods");
        Assert.Contains("Unauthorized", result.Error, StringComparison.Ordinal);
    });
}
