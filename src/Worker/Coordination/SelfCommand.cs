namespace ZkSync.Worker.Coordination;

/// <summary>How to start this same zkrsync again (workers of <c>zkrsync local</c>, the detached <c>--daemon</c>):
/// its own executable (apphost or native), or <c>dotnet zkrsync.dll</c> when run through the host.</summary>
internal static class SelfCommand
{
    public static (string Program, IReadOnlyList<string> Prefix) Get()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell this program's path");
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? (process, [Path.Combine(AppContext.BaseDirectory, "zkrsync.dll")])
            : (process, []);
    }
}
