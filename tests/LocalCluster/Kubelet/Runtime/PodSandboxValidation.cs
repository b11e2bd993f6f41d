namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>What a <see cref="PodSandboxSpec"/> must satisfy before the runtime starts anything for it.</summary>
internal static class PodSandboxValidation
{
    /// <exception cref="ArgumentException">The first problem found, in one line.</exception>
    public static void Validate(PodSandboxSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CheckPathPart(spec.Uid, "uid");
        CheckPathPart(spec.Name, "name");
        CheckPathPart(spec.Namespace, "namespace");
        ArgumentNullException.ThrowIfNull(spec.PodIP, nameof(spec.PodIP));
        if (spec.EffectiveHostname.Length > 63)
        {
            throw new ArgumentException($"pod {spec.Format()}: hostname \"{spec.EffectiveHostname}\" is longer than 63 characters");
        }
        if (spec.Containers.Count == 0)
        {
            throw new ArgumentException($"pod {spec.Format()} has no containers");
        }

        if (spec.TerminationGracePeriod < TimeSpan.Zero)
        {
            throw new ArgumentException($"pod {spec.Format()}: the termination grace period may not be negative");
        }

        var volumes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var volume in spec.Volumes)
        {
            CheckPathPart(volume.Name, "volume name");
            if (!volumes.Add(volume.Name))
            {
                throw new ArgumentException($"pod {spec.Format()}: volume {volume.Name} is defined twice");
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var container in spec.InitContainers.Concat(spec.Containers))
        {
            CheckPathPart(container.Name, "container name");
            if (!names.Add(container.Name))
            {
                throw new ArgumentException($"pod {spec.Format()}: container name {container.Name} is used twice");
            }

            if (container.Argv.Count == 0 || string.IsNullOrEmpty(container.Argv[0]))
            {
                throw new ArgumentException($"pod {spec.Format()}, container {container.Name}: no command specified");
            }

            foreach (var mount in container.VolumeMounts)
            {
                if (!volumes.Contains(mount.Name))
                {
                    throw new ArgumentException($"pod {spec.Format()}, container {container.Name}: volumeMount {mount.Name} names no volume of the pod");
                }

                if (string.IsNullOrEmpty(mount.MountPath) || !mount.MountPath.StartsWith('/'))
                {
                    throw new ArgumentException($"pod {spec.Format()}, container {container.Name}: mountPath \"{mount.MountPath}\" must be absolute");
                }

                if (!string.IsNullOrEmpty(mount.SubPathExpr))
                {
                    throw new ArgumentException($"pod {spec.Format()}, container {container.Name}: subPathExpr must be expanded into subPath by the kubelet");
                }
            }
        }
    }

    private static void CheckPathPart(string value, string what)
    {
        if (string.IsNullOrEmpty(value) || value is "." or ".." || value.Contains('/', StringComparison.Ordinal) || value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"invalid pod {what} \"{value}\": it names a directory, so it may not be empty, '.', '..' or hold '/'");
        }
    }
}
