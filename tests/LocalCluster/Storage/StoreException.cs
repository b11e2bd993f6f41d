namespace ZkSync.LocalCluster.Storage;

/// <summary>A store operation refused; the resource layer turns it into the matching API error.</summary>
public sealed class StoreException : Exception
{
    public StoreException(StoreError error, string message)
        : base(message)
    {
        Error = error;
    }

    public StoreException()
        : this(StoreError.NotFound, "not found")
    {
    }

    public StoreException(string message)
        : this(StoreError.NotFound, message)
    {
    }

    public StoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StoreError Error { get; }
}
