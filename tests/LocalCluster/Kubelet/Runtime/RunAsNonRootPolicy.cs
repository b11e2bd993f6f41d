namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// The kubelet's <c>runAsNonRoot</c> check (pkg/kubelet/kuberuntime verifyRunAsNonRoot): a container that fails it
/// is not started and waits with reason <c>CreateContainerConfigError</c> and this message.
/// </summary>
public static class RunAsNonRootPolicy
{
    /// <summary>The reason of a container refused by the check.</summary>
    public const string Reason = "CreateContainerConfigError";

    /// <summary>The kubelet's error message, or null when the container may run.</summary>
    /// <param name="pod">The pod as the kubelet formats it: <c>name_namespace(uid)</c>.</param>
    public static string? Verify(EffectiveSecurityContext securityContext, ImageUser imageUser, string pod, string container)
    {
        ArgumentNullException.ThrowIfNull(securityContext);
        ArgumentNullException.ThrowIfNull(imageUser);
        if (securityContext.RunAsNonRoot != true)
        {
            return null;
        }

        if (securityContext.RunAsUser is { } runAsUser)
        {
            return runAsUser == 0
                ? $"container's runAsUser breaks non-root policy (pod: \"{pod}\", container: {container})"
                : null;
        }

        if (imageUser.Uid is null && !string.IsNullOrEmpty(imageUser.UserName))
        {
            return $"container has runAsNonRoot and image has non-numeric user ({imageUser.UserName}), cannot verify user is non-root (pod: \"{pod}\", container: {container})";
        }

        if (imageUser.Uid == 0)
        {
            return $"container has runAsNonRoot and image will run as root (pod: \"{pod}\", container: {container})";
        }

        if (imageUser.Uid is { } uid && uid > int.MaxValue)
        {
            return $"container has runAsNonRoot and image has an invalid user id ({uid}). (Must be 1-({int.MaxValue})): must be between 0 and 2147483647, inclusive (pod: \"{pod}\", container: {container})";
        }

        return null;
    }
}
