namespace ZkSync.LocalCluster.Semantics;

/// <summary>A patch that cannot be applied (a JSON patch test that failed, a path that does not exist, a malformed directive ...).</summary>
public sealed class PatchException : Exception
{
    public PatchException()
        : base("the patch cannot be applied")
    {
    }

    public PatchException(string message)
        : base(message)
    {
    }

    public PatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
