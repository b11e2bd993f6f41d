namespace ZkSync.Operator.Reconciliation;

/// <summary>
/// <c>spec.rsync.extraArgs</c>: rsync long options passed to the sources through zkrsync's <c>--arbitopts</c>
/// (comma-separated <c>name[:value]</c>). The CRD refuses the options in <see cref="Forbidden"/> with a CEL rule
/// that names each one; a test keeps the two lists the same.
/// </summary>
public static class RsyncExtraArgs
{
    /// <summary>Options that would break zkrsync's protocol or its security model.</summary>
    public static IReadOnlyList<string> Forbidden { get; } =
    [
        "--rsh", "--rsync-path", "--daemon", "--server", "--sender", "--config", "--dparam", "--port", "--address",
        "--sockopts", "--password-file", "--files-from", "--from0", "--exclude-from", "--include-from", "--filter",
        "--relative", "--no-relative", "--list-only", "--read-batch", "--write-batch", "--only-write-batch",
        "--remote-option", "--log-file", "--early-input", "--version", "--help",
    ];

    /// <summary>The first problem with one option, or null when zkrsync can pass it (the CRD's rules, once more,
    /// for resources that reached the operator without them, e.g. created before the CRD was updated).</summary>
    public static string? Problem(string option)
    {
        ArgumentNullException.ThrowIfNull(option);
        if (!option.StartsWith("--", StringComparison.Ordinal) || option.Length == 2)
        {
            return $"rsync.extraArgs: only long options (--name or --name=value), not '{option}'";
        }

        if (option.Contains(',', StringComparison.Ordinal))
        {
            return $"rsync.extraArgs: no ',' (zkrsync passes the options as a comma-separated list): '{option}'";
        }

        var name = NameOf(option);
        return Forbidden.Contains(name) ? $"rsync.extraArgs: {name} is not allowed" : null;
    }

    /// <summary><c>--name=value</c> as zkrsync's <c>--arbitopts</c> item <c>name:value</c>; <c>--name</c> as <c>name</c>.</summary>
    public static string ToArbitOpt(string option)
    {
        ArgumentNullException.ThrowIfNull(option);
        var body = option[2..];
        var equals = body.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? body : body[..equals] + ":" + body[(equals + 1)..];
    }

    private static string NameOf(string option)
    {
        var equals = option.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? option : option[..equals];
    }
}
