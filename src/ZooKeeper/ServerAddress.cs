namespace ZkSync.ZooKeeper;

/// <summary>One server of a connection string.</summary>
public sealed record ServerAddress(string Host, int Port)
{
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
