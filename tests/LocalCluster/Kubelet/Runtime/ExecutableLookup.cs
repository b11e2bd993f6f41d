namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// Where a container's program is: a local image is a host directory standing for the image's executables, so
/// the program is looked up there first and then where the host (and so the container, whose root is a view of
/// the host's) has it.
/// </summary>
public static class ExecutableLookup
{
    /// <summary>The PATH a container gets when its environment sets none (containerd's default).</summary>
    public const string DefaultSearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// The absolute path of <paramref name="program"/> (a container's argv[0]), or null when nothing matches.
    /// A bare name is looked up as <c>IMAGE/name</c>, then in each directory of <paramref name="searchPath"/>.
    /// An absolute path is looked up as <c>IMAGE/path</c>, then <c>IMAGE/basename</c> (a flat directory of
    /// binaries stands for an image that keeps them elsewhere), then as the host path itself. A relative path
    /// with a slash is taken from <paramref name="workingDirectory"/>, as exec does.
    /// </summary>
    public static string? Find(
        string program,
        string? imageDirectory,
        string? searchPath,
        string workingDirectory,
        Func<string, bool> isExecutableFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        ArgumentNullException.ThrowIfNull(isExecutableFile);
        if (program.StartsWith('/'))
        {
            return FirstExecutable(isExecutableFile,
                imageDirectory is null ? null : Join(imageDirectory, program),
                imageDirectory is null ? null : Join(imageDirectory, Path.GetFileName(program)),
                program);
        }

        if (program.Contains('/', StringComparison.Ordinal))
        {
            return FirstExecutable(isExecutableFile, Path.GetFullPath(program, workingDirectory));
        }

        if (imageDirectory is not null && isExecutableFile(Join(imageDirectory, program)))
        {
            return Join(imageDirectory, program);
        }

        foreach (var directory in (searchPath ?? DefaultSearchPath).Split(':'))
        {
            // An empty PATH entry means the working directory, as for exec.
            var candidate = Join(directory.Length == 0 ? workingDirectory : directory, program);
            if (candidate.StartsWith('/') && isExecutableFile(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="path"/> is a regular file (after links) with an execute bit.</summary>
    public static bool IsExecutableFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return false;
            }

            const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            return (File.GetUnixFileMode(path) & anyExecute) != 0;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string? FirstExecutable(Func<string, bool> isExecutableFile, params string?[] candidates) =>
        candidates.FirstOrDefault(candidate => candidate is not null && isExecutableFile(candidate));

    private static string Join(string directory, string relative) =>
        directory.TrimEnd('/') + "/" + relative.TrimStart('/');
}
