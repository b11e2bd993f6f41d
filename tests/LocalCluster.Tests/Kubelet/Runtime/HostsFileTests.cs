using System.Net;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

public sealed class HostsFileTests
{
    [Fact]
    public void Build_WritesTheKubeletsManagedFileWithThePodsOwnLine()
    {
        var text = HostsFile.Build(IPAddress.Parse("127.0.0.5"), "web-0", null, "default", "cluster.local", [], []);

        Assert.Equal(
            "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
            + "fe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n127.0.0.5\tweb-0\n",
            text);
    }

    [Fact]
    public void Build_WithASubdomainGivesThePodItsFullyQualifiedName()
    {
        var text = HostsFile.Build(IPAddress.Parse("127.0.0.5"), "zk-0", "zk-headless", "data", "cluster.local", [], []);

        Assert.EndsWith("127.0.0.5\tzk-0.zk-headless.data.svc.cluster.local\tzk-0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_AppendsHostAliasesThenTheKubeletsNameEntries()
    {
        var text = HostsFile.Build(IPAddress.Parse("127.0.0.5"), "web-0", null, "default", "cluster.local",
            [new HostEntry(IPAddress.Parse("10.1.2.3"), ["foo.local", "bar.local"])],
            [new HostEntry(IPAddress.Parse("127.0.0.9"), ["zk", "zk.data", "zk.data.svc.cluster.local"])]);

        Assert.EndsWith(
            "\n# Entries added by HostAliases.\n10.1.2.3\tfoo.local\tbar.local\n"
            + "\n# Entries added by the local kubelet (Service and pod names; no cluster DNS).\n127.0.0.9\tzk\tzk.data\tzk.data.svc.cluster.local\n",
            text);
    }
}
