namespace ZkSync.Worker.Walk;

/// <summary>The walk cannot be done as asked (bad <c>--rsubpaths</c>, base path not a directory, ...).</summary>
public sealed class PathWalkException : Exception
{
    public PathWalkException()
    {
    }

    public PathWalkException(string message)
        : base(message)
    {
    }

    public PathWalkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
