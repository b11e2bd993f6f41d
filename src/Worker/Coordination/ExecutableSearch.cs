namespace ZkSync.Worker.Coordination;

/// <summary>Finds a program the way the processes zkrsync starts are found: in <c>PATH</c>'s directories.</summary>
internal static class ExecutableSearch
{
    /// <summary>The first <c>PATH</c> directory's <paramref name="program"/> that exists (<c>/usr/bin</c> when PATH is unset), or null.</summary>
    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
