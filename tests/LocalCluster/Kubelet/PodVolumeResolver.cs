using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using ZkSync.LocalCluster.Auth;
using ZkSync.LocalCluster.Controllers;
using ZkSync.LocalCluster.Controllers.Volumes;
using ZkSync.LocalCluster.Kubelet.Runtime;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>
/// A pod's volumes resolved to what backs them on the host: <c>emptyDir</c> (a directory of the pod), <c>hostPath</c>
/// (with its <c>type</c> checked or the path created), a claim's bound PersistentVolume (its <c>hostPath</c> or
/// <c>local</c> path; a single-node volume only once attached to the pod's node), and files the kubelet writes:
/// <c>secret</c>, <c>configMap</c>, <c>downwardAPI</c> and <c>projected</c> (service-account tokens bound to the pod
/// included). Other volume types are refused with a message saying so.
/// </summary>
internal sealed class PodVolumeResolver
{
    private readonly ObjectStore _store;
    private readonly ClusterTypes _types;
    private readonly ObjectData _data;
    private readonly TokenAuthority _tokens;
    private readonly VolumeAttachments _attachments;
    private readonly string _caPem;

    public PodVolumeResolver(ObjectStore store, ClusterTypes types, ObjectData data, TokenAuthority tokens, VolumeAttachments attachments, string caPem)
    {
        _store = store;
        _types = types;
        _data = data;
        _tokens = tokens;
        _attachments = attachments;
        _caPem = caPem;
    }

    /// <exception cref="VolumeMountException">A volume that cannot be set up (yet).</exception>
    public ResolvedVolumes Resolve(V1Pod pod, System.Net.IPAddress? podIP, string hostIP, IReadOnlyDictionary<string, string> allocatable)
    {
        var volumes = new List<SandboxVolume>();
        var readOnly = new HashSet<string>(StringComparer.Ordinal);
        var unattached = new List<string>();
        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            if (volume.EmptyDir is not null)
            {
                volumes.Add(new EmptyDirVolume(volume.Name));
            }
            else if (volume.HostPath is { } hostPath)
            {
                volumes.Add(new HostPathVolume(volume.Name, HostPath(volume.Name, hostPath.Path, hostPath.Type ?? "")));
            }
            else if (volume.PersistentVolumeClaim is { } claimSource)
            {
                if (claimSource.ReadOnlyProperty == true)
                {
                    readOnly.Add(volume.Name);
                }

                var (path, attached) = Claim(pod, volume.Name, claimSource.ClaimName);
                if (!attached)
                {
                    unattached.Add(claimSource.ClaimName);
                }

                volumes.Add(new HostPathVolume(volume.Name, path));
            }
            else if (Files(pod, volume, podIP, hostIP, allocatable) is { } projected)
            {
                volumes.Add(projected);
            }
            else
            {
                throw new VolumeMountException(volume.Name, $"the local kubelet does not support {VolumeKind(volume)} volumes " +
                    "(emptyDir, hostPath, persistentVolumeClaim, secret, configMap, downwardAPI and projected are supported)");
            }
        }

