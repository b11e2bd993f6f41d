using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ZkSync.Operator.Runtime;

/// <summary>
/// The client configuration from a kubeconfig file, as <c>KubernetesClientConfiguration.BuildConfigFromConfigFile</c>
/// makes it (the file's current context; certificate and key paths relative to the file), read without
/// <c>KubernetesYaml</c>: that class's static set-up reflects over every model type of the client, three times (the
/// YAML names of their properties), which loads them all and keeps the tables: about 9 MiB of the operator's RSS
/// (bench/operator) for a file of a few dozen lines. (In a pod the client reads the in-cluster configuration, which
/// never used it.) The kubeconfig's own types carry their YAML names (<c>YamlMember</c>, written for the camel-case
/// convention that <c>KubernetesYaml</c> applies too), so a plain deserializer reads them the same way.
/// </summary>
public static class KubeconfigFile
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithAttemptingUnquotedStringTypeDeserialization()
        .IgnoreUnmatchedProperties()
        .Build();

    /// <exception cref="KubeConfigException">The file is missing, or names no usable context, cluster or user.</exception>
    /// <exception cref="YamlException">The file is not YAML.</exception>
    public static KubernetesClientConfiguration Load(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new KubeConfigException($"kubeconfig file not found at {file.FullName}");
        }

        K8SConfiguration? config;
        using (var reader = file.OpenText())
        {
            config = Deserializer.Deserialize<K8SConfiguration?>(new MergingParser(new Parser(reader)));
        }

        if (config is null)
        {
            throw new KubeConfigException($"kubeconfig file {file.FullName} is empty");
        }

        config.FileName = file.FullName;
        return KubernetesClientConfiguration.BuildConfigFromConfigObject(config);
    }
}
