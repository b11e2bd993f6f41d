namespace ZkSync.Contracts;

/// <summary>A path that failed every attempt, with the last error rsync reported for it (one line).</summary>
public sealed record FailedPath(string Path, string Error);
