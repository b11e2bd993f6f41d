using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Controllers;

/// <summary>The built-in resource types the controllers, the scheduler and the kubelet work on, looked up once.</summary>
public sealed class ClusterTypes
{
    public ClusterTypes(ResourceRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ResourceType Core(string plural) => registry.Find("", "v1", plural) ?? throw new InvalidOperationException($"{plural} are not served");
        ResourceType Grouped(string group, string plural) =>
            registry.Find(group, "v1", plural) ?? throw new InvalidOperationException($"{plural}.{group} are not served");
        Pods = Core("pods");
        Nodes = Core("nodes");
        Services = Core("services");
        Endpoints = Core("endpoints");
        Secrets = Core("secrets");
        ConfigMaps = Core("configmaps");
        ServiceAccounts = Core("serviceaccounts");
        PersistentVolumeClaims = Core("persistentvolumeclaims");
        PersistentVolumes = Core("persistentvolumes");
        Namespaces = Core("namespaces");
        Jobs = Grouped("batch", "jobs");
        Deployments = Grouped("apps", "deployments");
        ReplicaSets = Grouped("apps", "replicasets");
        StatefulSets = Grouped("apps", "statefulsets");
        EndpointSlices = Grouped("discovery.k8s.io", "endpointslices");
        StorageClasses = Grouped("storage.k8s.io", "storageclasses");
    }

    public ResourceType Pods { get; }

    public ResourceType Nodes { get; }

    public ResourceType Services { get; }

    public ResourceType Endpoints { get; }

    public ResourceType Secrets { get; }

    public ResourceType ConfigMaps { get; }

    public ResourceType ServiceAccounts { get; }

    public ResourceType PersistentVolumeClaims { get; }

    public ResourceType PersistentVolumes { get; }

    public ResourceType Namespaces { get; }

    public ResourceType Jobs { get; }

    public ResourceType Deployments { get; }

    public ResourceType ReplicaSets { get; }

    public ResourceType StatefulSets { get; }

    public ResourceType EndpointSlices { get; }

    public ResourceType StorageClasses { get; }
}
