namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// The argument vector a container runs, from its image's ENTRYPOINT/CMD and its own <c>command</c>/<c>args</c>,
/// as the kubelet and the container runtime build it together.
/// </summary>
public static class ContainerCommand
{
    /// <summary>
    /// First <c>$(VAR)</c> references in <paramref name="command"/> and <paramref name="args"/> are expanded
    /// against the container's environment (the kubelet's ExpandContainerCommandAndArgs), then they are combined
    /// with the image (the runtime), as the Kubernetes documentation's table says:
    /// no command and no args run ENTRYPOINT + CMD; a command alone runs just the command (CMD is dropped too);
    /// args alone run ENTRYPOINT + args; both run command + args. An empty list counts as not set.
    /// </summary>
    /// <exception cref="ArgumentException">The result is empty (the runtime's "no command specified").</exception>
    public static IReadOnlyList<string> Combine(
        ImageConfig image,
        IReadOnlyList<string>? command,
        IReadOnlyList<string>? args,
        IReadOnlyList<KeyValuePair<string, string>> environment)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(environment);
        var expandedCommand = Expand(command, environment);
        var expandedArgs = Expand(args, environment);
        IReadOnlyList<string> program = expandedCommand;
        IReadOnlyList<string> arguments = expandedArgs;
        if (program.Count == 0)
        {
            program = image.Entrypoint;
            if (arguments.Count == 0)
            {
                arguments = image.Cmd;
            }
        }

        var argv = program.Concat(arguments).ToList();
        if (argv.Count == 0)
        {
            throw new ArgumentException("no command specified: the container has no command or args and its image no entrypoint or cmd");
        }

        return argv;
    }

    private static List<string> Expand(IReadOnlyList<string>? values, IReadOnlyList<KeyValuePair<string, string>> environment) =>
        values is null ? [] : values.Select(value => VariableExpansion.Expand(value, environment)).ToList();
}
