using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.EndToEnd.Tests.Support;

/// <summary>
/// PersistentVolumes on host directories, bound to claims of the names the examples use, as an administrator
/// pre-provisions them: the test writes the source's files and reads the destination's on the host.
/// </summary>
public static class Volumes
{
    /// <summary>A ReadWriteOnce claim <paramref name="claim"/> in <paramref name="ns"/> bound to a PersistentVolume on
    /// <paramref name="hostDirectory"/> (created if missing).</summary>
    public static async Task CreateClaimAsync(Kubectl admin, string ns, string claim, string hostDirectory, string accessMode = "ReadWriteOnce")
    {
        ArgumentNullException.ThrowIfNull(admin);
        Directory.CreateDirectory(hostDirectory);
        var volume = $"{ns}-{claim}";
        await admin.ApplyAsync($$$"""
            {"apiVersion": "v1", "kind": "PersistentVolume",
             "metadata": {"name": "{{{volume}}}"},
             "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["{{{accessMode}}}"], "storageClassName": "e2e-host",
                      "persistentVolumeReclaimPolicy": "Retain", "hostPath": {"path": "{{{hostDirectory}}}", "type": "Directory"},
                      "claimRef": {"namespace": "{{{ns}}}", "name": "{{{claim}}}"} } }
            """).ConfigureAwait(false);
        await admin.ApplyAsync($$$"""
            {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
             "metadata": {"name": "{{{claim}}}", "namespace": "{{{ns}}}"},
             "spec": {"accessModes": ["{{{accessMode}}}"], "storageClassName": "e2e-host", "volumeName": "{{{volume}}}",
                      "resources": {"requests": {"storage": "1Gi"} } } }
            """).ConfigureAwait(false);
    }
}
