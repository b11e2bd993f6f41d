using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using k8s.Models;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>
/// A container's environment as the kubelet makes it (kubelet_pods.go makeEnvironmentVariables): <c>envFrom</c>
/// sources in order (keys that are not valid variable names skipped), then <c>env</c> in order, each value's
/// <c>$(VAR)</c> references expanded against what came before and the service variables; <c>valueFrom</c> reads
/// Secrets, ConfigMaps and the downward API; then the service variables the container did not set itself
/// (<c>KUBERNETES_SERVICE_HOST</c>/<c>_PORT</c> and friends, always, pointing at the API server). What the runtime
/// adds comes first: <c>PATH</c> (the image's directory, then containerd's default: the image's executables are on its
/// PATH, so a program the entrypoint runs by name is found there too; the image's other env is not modelled) and
/// <c>HOSTNAME</c>.
/// </summary>
internal sealed partial class ContainerEnvironment
{
    private readonly ObjectData _data;

    public ContainerEnvironment(ObjectData data) => _data = data;

    /// <exception cref="ContainerConfigException">A missing Secret, ConfigMap or key that is not optional.</exception>
    public List<KeyValuePair<string, string>> Build(
        V1Pod pod, V1Container container, string imageSearchDirectory, string hostname, IPAddress? podIP, string hostIP,
        IReadOnlyList<KeyValuePair<string, string>> serviceEnv, IReadOnlyDictionary<string, string> allocatable, ICollection<string> warnings)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var defined = new List<KeyValuePair<string, string>>();
        foreach (var source in container.EnvFrom ?? [])
        {
            var prefix = source.Prefix ?? "";
            Dictionary<string, byte[]>? values;
            string kind, name;
            if (source.ConfigMapRef is { } mapRef)
            {
                (kind, name) = ("configMap", mapRef.Name);
                values = _data.ConfigMap(ns, name);
                if (values is null && mapRef.Optional != true)
                {
                    throw new ContainerConfigException($"configmap \"{name}\" not found");
                }
            }
            else if (source.SecretRef is { } secretRef)
            {
                (kind, name) = ("secret", secretRef.Name);
                values = _data.Secret(ns, name);
                if (values is null && secretRef.Optional != true)
                {
                    throw new ContainerConfigException($"secret \"{name}\" not found");
                }
            }
            else
            {
                continue;
            }

            var invalid = new List<string>();
            foreach (var (key, value) in (values ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!EnvName().IsMatch(prefix + key))
                {
                    invalid.Add(prefix + key);
                    continue;
                }

                defined.Add(new(prefix + key, Encoding.UTF8.GetString(value)));
            }

            if (invalid.Count > 0)
            {
                warnings.Add($"Keys [{string.Join(", ", invalid)}] from the EnvFrom {kind} {ns}/{name} were skipped since they are considered invalid environment variable names.");
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            string? value;
            if (variable.ValueFrom is not { } from)
            {
                var known = defined.Concat(serviceEnv).ToList();
                value = VariableExpansion.Expand(variable.Value ?? "", name => known.LastOrDefault(p => p.Key == name).Value);
            }
            else if (from.FieldRef is { } fieldRef)
            {
                value = DownwardApi.FieldValue(pod, fieldRef.FieldPath, podIP, hostIP);
            }
            else if (from.ResourceFieldRef is { } resourceRef)
            {
                value = DownwardApi.ResourceValue(pod, resourceRef.ContainerName ?? container.Name, resourceRef.Resource, resourceRef.Divisor, allocatable);
            }
            else if (from.SecretKeyRef is { } secretKey)
            {
                value = Lookup(_data.Secret(ns, secretKey.Name), "Secret", "secret", ns, secretKey.Name, secretKey.Key, secretKey.Optional == true);
            }
            else if (from.ConfigMapKeyRef is { } mapKey)
            {
                value = Lookup(_data.ConfigMap(ns, mapKey.Name), "ConfigMap", "configmap", ns, mapKey.Name, mapKey.Key, mapKey.Optional == true);
            }
            else
            {
                continue;
            }

            if (value is not null)
            {
                defined.Add(new(variable.Name, value));
            }
        }

        var result = new List<KeyValuePair<string, string>> { new("PATH", $"{imageSearchDirectory}:{ExecutableLookup.DefaultSearchPath}"), new("HOSTNAME", hostname) };
        result.AddRange(defined);
        result.AddRange(serviceEnv.Where(s => defined.All(d => d.Key != s.Key)));
        return result;
    }

    private static string? Lookup(Dictionary<string, byte[]>? data, string kind, string lowerKind, string ns, string name, string key, bool optional)
    {
        if (data is null)
        {
            return optional ? null : throw new ContainerConfigException($"{lowerKind} \"{name}\" not found");
        }

        if (!data.TryGetValue(key, out var value))
        {
            return optional ? null : throw new ContainerConfigException($"couldn't find key {key} in {kind} {ns}/{name}");
        }

        return Encoding.UTF8.GetString(value);
    }

    [GeneratedRegex("^[-._a-zA-Z][-._a-zA-Z0-9]*$")]
    private static partial Regex EnvName();
}