        return new ResolvedVolumes(volumes, readOnly, unattached);
    }

    /// <summary>The files of a secret, configMap, downwardAPI or projected volume, or null for another kind.</summary>
    public ProjectedFilesVolume? Files(V1Pod pod, V1Volume volume, System.Net.IPAddress? podIP, string hostIP, IReadOnlyDictionary<string, string> allocatable)
    {
        var ns = pod.Metadata.NamespaceProperty;
        try
        {
            if (volume.Secret is { } secret)
            {
                var data = _data.Secret(ns, secret.SecretName);
                if (data is null && secret.Optional != true)
                {
                    throw new VolumeMountException(volume.Name, $"secret \"{secret.SecretName}\" not found");
                }

                return new ProjectedFilesVolume(volume.Name,
                    KeyToPathProjection.Project("Secret", data ?? [], secret.Items?.ToList(), secret.DefaultMode ?? ProjectedFilesVolume.DefaultFileMode, secret.Optional == true),
                    secret.DefaultMode ?? ProjectedFilesVolume.DefaultFileMode);
            }

            if (volume.ConfigMap is { } map)
            {
                var data = _data.ConfigMap(ns, map.Name);
                if (data is null && map.Optional != true)
                {
                    throw new VolumeMountException(volume.Name, $"configmap \"{map.Name}\" not found");
                }

                return new ProjectedFilesVolume(volume.Name,
                    KeyToPathProjection.Project("ConfigMap", data ?? [], map.Items?.ToList(), map.DefaultMode ?? ProjectedFilesVolume.DefaultFileMode, map.Optional == true),
                    map.DefaultMode ?? ProjectedFilesVolume.DefaultFileMode);
            }

            if (volume.DownwardAPI is { } downward)
            {
                var mode = downward.DefaultMode ?? ProjectedFilesVolume.DefaultFileMode;
                return new ProjectedFilesVolume(volume.Name, DownwardFiles(pod, downward.Items, mode, podIP, hostIP, allocatable), mode);
            }

            if (volume.Projected is { } projected)
            {
                var mode = projected.DefaultMode ?? ProjectedFilesVolume.DefaultFileMode;
                var files = new List<ProjectedFile>();
                foreach (var source in projected.Sources ?? [])
                {
                    files.AddRange(ProjectedSource(pod, volume.Name, source, mode, podIP, hostIP, allocatable));
                }

                return new ProjectedFilesVolume(volume.Name, files, mode);
            }
        }
        catch (ArgumentException e)
        {
            throw new VolumeMountException(volume.Name, e.Message);
        }
        catch (ContainerConfigException e)
        {
            throw new VolumeMountException(volume.Name, e.Message);
        }

        return null;
    }

    private IEnumerable<ProjectedFile> ProjectedSource(
        V1Pod pod, string volumeName, V1VolumeProjection source, int mode, System.Net.IPAddress? podIP, string hostIP, IReadOnlyDictionary<string, string> allocatable)
    {
        var ns = pod.Metadata.NamespaceProperty;
        if (source.Secret is { } secret)
        {
            var data = _data.Secret(ns, secret.Name);
            if (data is null && secret.Optional != true)
            {
                throw new VolumeMountException(volumeName, $"secret \"{secret.Name}\" not found");
            }

            return KeyToPathProjection.Project("Secret", data ?? [], secret.Items?.ToList(), mode, secret.Optional == true);
        }

        if (source.ConfigMap is { } map)
        {
            var data = _data.ConfigMap(ns, map.Name);
            if (data is null && map.Optional != true)
            {
                throw new VolumeMountException(volumeName, $"configmap \"{map.Name}\" not found");
            }

            return KeyToPathProjection.Project("ConfigMap", data ?? [], map.Items?.ToList(), mode, map.Optional == true);
        }

        if (source.DownwardAPI is { } downward)
        {
            return DownwardFiles(pod, downward.Items, mode, podIP, hostIP, allocatable);
        }

        if (source.ServiceAccountToken is { } token)
        {
            var accountName = pod.Spec.ServiceAccountName ?? "default";
            var account = _store.Get(_types.ServiceAccounts.StorageKey, ns, accountName)
                ?? throw new VolumeMountException(volumeName, $"failed to fetch token: serviceaccounts \"{accountName}\" not found");
            var issued = _tokens.IssueServiceAccountToken(ns, accountName, Metadata.Uid(account) ?? "",
                string.IsNullOrEmpty(token.Audience) ? null : [token.Audience], TimeSpan.FromSeconds(token.ExpirationSeconds ?? 3607),
                (pod.Metadata.Name, pod.Metadata.Uid));
            return [new ProjectedFile(KeyToPathProjection.CheckPath(token.Path), Encoding.UTF8.GetBytes(issued.Token))];
        }

        if (source.ClusterTrustBundle is not null)
        {
            throw new VolumeMountException(volumeName, "the local kubelet does not support clusterTrustBundle projections");
        }

        return [];
    }

    private static List<ProjectedFile> DownwardFiles(
        V1Pod pod, IList<V1DownwardAPIVolumeFile>? items, int mode, System.Net.IPAddress? podIP, string hostIP, IReadOnlyDictionary<string, string> allocatable)
    {
        var files = new List<ProjectedFile>();
        foreach (var item in items ?? [])
        {
            var value = item.FieldRef is { } fieldRef
                ? DownwardApi.FieldValue(pod, fieldRef.FieldPath, podIP, hostIP)
                : item.ResourceFieldRef is { } resource
                    ? DownwardApi.ResourceValue(pod, resource.ContainerName, resource.Resource, resource.Divisor, allocatable)
                    : "";
            files.Add(new ProjectedFile(KeyToPathProjection.CheckPath(item.Path), Encoding.UTF8.GetBytes(value), item.Mode ?? mode));
        }

        return files;
    }

    /// <summary>The host path of a bound claim's volume, and whether it may be mounted on the pod's node now.</summary>
    private (string Path, bool Attached) Claim(V1Pod pod, string volumeName, string claimName)
    {
        var claim = _store.Get(_types.PersistentVolumeClaims.StorageKey, pod.Metadata.NamespaceProperty, claimName)
            ?? throw new VolumeMountException(volumeName, $"persistentvolumeclaim \"{claimName}\" not found");
        if (!VolumeBinder.IsBound(claim))
        {
            throw new VolumeMountException(volumeName, $"persistentvolumeclaim \"{claimName}\" is not bound");
        }

        var volumeObjectName = JsonValues.String(claim["spec"]?["volumeName"])!;
        var volume = _store.Get(_types.PersistentVolumes.StorageKey, null, volumeObjectName)
            ?? throw new VolumeMountException(volumeName, $"persistentvolume \"{volumeObjectName}\" not found");
        string path;
        if (JsonValues.String(volume["spec"]?["hostPath"]?["path"]) is { } hostPath)
        {
            path = HostPath(volumeName, hostPath, JsonValues.String(volume["spec"]?["hostPath"]?["type"]) ?? "");
        }
        else if (JsonValues.String(volume["spec"]?["local"]?["path"]) is { } local)
        {
            if (!Directory.Exists(local) && !File.Exists(local))
            {
                throw new VolumeMountException(volumeName, $"local volume path {local} does not exist");
            }

            path = local;
        }
        else
        {
            throw new VolumeMountException(volumeName,
                $"persistentvolume \"{volumeObjectName}\" is neither hostPath nor local: the local kubelet mounts only those");
        }

        var attached = !VolumeBinder.IsSingleNode(volume) || _attachments.IsAttached(volumeObjectName, pod.Spec.NodeName);
        return (path, attached);
    }

    /// <summary>A hostPath's <c>type</c> as the kubelet checks it (hostpath.checkType), creating what *OrCreate asks for.</summary>
    private static string HostPath(string volumeName, string path, string type)
    {
        switch (type)
        {
            case "DirectoryOrCreate":
                if (!Directory.Exists(path))
                {
                    if (File.Exists(path))
                    {
                        throw new VolumeMountException(volumeName, $"hostPath type check failed: {path} is not a directory");
                    }

                    Directory.CreateDirectory(path);
                    File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101); // 0755
                }

                break;
            case "Directory":
                if (!Directory.Exists(path))
                {
                    throw new VolumeMountException(volumeName, $"hostPath type check failed: {path} is not a directory");
                }

                break;
            case "FileOrCreate":
                if (!File.Exists(path))
                {
                    if (Directory.Exists(path))
                    {
                        throw new VolumeMountException(volumeName, $"hostPath type check failed: {path} is not a file");
                    }

                    File.WriteAllBytes(path, []);
                    File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100); // 0644
                }

                break;
            case "File":
                if (!File.Exists(path))
                {
                    throw new VolumeMountException(volumeName, $"hostPath type check failed: {path} is not a file");
                }

                break;
            case "Socket" or "CharDevice" or "BlockDevice":
                var info = new FileInfo(path);
                if (!info.Exists && !Directory.Exists(path))
                {
                    throw new VolumeMountException(volumeName, $"hostPath type check failed: {path} is not a {TypeNoun(type)}");
                }

                break;
            case "":
                if (!Directory.Exists(path) && !File.Exists(path))
                {
                    // Unchecked: the container runtime makes a missing bind-mount source a directory, as containerd's CRI does.
                    Directory.CreateDirectory(path);
                }

                break;
            default:
                throw new VolumeMountException(volumeName, $"hostPath type check failed: unknown type {type}");
        }

        return path;
    }

    private static string TypeNoun(string type) => type switch
    {
        "Socket" => "socket file",
        "CharDevice" => "character device",
        _ => "block device",
    };

    private static string VolumeKind(V1Volume volume)
    {
        var json = JsonNode.Parse(k8s.KubernetesJson.Serialize(volume)) as JsonObject;
        return json?.Select(p => p.Key).FirstOrDefault(k => k != "name") ?? "unknown";
    }
}
