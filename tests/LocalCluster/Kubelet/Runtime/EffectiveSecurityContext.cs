using k8s.Models;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// The security settings a container runs with: its own <c>securityContext</c> over the pod's
/// (k8s.io/kubernetes pkg/securitycontext DetermineEffectiveSecurityContext), plus the pod-only fields.
/// <para>
/// What the process runtime applies: <c>runAsUser</c>, <c>runAsGroup</c>, <c>supplementalGroups</c> (with
/// <c>supplementalGroupsPolicy</c>), <c>fsGroup</c> (as a supplementary group and as the group owning emptyDir and
/// projected volumes), <c>runAsNonRoot</c> (checked as the kubelet does), <c>readOnlyRootFilesystem</c> (a
/// read-only view of the root) and <c>allowPrivilegeEscalation: false</c> (no_new_privs).
/// </para>
/// <para>
/// Not modelled: <c>capabilities</c> (a root container keeps all of root's, a non-root one gets none),
/// <c>privileged</c>, <c>procMount</c>, <c>seccompProfile</c>, <c>seLinuxOptions</c>, <c>appArmorProfile</c>,
/// <c>sysctls</c>, <c>fsGroupChangePolicy</c>, <c>windowsOptions</c>, and user namespaces (<c>hostUsers</c>).
/// </para>
/// </summary>
public sealed record EffectiveSecurityContext
{
    public long? RunAsUser { get; init; }

    public long? RunAsGroup { get; init; }

    public bool? RunAsNonRoot { get; init; }

    public bool ReadOnlyRootFilesystem { get; init; }

    public bool? AllowPrivilegeEscalation { get; init; }

    public IReadOnlyList<long> SupplementalGroups { get; init; } = [];

    /// <summary><c>Merge</c> (the default: the groups the user belongs to in the image's group file are added)
    /// or <c>Strict</c>.</summary>
    public string SupplementalGroupsPolicy { get; init; } = "Merge";

    public long? FsGroup { get; init; }

    /// <summary>Whether the process gets no_new_privs: only when <c>allowPrivilegeEscalation</c> is false.</summary>
    public bool NoNewPrivileges => AllowPrivilegeEscalation == false;

    public static EffectiveSecurityContext Determine(V1PodSecurityContext? pod, V1SecurityContext? container) => new()
    {
        RunAsUser = container?.RunAsUser ?? pod?.RunAsUser,
        RunAsGroup = container?.RunAsGroup ?? pod?.RunAsGroup,
        RunAsNonRoot = container?.RunAsNonRoot ?? pod?.RunAsNonRoot,
        ReadOnlyRootFilesystem = container?.ReadOnlyRootFilesystem ?? false,
        AllowPrivilegeEscalation = container?.AllowPrivilegeEscalation,
        SupplementalGroups = pod?.SupplementalGroups?.OfType<long>().ToList() ?? [],
        SupplementalGroupsPolicy = pod?.SupplementalGroupsPolicy ?? "Merge",
        FsGroup = pod?.FsGroup,
    };
}
