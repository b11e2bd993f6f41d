namespace ZkSync.Operator.Configuration;

/// <summary>What worker pods run unless a session's <c>spec.workers</c> says otherwise.</summary>
public sealed class WorkerImageOptions
{
    public string Image { get; set; } = string.Empty;

    public string? ImagePullPolicy { get; set; }

    /// <summary>The container command; empty, the image's ENTRYPOINT (tini) runs.</summary>
    public List<string> Command { get; set; } = [];

    /// <summary>What comes before zkrsync's options in the container's args; default <c>zkrsync</c> (run by the image's
    /// ENTRYPOINT), or nothing when <see cref="Command"/> is given.</summary>
    public List<string>? ArgsPrefix { get; set; }

    public IReadOnlyList<string> ArgsPrefixOrDefault => ArgsPrefix ?? (Command.Count == 0 ? ["zkrsync"] : []);
}
