namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>The host programs the runtime runs, found once when it starts.</summary>
internal sealed record RuntimeTools(string Python, string Setsid, string Unshare, string Nsenter, string Setpriv)
{
    /// <summary>Finds the tools on the host's PATH (util-linux's setsid, unshare, nsenter and setpriv).</summary>
    /// <exception cref="InvalidOperationException">A tool is missing, named in a one-line message.</exception>
    public static RuntimeTools Find(string python)
    {
        if (!ExecutableLookup.IsExecutableFile(python))
        {
            throw new InvalidOperationException($"the process runtime needs Python 3 at {python} (its container helper uses it)");
        }

        var searchPath = Environment.GetEnvironmentVariable("PATH") ?? ExecutableLookup.DefaultSearchPath;
        return new RuntimeTools(python, Find("setsid", searchPath), Find("unshare", searchPath), Find("nsenter", searchPath), Find("setpriv", searchPath));
    }

    private static string Find(string program, string searchPath) =>
        ExecutableLookup.Find(program, null, searchPath + ":" + ExecutableLookup.DefaultSearchPath, "/", ExecutableLookup.IsExecutableFile)
        ?? throw new InvalidOperationException($"the process runtime needs {program} (util-linux) on PATH");
}
