using System.Net;
using System.Text;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// The kubelet-managed <c>/etc/hosts</c> of a pod (pkg/kubelet managedHostsFileContent), with the names the
/// local cluster resolves through it. There is no cluster DNS and no kube-proxy: a Service name is an entry
/// pointing at a ready endpoint's pod address, not at a virtual IP.
/// </summary>
public static class HostsFile
{
    public static string Build(
        IPAddress podAddress,
        string hostname,
        string? subdomain,
        string podNamespace,
        string clusterDomain,
        IReadOnlyList<HostEntry> hostAliases,
        IReadOnlyList<HostEntry> nameEntries)
    {
        ArgumentNullException.ThrowIfNull(podAddress);
        ArgumentException.ThrowIfNullOrEmpty(hostname);
        ArgumentNullException.ThrowIfNull(hostAliases);
        ArgumentNullException.ThrowIfNull(nameEntries);
        var text = new StringBuilder()
            .Append("# Kubernetes-managed hosts file.\n")
            .Append("127.0.0.1\tlocalhost\n")
            .Append("::1\tlocalhost ip6-localhost ip6-loopback\n")
            .Append("fe00::0\tip6-localnet\n")
            .Append("fe00::0\tip6-mcastprefix\n")
            .Append("fe00::1\tip6-allnodes\n")
            .Append("fe00::2\tip6-allrouters\n");
        text.Append(podAddress);
        if (!string.IsNullOrEmpty(subdomain))
        {
            text.Append('\t').Append(hostname).Append('.').Append(subdomain).Append('.').Append(podNamespace)
                .Append(".svc.").Append(clusterDomain);
        }

        text.Append('\t').Append(hostname).Append('\n');
        AppendSection(text, "# Entries added by HostAliases.", hostAliases);
        AppendSection(text, "# Entries added by the local kubelet (Service and pod names; no cluster DNS).", nameEntries);
        return text.ToString();
    }

    private static void AppendSection(StringBuilder text, string header, IReadOnlyList<HostEntry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        text.Append('\n').Append(header).Append('\n');
        foreach (var entry in entries)
        {
            text.Append(entry.Address);
            foreach (var name in entry.Names)
            {
                text.Append('\t').Append(name);
            }

            text.Append('\n');
        }
    }
}
